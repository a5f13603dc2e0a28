package io.saestreams.stream.validate;

import io.saestreams.serde.AvroDecodeException;
import java.util.Locale;

/**
 * Why an input was rejected.
 *
 * @param reason a short stable code for the {@code sae.dlq.reason} header and the metric tag:
 *     the decode failure's name in lower-kebab case ({@code bad-magic}, {@code unknown-schema-id},
 *     {@code malformed-avro}, ...) or one of the constants below
 * @param detail human-readable text for the {@code sae.dlq.detail} header
 */
public record Rejection(String reason, String detail) {
  public static final String WRONG_DIMENSION = "wrong-dimension";
  public static final String NON_FINITE = "non-finite";
  public static final String EMPTY_VECTOR = "empty-vector";
  public static final String NULL_VALUE = "null-value";
  public static final String ID_TOO_LONG = "id-too-long";
  public static final String RECORD_TOO_LARGE = "record-too-large";

  /** The rejection of a payload that could not be decoded. */
  public static Rejection of(AvroDecodeException e) {
    return new Rejection(e.failure().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.getMessage());
  }
}
