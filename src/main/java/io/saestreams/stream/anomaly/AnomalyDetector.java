package io.saestreams.stream.anomaly;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Judges reconstruction errors, one partition's stream of them in order: the threshold of the
 * configured {@link ThresholdMode}, model maturity (no alerts until the scoring version was trained
 * on {@code minTrainedSamples} samples; such records are not learnt from either), runs of
 * consecutive anomalies (and which of their records alert), and the grade of each anomaly.
 *
 * <p>The whole state is {@link #toBytes()}; a detector restored from it judges the continuation of
 * the stream exactly as the one that saved it would have. The topology keeps it in a changelogged
 * store, {@code evaluate --anomaly} in memory: both run this code. Not thread-safe.
 */
public final class AnomalyDetector {
  private static final byte FORMAT = 2;

  private final AnomalySettings settings;
  private SigmaThreshold sigmas;
  private FalseAlarmRateThreshold falseAlarms;
  private long runStart = -1;
  private long runLength;

  public AnomalyDetector(AnomalySettings settings) {
    this.settings = settings;
    if (settings.mode() == ThresholdMode.SIGMAS) {
      sigmas = new SigmaThreshold(settings);
    } else {
      falseAlarms = new FalseAlarmRateThreshold(settings);
    }
  }

  public AnomalySettings settings() {
    return settings;
  }

  /**
   * The samples a model version was trained on, for its maturity: a version is the trainer's step
   * count, each step one batch of {@code batchSize} samples (saturating instead of overflowing).
   */
  public static long trainedSamples(long version, long batchSize) {
    return version > Long.MAX_VALUE / Math.max(1, batchSize) ? Long.MAX_VALUE : version * batchSize;
  }

  /** Judges {@code o} against what was seen before it, then learns from it. */
  public AnomalyVerdict observe(Observation o) {
    Judgement j;
    if (o.trainedSamples() < settings.minTrainedSamples()) {
      j = Judgement.NONE;
    } else if (sigmas != null) {
      j = sigmas.observe(o.error());
    } else {
      j = falseAlarms.observe(o);
    }
    if (j.anomaly()) {
      if (runLength == 0) {
        runStart = o.timestamp();
      }
      runLength++;
    } else {
      runLength = 0;
      runStart = -1;
    }
    double e = o.error();
    double grade = !j.anomaly() ? 0
        : Double.isFinite(e) && e > 0 && Double.isFinite(j.threshold()) ? Math.max(0, 1 - j.threshold() / e) : 1;
    boolean alert = j.anomaly() && (settings.alertMode() == AlertMode.RECORD || runLength == 1);
    return new AnomalyVerdict(e, j.score(), j.threshold(), j.anomaly(), grade, alert,
        j.anomaly() ? runStart : -1, runLength);
  }

  /** The threshold on the error in force now; NaN while there is none. */
  public double threshold() {
    if (sigmas != null) {
      return sigmas.isWarm() ? sigmas.threshold() : Double.NaN;
    }
    return falseAlarms.threshold();
  }

  // ---------------------------------------------------------------- state

  /** Format 2: format, mode ordinal, run start, run length, then the mode's own state. */
  public byte[] toBytes() {
    byte[] part = sigmas != null ? sigmas.state().toBytes() : falseAlarms.toBytes();
    return ByteBuffer.allocate(1 + 1 + 8 + 8 + part.length)
        .put(FORMAT).put((byte) settings.mode().ordinal()).putLong(runStart).putLong(runLength).put(part).array();
  }

  /**
   * Restores {@link #toBytes()} under {@code settings}. A state of the other mode (the setting was
   * changed) is dropped: the detector starts afresh. The 25-byte state of the version before
   * false-alarm rates is read as sigmas-mode moments. Throws IllegalArgumentException on bytes
   * that are none of these.
   */
  public static AnomalyDetector fromBytes(AnomalySettings settings, byte[] bytes) {
    AnomalyDetector d = new AnomalyDetector(settings);
    if (bytes.length > 0 && bytes[0] == 1) {
      AnomalyState legacy = AnomalyState.fromBytes(bytes);
      if (d.sigmas != null) {
        d.sigmas = new SigmaThreshold(settings, legacy);
      }
      return d;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT) {
        throw new IllegalArgumentException("not an anomaly detector state: format " + format + ", expected " + FORMAT);
      }
      int mode = b.get();
      if (mode < 0 || mode >= ThresholdMode.values().length) {
        throw new IllegalArgumentException("not an anomaly detector state: mode " + mode);
      }
      if (ThresholdMode.values()[mode] != settings.mode()) {
        return d;
      }
      d.runStart = b.getLong();
      d.runLength = b.getLong();
      if (d.runLength < 0) {
        throw new IllegalArgumentException("not an anomaly detector state: run length " + d.runLength);
      }
      byte[] part = Arrays.copyOfRange(bytes, b.position(), bytes.length);
      if (d.sigmas != null) {
        d.sigmas = new SigmaThreshold(settings, AnomalyState.fromBytes(part));
      } else {
        d.falseAlarms = FalseAlarmRateThreshold.fromBytes(settings, part);
      }
      return d;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated anomaly detector state of " + bytes.length + " bytes", e);
    }
  }
}
