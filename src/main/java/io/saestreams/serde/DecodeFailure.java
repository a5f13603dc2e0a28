package io.saestreams.serde;

/**
 * Why a payload could not be decoded. The {@link #code()} is stable and meant to be written to a
 * dead-letter record; {@link #isPoisonPayload()} tells whether the bytes themselves are at fault
 * (dead-letter them) or the environment (the registry; retrying later may succeed: stop, and
 * commit nothing past the record).
 *
 * <p>A schema id the registry does not know is poison ({@link #UNKNOWN_SCHEMA_ID}) only when the
 * registry, healthy, knows a higher id; otherwise it is {@link #UNCONFIRMED_SCHEMA_ID}, a registry
 * fault (see {@link io.saestreams.registry.SchemaRegistryClient#getById}).
 */
public enum DecodeFailure {
  /** Zero-length payload (a null payload is a tombstone and not a failure). */
  EMPTY(true),
  /** First byte is not the Confluent magic byte 0. */
  BAD_MAGIC(true),
  /** Magic byte present but fewer than the 4 bytes of the schema id follow. */
  TRUNCATED_HEADER(true),
  /**
   * The registry does not know the schema id in the header, and it knows a higher one: it handed
   * out ids past this one, and this one is not among them. The id is bogus.
   */
  UNKNOWN_SCHEMA_ID(true),
  /**
   * The registry does not know the schema id in the header and cannot confirm that the id is
   * bogus: it knows no higher id (it is empty, was reset, is the wrong registry or lags behind),
   * or could not list its schemas — and went on not knowing it for the whole retry budget. A
   * registry fault, not the payload's.
   */
  UNCONFIRMED_SCHEMA_ID(false),
  /** The writer schema cannot be resolved into the reader schema. */
  INCOMPATIBLE_SCHEMA(true),
  /** The Avro body ends before the record does. */
  TRUNCATED_AVRO(true),
  /** The Avro body is not a valid encoding under the writer schema. */
  MALFORMED_AVRO(true),
  /** Bytes remain after the record was fully decoded. */
  TRAILING_BYTES(true),
  /**
   * The registry could not be reached or failed (connection error, timeout, HTTP 5xx) for the
   * whole retry budget.
   */
  REGISTRY_UNAVAILABLE(false),
  /** The registry refused the request for another reason (for example authentication). */
  REGISTRY_ERROR(false);

  private final boolean poisonPayload;

  DecodeFailure(boolean poisonPayload) {
    this.poisonPayload = poisonPayload;
  }

  /** Stable machine-readable code, equal to the constant's name. */
  public String code() {
    return name();
  }

  /** Whether the payload itself is at fault, as opposed to the registry. */
  public boolean isPoisonPayload() {
    return poisonPayload;
  }
}
