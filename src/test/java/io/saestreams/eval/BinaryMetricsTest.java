package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  private static final double EPS = 1e-12;

  private static boolean[] bools(String pattern) {
    boolean[] out = new boolean[pattern.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = pattern.charAt(i) == '1';
    }
    return out;
  }

  private static double value(OptionalDouble d) {
    assertThat(d).isPresent();
    return d.getAsDouble();
  }

  @Test
  void handComputedAucAndAveragePrecision() {
    // normals 0.1, 0.4; anomalies 0.35, 0.8: 3 of the 4 pairs are ordered correctly.
    // Descending: 0.8 (A) P=1 R=1/2; 0.4 (N); 0.35 (A) P=2/3 R=1 -> AP = 1/2 + 1/2 * 2/3.
    BinaryMetrics m = BinaryMetrics.of(new double[] {0.1, 0.4, 0.35, 0.8}, bools("0011"),
        bools("0001"));
    assertThat(value(m.aucRoc())).isCloseTo(0.75, within(EPS));
    assertThat(value(m.aucPr())).isCloseTo(0.5 + 1.0 / 3, within(EPS));
  }

  @Test
  void tiesCountHalfAndFormOneStep() {
    // anomalies 1, 2; normals 1, 1: pairs (1,1) and (1,1) count 1/2 each, (2,1) twice count 1.
    // Descending: {2: A} P=1 R=1/2; {1: A, N, N} P=2/4 R=1 -> AP = 1/2 + 1/2 * 1/2.
    BinaryMetrics m = BinaryMetrics.of(new double[] {1, 1, 1, 2}, bools("1001"), bools("0000"));
    assertThat(value(m.aucRoc())).isCloseTo(0.75, within(EPS));
    assertThat(value(m.aucPr())).isCloseTo(0.75, within(EPS));
  }

  @Test
  void allEqualScoresGiveHalfAndTheBaseRate() {
    double[] scores = new double[10];
    Arrays.fill(scores, 3.5);
    BinaryMetrics m = BinaryMetrics.of(scores, bools("0100010010"), new boolean[10]);
    assertThat(value(m.aucRoc())).isCloseTo(0.5, within(EPS));
    assertThat(value(m.aucPr())).isCloseTo(0.3, within(EPS));
    assertThat(value(m.recallAtFalseAlarmRate(0.5))).isZero(); // only "all or nothing" exist
    assertThat(value(m.recallAtFalseAlarmRate(1.0))).isEqualTo(1.0);
  }

  @Test
  void perfectAndReversedSeparation() {
    double[] scores = {0.1, 0.2, 0.3, 5, 6};
    BinaryMetrics perfect = BinaryMetrics.of(scores, bools("00011"), new boolean[5]);
    assertThat(value(perfect.aucRoc())).isEqualTo(1.0);
    assertThat(value(perfect.aucPr())).isEqualTo(1.0);
    assertThat(value(perfect.recallAtFalseAlarmRate(0))).isEqualTo(1.0);
    BinaryMetrics reversed = BinaryMetrics.of(scores, bools("11000"), new boolean[5]);
    assertThat(value(reversed.aucRoc())).isEqualTo(0.0);
    assertThat(value(reversed.recallAtFalseAlarmRate(0.5))).isZero();
  }

  @Test
  void negativeZeroTiesWithZero() {
    BinaryMetrics m = BinaryMetrics.of(new double[] {-0.0, 0.0}, bools("01"), new boolean[2]);
    assertThat(value(m.aucRoc())).isEqualTo(0.5);
  }

  @Test
  void alertMetricsAndCounts() {
    // anomaly: 1 1 1 0 0 0 0 0; flagged: 1 1 0 1 0 0 0 0 -> TP 2, FP 1, FN 1, normals 5
    BinaryMetrics m = BinaryMetrics.of(new double[8], bools("11100000"), bools("11010000"));
    assertThat(m.count()).isEqualTo(8);
    assertThat(m.normals()).isEqualTo(5);
    assertThat(m.anomalies()).isEqualTo(3);
    assertThat(m.flagged()).isEqualTo(3);
    assertThat(m.truePositives()).isEqualTo(2);
    assertThat(m.falsePositives()).isEqualTo(1);
    assertThat(m.falseNegatives()).isEqualTo(1);
    assertThat(value(m.precision())).isCloseTo(2.0 / 3, within(EPS));
    assertThat(value(m.recall())).isCloseTo(2.0 / 3, within(EPS));
    assertThat(value(m.f1())).isCloseTo(2.0 / 3, within(EPS));
    assertThat(value(m.falseAlarmRate())).isCloseTo(0.2, within(EPS));
  }

  @Test
  void zeroDenominatorsAreEmptyNotNaN() {
    BinaryMetrics empty = BinaryMetrics.builder().build();
    assertThat(empty.count()).isZero();
    assertThat(empty.aucRoc()).isEmpty();
    assertThat(empty.aucPr()).isEmpty();
    assertThat(empty.precision()).isEmpty();
    assertThat(empty.recall()).isEmpty();
    assertThat(empty.f1()).isEmpty();
    assertThat(empty.falseAlarmRate()).isEmpty();
    assertThat(empty.recallAtFalseAlarmRate(0.1)).isEmpty();
    assertThat(empty.operatingPointAtFalseAlarmRate(0.1)).isEmpty();

    BinaryMetrics normalsOnly = BinaryMetrics.of(new double[] {1, 2}, bools("00"), bools("01"));
    assertThat(normalsOnly.aucRoc()).isEmpty();
    assertThat(normalsOnly.aucPr()).isEmpty();
    assertThat(normalsOnly.recall()).isEmpty();
    assertThat(value(normalsOnly.precision())).isZero();
    assertThat(value(normalsOnly.f1())).isZero();
    assertThat(value(normalsOnly.falseAlarmRate())).isEqualTo(0.5);

    BinaryMetrics nothingFlagged = BinaryMetrics.of(new double[] {1, 2}, bools("01"), bools("00"));
    assertThat(nothingFlagged.precision()).isEmpty();
    assertThat(value(nothingFlagged.recall())).isZero();
    assertThat(value(nothingFlagged.f1())).isZero();
    assertThat(value(nothingFlagged.falseAlarmRate())).isZero();

    BinaryMetrics anomaliesOnly = BinaryMetrics.of(new double[] {1, 2}, bools("11"), bools("11"));
    assertThat(anomaliesOnly.aucRoc()).isEmpty();
    assertThat(value(anomaliesOnly.aucPr())).isEqualTo(1.0);
    assertThat(anomaliesOnly.falseAlarmRate()).isEmpty();
    assertThat(anomaliesOnly.recallAtFalseAlarmRate(0.1)).isEmpty();
    assertThat(anomaliesOnly.toString()).contains("aucRoc=undefined", "aucPr=1.0000");
  }

  @Test
  void operatingPointIsTheLowestThresholdWithinTheBudget() {
    // descending: 9 A, 8 N, 7 A, 6 A, 5 N, 4 N, 3 A, 2 N, 1 N, 0 N (4 anomalies, 6 normals)
    double[] scores = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    boolean[] anomaly = bools("1011001000");
    BinaryMetrics m = BinaryMetrics.of(scores, anomaly, new boolean[10]);
    BinaryMetrics.OperatingPoint none = m.operatingPointAtFalseAlarmRate(0.1).orElseThrow();
    assertThat(none.threshold()).isEqualTo(9.0); // 9 flags one anomaly and no normal
    assertThat(none.recall()).isEqualTo(0.25);
    BinaryMetrics.OperatingPoint one = m.operatingPointAtFalseAlarmRate(1.0 / 6).orElseThrow();
    assertThat(one.threshold()).isEqualTo(6.0);
    assertThat(one.truePositives()).isEqualTo(3);
    assertThat(one.falsePositives()).isEqualTo(1);
    assertThat(one.recall()).isEqualTo(0.75);
    assertThat(one.falseAlarmRate()).isEqualTo(1.0 / 6);
    assertThat(value(m.recallAtFalseAlarmRate(0.49))).isEqualTo(0.75);
    assertThat(value(m.recallAtFalseAlarmRate(0.5))).isEqualTo(1.0);

    BinaryMetrics top = BinaryMetrics.of(new double[] {5, 1}, bools("01"), new boolean[2]);
    BinaryMetrics.OperatingPoint nothing = top.operatingPointAtFalseAlarmRate(0.0).orElseThrow();
    assertThat(nothing.threshold()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(nothing.recall()).isZero();
    assertThat(nothing.falseAlarmRate()).isZero();
  }

  @Test
  void budgetIsComparedAsAQuotient() {
    // 29 of 100 normals above every anomaly: FAR 29/100 must meet a budget written 0.29
    // (0.29 * 100 is 28.999999999999996 in floating point).
    int n = 101;
    double[] scores = new double[n];
    boolean[] anomaly = new boolean[n];
    for (int i = 0; i < 100; i++) {
      scores[i] = i < 29 ? 10 + i : -i;
    }
    scores[100] = 5;
    anomaly[100] = true;
    BinaryMetrics m = BinaryMetrics.of(scores, anomaly, new boolean[n]);
    assertThat(value(m.recallAtFalseAlarmRate(0.29))).isEqualTo(1.0);
    assertThat(value(m.recallAtFalseAlarmRate(0.289))).isZero();
  }

  @Test
  void builderMatchesArrays() {
    Random random = new Random(7);
    double[] s = new double[50];
    boolean[] a = new boolean[50];
    boolean[] f = new boolean[50];
    BinaryMetrics.Builder builder = BinaryMetrics.builder();
    for (int i = 0; i < 50; i++) {
      s[i] = random.nextInt(10);
      a[i] = random.nextBoolean();
      f[i] = random.nextBoolean();
      builder.add(s[i], a[i], f[i]);
    }
    assertThat(builder.size()).isEqualTo(50);
    assertThat(builder.build().toString()).isEqualTo(BinaryMetrics.of(s, a, f).toString());
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> BinaryMetrics.builder().add(1, false, false).add(Double.NaN, true, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("score of record 1 must be finite, got NaN");
    assertThatThrownBy(() -> BinaryMetrics.builder().add(Double.POSITIVE_INFINITY, true, false))
        .hasMessageContaining("must be finite, got Infinity");
    assertThatThrownBy(() -> BinaryMetrics.of(new double[2], new boolean[2], new boolean[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length, got 2, 2 and 3");
    BinaryMetrics m = BinaryMetrics.of(new double[] {1, 2}, bools("01"), bools("00"));
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> m.recallAtFalseAlarmRate(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxFalseAlarmRate must be in [0, 1], got " + bad);
    }
  }

  @Test
  void randomizedAgreementWithNaiveDefinitions() {
    Random random = new Random(20250101L);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(120);
      boolean coarse = random.nextBoolean(); // few distinct values: many ties
      double anomalyRate = random.nextDouble();
      double[] scores = new double[n];
      boolean[] anomaly = new boolean[n];
      boolean[] flagged = new boolean[n];
      for (int i = 0; i < n; i++) {
        anomaly[i] = random.nextDouble() < anomalyRate;
        double shift = anomaly[i] ? 0.7 : 0;
        scores[i] = coarse ? random.nextInt(5) + (anomaly[i] && random.nextBoolean() ? 1 : 0)
            : random.nextGaussian() + shift;
        flagged[i] = random.nextBoolean();
      }
      BinaryMetrics m = BinaryMetrics.of(scores, anomaly, flagged);
      String context = "trial " + trial + ", n=" + n;

      OptionalDouble auc = naiveAuc(scores, anomaly);
      assertThat(m.aucRoc().isPresent()).as(context).isEqualTo(auc.isPresent());
      if (auc.isPresent()) {
        assertThat(m.aucRoc().getAsDouble()).as(context).isCloseTo(auc.getAsDouble(), within(1e-12));
      }
      OptionalDouble ap = naiveAveragePrecision(scores, anomaly);
      assertThat(m.aucPr().isPresent()).as(context).isEqualTo(ap.isPresent());
      if (ap.isPresent()) {
        assertThat(m.aucPr().getAsDouble()).as(context).isCloseTo(ap.getAsDouble(), within(1e-12));
      }
      for (double far : new double[] {0, 0.01, 0.05, 0.1, 0.3, 0.77, 1}) {
        OptionalDouble recall = naiveRecallAtFar(scores, anomaly, far);
        OptionalDouble got = m.recallAtFalseAlarmRate(far);
        assertThat(got.isPresent()).as(context).isEqualTo(recall.isPresent());
        if (recall.isPresent()) {
          assertThat(got.getAsDouble()).as(context + ", far=" + far).isEqualTo(recall.getAsDouble());
        }
      }
    }
  }

  /** The fraction of (anomaly, normal) pairs the score orders correctly, ties half. */
  private static OptionalDouble naiveAuc(double[] s, boolean[] a) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (a[i] && !a[j]) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return pairs == 0 ? OptionalDouble.empty() : OptionalDouble.of(wins / pairs);
  }

  /** Sum over distinct thresholds (descending) of recall gain times precision, by rescanning. */
  private static OptionalDouble naiveAveragePrecision(double[] s, boolean[] a) {
    long positives = 0;
    for (boolean b : a) {
      positives += b ? 1 : 0;
    }
    if (positives == 0) {
      return OptionalDouble.empty();
    }
    double[] distinct = Arrays.stream(s).distinct().sorted().toArray();
    double ap = 0;
    double previousRecall = 0;
    for (int t = distinct.length - 1; t >= 0; t--) {
      long tp = 0;
      long flagged = 0;
      for (int i = 0; i < s.length; i++) {
        if (s[i] >= distinct[t]) {
          flagged++;
          tp += a[i] ? 1 : 0;
        }
      }
      double recall = (double) tp / positives;
      ap += (recall - previousRecall) * tp / flagged;
      previousRecall = recall;
    }
    return OptionalDouble.of(ap);
  }

  /** The best recall over all thresholds (distinct scores and "none") with FAR <= far. */
  private static OptionalDouble naiveRecallAtFar(double[] s, boolean[] a, double far) {
    long positives = 0;
    for (boolean b : a) {
      positives += b ? 1 : 0;
    }
    long negatives = s.length - positives;
    if (positives == 0 || negatives == 0) {
      return OptionalDouble.empty();
    }
    double best = 0;
    for (double threshold : s) {
      long tp = 0;
      long fp = 0;
      for (int i = 0; i < s.length; i++) {
        if (s[i] >= threshold) {
          if (a[i]) {
            tp++;
          } else {
            fp++;
          }
        }
      }
      if ((double) fp / negatives <= far) {
        best = Math.max(best, (double) tp / positives);
      }
    }
    return OptionalDouble.of(best);
  }
}
