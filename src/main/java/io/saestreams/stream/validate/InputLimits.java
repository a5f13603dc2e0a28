package io.saestreams.stream.validate;

/**
 * Bounds on one input, so that every record the application derives from a valid input can be
 * written. Under exactly_once_v2 a record the producer refuses (over {@code max.request.size},
 * for instance) aborts the whole transaction, and the same input then fails again at every retry
 * and every restart: such an input must be rejected before anything is produced for it.
 *
 * @param maxIdBytes longest input id accepted, in UTF-8 bytes ({@code input.id.max.bytes})
 * @param maxRecordBytes largest record the application's producer may write
 *     ({@code max.request.size} of the Streams producer)
 */
public record InputLimits(int maxIdBytes, int maxRecordBytes) {
  /** Kafka's default {@code max.request.size} (and, near enough, the broker's record limit). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
  public static final int DEFAULT_MAX_ID_BYTES = 1_024;
  /**
   * Room for what a derived record adds to the input's own bytes: record and batch headers,
   * Avro and Confluent framing, the model version, timestamps, the source reference.
   */
  static final int OVERHEAD_BYTES = 1_024;

  public static final InputLimits DEFAULTS = new InputLimits(DEFAULT_MAX_ID_BYTES, DEFAULT_MAX_RECORD_BYTES);

  public InputLimits {
    if (maxIdBytes < 1) {
      throw new IllegalArgumentException("maxIdBytes must be >= 1, was " + maxIdBytes);
    }
    if (maxRecordBytes <= OVERHEAD_BYTES) {
      throw new IllegalArgumentException("maxRecordBytes must be > " + OVERHEAD_BYTES + ", was " + maxRecordBytes);
    }
  }

  /**
   * An upper bound of the largest record derived from one input: the training sample (id as key
   * and in the value, the values), the scoring buffer's entry and the outputs (the input's key, id,
   * values or code, attributes).
   */
  static long derivedRecordBytes(int keyBytes, int idBytes, int dim, long attributeBytes) {
    return (long) keyBytes + 2L * idBytes + 4L * dim + attributeBytes + OVERHEAD_BYTES;
  }

  /** Whether even an input with an empty id, key and attributes would derive records too large. */
  public boolean fits(int dim) {
    return derivedRecordBytes(0, 0, dim, 0) <= maxRecordBytes;
  }
}
