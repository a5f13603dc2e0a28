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
    assertThat(checkedExpectedCount(p, ones(features))).isCloseTo(meanActive, within(1e-9));
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

  /**
   * The streams of configurations without the structure options (hierarchy, correlation,
   * magnitude spread) are bit-for-bit those of the generator before the options existed: the
   * digests were computed with that generator (commit 9e4f2e2).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "defaults, d0935472c218e4c679c99577b17cda1260b647a324ee445288660b5a0ada221f",
    "small with anomalies, a30cb8235dcb80f05e1c5f28a8228e383f010840355da79fe4e15abee2a04e7a",
    "steep without noise, 16f924eaf41a0e51e60ee6a341bc259eae433659fc26004dc07e509fe2b5b846"
  })
  void streamsWithoutStructureAreUnchanged(String name, String expected) throws Exception {
    SyntheticConfig config = switch (name) {
      case "defaults" -> SyntheticConfig.defaults(42);
      case "small with anomalies" -> small(7).withAnomalyFraction(0.05).withAnomalyScale(3);
      case "steep without noise" -> small(-3).withDecay(1.7).withMeanActive(9).withNoiseStd(0f);
      default -> throw new IllegalArgumentException(name);
    };
    assertThat(digest(new SyntheticDictionary(config))).isEqualTo(expected);
  }

  /** SHA-256 over the dictionary, the typical norm and 300 + 100 draws of variants 0 and 1. */
  private static String digest(SyntheticDictionary d) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
    for (float[] row : d.dictionary()) {
      for (float v : row) {
        buf.putFloat(v);
      }
      md.update(buf.flip());
      buf.clear();
    }
    buf.putDouble(d.typicalNorm());
    for (long variant = 0; variant < 2; variant++) {
      SyntheticDictionary.SyntheticStream s = d.stream(variant == 0 ? 300 : 100, variant);
      while (s.hasNext()) {
        SyntheticDictionary.Draw draw = s.nextDraw();
        md.update(draw.vector().id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        buf.put((byte) (draw.anomaly() ? 1 : 0));
        for (float v : draw.vector().values()) {
          buf.putFloat(v);
        }
        for (int f : draw.activeFeatures()) {
          buf.putInt(f);
        }
        for (float m : draw.magnitudes()) {
          buf.putFloat(m);
        }
        md.update(buf.flip());
        buf.clear();
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  @ParameterizedTest(name = "hierarchy={0}, decay={1}")
  @CsvSource({"3, 0.5", "2, 0", "1, 1.2", "7, 0.8"})
  void childrenFireOnlyWithTheirParentAndNeverWithASibling(int h, double decay) {
    SyntheticDictionary d = new SyntheticDictionary(
        small(11).withFeatures(66).withDecay(decay).withMeanActive(6).withHierarchy(h));
    int[] parent = d.parentOf();
    int parents = 66 / (h + 1);
    for (int f = 0; f < 66; f++) {
      boolean child = f < parents * (h + 1) && f % (h + 1) != 0;
      assertThat(parent[f]).as("parent of %d", f).isEqualTo(child ? f - f % (h + 1) : -1);
    }
    double[] p = d.firingProbabilities();
    assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(6, within(1e-9));
    for (int f = 0; f < 66; f++) {
      if (parent[f] >= 0) {
        assertThat(p[f]).isCloseTo(p[parent[f]] / (h + 1), within(1e-15));
      }
    }
    int samples = 30000;
    int[] fired = new int[66];
    long total = 0;
    SyntheticDictionary.SyntheticStream s = d.stream(samples);
    while (s.hasNext()) {
      int[] active = s.nextDraw().activeFeatures();
      assertThat(active).isSorted().doesNotHaveDuplicates();
      total += active.length;
      for (int k = 0; k < active.length; k++) {
        int f = active[k];
        fired[f]++;
        if (parent[f] >= 0) {
          assertThat(active).contains(parent[f]);
          if (k + 1 < active.length) {
            assertThat(parent[active[k + 1]]).as("a sibling of %d", f).isNotEqualTo(parent[f]);
          }
        }
      }
    }
    assertThat(total / (double) samples).isCloseTo(6, within(0.1));
    for (int f = 0; f < 66; f++) {
      double sd = Math.sqrt(p[f] * (1 - p[f]) / samples);
      assertThat(fired[f] / (double) samples).as("rate of %d", f).isCloseTo(p[f], within(5 * sd + 0.002));
    }
  }

  @ParameterizedTest(name = "correlation={0}")
  @CsvSource({"0.25", "0.6", "1"})
  void rootsOfAGroupFireWithTheConfiguredCorrelation(double rho) {
    // equal probabilities (decay 0): the firing correlation within a group is rho, across groups 0
    SyntheticDictionary d = new SyntheticDictionary(
        small(5).withDecay(0).withMeanActive(16).withCorrelation(rho));
    int samples = 40000;
    boolean[][] on = new boolean[samples][];
    SyntheticDictionary.SyntheticStream s = d.stream(samples);
    for (int t = 0; t < samples; t++) {
      on[t] = new boolean[64];
      for (int f : s.nextDraw().activeFeatures()) {
        on[t][f] = true;
      }
    }
    int g = SyntheticDictionary.CORRELATION_GROUP;
    double within = 0;
    double across = 0;
    int pairs = 0;
    for (int a = 0; a < 64; a += g) {
      within += phi(on, a, a + 1) + phi(on, a + 1, a + g - 1);
      across += phi(on, a, (a + g) % 64) + phi(on, a + 1, (a + 2 * g + 3) % 64);
      pairs += 2;
    }
    assertThat(within / pairs).isCloseTo(rho, within(0.03));
    assertThat(across / pairs).isCloseTo(0, within(0.02));
    double rate = 0;
    for (boolean[] row : on) {
      rate += row[7] ? 1 : 0;
    }
    assertThat(rate / samples).isCloseTo(0.25, within(0.015)); // the marginal is kept
  }

  /** The phi (Pearson) correlation of the firing of rows a and b. */
  private static double phi(boolean[][] on, int a, int b) {
    double n = on.length;
    double pa = 0;
    double pb = 0;
    double both = 0;
    for (boolean[] row : on) {
      pa += row[a] ? 1 : 0;
      pb += row[b] ? 1 : 0;
      both += row[a] && row[b] ? 1 : 0;
    }
    pa /= n;
    pb /= n;
    return (both / n - pa * pb) / Math.sqrt(pa * (1 - pa) * pb * (1 - pb));
  }

  @ParameterizedTest(name = "spread={0}")
  @CsvSource({"0", "0.5", "1.5"})
  void magnitudeBoundsAreLogNormalWithMeanOne(double sigma) {
    SyntheticDictionary d = new SyntheticDictionary(
        small(9).withFeatures(2000).withMeanActive(40).withDecay(0).withMagnitudeSpread(sigma)
            .withNoiseStd(0f));
    double[] a = d.magnitudeScales();
    double meanLog = 0;
    for (double v : a) {
      meanLog += Math.log(v);
    }
    meanLog /= a.length;
    double varLog = 0;
    for (double v : a) {
      varLog += (Math.log(v) - meanLog) * (Math.log(v) - meanLog);
    }
    double sdLog = Math.sqrt(varLog / (a.length - 1));
    assertThat(sdLog).isCloseTo(sigma, within(0.06 * sigma + 1e-12));
    assertThat(meanLog).isCloseTo(-sigma * sigma / 2, within(0.1 * sigma + 1e-12));
    double[] sum = new double[2000];
    int[] count = new int[2000];
    SyntheticDictionary.SyntheticStream s = d.stream(3000);
    while (s.hasNext()) {
      SyntheticDictionary.Draw draw = s.nextDraw();
      for (int k = 0; k < draw.activeFeatures().length; k++) {
        int f = draw.activeFeatures()[k];
        float m = draw.magnitudes()[k];
        assertThat(m).isPositive().isLessThanOrEqualTo((float) a[f]);
        sum[f] += m / a[f];
        count[f]++;
      }
    }
    double meanRelative = java.util.Arrays.stream(sum).sum() / java.util.Arrays.stream(count).sum();
    assertThat(meanRelative).isCloseTo(0.5, within(0.01)); // magnitude / a_i is uniform in (0, 1]
  }

  /**
   * With child coupling c a child's relative magnitude (over its bound a_i) is c times its
   * parent's plus 1 − c times an independent uniform: their correlation is c / √(c² + (1 − c)²),
   * exactly equal relative magnitudes at c = 1, and at c = 0 the very draws of the uncoupled
   * generator.
   */
  @ParameterizedTest(name = "coupling={0}")
  @CsvSource({"0", "0.5", "1"})
  void childCouplingTiesAChildsMagnitudeToItsParents(double c) {
    SyntheticConfig config = small(13).withFeatures(64).withHierarchy(3).withMeanActive(4)
        .withMagnitudeSpread(0.5).withNoiseStd(0f).withChildCoupling(c);
    SyntheticDictionary d = new SyntheticDictionary(config);
    double[] a = d.magnitudeScales();
    int[] parentOf = d.parentOf();
    SyntheticDictionary.SyntheticStream s = d.stream(20_000);
    SyntheticDictionary.SyntheticStream uncoupled = new SyntheticDictionary(config.withChildCoupling(0)).stream(20_000);
    double sp = 0;
    double sc = 0;
    double spp = 0;
    double scc = 0;
    double spc = 0;
    int pairs = 0;
    while (s.hasNext()) {
      SyntheticDictionary.Draw draw = s.nextDraw();
      SyntheticDictionary.Draw plain = uncoupled.nextDraw();
      int[] active = draw.activeFeatures();
      assertThat(active).isEqualTo(plain.activeFeatures());
      for (int k = 0; k < active.length; k++) {
        if (parentOf[active[k]] < 0) {
          assertThat(draw.magnitudes()[k]).as("a root's magnitude").isEqualTo(plain.magnitudes()[k]);
          continue;
        }
        assertThat(active[k - 1]).as("a child follows its parent").isEqualTo(parentOf[active[k]]);
        double p = draw.magnitudes()[k - 1] / a[active[k - 1]];
        double ch = draw.magnitudes()[k] / a[active[k]];
        if (c == 1) {
          assertThat(ch).isCloseTo(p, within(1e-6));
        }
        sp += p;
        sc += ch;
        spp += p * p;
        scc += ch * ch;
        spc += p * ch;
        pairs++;
      }
    }
    assertThat(pairs).isGreaterThan(2_000);
    double cov = spc / pairs - (sp / pairs) * (sc / pairs);
    double correlation = cov / Math.sqrt((spp / pairs - Math.pow(sp / pairs, 2)) * (scc / pairs - Math.pow(sc / pairs, 2)));
    assertThat(correlation).isCloseTo(c / Math.sqrt(c * c + (1 - c) * (1 - c)), within(0.04));
    if (c == 0) {
      assertThat(d.stream(100).take(100)).isEqualTo(new SyntheticDictionary(config.withChildCoupling(0)).stream(100).take(100));
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void structuredStreamsAreReproducibleAndDescribed(long seed) {
    SyntheticConfig config = small(seed).withHierarchy(3).withCorrelation(0.4)
        .withMagnitudeSpread(0.7).withChildCoupling(0.25).withAnomalyFraction(0.1);
    SyntheticDictionary a = new SyntheticDictionary(config);
    SyntheticDictionary b = new SyntheticDictionary(config);
    assertThat(a.dictionary()).isDeepEqualTo(new SyntheticDictionary(small(seed)).dictionary());
    assertThat(b.stream(200).take(200)).isEqualTo(a.stream(200).take(200));
    assertThat(b.magnitudeScales()).isEqualTo(a.magnitudeScales());
    assertThat(a.stream(50).take(50))
        .isNotEqualTo(new SyntheticDictionary(small(seed).withAnomalyFraction(0.1)).stream(50).take(50));
    assertThat(a.stream(1, 3).description()).endsWith(
        "seed=" + seed + ", hierarchy=3, correlation=0.4, magnitudeSpread=0.7, childCoupling=0.25, variant=3)");
  }

  @ParameterizedTest(name = "features={0}, meanActive={1}")
  @CsvSource({"40, 5, 0.5", "12, 3, 0", "30, 20, 2"})
  void probabilitiesWithMultiplicitiesMatchTheExpectedCount(int features, double meanActive,
      double decay) {
    double[] m = new double[features];
    for (int i = 0; i < features; i++) {
      m[i] = i % 3 == 0 ? 1.75 : 1.0;
    }
    double[] p = SyntheticDictionary.firingProbabilities(m, meanActive, decay);
    assertThat(checkedExpectedCount(p, m)).isCloseTo(meanActive, within(1e-9));
    assertThat(SyntheticDictionary.firingProbabilities(features, meanActive, decay))
        .isEqualTo(SyntheticDictionary.firingProbabilities(ones(features), meanActive, decay));
  }

  /**
   * Checks that the probabilities lie in [0, 1] and do not increase; returns {@code sum_i
   * multiplicity_i p_i}, the expected number of active rows.
   */
  private static double checkedExpectedCount(double[] p, double[] multiplicity) {
    double expected = 0;
    for (int i = 0; i < p.length; i++) {
      assertThat(p[i]).isBetween(0.0, 1.0);
      if (i > 0) {
        assertThat(p[i]).isLessThanOrEqualTo(p[i - 1]);
      }
      expected += multiplicity[i] * p[i];
    }
    return expected;
  }

  private static double[] ones(int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, 1.0);
    return v;
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
