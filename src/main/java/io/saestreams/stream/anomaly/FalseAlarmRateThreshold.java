package io.saestreams.stream.anomaly;

import io.saestreams.tail.TailQuantile;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code false-alarm-rate} threshold mode: the threshold is the (1 − q) quantile of recent
 * normal errors, so that about a fraction q of normal records is flagged.
 *
 * <p>Errors depend on the model version, which changes every few hundred training steps, and on
 * slow drift of the data. Both are factored out by standardising the log error: a record is judged
 * by u = (log e − μ) / s, where μ and s are a robust level and upper spread of log e over this
 * version's records — the median and scaled median absolute deviation when learnt afresh, then
 * followed as an exponentially weighted median and the spread of the records just above it (see
 * {@link #learnLevel}), so that anomalies, however many, barely move them. The tail of u, which
 * keeps its shape from one version to the next far better than the raw error does (a better model
 * has smaller and also less spread errors), is learnt by a {@link TailQuantile} — an empirical
 * quantile for moderate q, a generalised Pareto fit to the peaks over a high threshold for small q
 * — across versions; the threshold on the error is exp(μ + s·min(u_q, {@value #GROSS_U})).
 *
 * <p>When a new version takes over, μ and s are handed over: during the handover the scorer
 * encodes each record with both versions (see {@link Observation#shadowError()}), and from the
 * paired log errors of the same records the new version's μ is the old one plus the difference of
 * the medians, its s the old one times the ratio of the two upper spreads — precise after a few dozen
 * records, so the switch raises neither a burst of false alarms nor a blind spell. When there was
 * no handover (a restart that finds a newer version), μ and s are learnt afresh on {@code
 * handoverRecords} records, during which nothing is flagged.
 *
 * <p>A flagged error counts as an exceedance with its value: the top q of normal errors is past
 * the threshold by definition, and leaving those out truncates the tail and drags the threshold
 * down (measured: 0.3 instead of 0.05 at q = 0.05). But while flagged records come at more than
 * {@value #EXCESS_FACTOR} times the target rate the tail learns them only at the target share
 * (see {@link #tailLearns}), and a gross outlier, more than {@value #GROSS_U} spreads above μ, is
 * never learnt (see {@link #GROSS_U}). Not thread-safe.
 */
final class FalseAlarmRateThreshold {
  private static final byte FORMAT = 3;
  /**
   * The format before the flagged rate, the thinning credit, the share above the cutoff and the
   * errors collected afresh were kept: read with the first three at their initial values.
   */
  private static final byte FORMAT_2 = 2;
  /** The flagged rate is an average over this many expected false alarms (window {@code N / q}). */
  static final double RATE_WINDOW_ALARMS = 5;
  /** Flagged records are thinned while the flagged rate is above this many times the target. */
  static final double EXCESS_FACTOR = 2;
  /** s is learnt from the records in (μ, μ + {@value #CUTOFF}·s] only (see {@link #learnLevel}). */
  static final double CUTOFF = 2;
  /** Φ(c) and φ(c) at c = {@link #CUTOFF}. */
  private static final double PHI_C = 0.9772498680518208;
  private static final double DENSITY_C = 0.05399096651318806;
  /** σ of a normal distribution is this many times its median absolute deviation. */
  static final double MAD_TO_STD = 1.4826;
  /**
   * The mean square of a standard normal truncated to [0, c] (as of one truncated to [−c, c]):
   * 1 − 2cφ(c) / (2Φ(c) − 1).
   */
  private static final double KAPPA = 1 - 2 * CUTOFF * DENSITY_C / (2 * PHI_C - 1);
  /** Share of normal records above μ + c·s: 1 − Φ(c). */
  static final double OUTSIDE_EXPECTED = 1 - PHI_C;
  /** 1 / (2 f(median)) of a standard normal: √(2π)/2, the step that makes a sign update a median. */
  private static final double MEDIAN_STEP = 1.2533141373155003;
  /**
   * When more than this share of records lies above μ + c·s, averaged over {@value
   * #SHIFT_WINDOWS} windows, the error level has risen for good (new data, not anomalies): μ and s
   * are learnt afresh.
   */
  static final double SHIFT_FRACTION = 0.5;
  static final double SHIFT_WINDOWS = 4;
  /**
   * A log error more than {@value #GROSS_U} spreads above μ is a gross outlier: a normal
   * distribution puts three in ten million there, and counting such records among the
   * exceedances is what made a stream with anomalies more frequent than q from its first record
   * (the demo's 1 % at q = 0.0005) put its threshold among them. They are flagged once a threshold
   * exists, and learnt from by nothing; so the threshold never lies above μ + {@value #GROSS_U}·s.
   */
  static final double GROSS_U = 5;
  /** Φ(1): the quantile one σ above the median of a normal distribution. */
  private static final double ONE_SIGMA = 0.8413447460685429;
  /** Most recent peaks the tail fit keeps. */
  private static final int MAX_PEAKS = 2000;

  private final AnomalySettings settings;
  private final TailQuantile.Settings tailSettings;
  private TailQuantile tail;
  /** The version μ and s belong to; −1 before the first. */
  private long version = -1;
  /** μ and s² of this version's log errors (count: records learnt from since they were learnt afresh). */
  private AnomalyState moments = AnomalyState.EMPTY;
  /** The version scoring alongside, and the paired log errors (in force, shadow) so far. */
  private long shadowVersion = -1;
  private final float[] pairs;
  /** Log errors collected while μ and s are learnt afresh (as many as {@code moments.count()}). */
  private final float[] afresh;
  private int pairCount;
  /** Running share of judged records flagged, and the thinning credit (see {@link #tailLearns}). */
  private double flaggedRate;
  private double credit;
  /** Running share of judged records above μ + c·s (see {@link #learnLevel}). */
  private double outsideRate = OUTSIDE_EXPECTED;

  FalseAlarmRateThreshold(AnomalySettings settings) {
    this.settings = settings;
    this.tailSettings = tailSettings(settings);
    this.tail = new TailQuantile(tailSettings);
    this.pairs = new float[2 * settings.handoverRecords()];
    this.afresh = new float[settings.handoverRecords()];
    this.flaggedRate = settings.falseAlarmRate();
  }

  static TailQuantile.Settings tailSettings(AnomalySettings s) {
    double q = s.falseAlarmRate();
    // the window must hold enough exceedances of the target quantile to estimate it
    int window = (int) Math.min(1_000_000, Math.max(10_000, Math.ceil(100 / q)));
    return new TailQuantile.Settings(q, s.calibration(), MAX_PEAKS, window);
  }

  /** Judges the error of {@code o} under the statistics and tail learnt so far, then learns from it. */
  Judgement observe(Observation o) {
    if (o.modelVersion() != version) {
      switchTo(o.modelVersion());
    }
    double e = o.error();
    if (!(e >= 0) || Double.isInfinite(e)) {
      double threshold = threshold();
      return new Judgement(Double.MAX_VALUE, threshold, !Double.isNaN(threshold));
    }
    double y = AnomalyState.logError(e);
    double threshold = threshold();
    boolean calibrated = !Double.isNaN(threshold);
    boolean anomaly = calibrated && e > threshold;
    if (o.hasShadow() && o.shadowVersion() > version) {
      pair(o.shadowVersion(), y, AnomalyState.logError(o.shadowError()), anomaly);
    }
    if (moments.count() < settings.handoverRecords()) {
      // learning this version's statistics afresh, nothing flagged
      learnAfresh(y);
      return Judgement.NONE;
    }
    double score = calibrated && threshold > 0 ? Math.min(e / threshold, Double.MAX_VALUE) : 0;
    double u = (y - moments.mean()) / moments.std();
    // a gross outlier is no part of the normal tail: it is flagged, and learnt from by nothing
    boolean gross = u > GROSS_U;
    if (!gross && (!calibrated || tailLearns(anomaly))) {
      // a flagged error counts as an exceedance with its value (leaving the normal top q out would
      // truncate the tail and drag the threshold down)
      tail.observe(u);
    }
    learnLevel(y, gross);
    return new Judgement(score, threshold, anomaly);
  }

  /**
   * Collects the log errors of a version whose statistics are learnt afresh; once there are
   * {@code anomaly.handover.records} of them, μ is their median and s their median absolute
   * deviation scaled to a normal σ — robust to the anomalies among them, which plain moments
   * took in whole (one record in a hundred ten spreads above the rest doubles the variance).
   */
  private void learnAfresh(double y) {
    int n = (int) moments.count();
    afresh[n++] = (float) y;
    if (n < afresh.length) {
      moments = new AnomalyState(n, moments.mean(), moments.variance());
      return;
    }
    float[] sorted = afresh.clone();
    Arrays.sort(sorted);
    double median = quantile(sorted, 0.5);
    for (int i = 0; i < n; i++) {
      sorted[i] = (float) Math.abs(sorted[i] - median);
    }
    Arrays.sort(sorted);
    double s = MAD_TO_STD * quantile(sorted, 0.5);
    moments = new AnomalyState(n, median, s * s);
  }

  /**
   * Follows μ and s: μ as an exponentially weighted median (a step of α·1.2533·s towards each
   * record, α = 1 − decay: the median of a normal distribution), s as the upper spread — the
   * root mean square of y − μ over the records in (μ, μ + c·s], c = {@value #CUTOFF}, divided by
   * that of a half-normal distribution truncated at c. Neither the anomalies in the stream,
   * however many (above μ + c·s they move s not at all, and the median only by their share), nor
   * the long lower tail of log errors (records reconstructed almost exactly) move them, and s is
   * the spread of the side the threshold lies on: when a model that keeps improving stretches the
   * upper side more than the lower (measured on a small synthetic model), the standardised tail
   * keeps its shape. (With plain moments, the one in ten records of a contaminated stream that
   * are anomalies lifted the threshold until half the target rate of normals was flagged; with a
   * symmetric spread, the lower tail set the scale.) Gross outliers move nothing. More than
   * {@value #SHIFT_FRACTION} of the records above μ + c·s over {@value #SHIFT_WINDOWS} windows is
   * a lasting rise of the error level by more than the median follows: μ and s are learnt afresh.
   */
  private void learnLevel(double y, boolean gross) {
    double alpha = 1 - settings.decay();
    double d = y - moments.mean();
    double s = moments.std();
    boolean above = d > CUTOFF * s;
    outsideRate += ((above ? 1 : 0) - outsideRate) * alpha / SHIFT_WINDOWS;
    if (outsideRate > SHIFT_FRACTION) {
      moments = AnomalyState.EMPTY;
      outsideRate = OUTSIDE_EXPECTED;
      return;
    }
    if (gross) {
      return;
    }
    moments = follow(moments, y, alpha);
  }

  /** μ and s² after one more log error y (see {@link #learnLevel}). */
  static AnomalyState follow(AnomalyState m, double y, double alpha) {
    double d = y - m.mean();
    double s = m.std();
    double variance = m.variance();
    if (d > 0 && d <= CUTOFF * s) {
      variance += alpha * (d * d / KAPPA - variance);
    }
    double mean = m.mean() + alpha * MEDIAN_STEP * s * Math.signum(d);
    return new AnomalyState(m.count() + 1, mean, variance);
  }

  /**
   * Whether the tail learns from a judged record. Unflagged ones always; flagged ones while the
   * share of flagged records r stays within {@value #EXCESS_FACTOR} times the target q. Beyond
   * that the excess is anomalies, which cannot be told from the normal top q they outnumber: a
   * fraction q(1 − r) / ((1 − q)·r) of flagged records is learnt, deterministically spread (a
   * credit each flagged record adds that fraction to), so that the tail sees exceedances at exactly
   * the share q. Learnt with all their values, the anomalies lifted the tail; left out, the tail
   * is truncated and drags the threshold down; holding the tail still while the share is high
   * (tried) locks a threshold that a model which keeps improving has made too low (a rate of 4 q
   * that never came back). Thinned, the tail still creeps up slowly while anomalies last (each
   * learnt exceedance lies above the threshold): 0.5–0.6 q on normals over 10,000 records with one
   * borderline anomaly in ten, 0.2–0.4 q over the next 20,000; and it comes down when they stop.
   * The share is averaged over {@value #RATE_WINDOW_ALARMS} / q judged records; gross outliers do
   * not count in it.
   */
  private boolean tailLearns(boolean anomaly) {
    double q = settings.falseAlarmRate();
    double r = flaggedRate += ((anomaly ? 1 : 0) - flaggedRate) * Math.min(1, q / RATE_WINDOW_ALARMS);
    if (!anomaly || r <= EXCESS_FACTOR * q) {
      return true;
    }
    credit += q * (1 - r) / ((1 - q) * r);
    if (credit >= 1) {
      credit -= 1;
      return true;
    }
    return false;
  }

  /** The threshold on the error now; NaN while the statistics are learnt or the tail calibrates. */
  double threshold() {
    if (moments.count() < settings.handoverRecords() || !tail.isCalibrated()) {
      return Double.NaN;
    }
    // above μ + GROSS_U·s every record is flagged anyway (and the tail never sees one)
    double u = Math.min(tail.threshold(), GROSS_U);
    double t = Math.exp(moments.mean() + moments.std() * u);
    return Double.isFinite(t) ? t : Double.NaN;
  }

  private void pair(long shadow, double y, double yShadow, boolean anomaly) {
    if (shadow != shadowVersion) {
      shadowVersion = shadow;
      pairCount = 0;
    }
    if (!anomaly && 2 * pairCount < pairs.length && Double.isFinite(yShadow)) {
      pairs[2 * pairCount] = (float) y;
      pairs[2 * pairCount + 1] = (float) yShadow;
      pairCount++;
    }
  }

  private void switchTo(long newVersion) {
    if (newVersion == shadowVersion && pairCount >= AnomalySettings.MIN_HANDOVER_RECORDS
        && moments.count() >= settings.handoverRecords()) {
      // the statistics (complete: errors still being collected afresh belong to the old version
      // and start again) carry over, moved and scaled as the paired errors of the two versions on
      // the same records say (see handedOver)
      moments = handedOver(moments, pairs, pairCount);
    } else {
      moments = AnomalyState.EMPTY;
    }
    version = newVersion;
    shadowVersion = -1;
    pairCount = 0;
  }

  /**
   * μ and s of the new version from those of the old and {@code n} paired log errors (old, new)
   * of the same records: μ moves by the difference of the two medians, s scales by the ratio of
   * the two upper spreads, each read as the distance from the median to the 84th percentile (one σ
   * of a normal distribution). Like μ and s themselves, both are blind to the lower tail: a new
   * version that reconstructs the easy records far better stretches the lower tail of its errors,
   * and the mean difference and the ratio of standard deviations used before took that in — after
   * a large step of the model (measured in the alerts integration test: s 25 % too high) the
   * threshold sat so far out that a third of the target rate was flagged until s had followed.
   */
  static AnomalyState handedOver(AnomalyState m, float[] pairs, int n) {
    float[] before = new float[n];
    float[] after = new float[n];
    for (int i = 0; i < n; i++) {
      before[i] = pairs[2 * i];
      after[i] = pairs[2 * i + 1];
    }
    Arrays.sort(before);
    Arrays.sort(after);
    double medianBefore = quantile(before, 0.5);
    double medianAfter = quantile(after, 0.5);
    double spreadBefore = quantile(before, ONE_SIGMA) - medianBefore;
    double spreadAfter = quantile(after, ONE_SIGMA) - medianAfter;
    double ratio = spreadBefore > 0 && spreadAfter > 0 ? spreadAfter / spreadBefore : 1;
    return new AnomalyState(m.count(), m.mean() + medianAfter - medianBefore, m.variance() * ratio * ratio);
  }

  /** The p quantile of ascending values, interpolated between order statistics. */
  static double quantile(float[] ascending, double p) {
    double h = p * (ascending.length - 1);
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, ascending.length - 1);
    return ascending[lo] + (h - lo) * ((double) ascending[hi] - ascending[lo]);
  }

  // ---------------------------------------------------------------- state

  byte[] toBytes() {
    byte[] t = tail.toBytes();
    int collected = moments.count() < afresh.length ? (int) moments.count() : 0;
    ByteBuffer b = ByteBuffer.allocate(1 + 8 * 3 + 8 + 8 + 8 + 8 + 8 + 4 + 8 * pairCount + 4 + 4 * collected + 4 + t.length);
    b.put(FORMAT).putDouble(flaggedRate).putDouble(credit).putDouble(outsideRate).putLong(version).putDouble(moments.mean()).putDouble(moments.variance()).putLong(moments.count())
        .putLong(shadowVersion).putInt(pairCount);
    for (int i = 0; i < 2 * pairCount; i++) {
      b.putFloat(pairs[i]);
    }
    b.putInt(collected);
    for (int i = 0; i < collected; i++) {
      b.putFloat(afresh[i]);
    }
    b.putInt(t.length).put(t);
    return b.array();
  }

  /** Restores {@link #toBytes()}; throws IllegalArgumentException on anything else. */
  static FalseAlarmRateThreshold fromBytes(AnomalySettings settings, byte[] bytes) {
    FalseAlarmRateThreshold f = new FalseAlarmRateThreshold(settings);
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format == FORMAT) {
        f.flaggedRate = b.getDouble();
        f.credit = b.getDouble();
        f.outsideRate = b.getDouble();
      } else if (format != FORMAT_2) {
        throw new IllegalArgumentException("not a false-alarm-rate threshold state (format " + bytes[0] + ")");
      }
      f.version = b.getLong();
      double mean = b.getDouble();
      double variance = b.getDouble();
      long count = b.getLong();
      f.moments = new AnomalyState(count, mean, variance);
      f.shadowVersion = b.getLong();
      int n = b.getInt();
      if (n < 0 || 2 * n > f.pairs.length) {
        throw new IllegalArgumentException("corrupt false-alarm-rate threshold state: " + n + " pairs");
      }
      for (int i = 0; i < 2 * n; i++) {
        f.pairs[i] = b.getFloat();
      }
      f.pairCount = n;
      if (format == FORMAT) {
        int collected = b.getInt();
        if (collected != (count < f.afresh.length ? count : 0)) {
          throw new IllegalArgumentException("corrupt false-alarm-rate threshold state: " + collected
              + " errors collected afresh at count " + count);
        }
        for (int i = 0; i < collected; i++) {
          f.afresh[i] = b.getFloat();
        }
      } else if (count < f.afresh.length) {
        // the former format learnt plain moments afresh: learn them again, robustly
        f.moments = AnomalyState.EMPTY;
      }
      int t = b.getInt();
      if (t < 0 || t != b.remaining()) {
        throw new IllegalArgumentException("corrupt false-alarm-rate threshold state: tail of " + t + " bytes");
      }
      byte[] tailBytes = new byte[t];
      b.get(tailBytes);
      f.tail = TailQuantile.fromBytes(f.tailSettings, tailBytes);
      return f;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated false-alarm-rate threshold state", e);
    }
  }
}
