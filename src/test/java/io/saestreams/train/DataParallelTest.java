package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.Activation;
import io.saestreams.model.Noise;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.NaiveGemm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link OnlineTrainer#replica} and {@link OnlineTrainer#adopt}: the replicas of data parallelism. */
class DataParallelTest {
  static final int D = 16;
  static final int N = 32;
  static final int BATCH = 8;

  /** Top-k with denoising and dead-latent re-initialisation, so the random stream matters. */
  static TrainerConfig config(Noise noise, OptimizerKind kind) {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(3)
        .sparsity(Sparsity.NONE).noise(noise).noiseLevel(noise == Noise.NONE ? 0f : 0.2f).build();
    float lr = kind == OptimizerKind.SGD || kind == OptimizerKind.MOMENTUM ? 1e-2f : 3e-3f;
    return TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withOptimizer(OptimizerConfig.of(kind, lr)).withSeed(9)
        .withRevival(Revival.REINIT, 4 * BATCH, 2);
  }

  static void assertSameParameters(SaeParameters actual, SaeParameters expected) {
    float[][] a = actual.tensors();
    float[][] e = expected.tensors();
    for (int t = 0; t < a.length; t++) {
      assertThat(a[t]).as(SaeParameters.TENSOR_NAMES[t]).isEqualTo(e[t]);
    }
    assertThat(actual.inferenceThreshold).isEqualTo(expected.inferenceThreshold);
  }

  private static void feed(OnlineTrainer t, float[] batches, int samples) {
    for (int s = 0; s < samples; s++) {
      t.accept(Arrays.copyOfRange(batches, s * D, (s + 1) * D));
    }
  }

