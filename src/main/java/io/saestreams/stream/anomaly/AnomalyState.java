package io.saestreams.stream.anomaly;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * What an {@link AnomalyDetector} has learnt: records observed and the exponentially weighted
 * mean and variance of their log error. Serialises to 25 bytes.
 */
public record AnomalyState(long count, double mean, double variance) {
  /** Nothing observed yet. */
  public static final AnomalyState EMPTY = new AnomalyState(0, 0, 0);

  private static final byte FORMAT = 1;
  private static final int SIZE = 1 + 3 * Long.BYTES;

  public AnomalyState {
    if (count < 0 || !Double.isFinite(mean) || !(variance >= 0) || Double.isInfinite(variance)) {
      throw new IllegalArgumentException(
          "invalid anomaly state: count=" + count + " mean=" + mean + " variance=" + variance);
    }
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).put(FORMAT).putLong(count).putDouble(mean).putDouble(variance).array();
  }

  /** Reads {@link #toBytes()}; throws IllegalArgumentException on anything else. */
  public static AnomalyState fromBytes(byte[] bytes) {
    if (bytes.length != SIZE || bytes[0] != FORMAT) {
      throw new IllegalArgumentException(
          "not an anomaly state: " + bytes.length + " bytes, expected " + SIZE + " of format " + FORMAT);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE - 1);
      return new AnomalyState(b.getLong(), b.getDouble(), b.getDouble());
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated anomaly state", e);
    }
  }
}
