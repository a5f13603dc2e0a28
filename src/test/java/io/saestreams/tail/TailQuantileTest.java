package io.saestreams.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TailQuantileTest {
  /** A distribution by its sampler (from a uniform u) and its true (1 − q) quantile. */
  record Dist(String name, DoubleUnaryOperator inverseSurvival, boolean gaussian) {
    double sample(Random r) {
      return gaussian ? Math.abs(r.nextGaussian()) : inverseSurvival.applyAsDouble(1 - r.nextDouble());
    }

    double quantile(double q) {
      return inverseSurvival.applyAsDouble(q);
    }
  }

  static final Dist EXPONENTIAL = new Dist("exponential", p -> -Math.log(p), false);
  static final Dist PARETO = new Dist("pareto(3)", p -> Math.pow(p, -1.0 / 3), false);
  /** |N(0, 1)|: survival 2(1 − Φ(x)); its quantiles from a bisection on erfc. */
  static final Dist HALF_NORMAL = new Dist("half-normal", TailQuantileTest::halfNormalQuantile, true);
  static final Dist LOG_NORMAL = new Dist("log-normal(0.3)", p -> Math.exp(0.3 * normalQuantile(p)), false);

  static double halfNormalQuantile(double p) {
    return normalQuantile(p / 2);
  }

  /** x with P(N(0,1) > x) = p, by bisection on the complementary error function. */
  static double normalQuantile(double p) {
    double lo = -10;
    double hi = 10;
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (upperTail(mid) > p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** P(N(0,1) > x), Abramowitz–Stegun 7.1.26 erfc (error below 1.5e-7). */
  static double upperTail(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * z);
    double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        * Math.exp(-z * z);
    double tail = erfc / 2;
    return x >= 0 ? tail : 1 - tail;
  }

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (Dist d : new Dist[] {EXPONENTIAL, PARETO, HALF_NORMAL, LOG_NORMAL}) {
      for (double q : new double[] {0.001, 0.01, 0.05}) {
        b.add(Arguments.of(d, q));
      }
    }
    return b.build();
  }

  private static TailQuantile.Settings settings(double q) {
    return new TailQuantile.Settings(q, 1000, 2000, 100_000);
  }

  /**
   * The acceptance criterion: after 20,000 samples the estimated (1 − q) quantile is within 10 %
   * of the true one — on average over ten seeds; the worst seed within 20 % (at q = 0.001 only
   * about 20 of the 20,000 samples lie beyond the quantile, so a single run's estimate has a few
   * per cent of sampling error whatever the estimator).
   */
  @ParameterizedTest(name = "{0} at q={1}")
  @MethodSource("cases")
  void theQuantileAfterTwentyThousandSamplesIsWithinTenPercent(Dist dist, double q) {
    double worst = 0;
    double sum = 0;
    double truth = dist.quantile(q);
    int seeds = 10;
    for (long seed = 1; seed <= seeds; seed++) {
      TailQuantile t = new TailQuantile(settings(q));
      Random r = new Random(seed);
      for (int i = 0; i < 20_000; i++) {
        t.observe(dist.sample(r));
      }
      double error = Math.abs(t.threshold() / truth - 1);
      worst = Math.max(worst, error);
      sum += error;
    }
    System.out.printf(java.util.Locale.ROOT, "tail quantile %s q=%s: mean relative error %.3f, worst %.3f%n",
        dist.name(), q, sum / seeds, worst);
    assertThat(sum / seeds).as("mean relative error of %s at q=%s (true quantile %s)", dist.name(), q, truth)
        .isLessThan(0.10);
    assertThat(worst).as("worst relative error of %s at q=%s", dist.name(), q).isLessThan(0.20);
  }

  @ParameterizedTest(name = "{0} at q={1}")
  @MethodSource("cases")
  void freshSamplesExceedTheThresholdAtAboutTheTargetRate(Dist dist, double q) {
    TailQuantile t = new TailQuantile(settings(q));
    Random r = new Random(99);
    for (int i = 0; i < 20_000; i++) {
      t.observe(dist.sample(r));
    }
    double threshold = t.threshold();
    int n = 200_000;
    int above = 0;
    for (int i = 0; i < n; i++) {
      if (dist.sample(r) > threshold) {
        above++;
      }
    }
    assertThat(above / (double) n).isBetween(0.5 * q, 2 * q);
  }

  @Test
  void smallTargetsUseTheParetoFitAndLargerOnesTheEmpiricalQuantile() {
    TailQuantile rare = new TailQuantile(settings(0.001));
    TailQuantile common = new TailQuantile(settings(0.05));
    assertThat(rare.method()).isEqualTo(TailQuantile.Method.CALIBRATING);
    assertThat(rare.threshold()).isNaN();
    Random r = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      double x = EXPONENTIAL.sample(r);
      rare.observe(x);
      common.observe(x);
    }
    assertThat(rare.method()).isEqualTo(TailQuantile.Method.EVT);
    assertThat(common.method()).isEqualTo(TailQuantile.Method.EMPIRICAL);
    assertThat(rare.initialThreshold()).isEqualTo(common.initialThreshold() > 0 ? rare.initialThreshold() : 0);
  }

  /** After the scale doubles, the threshold follows within a window of observations. */
  @Test
  void theThresholdFollowsDriftWithinAWindow() {
    double q = 0.01;
    TailQuantile t = new TailQuantile(new TailQuantile.Settings(q, 1000, 2000, 20_000));
    Random r = new Random(5);
    for (int i = 0; i < 30_000; i++) {
      t.observe(EXPONENTIAL.sample(r));
    }
    double before = t.threshold();
    for (int i = 0; i < 20_000; i++) {
      t.observe(3 + EXPONENTIAL.sample(r));
    }
    double after = t.threshold();
    double truth = 3 + EXPONENTIAL.quantile(q);
    assertThat(before).isCloseTo(EXPONENTIAL.quantile(q), org.assertj.core.api.Assertions.withinPercentage(10));
    assertThat(after).as("one window after a shift by 3").isCloseTo(truth, org.assertj.core.api.Assertions.withinPercentage(10));
  }

  @Test
  void aRestoredEstimatorContinuesBitForBit() {
    for (double q : new double[] {0.001, 0.02}) {
      TailQuantile.Settings s = new TailQuantile.Settings(q, 500, 300, 5_000);
      for (int cut : new int[] {10, 499, 500, 7_000}) {
        TailQuantile a = new TailQuantile(s);
        Random r = new Random(cut);
        for (int i = 0; i < cut; i++) {
          a.observe(PARETO.sample(r));
        }
        byte[] saved = a.toBytes();
        TailQuantile b = TailQuantile.fromBytes(s, saved);
        assertThat(b.toBytes()).isEqualTo(saved);
        for (int i = 0; i < 20_000; i++) {
          double x = PARETO.sample(r);
          a.observe(x);
          b.observe(x);
          if (i % 7 == 0) {
            // reading the threshold at different moments must not change what follows
            a.threshold();
          }
          assertThat(Double.doubleToRawLongBits(b.threshold())).isEqualTo(Double.doubleToRawLongBits(a.threshold()));
        }
        assertThat(b.toBytes()).isEqualTo(a.toBytes());
      }
    }
  }

  @Test
  void theSavedStateIsSmall() {
    TailQuantile t = new TailQuantile(new TailQuantile.Settings(0.001, 2000, 2000, 1_000_000));
    Random r = new Random(1);
    for (int i = 0; i < 1_999; i++) {
      t.observe(r.nextDouble());
    }
    assertThat(t.toBytes().length).as("while calibrating").isLessThanOrEqualTo(32 * 1024);
    for (int i = 0; i < 500_000; i++) {
      t.observe(r.nextDouble());
    }
    assertThat(t.peakCount()).isEqualTo(2000);
    assertThat(t.toBytes().length).as("with a full ring of peaks").isLessThanOrEqualTo(32 * 1024);
  }

  @Test
  void constantAndTinyVarianceStreamsGiveFiniteThresholds() {
    for (double q : new double[] {0.001, 0.05}) {
      TailQuantile constant = new TailQuantile(settings(q));
      TailQuantile tiny = new TailQuantile(settings(q));
      Random r = new Random(2);
      for (int i = 0; i < 30_000; i++) {
        constant.observe(1.5);
        tiny.observe(1 + 1e-7 * r.nextGaussian());
        if (i >= 1000) {
          assertThat(Double.isFinite(constant.threshold())).isTrue();
          assertThat(Double.isFinite(tiny.threshold())).isTrue();
        }
      }
      assertThat(constant.threshold()).isEqualTo(1.5);
      assertThat(tiny.threshold()).isBetween(1.0, 1.01);
    }
  }

  @Test
  void badSettingsAndBadBytesAreRejected() {
    assertThatThrownBy(() -> new TailQuantile.Settings(0, 1000, 2000, 10_000)).hasMessageContaining("q must be");
    assertThatThrownBy(() -> new TailQuantile.Settings(0.01, 10, 2000, 10_000)).hasMessageContaining("calibration");
    assertThatThrownBy(() -> new TailQuantile.Settings(0.01, 1000, 20, 10_000)).hasMessageContaining("maxPeaks");
    assertThatThrownBy(() -> new TailQuantile.Settings(0.01, 1000, 2000, 100)).hasMessageContaining("window");
    TailQuantile.Settings s = settings(0.01);
    TailQuantile t = new TailQuantile(s);
    Random r = new Random(4);
    for (int i = 0; i < 3000; i++) {
      t.observe(r.nextDouble());
    }
    byte[] bytes = t.toBytes();
    assertThatThrownBy(() -> TailQuantile.fromBytes(s, Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] wrongFormat = bytes.clone();
    wrongFormat[0] = 9;
    assertThatThrownBy(() -> TailQuantile.fromBytes(s, wrongFormat)).hasMessageContaining("format");
    assertThatThrownBy(() -> TailQuantile.fromBytes(new TailQuantile.Settings(0.01, 1000, 500, 100_000), bytes))
        .hasMessageContaining("settings");
  }
}
