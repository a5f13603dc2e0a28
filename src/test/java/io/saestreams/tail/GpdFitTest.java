package io.saestreams.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GpdFitTest {
  private static float[] sample(Gpd g, int n, long seed) {
    Random r = new Random(seed);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = (float) g.quantileOfSurvival(1 - r.nextDouble());
    }
    return y;
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.3, 0.0, 0.2, 0.7})
  void survivalAndQuantileAreInverse(double shape) {
    Gpd g = new Gpd(shape, 1.7);
    for (double p : new double[] {1, 0.5, 0.1, 1e-3, 1e-6}) {
      assertThat(g.survival(g.quantileOfSurvival(p))).isCloseTo(p, within(1e-9 + 1e-9 * p));
      assertThat(g.cdf(g.quantileOfSurvival(p))).isCloseTo(1 - p, within(1e-9));
    }
    assertThat(g.survival(-1)).isEqualTo(1.0);
  }

  @Test
  void aVanishingShapeTendsToTheExponential() {
    Gpd exp = new Gpd(0, 2);
    for (double y : new double[] {0.1, 1, 5}) {
      assertThat(new Gpd(1e-7, 2).survival(y)).isCloseTo(exp.survival(y), within(1e-6));
      assertThat(new Gpd(-1e-7, 2).survival(y)).isCloseTo(exp.survival(y), within(1e-6));
    }
    assertThat(new Gpd(1e-7, 2).quantileOfSurvival(1e-3)).isCloseTo(exp.quantileOfSurvival(1e-3), within(1e-4));
  }

  @Test
  void aBoundedTailEndsAtMinusScaleOverShape() {
    Gpd g = new Gpd(-0.5, 1);
    assertThat(g.survival(1.999)).isGreaterThan(0);
    assertThat(g.survival(2.0)).isZero();
    assertThat(g.logLikelihood(new float[] {2.5f}, 1)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void theLogLikelihoodIsTheSumOfLogDensities() {
    Gpd g = new Gpd(0.3, 1.2);
    float[] y = {0.1f, 0.7f, 2.5f, 9f};
    double naive = 0;
    for (float v : y) {
      // f(y) = (1/σ)(1 + γy/σ)^(−1/γ − 1)
      naive += Math.log(1 / 1.2 * Math.pow(1 + 0.3 * v / 1.2, -1 / 0.3 - 1));
    }
    assertThat(g.logLikelihood(y, y.length)).isCloseTo(naive, within(1e-9));
  }

  @ParameterizedTest
  @CsvSource({"-0.2, 1.0", "0.0, 2.0", "0.3, 0.5"})
  void recoversKnownParametersFromFiveThousandSamples(double shape, double scale) {
    Gpd truth = new Gpd(shape, scale);
    Gpd fit = GpdFit.fit(sample(truth, 5_000, 11), 5_000);
    assertThat(fit.shape()).isCloseTo(shape, within(0.06));
    assertThat(fit.scale()).isCloseTo(scale, within(0.08 * scale));
    float[] y = sample(truth, 5_000, 11);
    assertThat(fit.logLikelihood(y, y.length)).as("at least as likely as the truth")
        .isGreaterThanOrEqualTo(truth.logLikelihood(y, y.length) - 1e-6);
  }

  @Test
  void fewOrDegenerateExcessesNeverGiveNaN() {
    for (float[] y : new float[][] {{1f}, {0.5f, 2f}, {1, 2, 3, 4, 5}, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, {0, 0, 0}}) {
      Gpd g = GpdFit.fit(y, y.length);
      assertThat(Double.isFinite(g.shape())).isTrue();
      assertThat(g.scale()).isPositive().isFinite();
      assertThat(g.quantileOfSurvival(1e-3)).isFinite();
    }
    assertThat(GpdFit.fit(new float[] {1, 2, 3}, 3).shape()).as("few peaks: exponential").isZero();
    assertThatThrownBy(() -> GpdFit.fit(new float[0], 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GpdFit.fit(new float[] {-1}, 1)).hasMessageContaining(">= 0");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void itsLog1pIsWithinFourUlpsOfTheLibrarysAtEveryScale(long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      // magnitudes from 1e-300 to 1e300, and the whole of (−1, 0)
      double z = i % 4 == 0 ? -r.nextDouble() : Math.pow(10, -300 + 600 * r.nextDouble()) * r.nextDouble();
      double expected = Math.log1p(z);
      double actual = GpdFit.log1p(z);
      assertThat(Math.abs(actual - expected)).as("log1p(%s): %s against %s", z, actual, expected)
          .isLessThanOrEqualTo(4 * Math.ulp(expected));
    }
    assertThat(GpdFit.log1p(0.0)).isEqualTo(0.0);
    assertThat(GpdFit.log1p(-1.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(GpdFit.log1p(-1.5)).isNaN();
    assertThat(GpdFit.log1p(Double.NaN)).isNaN();
    assertThat(GpdFit.log1p(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(GpdFit.log1p(Double.MAX_VALUE)).isEqualTo(Math.log1p(Double.MAX_VALUE));
    assertThat(GpdFit.log1p(1e-300)).isEqualTo(1e-300);
  }

  /**
   * The product form of mean log(1 + x·y) agrees with the sum of logarithms to 1e-13 relative
   * (plus 1e-15 absolute) over heavy and bounded shapes, every x the search can try, tiny and
   * huge factors and up to 5,000 excesses, and is NaN where a factor is not positive.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void theProductFormOfTheMeanLogMatchesTheSumOfLogs(long seed) {
    Random r = new Random(seed);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(5_000);
      double shape = -0.5 + 1.5 * r.nextDouble();
      float[] y = sample(new Gpd(shape, Math.pow(10, -6 + 12 * r.nextDouble())), n, r.nextLong());
      double sum = 0;
      double max = 0;
      for (int i = 0; i < n; i++) {
        sum += y[i];
        max = Math.max(max, y[i]);
      }
      double mean = sum / n;
      if (!(mean > 0)) {
        continue;
      }
      // the search's range: bounded tails x = −t/max, t in (0, 1); heavy ones x = e^u/mean
      double x = r.nextBoolean()
          ? -(1 - Math.pow(10, -9 * r.nextDouble())) / max
          : Math.exp(-9.4 + 21.8 * r.nextDouble()) / mean;
      double expected = GpdFit.meanLog1p(y, n, x);
      double actual = GpdFit.meanLog1pByProduct(y, n, x);
      assertThat(Math.abs(actual - expected)).as("n %d, x %s: %s against %s", n, x, actual, expected)
          .isLessThanOrEqualTo(1e-13 * Math.abs(expected) + 1e-15);
    }
    float[] y = {1f, 2f, 4f};
    assertThat(GpdFit.meanLog1pByProduct(y, 3, -0.25)).isNaN();
    assertThat(GpdFit.meanLog1pByProduct(y, 3, -0.5)).isNaN();
    assertThat(GpdFit.meanLog1pByProduct(y, 3, 0.0)).isEqualTo(0.0);
  }

  @Test
  void theFitIsDeterministic() {
    float[] y = sample(new Gpd(0.2, 1), 2_000, 5);
    Gpd a = GpdFit.fit(y, y.length);
    Gpd b = GpdFit.fit(y.clone(), y.length);
    assertThat(Double.doubleToRawLongBits(a.shape())).isEqualTo(Double.doubleToRawLongBits(b.shape()));
    assertThat(Double.doubleToRawLongBits(a.scale())).isEqualTo(Double.doubleToRawLongBits(b.scale()));
  }
}
