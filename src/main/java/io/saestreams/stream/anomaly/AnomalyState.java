package io.saestreams.stream.anomaly;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Exponentially weighted moments of the log error: records observed and the weighted mean and
 * variance — what the sigmas threshold mode ({@link SigmaThreshold}) has learnt. The
 * false-alarm-rate mode keeps its robust level and squared upper spread in the same record (see
 * {@code FalseAlarmRateThreshold#learnLevel}); {@link #add} is not used there. Serialises to 25
 * bytes.
 *
 * <p>{@link #add} is the incremental update of Finch, "Incremental calculation of weighted mean
 * and variance" (2009), with weight α_n = max(1/n, 1 − λ), so that the first records get their
 * exact running moments: δ = y − μ; μ += α·δ; σ² = (1 − α)(σ² + α·δ²).
 */
public record AnomalyState(long count, double mean, double variance) {
  /** Nothing observed yet. */
  public static final AnomalyState EMPTY = new AnomalyState(0, 0, 0);

  /** Errors are floored here before the logarithm (an exact reconstruction has error 0). */
  static final double MIN_ERROR = 1e-30;

  /** Floor of the spread in log units, so a constant error stream does not make every wobble an alert. */
  static final double MIN_STD = 1e-3;

  private static final byte FORMAT = 1;
  private static final int SIZE = 1 + 3 * Long.BYTES;

  public AnomalyState {
    if (count < 0 || !Double.isFinite(mean) || !(variance >= 0) || Double.isInfinite(variance)) {
      throw new IllegalArgumentException(
          "invalid anomaly state: count=" + count + " mean=" + mean + " variance=" + variance);
    }
  }

  /** The moments after one more value {@code y}, with decay λ = {@code decay}. */
  public AnomalyState add(double y, double decay) {
    long n = count + 1;
    double alpha = Math.max(1.0 / n, 1 - decay);
    double delta = y - mean;
    double step = alpha * delta;
    return new AnomalyState(n, mean + step, (1 - alpha) * (variance + delta * step));
  }

  /** The standard deviation, floored at {@link #MIN_STD}. */
  public double std() {
    return Math.max(Math.sqrt(variance), MIN_STD);
  }

  /** log(error), the error floored at {@link #MIN_ERROR}. */
  static double logError(double error) {
    return Math.log(Math.max(error, MIN_ERROR));
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
