package io.saestreams.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/** A record that could not be serialized, with a machine-readable {@link EncodeFailure}. */
public class AvroEncodeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final EncodeFailure failure;

  public AvroEncodeException(EncodeFailure failure, String message, Throwable cause) {
    super(Objects.requireNonNull(failure, "failure").code() + ": " + message, cause);
    this.failure = failure;
  }

  public EncodeFailure failure() {
    return failure;
  }

  /** Shorthand for {@code failure().code()}. */
  public String code() {
    return failure.code();
  }
}
