package io.saestreams.stream.anomaly;

import io.saestreams.tail.TailQuantile;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The {@code false-alarm-rate} threshold mode: the threshold is the (1 − q) quantile of recent
 * normal errors, so that about a fraction q of normal records is flagged.
 *
 * <p>Errors depend on the model version, which changes every few hundred training steps, and on
 * slow drift of the data. Both are factored out by standardising the log error: a record is judged
 * by u = (log e − μ) / s, where μ and s² are the exponentially weighted mean and variance of log e
 * over this version's normal records (window 1/(1 − decay)). The tail of u, which keeps its shape
 * from one version to the next far better than the raw error does (a better model has smaller and
 * also less spread errors), is learnt by a {@link TailQuantile} — an empirical quantile for
 * moderate q, a generalised Pareto fit to the peaks over a high threshold for small q — across
 * versions; the threshold on the error is exp(μ + s·u_q).
 *
 * <p>When a new version takes over, μ and s are handed over: during the handover the scorer
 * encodes each record with both versions (see {@link Observation#shadowError()}), and from the
 * paired log errors of the same records the new version's μ is the old one plus the mean
 * difference, its s the old one times the ratio of the two spreads — precise after a few dozen
 * records, so the switch raises neither a burst of false alarms nor a blind spell. When there was
 * no handover (a restart that finds a newer version), μ and s are learnt afresh on {@code
 * handoverRecords} records, during which nothing is flagged.
 *
 * <p>A flagged error counts as an exceedance with its value: the top q of normal errors is past
 * the threshold by definition, and leaving those out (or clipping them to the threshold) truncates
 * the tail and drags the threshold down — measured: 0.3 instead of 0.05 at q = 0.05 when left
 * out, and a rate that feeds itself when a model keeps improving if clipped. Gross outliers
 * ({@value #GROSS_FACTOR} times the threshold) are clipped. μ and s learn flagged errors clipped,
 * gross outliers {@value #GROSS_SLOW_DOWN} times slower, so that single outliers and bursts of
 * clear anomalies barely move them while a lasting shift of the level still pulls them along.
 * The price: anomalies just past the threshold, arriving more often than q, are learnt as part of
 * the normal tail and lift the threshold (Fashion-MNIST with 10 % anomalies: a measured rate of
 * about half the target). Not thread-safe.
 */
final class FalseAlarmRateThreshold {
  private static final byte FORMAT = 2;
  /** Gross outliers, this many times the threshold, are always clipped. */
  static final double GROSS_FACTOR = 2.0;
  /** How much slower gross outliers move μ and s than other errors. */
  static final double GROSS_SLOW_DOWN = 10;
  /** Most recent peaks the tail fit keeps. */
  private static final int MAX_PEAKS = 2000;

  private final AnomalySettings settings;
  private final TailQuantile.Settings tailSettings;
  private TailQuantile tail;
  /** The version μ and s belong to; −1 before the first. */
  private long version = -1;
  /** Count, mean and variance of this version's log errors (count: records since it was learnt afresh). */
  private AnomalyState moments = AnomalyState.EMPTY;
  /** The version scoring alongside, and the paired log errors (in force, shadow) so far. */
  private long shadowVersion = -1;
  private final float[] pairs;
  private int pairCount;

  FalseAlarmRateThreshold(AnomalySettings settings) {
    this.settings = settings;
    this.tailSettings = tailSettings(settings);
    this.tail = new TailQuantile(tailSettings);
    this.pairs = new float[2 * settings.handoverRecords()];
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
      // learning this version's statistics afresh (exact running moments), nothing flagged
      moments = moments.add(y, settings.decay());
      return Judgement.NONE;
    }
    double score = calibrated && threshold > 0 ? Math.min(e / threshold, Double.MAX_VALUE) : 0;
    // a flagged error counts as an exceedance with its value (leaving the normal top q out would
    // truncate the tail and drag the threshold down); only a gross outlier is clipped
    double clipped = anomaly ? Math.log(threshold) : y;
    boolean gross = anomaly && e > GROSS_FACTOR * threshold;
    tail.observe(((gross ? clipped : y) - moments.mean()) / moments.std());
    // gross outliers move μ and s ten times slower: a burst of clear anomalies does not lift the
    // threshold, a lasting shift of the level by that much is still followed within ten windows
    moments = moments.add(clipped, gross ? 1 - (1 - settings.decay()) / GROSS_SLOW_DOWN : settings.decay());
    return new Judgement(score, threshold, anomaly);
  }

  /** The threshold on the error now; NaN while the statistics are learnt or the tail calibrates. */
  double threshold() {
    if (moments.count() < settings.handoverRecords() || !tail.isCalibrated()) {
      return Double.NaN;
    }
    double u = tail.threshold();
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
    if (newVersion == shadowVersion && pairCount >= AnomalySettings.MIN_HANDOVER_RECORDS && moments.count() > 0) {
      // the statistics (complete, or still being learnt) carry over, moved and scaled as the
      // paired errors of the two versions on the same records say
      double mOld = 0;
      double mNew = 0;
      for (int i = 0; i < pairCount; i++) {
        mOld += pairs[2 * i];
        mNew += pairs[2 * i + 1];
      }
      mOld /= pairCount;
      mNew /= pairCount;
      double vOld = 0;
      double vNew = 0;
      for (int i = 0; i < pairCount; i++) {
        double a = pairs[2 * i] - mOld;
        double b = pairs[2 * i + 1] - mNew;
        vOld += a * a;
        vNew += b * b;
      }
      double variance = vOld > 0 && vNew > 0 ? moments.variance() * (vNew / vOld) : moments.variance();
      moments = new AnomalyState(moments.count(), moments.mean() + mNew - mOld, variance);
    } else {
      moments = AnomalyState.EMPTY;
    }
    version = newVersion;
    shadowVersion = -1;
    pairCount = 0;
  }

  // ---------------------------------------------------------------- state

  byte[] toBytes() {
    byte[] t = tail.toBytes();
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 8 + 8 + 4 + 8 * pairCount + 4 + t.length);
    b.put(FORMAT).putLong(version).putDouble(moments.mean()).putDouble(moments.variance()).putLong(moments.count())
        .putLong(shadowVersion).putInt(pairCount);
    for (int i = 0; i < 2 * pairCount; i++) {
      b.putFloat(pairs[i]);
    }
    b.putInt(t.length).put(t);
    return b.array();
  }

  /** Restores {@link #toBytes()}; throws IllegalArgumentException on anything else. */
  static FalseAlarmRateThreshold fromBytes(AnomalySettings settings, byte[] bytes) {
    FalseAlarmRateThreshold f = new FalseAlarmRateThreshold(settings);
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != FORMAT) {
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
