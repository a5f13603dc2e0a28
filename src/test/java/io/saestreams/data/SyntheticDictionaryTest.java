package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SyntheticDictionaryTest {
  static LongStream seeds() {
    Random random = new Random(20240611L);
    return LongStream.generate(random::nextLong).limit(4);
  }

  private static SyntheticConfig small(long seed) {
    return SyntheticConfig.defaults(seed).withDimension(32).withFeatures(64).withMeanActive(4);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sameSeedGivesSameDictionaryAndStream(long seed) {
    SyntheticDictionary a = new SyntheticDictionary(small(seed).withAnomalyFraction(0.2));
    SyntheticDictionary b = new SyntheticDictionary(small(seed).withAnomalyFraction(0.2));
    assertThat(a.dictionary()).isDeepEqualTo(b.dictionary());
    List<LabelledVector> first = a.stream(50).take(50);
    assertThat(b.stream(50).take(50)).isEqualTo(first);
    assertThat(a.stream(10).take(10)).isEqualTo(first.subList(0, 10)); // each call restarts
    SyntheticDictionary other = new SyntheticDictionary(small(seed + 1));
    assertThat(other.dictionary()[0]).isNotEqualTo(a.dictionary()[0]);
    assertThat(a.stream(5, 1).take(5)).isNotEqualTo(first.subList(0, 5));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void dictionaryRowsHaveUnitNorm(long seed) {
    SyntheticDictionary d = new SyntheticDictionary(small(seed));
    float[][] atoms = d.dictionary();
    assertThat(atoms).hasNumberOfRows(64);
    for (float[] atom : atoms) {
      assertThat(atom).hasSize(32);
      double norm2 = 0;
      for (float x : atom) {
        norm2 += x * x;
      }
      assertThat(Math.sqrt(norm2)).isCloseTo(1.0, within(1e-5));
    }
    atoms[0][0] = 42f;
    assertThat(d.dictionary()[0][0]).isNotEqualTo(42f); // a copy
  }

  @ParameterizedTest(name = "features={0}, meanActive={1}, decay={2}")
  @CsvSource({"512, 5, 0.5", "100, 3, 0", "50, 20, 2", "10, 10, 1", "8, 1.5, 3"})
  void probabilitiesSumToMeanActiveAndDecrease(int features, double meanActive, double decay) {
    double[] p = SyntheticDictionary.firingProbabilities(features, meanActive, decay);
    double sum = 0;
    for (int i = 0; i < features; i++) {
      assertThat(p[i]).isBetween(0.0, 1.0);
      if (i > 0) {
        assertThat(p[i]).isLessThanOrEqualTo(p[i - 1]);
      }
      sum += p[i];
    }
    assertThat(sum).isCloseTo(meanActive, within(1e-9));
    if (decay > 0 && p[0] < 1) {
      assertThat(p[1] / p[0]).isCloseTo(Math.pow(2, -decay), within(1e-12));
    }
  }

  /** With no noise, every vector is exactly the magnitude-weighted sum of its active rows. */
  @ParameterizedTest
  @MethodSource("seeds")
  void samplesAreSparseCombinationsOfTheDictionary(long seed) {
    SyntheticDictionary d = new SyntheticDictionary(small(seed).withNoiseStd(0f));
    float[][] atoms = d.dictionary();
    SyntheticDictionary.SyntheticStream stream = d.stream(200);
    long totalActive = 0;
    while (stream.hasNext()) {
      SyntheticDictionary.Draw draw = stream.nextDraw();
      assertThat(draw.anomaly()).isFalse();
      assertThat(draw.activeFeatures()).isNotEmpty().isSorted();
      totalActive += draw.activeFeatures().length;
      double[] expected = new double[32];
      for (int k = 0; k < draw.activeFeatures().length; k++) {
        assertThat(draw.magnitudes()[k]).isGreaterThan(0f).isLessThanOrEqualTo(1f);
        for (int j = 0; j < 32; j++) {
          expected[j] += draw.magnitudes()[k] * atoms[draw.activeFeatures()[k]][j];
        }
      }
      for (int j = 0; j < 32; j++) {
        assertThat((double) draw.vector().values()[j]).isCloseTo(expected[j], within(1e-5));
      }
    }
    assertThat(totalActive / 200.0).isBetween(3.0, 5.0); // meanActive = 4
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void noiseHasTheConfiguredSpread(long seed) {
    float noise = 0.5f;
    SyntheticDictionary clean = new SyntheticDictionary(small(seed).withNoiseStd(0f));
    SyntheticDictionary noisy = new SyntheticDictionary(small(seed).withNoiseStd(noise));
    // Same seed: same dictionary; measure the residual after removing the known combination.
    float[][] atoms = noisy.dictionary();
    assertThat(atoms).isDeepEqualTo(clean.dictionary());
    SyntheticDictionary.SyntheticStream stream = noisy.stream(300);
    double sumSq = 0;
    long n = 0;
    while (stream.hasNext()) {
      SyntheticDictionary.Draw draw = stream.nextDraw();
      for (int j = 0; j < 32; j++) {
        double signal = 0;
        for (int k = 0; k < draw.activeFeatures().length; k++) {
          signal += draw.magnitudes()[k] * atoms[draw.activeFeatures()[k]][j];
        }
        double r = draw.vector().values()[j] - signal;
        sumSq += r * r;
        n++;
      }
    }
    assertThat(Math.sqrt(sumSq / n)).isCloseTo(noise, within(0.03));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void anomaliesAreFlaggedDenseAndOfTypicalNorm(long seed) {
    SyntheticDictionary d = new SyntheticDictionary(small(seed).withAnomalyFraction(0.25));
    SyntheticDictionary.SyntheticStream stream = d.stream(2000);
    int anomalies = 0;
    while (stream.hasNext()) {
      SyntheticDictionary.Draw draw = stream.nextDraw();
      if (draw.anomaly()) {
        anomalies++;
        assertThat(draw.activeFeatures()).isEmpty();
        double norm2 = 0;
        for (float x : draw.vector().values()) {
          norm2 += x * x;
        }
        assertThat(Math.sqrt(norm2)).isCloseTo(d.typicalNorm(), within(1e-3 * d.typicalNorm()));
      }
    }
    assertThat(anomalies / 2000.0).isCloseTo(0.25, within(0.04));
    assertThat(d.typicalNorm()).isGreaterThan(0.5);
  }

  @Test
  void idsCountAndUnboundedStreams() {
    SyntheticDictionary d = new SyntheticDictionary(small(7));
    SyntheticDictionary.SyntheticStream s = d.stream(3);
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.dimension()).isEqualTo(32);
    assertThat(s.take(10)).extracting(LabelledVector::id)
        .containsExactly("syn-000000000", "syn-000000001", "syn-000000002");
    assertThatThrownBy(s::next).isInstanceOf(NoSuchElementException.class);
    SyntheticDictionary.SyntheticStream unbounded = d.stream(-1);
    assertThat(unbounded.size()).isEqualTo(-1);
    assertThat(unbounded.take(1000)).hasSize(1000);
    assertThat(unbounded.hasNext()).isTrue();
    unbounded.close();
    assertThat(unbounded.hasNext()).isFalse();
    assertThat(d.stream(1, 2).next().id()).isEqualTo("syn-v2-000000000");
    assertThat(d.stream(1).description())
        .isEqualTo("synthetic(dimension=32, features=64, meanActive=4.0, decay=0.5, noiseStd=0.01, "
            + "anomalyFraction=0.0, seed=7)");
  }

  @Test
  void mostFrequentFeatureFiresMostOften() {
    SyntheticDictionary d = new SyntheticDictionary(small(3).withDecay(1.5));
    SyntheticDictionary.SyntheticStream s = d.stream(3000);
    int[] fired = new int[64];
    while (s.hasNext()) {
      for (int f : s.nextDraw().activeFeatures()) {
        fired[f]++;
      }
    }
    double[] p = d.firingProbabilities();
    assertThat(fired[0] / 3000.0).isCloseTo(p[0], within(0.04));
    assertThat(fired[0]).isGreaterThan(fired[10]).isGreaterThan(fired[60]);
  }
}
