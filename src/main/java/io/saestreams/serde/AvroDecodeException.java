package io.saestreams.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/** A payload that could not be decoded, with a machine-readable {@link DecodeFailure}. */
public class AvroDecodeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final DecodeFailure failure;
  private final int schemaId;

  /**
   * @param failure the reason code
   * @param schemaId the schema id from the header, or -1 when the header could not be read
   * @param message human-readable detail
   * @param cause underlying exception, may be null
   */
  public AvroDecodeException(DecodeFailure failure, int schemaId, String message, Throwable cause) {
    super(Objects.requireNonNull(failure, "failure").code() + ": " + message, cause);
    this.failure = failure;
    this.schemaId = schemaId;
  }

  public DecodeFailure failure() {
    return failure;
  }

  /** Shorthand for {@code failure().code()}. */
  public String code() {
    return failure.code();
  }

  /** The schema id read from the header, or -1 when it could not be read. */
  public int schemaId() {
    return schemaId;
  }
}
