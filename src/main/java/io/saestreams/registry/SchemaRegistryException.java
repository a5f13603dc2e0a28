package io.saestreams.registry;

/**
 * A failed Schema Registry call. Carries the HTTP status ({@code 0} when no HTTP response was
 * received at all, for example a refused connection or a timeout) and the Confluent
 * {@code error_code} from the JSON error body ({@code 0} when the body had none).
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Confluent error code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** Confluent error code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;
  /** Confluent error code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;
  /** Confluent error code: subject was soft-deleted. */
  public static final int SUBJECT_SOFT_DELETED = 40404;
  /** Confluent error code: subject has no subject-level compatibility configured. */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
  /** Confluent error code (and HTTP status): incompatible schema. */
  public static final int INCOMPATIBLE_SCHEMA = 409;
  /** Confluent error code: invalid schema. */
  public static final int INVALID_SCHEMA = 42201;
  /** Confluent error code: invalid version. */
  public static final int INVALID_VERSION = 42202;
  /** Confluent error code: invalid compatibility level. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  /** Confluent error code: backend store error. */
  public static final int STORE_ERROR = 50001;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(int httpStatus, int errorCode, String message) {
    this(httpStatus, errorCode, message, null);
  }

  public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** HTTP status of the failed response, or {@code 0} if no response was received. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent {@code error_code} of the failed response, or {@code 0} if there was none. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry answered that the subject, version or schema does not exist. */
  public boolean isNotFound() {
    return errorCode == SUBJECT_NOT_FOUND
        || errorCode == VERSION_NOT_FOUND
        || errorCode == SCHEMA_NOT_FOUND
        || errorCode == SUBJECT_SOFT_DELETED;
  }

  /** Whether the failure is on the transport or server side (no response, or HTTP 5xx). */
  public boolean isUnavailable() {
    return httpStatus == 0 || httpStatus >= 500;
  }
}
