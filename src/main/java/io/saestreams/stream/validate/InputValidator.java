package io.saestreams.stream.validate;

import io.saestreams.avro.InputVector;
import io.saestreams.model.linalg.VectorOps;
import io.saestreams.serde.AvroDecodeException;
import io.saestreams.serde.FloatList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Decodes and checks one input payload. Poison payloads (undecodable bytes, wrong dimension,
 * NaN/Inf, empty vector, null, an id longer than {@code input.id.max.bytes}, or an input whose
 * derived records would exceed the producer's record limit, see {@link InputLimits}) become a
 * {@link Rejection}; a decode failure that is not the
 * payload's fault (the registry is unreachable) is rethrown so that the record is retried, never
 * dead-lettered.
 */
public final class InputValidator {
  private final Deserializer<InputVector> deserializer;
  private final int inputDim;
  private final InputLimits limits;

  public InputValidator(Deserializer<InputVector> deserializer, int inputDim) {
    this(deserializer, inputDim, InputLimits.DEFAULTS);
  }

  public InputValidator(Deserializer<InputVector> deserializer, int inputDim, InputLimits limits) {
    this.deserializer = deserializer;
    this.inputDim = inputDim;
    this.limits = limits;
  }

  public InputLimits limits() {
    return limits;
  }

  /**
   * @throws AvroDecodeException when the failure is not the payload's ({@code isPoisonPayload()}
   *     is false)
   */
  public Validated validate(String topic, byte[] value) {
    return validate(topic, null, value);
  }

  /**
   * Validates a record with key {@code key} (which the outputs carry, so it counts towards their
   * size).
   *
   * @throws AvroDecodeException when the failure is not the payload's ({@code isPoisonPayload()}
   *     is false)
   */
  public Validated validate(String topic, byte[] key, byte[] value) {
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
    return validate(key, decoded, value);
  }

  /**
   * Checks an input that is already decoded (e.g. parsed from JSON by a live query): the same
   * checks as for a record, without the decoding.
   *
   * @param key the record key the outputs would carry, or null
   * @param rawValue kept in the {@link Validated} for the dead-letter topic; may be null
   */
  public Validated validate(byte[] key, InputVector decoded, byte[] rawValue) {
    Rejection problem = checkSize(decoded.getValues());
    if (problem == null) {
      problem = checkBytes(key, decoded);
    }
    float[] x = null;
    if (problem == null) {
      x = FloatList.toArray(decoded.getValues());
      problem = checkFinite(x);
    }
    if (problem != null) {
      return Validated.rejected(problem, rawValue);
    }
    return Validated.valid(
        new ValidInput(decoded.getId(), decoded.getTimestamp().toEpochMilli(), x, decoded.getAttributes()), rawValue);
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

  private Rejection checkBytes(byte[] key, InputVector v) {
    int idBytes = utf8Length(v.getId());
    if (idBytes > limits.maxIdBytes()) {
      return new Rejection(Rejection.ID_TOO_LONG, "the id is " + idBytes + " bytes long (UTF-8); at most "
          + limits.maxIdBytes() + " are accepted (input.id.max.bytes)");
    }
    long attributes = 0;
    if (v.getAttributes() != null) {
      for (var e : v.getAttributes().entrySet()) {
        attributes += utf8Length(e.getKey()) + utf8Length(e.getValue()) + 8;
      }
    }
    int keyBytes = key == null ? 0 : key.length;
    long derived = InputLimits.derivedRecordBytes(keyBytes, idBytes, v.getValues().size(), attributes);
    if (derived > limits.maxRecordBytes()) {
      return new Rejection(Rejection.RECORD_TOO_LARGE, "the records derived from this input would take up to "
          + derived + " bytes (key " + keyBytes + ", id " + idBytes + ", attributes " + attributes
          + "), more than the producer's max.request.size of " + limits.maxRecordBytes());
    }
    return null;
  }

  /** UTF-8 length of {@code s} without encoding it (null counts 0). */
  static int utf8Length(CharSequence s) {
    return s == null ? 0 : Utils.utf8Length(s);
  }

  private static Rejection checkFinite(float[] x) {
    // one vectorised pass for the common case: a NaN or an infinity makes the sum of squares
    // non-finite (so can huge finite values; then the scan below finds nothing to reject)
    if (Double.isFinite(VectorOps.sumOfSquares(x, 0, x.length))) {
      return null;
    }
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        return new Rejection(Rejection.NON_FINITE, "value " + i + " is " + x[i] + "; every value must be finite");
      }
    }
    return null;
  }
}
