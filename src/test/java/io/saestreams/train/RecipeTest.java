package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.Activation;
import io.saestreams.model.LrSchedule;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeEngine;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.NaiveGemm;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Today's SAE recipe: input normalisation, schedules and the SAEBench core metrics. */
class RecipeTest {
  private static final int D = 16;
  private static final int N = 32;
  private static final int BATCH = 8;

  /**
   * Parameter CRCs after 6 steps, written by the release before normalisation and schedules
   * (commit f2459bf): with the new settings off, training is the same bit for bit.
   */
  @Test
  void defaultsTrainBitForBitAsBefore() {
    String[] expected = {EXPECTED_RELU, EXPECTED_TOPK, EXPECTED_KL};
    TrainerConfig[] configs = legacyConfigs();
    for (int c = 0; c < configs.length; c++) {
      OnlineTrainer t = new OnlineTrainer(configs[c], new NaiveGemm());
      TinyDictionary data = new TinyDictionary(D, 24, 3, 8);
      for (int i = 0; i < 6; i++) {
        t.trainBatch(data.batch(BATCH), BATCH);
      }
      assertThat(Long.toHexString(CheckpointTest.parameterCrc(t.parameters())))
          .as("config %d", c).isEqualTo(expected[c]);
    }
  }

  static final String EXPECTED_RELU = "c5566ec8";
  static final String EXPECTED_TOPK = "e6bc5087";
  static final String EXPECTED_KL = "b76471a7";

  static TrainerConfig[] legacyConfigs() {
    SaeConfig relu = SaeConfig.builder(D, N).build();
    SaeConfig topk = SaeConfig.builder(D, N).activation(Activation.TOPK).k(3)
        .sparsity(Sparsity.NONE).build();
    SaeConfig kl = SaeConfig.builder(D, N).activation(Activation.SIGMOID).sparsity(Sparsity.KL)
        .build();
    return new TrainerConfig[] {
      TrainerConfig.defaults(relu).withBatchSize(BATCH).withSeed(2026),
      TrainerConfig.defaults(topk).withBatchSize(BATCH).withSeed(7)
          .withOptimizer(OptimizerConfig.adam(1e-2f).withWarmup(3)),
      TrainerConfig.defaults(kl).withBatchSize(BATCH).withSeed(9)
          .withRevival(Revival.REINIT, 16, 2),
    };
  }

  /**
   * The pre-activation penalty (Anthropic's 2025 JumpReLU recipe) on a JumpReLU model whose
   * thresholds start above many pre-activations, with no revival: without it, a latent whose
   * pre-activations stay far below its threshold gets no gradient (the straight-through estimate
   * only sees a band around θ) and stays silent; with it, θ falls and the pre-activation rises
   * until the latent fires.
   */
  @Test
  void preActivationPenaltyBringsSilentJumpReluLatentsBack() {
    int[] dead = new int[2];
    float[] coefficients = {0f, PREACT};
    for (int c = 0; c < 2; c++) {
      SaeConfig m = SaeConfig.builder(D, N).activation(Activation.JUMPRELU).jumpThreshold(0.6f)
          .sparsity(Sparsity.L1).l1Coefficient(0.01f).preActCoefficient(coefficients[c]).build();
      OnlineTrainer t = new OnlineTrainer(TrainerConfig.defaults(m).withBatchSize(BATCH).withSeed(5)
          .withRevival(Revival.NONE, WINDOW, 1), new NaiveGemm());
      TinyDictionary data = new TinyDictionary(D, 24, 3, 11);
      for (int i = 0; i < STEPS; i++) {
        t.trainBatch(data.batch(BATCH), BATCH);
      }
      dead[c] = t.deadCount();
    }
    System.out.printf("latents silent for the last %d samples, of %d: %d without the pre-activation"
        + " penalty, %d with it (lambda_p = %s)%n", WINDOW, N, dead[0], dead[1], PREACT);
    assertThat(dead[0]).as("silent latents without the penalty").isGreaterThanOrEqualTo(N / 4);
    assertThat(dead[1]).as("silent latents with the penalty").isLessThanOrEqualTo(dead[0] / 4);
  }

  private static final float PREACT = 0.05f;
  private static final int STEPS = 600;
  private static final int WINDOW = 800;

