package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.SaeParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterAverageTest {

  private static SaeParameters random(Random rnd, int d, int n) {
    SaeParameters p = new SaeParameters(d, n);
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
      }
    }
    p.inferenceThreshold = rnd.nextFloat();
    return p;
  }

  private static List<SaeParameters> randomReplicas(Random rnd, int count, int d, int n) {
    List<SaeParameters> list = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      list.add(random(rnd, d, n));
    }
    return list;
  }

  /** Σ_r w_r·x_r / Σ_r w_r, element by element, straight from the definition. */
  private static double naive(List<SaeParameters> replicas, long[] w, int tensor, int i) {
    double num = 0;
    long den = 0;
    for (int r = 0; r < w.length; r++) {
      num += w[r] * (double) replicas.get(r).tensors()[tensor][i];
      den += w[r];
    }
    return num / den;
  }

  private static void assertBitwiseEqual(SaeParameters actual, SaeParameters expected) {
    float[][] a = actual.tensors();
    float[][] e = expected.tensors();
    for (int t = 0; t < a.length; t++) {
      assertThat(a[t]).as(SaeParameters.TENSOR_NAMES[t]).isEqualTo(e[t]);
    }
    assertThat(actual.inferenceThreshold).isEqualTo(expected.inferenceThreshold);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void matchesTheNaiveWeightedMeanOnRandomShapes(long seed) {
    Random rnd = new Random(seed);
    int d = 1 + rnd.nextInt(12);
    int n = 1 + rnd.nextInt(20);
    int count = 1 + rnd.nextInt(6);
    List<SaeParameters> replicas = randomReplicas(rnd, count, d, n);
    long[] w = new long[count];
    for (int r = 0; r < count; r++) {
      w[r] = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(5000);
    }
    w[rnd.nextInt(count)] = 1 + rnd.nextInt(5000); // at least one replica trained
    SaeParameters avg = ParameterAverage.weighted(replicas, w);
    assertThat(avg.inputDim()).isEqualTo(d);
    assertThat(avg.latentDim()).isEqualTo(n);
    float[][] got = avg.tensors();
    for (int t = 0; t < got.length; t++) {
      for (int i = 0; i < got[t].length; i++) {
        double want = naive(replicas, w, t, i);
        assertThat((double) got[t][i]).as("%s[%d] seed %d", SaeParameters.TENSOR_NAMES[t], i, seed)
            .isCloseTo(want, within(1e-6 * Math.max(1, Math.abs(want))));
      }
    }
    double th = 0;
    long total = LongStream.of(w).sum();
    for (int r = 0; r < count; r++) {
      th += w[r] * (double) replicas.get(r).inferenceThreshold / total;
    }
    assertThat((double) avg.inferenceThreshold).isCloseTo(th, within(1e-6));
    for (SaeParameters p : replicas) {
      assertThat(avg).isNotSameAs(p);
    }
  }

  @Test
  void equalWeightsOfTwoGiveTheMidpoint() {
    SaeParameters a = new SaeParameters(2, 1);
    SaeParameters b = new SaeParameters(2, 1);
    a.wEnc[0] = 1f;
    b.wEnc[0] = 3f;
    a.bDec[1] = -2f;
    b.bDec[1] = 2f;
    a.inferenceThreshold = 0.5f;
    SaeParameters avg = ParameterAverage.weighted(List.of(a, b), new long[] {7, 7});
    assertThat(avg.wEnc[0]).isEqualTo(2f);
    assertThat(avg.bDec[1]).isEqualTo(0f);
    assertThat(avg.inferenceThreshold).isEqualTo(0.25f);
    SaeParameters skewed = ParameterAverage.weighted(List.of(a, b), new long[] {3, 1});
    assertThat(skewed.wEnc[0]).isEqualTo(1.5f);
    assertThat(skewed.bDec[1]).isEqualTo(-1f);
  }

  @Test
  void allZeroWeightsReturnACopyOfTheFirst() {
    Random rnd = new Random(11);
    List<SaeParameters> replicas = randomReplicas(rnd, 3, 5, 7);
    SaeParameters avg = ParameterAverage.weighted(replicas, new long[] {0, 0, 0});
    assertBitwiseEqual(avg, replicas.get(0));
    assertThat(avg).isNotSameAs(replicas.get(0));
    avg.wDec[0] += 1f;
    assertThat(replicas.get(0).wDec[0]).isNotEqualTo(avg.wDec[0]);
  }

  @Test
  void zeroWeightReplicasAreIgnoredEvenWhenTheyHoldNonFiniteValues() {
    Random rnd = new Random(12);
    List<SaeParameters> three = randomReplicas(rnd, 3, 6, 9);
    SaeParameters idle = three.get(1);
    idle.wEnc[3] = Float.NaN;
    idle.bDec[0] = Float.POSITIVE_INFINITY;
    idle.inferenceThreshold = Float.NaN;
    SaeParameters withIdle = ParameterAverage.weighted(three, new long[] {300, 0, 500});
    SaeParameters without =
        ParameterAverage.weighted(List.of(three.get(0), three.get(2)), new long[] {300, 500});
    assertBitwiseEqual(withIdle, without);
    assertThat(withIdle.allFinite()).isTrue();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void equalContributionsAverageToThemselvesInAnyOrderAndWithAnyWeights(long seed) {
    Random rnd = new Random(seed);
    SaeParameters p = random(rnd, 8, 16);
    List<SaeParameters> copies = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      copies.add(p.copy());
    }
    long[] w = {1 + rnd.nextInt(999), 1 + rnd.nextInt(999), 0, 1 + rnd.nextInt(999), 3};
    assertBitwiseEqual(ParameterAverage.weighted(copies, w), p);
    long[] reversed = {w[4], w[3], w[2], w[1], w[0]};
    assertBitwiseEqual(ParameterAverage.weighted(copies, reversed), p);
    assertThat(ParameterAverage.distance(ParameterAverage.weighted(copies, w), p)).isZero();
  }

  @Test
  void permutingTheReplicasWithTheirWeightsChangesNothingBeyondRounding() {
    Random rnd = new Random(31);
    List<SaeParameters> replicas = randomReplicas(rnd, 4, 7, 11);
    long[] w = {120, 5, 77, 1000};
    SaeParameters avg = ParameterAverage.weighted(replicas, w);
    List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
    Collections.shuffle(order, new Random(32));
    List<SaeParameters> shuffled = new ArrayList<>();
    long[] sw = new long[4];
    for (int i = 0; i < 4; i++) {
      shuffled.add(replicas.get(order.get(i)));
      sw[i] = w[order.get(i)];
    }
    SaeParameters other = ParameterAverage.weighted(shuffled, sw);
    float[][] a = avg.tensors();
    float[][] b = other.tensors();
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) {
        assertThat(b[t][i]).isCloseTo(a[t][i], within(Math.ulp(a[t][i])));
      }
    }
  }

  @Test
  void theTensorAverageAgreesWithTheParameterAverage() {
    Random rnd = new Random(41);
    List<SaeParameters> replicas = randomReplicas(rnd, 3, 4, 6);
    long[] w = {10, 0, 30};
    List<float[][]> tensors = replicas.stream().map(SaeParameters::tensors).toList();
    float[][] got = ParameterAverage.weightedTensors(tensors, w);
    float[][] want = ParameterAverage.weighted(replicas, w).tensors();
    for (int t = 0; t < want.length; t++) {
      assertThat(got[t]).isEqualTo(want[t]);
    }
    float[][] idle = ParameterAverage.weightedTensors(tensors, new long[3]);
    assertThat(idle[0]).isEqualTo(tensors.get(0)[0]).isNotSameAs(tensors.get(0)[0]);
  }

  @Test
  void aRoundsModelHasUnitDecoderDirectionsWhenTwoOrMoreReplicasTrained() {
    Random rnd = new Random(17);
    io.saestreams.model.SaeConfig unit = io.saestreams.model.SaeConfig.builder(5, 7).build();
    assertThat(unit.unitNormDecoder()).isTrue();
    List<SaeParameters> replicas = randomReplicas(rnd, 3, 5, 7);
    for (SaeParameters p : replicas) {
      OnlineTrainer.normaliseDecoder(p);
    }
    long[] w = {3, 0, 5};
    SaeParameters avg = ParameterAverage.ofRound(unit, replicas, w);
    SaeParameters plain = ParameterAverage.weighted(replicas, w);
    for (int j = 0; j < 7; j++) {
      assertThat(plain.decoderNorm(j)).as("the plain average of unit directions is shorter").isLessThan(1.0);
      assertThat(avg.decoderNorm(j)).isCloseTo(1.0, within(1e-6));
      for (int i = 0; i < 5; i++) {
        assertThat((double) avg.wDec[j * 5 + i]).isCloseTo(plain.wDec[j * 5 + i] / plain.decoderNorm(j), within(1e-6));
      }
    }
    assertThat(avg.wEnc).containsExactly(plain.wEnc);
    // one trained replica: its parameters, bit for bit
    assertBitwiseEqual(ParameterAverage.ofRound(unit, replicas, new long[] {0, 4, 0}), replicas.get(1));
  }

  @Test
  void replicasTakePTimesTheLearningRateUnlessOneIsSet() {
    TrainerConfig single = TrainerConfig.defaults(io.saestreams.model.SaeConfig.builder(4, 6).build());
    float lr = single.optimizer().learningRate();
    assertThat(ParameterAverage.replicaConfig(single, 4, 0).optimizer().learningRate()).isEqualTo(lr * 4);
    assertThat(ParameterAverage.replicaConfig(single, 4, 0.002).optimizer().learningRate()).isEqualTo(0.002f);
    assertThat(ParameterAverage.replicaConfig(single, 4, 0).withOptimizer(single.optimizer())).isEqualTo(single);
  }

  @Test
  void distanceIsTheEuclideanNormOfTheDifference() {
    SaeParameters a = new SaeParameters(2, 2);
    SaeParameters b = new SaeParameters(2, 2);
    b.wEnc[1] = 3f;
    b.theta[0] = -4f;
    assertThat(ParameterAverage.distance(a, b)).isEqualTo(5.0);
    assertThat(ParameterAverage.distance(b, a)).isEqualTo(5.0);
    assertThat(ParameterAverage.distance(b, b)).isZero();
  }

  @Test
  void badArgumentsAreRejected() {
    Random rnd = new Random(51);
    List<SaeParameters> two = randomReplicas(rnd, 2, 3, 4);
    assertThatThrownBy(() -> ParameterAverage.weighted(List.of(), new long[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 replicas");
    assertThatThrownBy(() -> ParameterAverage.weighted(two, new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need one weight per replica, got 2 replicas and 1 weights");
    assertThatThrownBy(() -> ParameterAverage.weighted(two, new long[] {5, -1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("weights must be >= 0, got -1");
    assertThatThrownBy(() -> ParameterAverage.weighted(two, new long[] {Long.MAX_VALUE, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum beyond");
    List<SaeParameters> mixed = List.of(two.get(0), new SaeParameters(3, 5));
    assertThatThrownBy(() -> ParameterAverage.weighted(mixed, new long[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in shape");
    assertThatThrownBy(() -> ParameterAverage.distance(two.get(0), new SaeParameters(4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in shape");
    List<float[][]> ragged = List.of(new float[][] {new float[3]}, new float[][] {new float[2]});
    assertThatThrownBy(() -> ParameterAverage.weightedTensors(ragged, new long[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ");
  }
}
