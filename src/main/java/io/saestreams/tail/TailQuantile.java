package io.saestreams.tail;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An online estimate of the (1 − q) quantile of a stream — the threshold above which a fraction q
 * of the values lies — for q from about 0.0005 to 0.25, in bounded memory.
 *
 * <p>The first {@code calibration} values are kept; their empirical quantile at level 1 − q_t,
 * with q_t = min(0.25, max(0.02, 5q)), becomes the initial threshold t (it leaves about
 * q_t·calibration peaks to start with, and a tail that starts well below the target quantile).
 * From then on every value above t is a peak, kept with its position in the stream; peaks older
 * than the last {@code window} values leave (drift), and so do the oldest once {@code maxPeaks}
 * are kept, the covered span shrinking with them so that N_t / n — peaks per value — stays
 * right. The quantile is read from the retained peaks:
 *
 * <ul>
 *   <li>empirical ({@link Method#EMPIRICAL}) when the covered span n holds at least
 *       {@value #MIN_EXCEEDANCES} expected exceedances of the quantile (q·n ≥ 50): the
 *       ⌈q·n⌉-th largest value, which is t plus the ⌈q·n⌉-th largest peak;
 *   <li>extreme-value ({@link Method#EVT}) otherwise: a generalised Pareto distribution fitted to
 *       the peaks by maximum likelihood ({@link GpdFit}), and z_q = t + (σ/γ)((q·n/N_t)^(−γ) − 1)
 *       (γ = 0: t − σ·ln(q·n/N_t)), as in SPOT (Siffer et al., KDD 2017).
 * </ul>
 *
 * The fit is refreshed when the number of peaks since the last fit reaches 1/16 of those
 * retained, not at every peak: fitting 2,000 peaks takes about 0.7 ms here, as much as scoring
 * about a hundred records. Values are kept as floats, in the live object as in its saved form, so
 * that a restored estimator continues bit for bit as the one that saved it. Deterministic, not
 * thread-safe.
 */
public final class TailQuantile {
  /** How the current threshold is read. */
  public enum Method {
    CALIBRATING,
    EMPIRICAL,
    EVT
  }

  /**
   * @param q the target exceedance probability, in (0, 0.25]
   * @param calibration values collected before the first threshold, in [50, 2000]
   * @param maxPeaks most peaks retained, in [50, 4000]
   * @param window values the estimate represents (older peaks leave), at least {@code calibration}
   */
  public record Settings(double q, int calibration, int maxPeaks, int window) {
    public Settings {
      if (!(q > 0 && q <= 0.25)) {
        throw new IllegalArgumentException("q must be in (0, 0.25], got " + q);
      }
      if (calibration < 50 || calibration > 2000) {
        throw new IllegalArgumentException("calibration must be in [50, 2000], got " + calibration);
      }
      if (maxPeaks < 50 || maxPeaks > 4000) {
        throw new IllegalArgumentException("maxPeaks must be in [50, 4000], got " + maxPeaks);
      }
      if (window < calibration) {
        throw new IllegalArgumentException(
            "window must be at least calibration (" + calibration + "), got " + window);
      }
    }

    /** The exceedance probability of the initial threshold t. */
    public double initialLevel() {
      return Math.min(0.25, Math.max(0.02, 5 * q));
    }
  }

  /** Fewest expected exceedances of the quantile in the covered span for the empirical reading. */
  public static final int MIN_EXCEEDANCES = 50;
  private static final byte FORMAT = 1;

  private final Settings settings;
  private long count;
  private float[] calibrationValues;
  private double initial = Double.NaN;
  // ring of peaks in arrival order: excess over t and position in the stream
  private final float[] peaks;
  private final long[] positions;
  private int head;
  private int size;
  /** The first stream position the retained peaks cover completely. */
  private long coveredFrom;
  // the current fit, and a sorted copy of the peaks for the empirical reading
  private Gpd fit;
  private int peaksSinceFit;
  private final float[] scratch;
  private boolean sorted;

  public TailQuantile(Settings settings) {
    this.settings = settings;
    this.calibrationValues = new float[settings.calibration()];
    this.peaks = new float[settings.maxPeaks()];
    this.positions = new long[settings.maxPeaks()];
    this.scratch = new float[settings.maxPeaks()];
  }

  public Settings settings() {
    return settings;
  }

  /** Values observed so far. */
  public long count() {
    return count;
  }

  public boolean isCalibrated() {
    return calibrationValues == null;
  }

  /** The initial threshold t (NaN while calibrating). */
  public double initialThreshold() {
    return initial;
  }

  /** Peaks retained. */
  public int peakCount() {
    return size;
  }

  /** Learns one value (non-finite values are ignored). */
  public void observe(double value) {
    if (!Double.isFinite(value)) {
      return;
    }
    float v = (float) value;
    long position = count++;
    if (calibrationValues != null) {
      calibrationValues[(int) position] = v;
      if (count == calibrationValues.length) {
        calibrate();
      }
      return;
    }
    long oldest = count - settings.window();
    while (size > 0 && positions[head] < oldest) {
      drop();
    }
    coveredFrom = Math.max(coveredFrom, oldest);
    if (v > initial) {
      if (size == peaks.length) {
        coveredFrom = positions[head] + 1;
        drop();
      }
      int at = (head + size) % peaks.length;
      peaks[at] = (float) (v - initial);
      positions[at] = position;
      size++;
      peaksSinceFit++;
      sorted = false;
    }
    refitIfDue();
  }

  /**
   * Refits the GPD when extreme-value reading is in use and enough peaks arrived since the last
   * fit. Done here, not when the threshold is read, so that when fits happen depends on the data
   * alone (a restored estimator refits at the same points).
   */
  private void refitIfDue() {
    if (size > 0 && method() == Method.EVT && (fit == null || peaksSinceFit * 16 >= size)) {
      for (int i = 0; i < size; i++) {
        scratch[i] = peaks[(head + i) % peaks.length];
      }
      fit = GpdFit.fit(scratch, size);
      peaksSinceFit = 0;
      sorted = false;
    }
  }

  /** The estimated (1 − q) quantile; NaN while calibrating. Finite once calibrated. */
  public double threshold() {
    if (calibrationValues != null) {
      return Double.NaN;
    }
    if (size == 0) {
      return initial;
    }
    if (method() == Method.EMPIRICAL) {
      if (!sorted) {
        for (int i = 0; i < size; i++) {
          scratch[i] = peaks[(head + i) % peaks.length];
        }
        Arrays.sort(scratch, 0, size);
        sorted = true;
      }
      // the k-th largest peak: ascending order, index size − k
      return initial + scratch[size - exceedances()];
    }
    if (fit == null) {
      return initial;
    }
    double ratio = settings.q() * covered() / size;
    if (ratio >= 1) {
      // the target lies below t: the peaks say nothing finer than t itself
      return initial;
    }
    double z = initial + fit.quantileOfSurvival(ratio);
    return Double.isFinite(z) ? z : initial;
  }

  /** How {@link #threshold()} is read now. */
  public Method method() {
    if (calibrationValues != null) {
      return Method.CALIBRATING;
    }
    return settings.q() * covered() >= MIN_EXCEEDANCES && size >= exceedances() ? Method.EMPIRICAL : Method.EVT;
  }

  private long covered() {
    return Math.max(1, count - coveredFrom);
  }

  private int exceedances() {
    return (int) Math.ceil(settings.q() * covered());
  }

  private void drop() {
    head = (head + 1) % peaks.length;
    size--;
    sorted = false;
  }

  private void calibrate() {
    float[] ascending = calibrationValues.clone();
    Arrays.sort(ascending);
    int n = ascending.length;
    int above = (int) Math.max(1, Math.round(settings.initialLevel() * n));
    initial = ascending[n - above - 1];
    float[] values = calibrationValues;
    calibrationValues = null;
    coveredFrom = 0;
    for (int i = 0; i < n; i++) {
      if (values[i] > initial) {
        peaks[size] = (float) (values[i] - initial);
        positions[size] = i;
        size++;
      }
    }
    peaksSinceFit = size;
    this.sorted = false;
    refitIfDue();
  }

  // ---------------------------------------------------------------- state

  /** The whole state: a restored estimator continues exactly as this one. */
  public byte[] toBytes() {
    boolean calibrating = calibrationValues != null;
    int values = calibrating ? (int) count : size;
    boolean hasFit = fit != null;
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + 8 + 8 + 8 + 4 + 4 + 1 + 16 + 4 + values * (calibrating ? 4 : 12));
    b.put(FORMAT).put((byte) (calibrating ? 1 : 0)).putLong(count).putDouble(initial).putLong(coveredFrom)
        .putInt(peaksSinceFit).putInt(values).put((byte) (hasFit ? 1 : 0))
        .putDouble(hasFit ? fit.shape() : 0).putDouble(hasFit ? fit.scale() : 1)
        .putInt(settings.maxPeaks());
    for (int i = 0; i < values; i++) {
      if (calibrating) {
        b.putFloat(calibrationValues[i]);
      } else {
        int at = (head + i) % peaks.length;
        b.putFloat(peaks[at]).putLong(positions[at]);
      }
    }
    return b.array();
  }

  /** Restores {@link #toBytes()} under the same settings; throws IllegalArgumentException otherwise. */
  public static TailQuantile fromBytes(Settings settings, byte[] bytes) {
    TailQuantile t = new TailQuantile(settings);
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT) {
        throw new IllegalArgumentException("not a tail quantile state: format " + format + ", expected " + FORMAT);
      }
      boolean calibrating = b.get() == 1;
      t.count = b.getLong();
      t.initial = b.getDouble();
      t.coveredFrom = b.getLong();
      t.peaksSinceFit = b.getInt();
      int values = b.getInt();
      boolean hasFit = b.get() == 1;
      double shape = b.getDouble();
      double scale = b.getDouble();
      int maxPeaks = b.getInt();
      if (maxPeaks != settings.maxPeaks() || t.count < 0 || values < 0
          || (calibrating ? values != t.count || values >= settings.calibration() : values > maxPeaks)
          || (!calibrating && !Double.isFinite(t.initial))) {
        throw new IllegalArgumentException("tail quantile state does not fit the settings " + settings);
      }
      t.fit = hasFit ? new Gpd(shape, scale) : null;
      for (int i = 0; i < values; i++) {
        if (calibrating) {
          t.calibrationValues[i] = b.getFloat();
        } else {
          t.peaks[i] = b.getFloat();
          t.positions[i] = b.getLong();
        }
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("tail quantile state has " + b.remaining() + " trailing bytes");
      }
      if (!calibrating) {
        t.calibrationValues = null;
        t.size = values;
      }
      return t;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated tail quantile state of " + bytes.length + " bytes", e);
    }
  }
}