  @Test
  void sparsityWarmupRampsTheCoefficientLinearlyFromZero() {
    TrainerConfig cfg = TrainerConfig.defaults(SaeConfig.builder(D, N).build()).withRecipe(false,
        4);
    float[] expected = {0f, 0.25f, 0.5f, 0.75f, 1f, 1f, 1f};
    for (int s = 0; s < expected.length; s++) {
      assertThat(cfg.sparsityScale(s)).as("after %d steps", s).isEqualTo(expected[s]);
    }
    assertThat(TrainerConfig.defaults(SaeConfig.builder(D, N).build()).sparsityScale(0))
        .isEqualTo(1f);
    // the engine's sparsity loss and its gradient scale with the factor
    SaeConfig model = SaeConfig.builder(D, N).l1Coefficient(0.01f).build();
    OnlineTrainer source = new OnlineTrainer(TrainerConfig.defaults(model), new NaiveGemm());
    float[] x = new TinyDictionary(D, 24, 3, 1).batch(BATCH);
    double[] sparsity = new double[2];
    float[][] bEncGrad = new float[2][];
    float[] scales = {1f, 0.25f};
    for (int i = 0; i < 2; i++) {
      SaeEngine e = new SaeEngine(model, new NaiveGemm(), BATCH);
      e.sparsityScale(scales[i]);
      e.forward(source.parameters(), x, x, BATCH, true);
      SaeParameters g = new SaeParameters(D, N);
      sparsity[i] = e.backward(source.parameters(), x, null, null, g, null).sparsity();
      bEncGrad[i] = g.bEnc.clone();
    }
    assertThat(sparsity[1]).isCloseTo(0.25 * sparsity[0], within(1e-6 * sparsity[0]));
    // the first step of a warm-up trains without any sparsity penalty
    OnlineTrainer warm = new OnlineTrainer(TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withRecipe(false, 10), new NaiveGemm());
    assertThat(warm.trainBatch(x, BATCH).loss().sparsity()).isZero();
    assertThat(warm.trainBatch(x, BATCH).loss().sparsity()).isPositive();
  }