  @Test
  void replicaZeroIsTheSingleTrainerBitForBit() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    OnlineTrainer single = new OnlineTrainer(cfg, new NaiveGemm());
    OnlineTrainer zero = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer one = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    int samples = 60 * BATCH + 3;
    float[] data = new TinyDictionary(D, 24, 3, 4).batch(samples);
    feed(single, data, samples);
    feed(zero, data, samples);
    feed(one, data, samples);
    assertThat(single.steps()).isEqualTo(60);
    assertThat(single.revivedLatents()).as("revival draws on the random stream too").isPositive();
    assertThat(zero.checkpoint()).isEqualTo(single.checkpoint());
    assertThat(one.checkpoint()).isNotEqualTo(single.checkpoint());
  }

  @Test
  void replicasShareTheInitialParametersButNotTheirRandomStream() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    SaeParameters initial = new OnlineTrainer(cfg, new NaiveGemm()).parameters();
    float[] batch = new TinyDictionary(D, 24, 3, 5).batch(BATCH);
    SaeParameters[] after = new SaeParameters[4];
    for (int r = 0; r < 4; r++) {
      OnlineTrainer t = OnlineTrainer.replica(cfg, new NaiveGemm(), r);
      assertSameParameters(t.parameters(), initial);
      t.trainBatch(batch, BATCH);
      after[r] = t.parameters();
    }
    for (int r = 0; r < 4; r++) {
      for (int q = r + 1; q < 4; q++) {
        assertThat(ParameterAverage.distance(after[r], after[q]))
            .as("replicas %d and %d mask the same batch differently", r, q).isPositive();
      }
    }
    OnlineTrainer again = OnlineTrainer.replica(cfg, new NaiveGemm(), 2);
    again.trainBatch(batch, BATCH);
    assertSameParameters(again.parameters(), after[2]);
  }

  @Test
  void withoutDenoisingReplicasTrainedAlikeStayAlike() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM).withRevival(Revival.NONE, 1000, 1);
    float[] batch = new TinyDictionary(D, 24, 3, 6).batch(BATCH);
    OnlineTrainer zero = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer three = OnlineTrainer.replica(cfg, new NaiveGemm(), 3);
    for (int i = 0; i < 5; i++) {
      zero.trainBatch(batch, BATCH);
      three.trainBatch(batch, BATCH);
    }
    assertSameParameters(three.parameters(), zero.parameters());
  }

  @Test
  void aNegativeReplicaIndexIsRejected() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM);
    assertThatThrownBy(() -> OnlineTrainer.replica(cfg, new NaiveGemm(), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replica must be >= 0, got -1");
  }

  private static float[][] deepCopy(float[][] a) {
    return a == null ? null : Arrays.stream(a).map(float[]::clone).toArray(float[][]::new);
  }

  @Test
  void adoptCopiesTheParametersAndKeepsEverythingElse() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    OnlineTrainer a = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer b = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    int samples = 12 * BATCH + 3;
    feed(a, new TinyDictionary(D, 24, 3, 7).batch(samples), samples);
    feed(b, new TinyDictionary(D, 24, 3, 8).batch(12 * BATCH), 12 * BATCH);
    assertThat(ParameterAverage.distance(a.parameters(), b.parameters())).isPositive();
    float[][] m = deepCopy(a.optimizer.firstMoments());
    float[][] v = deepCopy(a.optimizer.secondMoments());
    long optimizerStep = a.optimizer.step();
    long steps = a.steps();
    long seen = a.samplesSeen();
    float[] rho = a.runningActivation().clone();
    long[] lastFired = a.lastFired.clone();
    long rngState = a.rng.state();
    float[] partial = Arrays.copyOf(a.bufferArray(), 3 * D);

    SaeParameters average = b.parameters().copy();
    a.adopt(average);

    assertSameParameters(a.parameters(), average);
    assertThat(a.parameters()).isNotSameAs(average);
    average.wEnc[0] += 1f;
    assertThat(a.parameters().wEnc[0]).isEqualTo(b.parameters().wEnc[0]);
    float[][] mAfter = a.optimizer.firstMoments();
    float[][] vAfter = a.optimizer.secondMoments();
    for (int t = 0; t < m.length; t++) {
      assertThat(mAfter[t]).isEqualTo(m[t]);
      assertThat(vAfter[t]).isEqualTo(v[t]);
    }
    assertThat(a.optimizer.step()).isEqualTo(optimizerStep);
    assertThat(a.steps()).isEqualTo(steps);
    assertThat(a.samplesSeen()).isEqualTo(seen);
    assertThat(a.runningActivation()).isEqualTo(rho);
    assertThat(a.lastFired).isEqualTo(lastFired);
    assertThat(a.rng.state()).isEqualTo(rngState);
    assertThat(a.buffered()).isEqualTo(3);
    assertThat(Arrays.copyOf(a.bufferArray(), 3 * D)).isEqualTo(partial);
  }

  /**
   * A late average: θ + (average − anchor) element by element, then decoder directions back to
   * unit norm, with the optimiser moments and the rest kept, as {@link #adoptCopiesTheParametersAndKeepsEverythingElse}.
   */
  @Test
  void rebaseAddsTheAverageMinusTheAnchorAndKeepsEverythingElse() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    assertThat(cfg.model().unitNormDecoder()).isTrue();
    OnlineTrainer a = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer b = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    int samples = 12 * BATCH;
    feed(a, new TinyDictionary(D, 24, 3, 7).batch(samples), samples);
    feed(b, new TinyDictionary(D, 24, 3, 8).batch(samples), samples);
    SaeParameters anchor = a.parameters().copy();
    SaeParameters average = ParameterAverage.ofRound(cfg.model(), java.util.List.of(a.parameters(), b.parameters()),
        new long[] {samples, samples});
    feed(a, new TinyDictionary(D, 24, 3, 9).batch(3 * BATCH), 3 * BATCH);
    SaeParameters own = a.parameters().copy();
    float[][] m = deepCopy(a.optimizer.firstMoments());
    long steps = a.steps();
    long rngState = a.rng.state();

    a.rebase(anchor, average, null, null);

    SaeParameters expected = own.copy();
    float[][] e = expected.tensors();
    for (int t = 0; t < e.length; t++) {
      for (int i = 0; i < e[t].length; i++) {
        e[t][i] += average.tensors()[t][i] - anchor.tensors()[t][i];
      }
    }
    OnlineTrainer.normaliseDecoder(expected);
    assertSameParameters(a.parameters(), expected);
    assertThat(ParameterAverage.distance(a.parameters(), own)).isPositive();
    for (int j = 0; j < N; j++) {
      assertThat(a.parameters().decoderNorm(j)).isCloseTo(1.0, within(1e-6));
    }
    float[][] mAfter = a.optimizer.firstMoments();
    for (int t = 0; t < m.length; t++) {
      assertThat(mAfter[t]).isEqualTo(m[t]);
    }
    assertThat(a.steps()).isEqualTo(steps);
    assertThat(a.rng.state()).isEqualTo(rngState);
  }

  @Test
  void rebaseWithNothingTrainedSinceTheAnchorIsAdoptUpToRounding() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    OnlineTrainer a = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer b = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    feed(a, new TinyDictionary(D, 24, 3, 7).batch(8 * BATCH), 8 * BATCH);
    feed(b, new TinyDictionary(D, 24, 3, 8).batch(8 * BATCH), 8 * BATCH);
    SaeParameters average = ParameterAverage.ofRound(cfg.model(), java.util.List.of(a.parameters(), b.parameters()),
        new long[] {1, 3});
    a.rebase(a.parameters().copy(), average, null, null);
    float[][] x = a.parameters().tensors();
    float[][] y = average.tensors();
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        assertThat(x[t][i]).isCloseTo(y[t][i], within(1e-5f));
      }
    }
  }

  @Test
  void rebaseOntoAnAverageEqualToTheAnchorChangesNothingBitForBit() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    OnlineTrainer a = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    feed(a, new TinyDictionary(D, 24, 3, 7).batch(4 * BATCH), 4 * BATCH);
    SaeParameters anchor = a.parameters().copy();
    feed(a, new TinyDictionary(D, 24, 3, 8).batch(3 * BATCH), 3 * BATCH);
    byte[] before = a.checkpoint();
    a.rebase(anchor, anchor.copy(), null, null);
    assertThat(a.checkpoint()).isEqualTo(before);
    assertThatThrownBy(() -> a.rebase(new SaeParameters(D + 1, N), anchor, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
  }

  /** Samples of the tiny dictionary moved by +5 in every coordinate: their centre is far from 0. */
  private static float[] shifted(long seed) {
    float[] x = new TinyDictionary(D, 24, 3, seed).batch(BATCH);
    for (int i = 0; i < x.length; i++) {
      x[i] += 5f;
    }
    return x;
  }

  private static double meanOf(float[] a) {
    double s = 0;
    for (float f : a) {
      s += f;
    }
    return s / a.length;
  }

  @Test
  void anUntrainedReplicaAdoptingALearntAverageKeepsItsDecoderBias() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM);
    OnlineTrainer trained = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer idle = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    trained.trainBatch(new TinyDictionary(D, 24, 3, 10).batch(BATCH), BATCH);
    assertThat(idle.decoderBiasInitialised).isFalse();
    SaeParameters average = ParameterAverage.weighted(
        java.util.List.of(trained.parameters(), idle.parameters()), new long[] {BATCH, 0});
    idle.adopt(average);
    assertThat(idle.decoderBiasInitialised).isTrue();
    float[] bias = average.bDec.clone();
    idle.trainBatch(shifted(11), BATCH);
    for (int i = 0; i < D; i++) {
      // one Adam step moves an entry by about the learning rate; re-initialising would move it by ~5
      assertThat((double) idle.parameters().bDec[i]).isCloseTo(bias[i], within(0.01));
    }
  }

  @Test
  void anUntrainedReplicaAdoptingItsOwnParametersStillTakesTheDecoderBiasFromData() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM);
    OnlineTrainer idle = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    OnlineTrainer other = OnlineTrainer.replica(cfg, new NaiveGemm(), 2);
    // nobody trained: the round's average is the shared initial parameters
    idle.adopt(ParameterAverage.weighted(
        java.util.List.of(idle.parameters(), other.parameters()), new long[] {0, 0}));
    assertThat(idle.decoderBiasInitialised).isFalse();
    idle.trainBatch(shifted(12), BATCH);
    assertThat(meanOf(idle.parameters().bDec)).as("b_dec from the shifted batch").isGreaterThan(4);
  }

  @Test
  void withAZeroDecoderBiasInitialisationAdoptChangesNoFlag() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM).withInit(true, DecoderBiasInit.ZERO);
    OnlineTrainer t = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    assertThat(t.decoderBiasInitialised).isTrue();
    t.adopt(t.parameters().copy());
    assertThat(t.decoderBiasInitialised).isTrue();
    t.trainBatch(shifted(13), BATCH);
    assertThat(Math.abs(meanOf(t.parameters().bDec))).isLessThan(0.01);
  }
}
