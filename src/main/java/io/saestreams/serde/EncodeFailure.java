package io.saestreams.serde;

/** Why a record could not be serialized; {@link #code()} is stable. */
public enum EncodeFailure {
  /** The value is not an Avro record, enum or fixed carrying its schema. */
  NOT_AVRO,
  /** The record does not conform to its own schema (for example a null in a non-null field). */
  INVALID_RECORD,
  /** Auto-registration is off and the schema is not registered under the subject. */
  SCHEMA_NOT_REGISTERED,
  /** The registry rejected the schema as incompatible with the subject's earlier versions. */
  INCOMPATIBLE_SCHEMA,
  /** The registry could not be reached or failed (connection error, timeout, HTTP 5xx). */
  REGISTRY_UNAVAILABLE,
  /** The registry refused the request for another reason. */
  REGISTRY_ERROR;

  /** Stable machine-readable code, equal to the constant's name. */
  public String code() {
    return name();
  }
}
