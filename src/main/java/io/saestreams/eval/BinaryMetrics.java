package io.saestreams.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How well an anomaly detector separates labelled anomalies from normal records, measured two ways:
 * by its continuous score (AUC-ROC, AUC-PR, the recall its ROC curve reaches at a false-alarm
 * budget) and by its yes/no alert decisions (precision, recall, F1, false-alarm rate). An
 * evaluation run feeds one {@code (score, anomaly, flagged)} triple per evaluation record, through
 * {@link #of(double[], boolean[], boolean[])} or a {@link Builder}.
 *
 * <p>Conventions:
 *
 * <ul>
 *   <li>A higher score means "more anomalous". Scores must be finite; {@code -0.0} counts as
 *       {@code 0.0}.
 *   <li>A threshold {@code t} flags every record with {@code score >= t}; records with equal scores
 *       are therefore always flagged together, which is how ties are handled throughout.
 *   <li>{@link #aucRoc()} is the Mann-Whitney statistic: the probability that a random anomaly
 *       scores above a random normal record, a tie counting one half (the midrank convention). All
 *       scores equal gives 0.5, perfect separation 1.0.
 *   <li>{@link #aucPr()} is the average precision: with the distinct scores {@code t_1 > t_2 > ...}
 *       as thresholds, {@code AP = sum_i (R_i - R_(i-1)) * P_i}, where {@code P_i} and {@code R_i}
 *       are precision and recall when flagging {@code score >= t_i} and {@code R_0 = 0}. Each tie
 *       group is one step; no interpolation. (This is the step-wise definition used by, for
 *       instance, scikit-learn's {@code average_precision_score}.)
 * </ul>
 *
 * <p>A value whose denominator is zero is undefined and reported as an empty {@link
 * OptionalDouble} (for JSON: {@code null}), never as NaN: precision without any flag, recall and
 * AUC-PR without anomalies, the false-alarm rate without normals, AUC-ROC and the recall at a
 * false-alarm rate unless both classes are present, F1 when there are neither anomalies nor flags.
 *
 * <p>Instances are immutable. Building costs {@code O(n log n)} time and keeps {@code O(number of
 * distinct scores)} memory.
 */
public final class BinaryMetrics {
  private final long normals;
  private final long anomalies;
  private final long flagged;
  private final long truePositives;
  // The ROC curve over distinct scores, descending: flagging score >= thresholds[i] flags
  // cumulativeTp[i] anomalies and cumulativeFp[i] normals.
  private final double[] thresholds;
  private final long[] cumulativeTp;
  private final long[] cumulativeFp;
  private final OptionalDouble aucRoc;
  private final OptionalDouble aucPr;

  /**
   * A point of the score's ROC curve.
   *
   * @param threshold records with {@code score >= threshold} are flagged; {@link
   *     Double#POSITIVE_INFINITY} when the point flags nothing (so a JSON writer must map it)
   * @param truePositives anomalies flagged at this threshold
   * @param falsePositives normal records flagged at this threshold
   * @param recall {@code truePositives / anomalies}
   * @param falseAlarmRate {@code falsePositives / normals}
   */
  public record OperatingPoint(
      double threshold, long truePositives, long falsePositives, double recall,
      double falseAlarmRate) {}

  private BinaryMetrics(double[] anomalyScores, int anomalyCount, double[] normalScores,
      int normalCount, long flagged, long truePositives) {
    this.anomalies = anomalyCount;
    this.normals = normalCount;
    this.flagged = flagged;
    this.truePositives = truePositives;
    double[] a = Arrays.copyOf(anomalyScores, anomalyCount);
    double[] n = Arrays.copyOf(normalScores, normalCount);
    Arrays.sort(a);
    Arrays.sort(n);

    double[] t = new double[a.length + n.length];
    long[] tp = new long[t.length];
    long[] fp = new long[t.length];
    int groups = 0;
    int i = a.length - 1;
    int j = n.length - 1;
    long tpSoFar = 0;
    long fpSoFar = 0;
    long twiceU = 0; // twice the Mann-Whitney U of the anomalies, exact
    double ap = 0;
    while (i >= 0 || j >= 0) {
      double top = i < 0 ? n[j] : j < 0 ? a[i] : Math.max(a[i], n[j]);
      long groupAnomalies = 0;
      while (i >= 0 && a[i] == top) {
        groupAnomalies++;
        i--;
      }
      long groupNormals = 0;
      while (j >= 0 && n[j] == top) {
        groupNormals++;
        j--;
      }
      tpSoFar += groupAnomalies;
      fpSoFar += groupNormals;
      long normalsBelow = normalCount - fpSoFar;
      twiceU += groupAnomalies * (2 * normalsBelow + groupNormals);
      if (groupAnomalies > 0) {
        ap += (double) groupAnomalies / anomalyCount * ((double) tpSoFar / (tpSoFar + fpSoFar));
      }
      t[groups] = top;
      tp[groups] = tpSoFar;
      fp[groups] = fpSoFar;
      groups++;
    }
    this.thresholds = Arrays.copyOf(t, groups);
    this.cumulativeTp = Arrays.copyOf(tp, groups);
    this.cumulativeFp = Arrays.copyOf(fp, groups);
    this.aucRoc = anomalyCount > 0 && normalCount > 0
        ? OptionalDouble.of(twiceU / (2.0 * anomalyCount * normalCount))
        : OptionalDouble.empty();
    this.aucPr = anomalyCount > 0 ? OptionalDouble.of(Math.min(1.0, ap)) : OptionalDouble.empty();
  }

  /**
   * The metrics of parallel arrays: record {@code i} has score {@code scores[i]}, ground truth
   * {@code anomaly[i]} and alert decision {@code flagged[i]}.
   *
   * @throws IllegalArgumentException when the lengths differ or a score is not finite
   */
  public static BinaryMetrics of(double[] scores, boolean[] anomaly, boolean[] flagged) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(anomaly, "anomaly");
    Objects.requireNonNull(flagged, "flagged");
    if (anomaly.length != scores.length || flagged.length != scores.length) {
      throw new IllegalArgumentException("scores, anomaly and flagged must have the same length, "
          + "got " + scores.length + ", " + anomaly.length + " and " + flagged.length);
    }
    Builder builder = builder();
    for (int k = 0; k < scores.length; k++) {
      builder.add(scores[k], anomaly[k], flagged[k]);
    }
    return builder.build();
  }

  /** A builder to feed one record at a time. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects records one at a time. It keeps only the scores (split by class) and four counters,
   * and may go on collecting after {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private double[] anomalyScores = new double[16];
    private double[] normalScores = new double[64];
    private int anomalyCount;
    private int normalCount;
    private long flagged;
    private long truePositives;

    private Builder() {}

    /**
     * Adds one record.
     *
     * @param score the detector's score, finite, higher meaning more anomalous
     * @param anomaly the ground truth
     * @param flagged whether the detector raised an alert for this record
     * @throws IllegalArgumentException when the score is NaN or infinite
     */
    public Builder add(double score, boolean anomaly, boolean flagged) {
      if (!Double.isFinite(score)) {
        throw new IllegalArgumentException("score of record " + size() + " must be finite, got "
            + score);
      }
      double s = score + 0.0; // -0.0 becomes 0.0, so that ties are exact under ==
      if (anomaly) {
        if (anomalyCount == anomalyScores.length) {
          anomalyScores = Arrays.copyOf(anomalyScores, grow(anomalyCount));
        }
        anomalyScores[anomalyCount++] = s;
      } else {
        if (normalCount == normalScores.length) {
          normalScores = Arrays.copyOf(normalScores, grow(normalCount));
        }
        normalScores[normalCount++] = s;
      }
      if (flagged) {
        this.flagged++;
        if (anomaly) {
          truePositives++;
        }
      }
      return this;
    }

    private static int grow(int length) {
      if (length >= Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many records of one class: " + length);
      }
      return (int) Math.min(Integer.MAX_VALUE - 8L, length * 2L);
    }

    /** The number of records added so far. */
    public long size() {
      return (long) anomalyCount + normalCount;
    }

    /** The metrics of the records added so far. */
    public BinaryMetrics build() {
      return new BinaryMetrics(anomalyScores, anomalyCount, normalScores, normalCount, flagged,
          truePositives);
    }
  }

  /** The number of records. */
  public long count() {
    return normals + anomalies;
  }

  /** The number of records labelled normal. */
  public long normals() {
    return normals;
  }

  /** The number of records labelled anomaly. */
  public long anomalies() {
    return anomalies;
  }

  /** The number of records the detector flagged. */
  public long flagged() {
    return flagged;
  }

  /** Flagged anomalies. */
  public long truePositives() {
    return truePositives;
  }

  /** Flagged normal records (false alarms). */
  public long falsePositives() {
    return flagged - truePositives;
  }

  /** Anomalies not flagged. */
  public long falseNegatives() {
    return anomalies - truePositives;
  }

  /** Area under the ROC curve of the score, ties counted half; empty unless both classes occur. */
  public OptionalDouble aucRoc() {
    return aucRoc;
  }

  /**
   * Area under the precision-recall curve of the score, as step-wise average precision (see the
   * class description); empty without anomalies.
   */
  public OptionalDouble aucPr() {
    return aucPr;
  }

  /** Flagged anomalies / flagged records; empty when nothing is flagged. */
  public OptionalDouble precision() {
    return ratio(truePositives, flagged);
  }

  /** Flagged anomalies / anomalies; empty without anomalies. */
  public OptionalDouble recall() {
    return ratio(truePositives, anomalies);
  }

  /**
   * The harmonic mean of precision and recall, computed as {@code 2 TP / (2 TP + FP + FN)}: 0 when
   * anomalies exist but none is flagged, empty only when there are neither anomalies nor flags.
   */
  public OptionalDouble f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives() + falseNegatives());
  }

  /** Flagged normal records / normal records; empty without normal records. */
  public OptionalDouble falseAlarmRate() {
    return ratio(falsePositives(), normals);
  }

  private static OptionalDouble ratio(long numerator, long denominator) {
    return denominator == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of((double) numerator / denominator);
  }

  /**
   * The best recall a threshold on the score achieves while keeping the false-alarm rate at most
   * {@code maxFalseAlarmRate} (see {@link #operatingPointAtFalseAlarmRate(double)}); the yardstick
   * against which the detector's own {@link #recall()} is judged. Empty unless both classes occur.
   *
   * @param maxFalseAlarmRate the false-alarm budget, in [0, 1]
   */
  public OptionalDouble recallAtFalseAlarmRate(double maxFalseAlarmRate) {
    return operatingPointAtFalseAlarmRate(maxFalseAlarmRate)
        .map(p -> OptionalDouble.of(p.recall()))
        .orElse(OptionalDouble.empty());
  }

  /**
   * The point of the score's ROC curve with the lowest threshold (hence the highest recall) whose
   * false-alarm rate is at most {@code maxFalseAlarmRate}. Thresholds are the distinct scores of
   * the records, plus "flag nothing" ({@code threshold = +infinity}, recall 0), which always meets
   * the budget. Empty unless both classes occur.
   *
   * @param maxFalseAlarmRate the false-alarm budget, in [0, 1]
   * @throws IllegalArgumentException when {@code maxFalseAlarmRate} is outside [0, 1] or NaN
   */
  public Optional<OperatingPoint> operatingPointAtFalseAlarmRate(double maxFalseAlarmRate) {
    if (!(maxFalseAlarmRate >= 0 && maxFalseAlarmRate <= 1)) {
      throw new IllegalArgumentException("maxFalseAlarmRate must be in [0, 1], got "
          + maxFalseAlarmRate);
    }
    if (anomalies == 0 || normals == 0) {
      return Optional.empty();
    }
    // cumulativeFp rises with the index: find the last index within the budget. The rate is
    // compared as a quotient so that e.g. 29/100 meets a budget written as 0.29.
    int lo = 0;
    int hi = thresholds.length; // answer in [-1, length - 1]; -1 means flag nothing
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if ((double) cumulativeFp[mid] / normals <= maxFalseAlarmRate) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int best = lo - 1;
    if (best < 0) {
      return Optional.of(new OperatingPoint(Double.POSITIVE_INFINITY, 0, 0, 0.0, 0.0));
    }
    long tp = cumulativeTp[best];
    long fp = cumulativeFp[best];
    return Optional.of(new OperatingPoint(thresholds[best], tp, fp, (double) tp / anomalies,
        (double) fp / normals));
  }

  @Override
  public String toString() {
    return "BinaryMetrics[normals=" + normals + ", anomalies=" + anomalies + ", flagged=" + flagged
        + ", truePositives=" + truePositives + ", aucRoc=" + show(aucRoc) + ", aucPr="
        + show(aucPr) + ", precision=" + show(precision()) + ", recall=" + show(recall())
        + ", f1=" + show(f1()) + ", falseAlarmRate=" + show(falseAlarmRate()) + "]";
  }

  private static String show(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.4f", value.getAsDouble())
        : "undefined";
  }
}
