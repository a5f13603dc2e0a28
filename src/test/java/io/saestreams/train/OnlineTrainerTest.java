package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.model.Activation;
import io.saestreams.model.Noise;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.NaiveGemm;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnlineTrainerTest {
  private static final int D = 24;
  private static final int N = 48;
  private static final int BATCH = 32;

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of(Activation.SIGMOID, Sparsity.NONE, OptimizerKind.ADAM),
        Arguments.of(Activation.SIGMOID, Sparsity.L1, OptimizerKind.ADAM),
        Arguments.of(Activation.SIGMOID, Sparsity.KL, OptimizerKind.ADAM),
        Arguments.of(Activation.RELU, Sparsity.NONE, OptimizerKind.ADAM),
        Arguments.of(Activation.RELU, Sparsity.L1, OptimizerKind.ADAM),
        Arguments.of(Activation.TOPK, Sparsity.NONE, OptimizerKind.ADAM),
        Arguments.of(Activation.TOPK, Sparsity.L1, OptimizerKind.ADAM),
        Arguments.of(Activation.BATCH_TOPK, Sparsity.NONE, OptimizerKind.ADAM),
        Arguments.of(Activation.BATCH_TOPK, Sparsity.L1, OptimizerKind.ADAM),
        Arguments.of(Activation.JUMPRELU, Sparsity.NONE, OptimizerKind.ADAM),
        Arguments.of(Activation.JUMPRELU, Sparsity.L1, OptimizerKind.ADAM),
        Arguments.of(Activation.RELU, Sparsity.L1, OptimizerKind.SGD),
        Arguments.of(Activation.RELU, Sparsity.L1, OptimizerKind.MOMENTUM),
        Arguments.of(Activation.RELU, Sparsity.L1, OptimizerKind.RMSPROP),
        Arguments.of(Activation.SIGMOID, Sparsity.KL, OptimizerKind.SGD));
  }

  private static float learningRate(OptimizerKind kind) {
    return switch (kind) {
      case SGD -> 0.05f;
      case MOMENTUM -> 0.01f;
      case RMSPROP, ADAM -> 2e-3f;
    };
  }

  @ParameterizedTest(name = "{0} + {1} with {2}")
  @MethodSource("pairs")
  void lossFallsAndFvuImproves(Activation act, Sparsity sparsity, OptimizerKind opt) {
    SaeConfig model = SaeConfig.builder(D, N).activation(act).sparsity(sparsity).k(4)
        .l1Coefficient(1e-3f).klWeight(0.05f).klTarget(0.1f).jumpThreshold(0.02f).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withOptimizer(OptimizerConfig.of(opt, learningRate(opt))).withSeed(7);
    OnlineTrainer trainer = new OnlineTrainer(cfg, new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 11);
    double firstFvu = window(trainer, data, 20);
    double firstLoss = trainer.stats().snapshot(0, 0.1, 0).reconstructionLoss();
    for (int i = 0; i < 400; i++) {
      trainer.trainBatch(data.batch(BATCH), BATCH);
    }
    trainer.stats().reset();
    double lastFvu = window(trainer, data, 20);
    double lastLoss = trainer.stats().snapshot(0, 0.1, 0).reconstructionLoss();
    assertThat(lastFvu).as("FVU first %s last %s", firstFvu, lastFvu).isLessThan(0.6 * firstFvu);
    assertThat(lastLoss).isLessThan(firstLoss);
    assertThat(trainer.parameters().allFinite()).isTrue();
    assertThat(trainer.skippedBatches()).isZero();
    for (int j = 0; j < N; j++) {
      assertThat(trainer.parameters().decoderNorm(j)).isCloseTo(1.0, org.assertj.core.data.Offset
          .offset(1e-5));
    }
  }

  @org.junit.jupiter.api.Test
  void aSnapshotTakesTheDecodersGeometryOnlyWhenAsked() {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(4).sparsity(Sparsity.NONE).build();
    OnlineTrainer trainer = new OnlineTrainer(TrainerConfig.defaults(model).withBatchSize(BATCH).withSeed(3),
        new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 5);
    for (int i = 0; i < 5; i++) {
      trainer.trainBatch(data.batch(BATCH), BATCH);
    }
    double expected = DecoderGeometry.maxCosine(trainer.parameters(), new NaiveGemm());
    assertThat(expected).isBetween(-1.0, 1.0);
    trainer.geometryBudget(Double.POSITIVE_INFINITY);
    assertThat(trainer.snapshot().maxDecoderCosine()).isEqualTo(expected);
    assertThat(trainer.snapshot(true).maxDecoderCosine()).isEqualTo(expected);
    StatsSnapshot without = trainer.snapshot(false);
    assertThat(without.maxDecoderCosine()).isNaN();
    assertThat(without.withMaxDecoderCosine(expected)).usingRecursiveComparison()
        .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class).isEqualTo(trainer.snapshot(true));
  }

  /**
   * The geometry statistic keeps within its share of the training time: with no budget only the
   * first is taken; with a share, it is taken again once training has run long enough for it.
   */
  @org.junit.jupiter.api.Test
  void theDecodersGeometryKeepsWithinItsShareOfTheTrainingTime() {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(4).sparsity(Sparsity.NONE).build();
    TinyDictionary data = new TinyDictionary(D, 32, 3, 5);
    OnlineTrainer none = new OnlineTrainer(TrainerConfig.defaults(model).withBatchSize(BATCH).withSeed(3),
        new NaiveGemm());
    none.geometryBudget(0);
    assertThat(none.snapshot().maxDecoderCosine()).as("the first is always taken").isBetween(-1.0, 1.0);
    for (int i = 0; i < 20; i++) {
      none.trainBatch(data.batch(BATCH), BATCH);
      assertThat(none.snapshot().maxDecoderCosine()).isNaN();
    }
    assertThat(none.snapshot(false).maxDecoderCosine()).isNaN();

    OnlineTrainer shared = new OnlineTrainer(TrainerConfig.defaults(model).withBatchSize(BATCH).withSeed(3),
        new NaiveGemm());
    shared.geometryBudget(0.5);
    assertThat(shared.snapshot().maxDecoderCosine()).isBetween(-1.0, 1.0);
    assertThat(shared.snapshot().maxDecoderCosine()).as("no training since: over budget").isNaN();
    // train until the training time exceeds twice what the statistic has cost: then it is taken again
    int batches = 0;
    double taken = Double.NaN;
    while (Double.isNaN(taken) && batches < 100_000) {
      shared.trainBatch(data.batch(BATCH), BATCH);
      batches++;
      taken = shared.snapshot().maxDecoderCosine();
    }
    assertThat(taken).as("taken again after %d batches", batches).isBetween(-1.0, 1.0);
    assertThat(batches).isGreaterThan(0);
    assertThatThrownBy(() -> shared.geometryBudget(-0.1)).hasMessageContaining(">= 0, got -0.1");
    assertThatThrownBy(() -> shared.geometryBudget(Double.NaN)).hasMessageContaining(">= 0");
  }

  private static double window(OnlineTrainer t, TinyDictionary data, int batches) {
    t.stats().reset();
    for (int i = 0; i < batches; i++) {
      t.trainBatch(data.batch(BATCH), BATCH);
    }
    return t.stats().fvu();
  }

  @Test
  void nonFiniteBatchIsSkippedAndCountedAndLeavesTheModelUnchanged() {
    SaeConfig model = SaeConfig.builder(D, N).build();
    OnlineTrainer trainer = new OnlineTrainer(
        TrainerConfig.defaults(model).withBatchSize(BATCH), new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 1);
    trainer.trainBatch(data.batch(BATCH), BATCH);
    SaeParameters before = trainer.parameters().copy();
    long steps = trainer.steps();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 3e38f}) {
      float[] x = data.batch(BATCH);
      x[5] = bad;
      StepResult r = trainer.trainBatch(x, BATCH);
      assertThat(r.skipped()).as("batch with %s", bad).isTrue();
    }
    assertThat(trainer.skippedBatches()).isEqualTo(3);
    assertThat(trainer.steps()).isEqualTo(steps);
    assertThat(trainer.parameters().wEnc).isEqualTo(before.wEnc);
    assertThat(trainer.parameters().wDec).isEqualTo(before.wDec);
    assertThat(trainer.parameters().bDec).isEqualTo(before.bDec);
    assertThat(trainer.trainBatch(data.batch(BATCH), BATCH).skipped()).isFalse();
  }

  @Test
  void aNonFiniteFirstBatchDoesNotPoisonTheDecoderBiasInitialisation() {
    SaeConfig model = SaeConfig.builder(D, N).build();
    OnlineTrainer trainer = new OnlineTrainer(
        TrainerConfig.defaults(model).withBatchSize(BATCH), new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 1);
    float[] x = data.batch(BATCH);
    x[0] = Float.NaN;
    assertThat(trainer.trainBatch(x, BATCH).skipped()).isTrue();
    assertThat(trainer.parameters().bDec).containsOnly(0f);
    StepResult next = trainer.trainBatch(data.batch(BATCH), BATCH);
    assertThat(next.skipped()).isFalse();
    assertThat(trainer.parameters().allFinite()).isTrue();
    assertThat(trainer.skippedBatches()).isEqualTo(1);
  }

  @Test
  void shortFinalBatchesAndBufferingWork() {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(3).build();
    OnlineTrainer trainer = new OnlineTrainer(
        TrainerConfig.defaults(model).withBatchSize(BATCH), new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 2);
    float[] x = data.batch(BATCH + 5);
    int steps = 0;
    for (int b = 0; b < BATCH + 5; b++) {
      if (trainer.accept(Arrays.copyOfRange(x, b * D, b * D + D)) != null) {
        steps++;
      }
    }
    assertThat(steps).isEqualTo(1);
    assertThat(trainer.buffered()).isEqualTo(5);
    StepResult last = trainer.flush();
    assertThat(last.rows()).isEqualTo(5);
    assertThat(trainer.samplesSeen()).isEqualTo(BATCH + 5);
    assertThat(trainer.flush()).isNull();
    assertThatThrownBy(() -> trainer.accept(new float[D + 1]))
        .hasMessageContaining("dimension " + D);
  }

  @Test
  void reinitialisationRevivesDeadLatents() {
    SaeConfig model = SaeConfig.builder(D, N).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withRevival(Revival.REINIT, 10 * BATCH, 5);
    OnlineTrainer trainer = new OnlineTrainer(cfg, new NaiveGemm());
    // kill a quarter of the latents: a bias so negative that they never fire
    for (int j = 0; j < N; j += 4) {
      trainer.parameters().bEnc[j] = -100f;
    }
    TinyDictionary data = new TinyDictionary(D, 32, 3, 3);
    for (int i = 0; i < 12; i++) {
      trainer.trainBatch(data.batch(BATCH), BATCH);
    }
    assertThat(trainer.revivedLatents()).isGreaterThanOrEqualTo(N / 4);
    assertThat(trainer.parameters().bEnc[0]).isGreaterThan(-1f);
    trainer.stats().reset();
    for (int i = 0; i < 20; i++) {
      trainer.trainBatch(data.batch(BATCH), BATCH);
    }
    int firing = 0;
    for (int j = 0; j < N; j += 4) {
      firing += trainer.stats().firingFrequency(j) > 0 ? 1 : 0;
    }
    assertThat(firing).as("revived latents that fire again").isGreaterThan(N / 8);
  }

  @Test
  void auxKRevivalTrainsDeadLatents() {
    SaeConfig model = SaeConfig.builder(D, N).activation(Activation.TOPK).k(2)
        .sparsity(Sparsity.NONE).auxKCoefficient(1f / 32).auxK(8).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(BATCH)
        .withRevival(Revival.AUXK, 4 * BATCH, 1);
    OnlineTrainer trainer = new OnlineTrainer(cfg, new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 32, 3, 4);
    double aux = 0;
    for (int i = 0; i < 100; i++) {
      aux += trainer.trainBatch(data.batch(BATCH), BATCH).loss().auxiliary();
    }
    assertThat(aux).as("AuxK loss is computed once latents die").isPositive();
  }
}
