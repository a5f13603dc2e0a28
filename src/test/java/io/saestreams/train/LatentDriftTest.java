package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatentDriftTest {
  @Test
  void theDivergenceHasItsKnownValues() {
    assertThat(LatentDrift.jensenShannonBits(new double[] {1, 2, 3}, new double[] {2, 4, 6})).isZero();
    assertThat(LatentDrift.jensenShannonBits(new double[] {1, 0}, new double[] {0, 1})).isEqualTo(1.0);
    // p = (1, 0), q = (1/2, 1/2): ½ log2(4/3) + ¼ log2(2/3) + ¼ log2(2) = 0.311278
    assertThat(LatentDrift.jensenShannonBits(new double[] {1, 0}, new double[] {0.5, 0.5}))
        .isCloseTo(0.311278, within(1e-6));
    assertThat(LatentDrift.jensenShannonBits(new double[] {0.2, 0.8}, new double[] {0.6, 0.4}))
        .isEqualTo(LatentDrift.jensenShannonBits(new double[] {0.6, 0.4}, new double[] {0.2, 0.8}));
  }

  @Test
  void nothingToCompareGivesNaN() {
    LatentDrift drift = new LatentDrift();
    assertThat(drift.update(new double[] {0.1, 0.2})).isNaN(); // first window: the reference
    assertThat(drift.update(new double[] {0, 0})).isNaN(); // nothing fired
    assertThat(drift.update(new double[] {0.1, 0.2, 0.3})).isNaN(); // another shape: new reference
    assertThat(drift.update(new double[] {0.1, 0.2, 0.3})).isZero();
  }

  /**
   * Windows of sampled firings from one distribution stay near 0; a shift of which latents fire
   * (half of the firing mass moves to other latents) jumps past 0.1; the signal then decays as the
   * reference follows.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void aShiftInWhichLatentsFireStandsOutOfSamplingNoiseAndThenDecays(long seed) {
    Random random = new Random(seed);
    int n = 512;
    double[] before = zipf(n, 1.1);
    double[] after = before.clone();
    // the first half of the latents hands its firing to the second half, in reverse order
    for (int j = 0; j < n / 2; j++) {
      after[n - 1 - j] = before[j];
      after[j] = before[n - 1 - j];
    }
    LatentDrift drift = new LatentDrift(20);
    double noise = 0;
    for (int w = 0; w < 60; w++) {
      double d = drift.update(window(random, before, 20_000));
      if (w > 0) {
        noise = Math.max(noise, d);
      }
    }
    double jump = drift.update(window(random, after, 20_000));
    double later = Double.NaN;
    for (int w = 0; w < 60; w++) {
      later = drift.update(window(random, after, 20_000));
    }
    assertThat(noise).as("stationary windows").isLessThan(0.02);
    assertThat(jump).as("the window after the shift").isGreaterThan(0.1).isGreaterThan(10 * noise);
    assertThat(later).as("60 windows later").isLessThan(jump / 5);
  }

  private static double[] zipf(int n, double s) {
    double[] p = new double[n];
    for (int j = 0; j < n; j++) {
      p[j] = 1 / Math.pow(j + 1, s);
    }
    return p;
  }

  /** Firing frequencies of a window of {@code fires} firings drawn from the weights {@code p}. */
  private static double[] window(Random random, double[] p, int fires) {
    double[] cumulative = new double[p.length];
    double total = 0;
    for (int j = 0; j < p.length; j++) {
      total += p[j];
      cumulative[j] = total;
    }
    double[] counts = new double[p.length];
    for (int i = 0; i < fires; i++) {
      int j = Arrays.binarySearch(cumulative, random.nextDouble() * total);
      counts[j < 0 ? -j - 1 : j]++;
    }
    for (int j = 0; j < counts.length; j++) {
      counts[j] /= fires;
    }
    return counts;
  }
}
