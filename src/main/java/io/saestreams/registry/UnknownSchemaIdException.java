package io.saestreams.registry;

/**
 * The registry answered that it does not know a schema id ({@code error_code} 40403). Whether that
 * proves the id bogus is {@link #confirmed()}: only when the registry also answered, in good
 * health, that it knows a higher id — so it has assigned ids past this one and this one is not
 * among them. Otherwise (the registry knows no higher id, for example because it is empty, was
 * reset, is the wrong registry or lags behind; or it could not list its schemas) the answer is a
 * registry fault like an outage: {@link #isUnavailable()} is then true.
 */
public class UnknownSchemaIdException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  private final int schemaId;
  private final int highestKnownId;
  private final boolean confirmed;

  /**
   * @param schemaId the id asked for
   * @param highestKnownId the highest id the registry said it knows ({@code 0}: none), or
   *     {@code -1} when it could not tell
   * @param confirmed whether the registry confirmed the id as bogus
   */
  public UnknownSchemaIdException(
      int httpStatus, int schemaId, int highestKnownId, boolean confirmed, String message, Throwable cause) {
    super(httpStatus, SCHEMA_NOT_FOUND, message, cause);
    this.schemaId = schemaId;
    this.highestKnownId = highestKnownId;
    this.confirmed = confirmed;
  }

  /** The id asked for. */
  public int schemaId() {
    return schemaId;
  }

  /** The highest id the registry said it knows ({@code 0}: none), or {@code -1} if unknown. */
  public int highestKnownId() {
    return highestKnownId;
  }

  /** Whether the registry, healthy, knows a higher id: the id is bogus, not merely not yet known. */
  public boolean confirmed() {
    return confirmed;
  }

  /** True when the id is not {@link #confirmed()} bogus: a registry fault, like an outage. */
  @Override
  public boolean isUnavailable() {
    return !confirmed;
  }
}