  @Test
  void normalisedTrainingLearnsShiftedScaledDataAndPublishesItsStatistics() {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(3)
        .sparsity(Sparsity.NONE).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(32)
        .withOptimizer(OptimizerConfig.adam(5e-3f)
            .withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, 200, 0.1f)))
        .withRecipe(true, 0);
    OnlineTrainer t = new OnlineTrainer(cfg, new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 24, 3, 2);
    float[] offset = new float[D];
    for (int i = 0; i < D; i++) {
      offset[i] = 50f + i;
    }
    for (int s = 0; s < 300; s++) {
      t.trainBatch(shift(data.batch(32), 32, offset, 1000f), 32);
    }
    t.stats().reset();
    for (int s = 0; s < 20; s++) {
      t.trainBatch(shift(data.batch(32), 32, offset, 1000f), 32);
    }
    StatsSnapshot snap = t.snapshot();
    assertThat(snap.fvu()).isLessThan(0.3);
    assertThat(snap.cosineSimilarity()).isGreaterThan(0.99); // dominated by the offset
    assertThat(t.normaliser().count()).isEqualTo(320L * 32);
    // the mean is the offset's (the dictionary data has a small mean of its own)
    assertThat((double) t.normaliser().mean()[3]).isCloseTo(1000 * 53, within(1000.0));

    SaeModel published = t.model();
    SaeModel read = SaeModel.fromBytes(published.toBytes());
    assertThat(read.normaliser()).isEqualTo(t.normaliser());
    // the scorer measures in the input's units: FVU of the published model close to training's
    SaeModel.Scorer scorer = read.scorer(new NaiveGemm(), 32);
    TrainingStats held = new TrainingStats(D, N);
    for (int s = 0; s < 10; s++) {
      float[] x = shift(data.batch(32), 32, offset, 1000f);
      scorer.score(x, 32);
      for (int b = 0; b < 32; b++) {
        held.addSample(x, b * D, scorer.squaredError(b));
      }
    }
    assertThat(held.fvu()).isCloseTo(snap.fvu(), within(0.1));
  }

  @Test
  void normalisedScheduledTrainingResumesExactlyFromACheckpoint() {
    SaeConfig model = SaeConfig.builder(D, N).l1Coefficient(1e-3f).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withOptimizer(OptimizerConfig.adam(1e-3f).withWarmup(2)
            .withSchedule(new LrSchedule(LrSchedule.Kind.LINEAR, 5, 0.2f)))
        .withRecipe(true, 3);
    TinyDictionary a = new TinyDictionary(D, 24, 3, 5);
    TinyDictionary b = new TinyDictionary(D, 24, 3, 5);
    OnlineTrainer straight = new OnlineTrainer(cfg, new NaiveGemm());
    OnlineTrainer broken = new OnlineTrainer(cfg, new NaiveGemm());
    for (int i = 0; i < 4; i++) {
      straight.trainBatch(a.batch(BATCH), BATCH);
      broken.trainBatch(b.batch(BATCH), BATCH);
    }
    byte[] bytes = broken.checkpoint();
    assertThat(java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt()).isEqualTo(2);
    OnlineTrainer resumed = OnlineTrainer.restore(bytes, new NaiveGemm());
    assertThat(resumed.config()).isEqualTo(cfg);
    for (int i = 0; i < 6; i++) {
      float[] x = a.batch(BATCH);
      b.batch(BATCH);
      assertThat(resumed.trainBatch(x, BATCH).learningRate())
          .isEqualTo(straight.trainBatch(x, BATCH).learningRate());
    }
    assertThat(resumed.normaliser()).isEqualTo(straight.normaliser());
    assertThat(resumed.checkpoint()).isEqualTo(straight.checkpoint());
  }

  @Test
  void coreMetricsMatchNaivePerSampleComputations() {
    Random r = new Random(11);
    int rows = 40;
    TrainingStats s = new TrainingStats(D, N);
    double cos = 0;
    double ratio = 0;
    double hh = 0;
    double xh = 0;
    for (int b = 0; b < rows; b++) {
      float[] x = new float[D];
      float[] y = new float[D];
      for (int i = 0; i < D; i++) {
        x[i] = (float) r.nextGaussian();
        y[i] = (float) (0.8 * x[i] + 0.3 * r.nextGaussian());
      }
      s.addReconstructionRow(x, 0, y, 0);
      double nx = 0;
      double ny = 0;
      double dot = 0;
      for (int i = 0; i < D; i++) {
        nx += (double) x[i] * x[i];
        ny += (double) y[i] * y[i];
        dot += (double) x[i] * y[i];
      }
      cos += dot / Math.sqrt(nx) / Math.sqrt(ny) / rows;
      ratio += Math.sqrt(ny) / Math.sqrt(nx) / rows;
      hh += ny;
      xh += dot;
    }
    assertThat(s.cosineSimilarity()).isCloseTo(cos, within(1e-12));
    assertThat(s.l2Ratio()).isCloseTo(ratio, within(1e-12));
    assertThat(s.relativeReconstructionBias()).isCloseTo(hh / xh, within(1e-12));
  }

  @Test
  void densityFractionsAndHistogramCountLatentsByFiringRate() {
    int n = 6;
    TrainingStats s = new TrainingStats(2, n);
    float[] x = {1f, 2f};
    // latent j fires on fires[j] of 1000 samples
    int[] fires = {0, 5, 50, 200, 1000, 0};
    for (int b = 0; b < 1000; b++) {
      s.addSample(x, 0, 0);
      int[] idx = new int[n];
      float[] val = new float[n];
      int m = 0;
      for (int j = 0; j < n; j++) {
        if (b < fires[j]) {
          idx[m] = j;
          val[m++] = 1f;
        }
      }
      s.addCode(idx, val, m);
    }
    assertThat(s.denseFraction(0.01)).isCloseTo(3.0 / n, within(1e-12)); // 0.05, 0.2, 1
    assertThat(s.denseFraction(0.1)).isCloseTo(2.0 / n, within(1e-12));
    double[] h = s.log10DensityHistogram();
    // densities 0.005 → [−3, −2), 0.05 → [−2, −1), 0.2 and 1 → [−1, 0]
    assertThat(h).containsExactly(new double[] {2.0 / n, 0, 0, 0, 1.0 / n, 1.0 / n, 2.0 / n},
        within(1e-12));
    double mean = (Math.log10(0.005) + Math.log10(0.05) + Math.log10(0.2) + 0) / 4;
    assertThat(s.meanLog10Density()).isCloseTo(mean, within(1e-12));
    assertThat(Arrays.stream(h).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void maxDecoderCosineMatchesTheNaivePairwiseMaximum() {
    Random r = new Random(3);
    for (int n : new int[] {2, 5, DecoderGeometry.BLOCK + 37}) {
      SaeParameters p = new SaeParameters(4, n);
      for (int i = 0; i < p.wDec.length; i++) {
        p.wDec[i] = (float) r.nextGaussian();
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i != j) {
            double dot = 0;
            for (int c = 0; c < 4; c++) {
              dot += (double) p.wDec[i * 4 + c] * p.wDec[j * 4 + c];
            }
            max = Math.max(max, dot / p.decoderNorm(i) / p.decoderNorm(j));
          }
        }
      }
      assertThat(DecoderGeometry.maxCosine(p, new NaiveGemm())).as("n=%d", n)
          .isCloseTo(max, within(1e-5));
    }
    assertThat(DecoderGeometry.maxCosine(new SaeParameters(4, 1), new NaiveGemm())).isNaN();
  }

  private static float[] shift(float[] x, int rows, float[] offset, float scale) {
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < D; i++) {
        x[b * D + i] = scale * (x[b * D + i] + offset[i]);
      }
    }
    return x;
  }
}
