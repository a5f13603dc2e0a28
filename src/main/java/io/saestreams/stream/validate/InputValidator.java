package io.saestreams.stream.validate;

import io.saestreams.avro.InputVector;
import io.saestreams.serde.AvroDecodeException;
import io.saestreams.serde.FloatList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes and checks one input payload. Poison payloads (undecodable bytes, wrong dimension,
 * NaN/Inf, empty vector, null) become a {@link Rejection}; a decode failure that is not the
 * payload's fault (the registry is unreachable) is rethrown so that the record is retried, never
 * dead-lettered.
 */
public final class InputValidator {
  private final Deserializer<InputVector> deserializer;
  private final int inputDim;

  public InputValidator(Deserializer<InputVector> deserializer, int inputDim) {
    this.deserializer = deserializer;
    this.inputDim = inputDim;
  }

  /**
   * @throws AvroDecodeException when the failure is not the payload's ({@code isPoisonPayload()}
   *     is false)
   */
  public Validated validate(String topic, byte[] value) {
    if (value == null) {
      return Validated.rejected(new Rejection(Rejection.NULL_VALUE, "the record has no value (a tombstone)"), null);
    }
    InputVector decoded;
    try {
      decoded = deserializer.deserialize(topic, value);
    } catch (AvroDecodeException e) {
      if (!e.failure().isPoisonPayload()) {
        throw e;
      }
      return Validated.rejected(Rejection.of(e), value);
    }
    Rejection problem = checkSize(decoded.getValues());
    float[] x = null;
    if (problem == null) {
      x = FloatList.toArray(decoded.getValues());
      problem = checkFinite(x);
    }
    if (problem != null) {
      return Validated.rejected(problem, value);
    }
    return Validated.valid(
        new ValidInput(decoded.getId(), decoded.getTimestamp().toEpochMilli(), x, decoded.getAttributes()), value);
  }

  private Rejection checkSize(List<Float> values) {
    if (values.isEmpty()) {
      return new Rejection(Rejection.EMPTY_VECTOR, "the vector has no values; expected " + inputDim);
    }
    if (values.size() != inputDim) {
      return new Rejection(
          Rejection.WRONG_DIMENSION, "the vector has " + values.size() + " values; expected " + inputDim);
    }
    return null;
  }

  private static Rejection checkFinite(float[] x) {
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        return new Rejection(Rejection.NON_FINITE, "value " + i + " is " + x[i] + "; every value must be finite");
      }
    }
    return null;
  }
}
