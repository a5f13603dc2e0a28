package io.saestreams.stream.validate;

/**
 * The outcome of validating one record: exactly one of {@code input} and {@code rejection} is
 * set; {@code rawValue} is the original payload (kept for the dead-letter topic).
 */
public record Validated(ValidInput input, Rejection rejection, byte[] rawValue) {
  public static Validated valid(ValidInput input, byte[] rawValue) {
    return new Validated(input, null, rawValue);
  }

  public static Validated rejected(Rejection rejection, byte[] rawValue) {
    return new Validated(null, rejection, rawValue);
  }

  public boolean isValid() {
    return input != null;
  }
}
