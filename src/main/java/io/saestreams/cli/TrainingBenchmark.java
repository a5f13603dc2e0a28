package io.saestreams.cli;

import io.saestreams.model.Activation;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.Rng;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.train.DecoderBiasInit;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import java.util.List;

/**
 * Single-thread training and inference throughput for a model shape and a GEMM backend. Inputs
 * are a fixed pool of random non-negative vectors (pixel-like), cycled; Adam; one thread.
 */
final class TrainingBenchmark {
  /** A benchmarked configuration. */
  record Shape(String name, int d, int n, int batch, Activation activation, int k,
      Sparsity sparsity) {
    SaeConfig model() {
      return SaeConfig.builder(d, n).activation(activation).k(Math.max(k, 1)).sparsity(sparsity)
          .klTarget(0.05f).klWeight(0.1f).l1Coefficient(1e-3f).build();
    }

    String activationName() {
      return activation.configName() + (activation.isTopK() ? " k=" + k : "") + "+"
          + sparsity.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The shapes the targets are stated for. */
  static final List<Shape> SHAPES = List.of(
      new Shape("d784·n64·B256", 784, 64, 256, Activation.SIGMOID, 0, Sparsity.KL),
      new Shape("d784·n256·B64", 784, 256, 64, Activation.RELU, 0, Sparsity.L1),
      new Shape("d784·n1024·B256", 784, 1024, 256, Activation.RELU, 0, Sparsity.L1),
      new Shape("d784·n4096·B256", 784, 4096, 256, Activation.TOPK, 32, Sparsity.NONE));

  /** One measurement. */
  record Result(Shape shape, String backend, double trainSamplesPerSecond,
      double inferSamplesPerSecond) {}

  private final double minSeconds;

  TrainingBenchmark(double minSeconds) {
    this.minSeconds = minSeconds;
  }

  /**
   * A trainer for one shape and backend, warmed up, that trains on for as long as asked: for
   * measurements that alternate with another program's (bench --torch).
   */
  static final class Session {
    private final Shape shape;
    private final OnlineTrainer trainer;
    private final float[][] batches;
    private int step;

    Session(Shape shape, Gemm gemm, double warmUpSeconds) {
      this.shape = shape;
      TrainerConfig cfg = TrainerConfig.defaults(shape.model()).withBatchSize(shape.batch())
          .withOptimizer(OptimizerConfig.adam(1e-3f)).withInit(true, DecoderBiasInit.MEAN);
      this.trainer = new OnlineTrainer(cfg, gemm);
      this.batches = inputs(shape);
      long warmEnd = System.nanoTime() + (long) (warmUpSeconds * 1e9);
      do {
        trainer.trainBatch(batches[step++ % batches.length], shape.batch());
      } while (System.nanoTime() < warmEnd || step < 2);
    }

    /** Trains for at least the given time (and 3 batches) and returns samples/s. */
    double trainSamplesPerSecond(double seconds) {
      long samples = 0;
      int steps = 0;
      long t0 = System.nanoTime();
      do {
        trainer.trainBatch(batches[step++ % batches.length], shape.batch());
        samples += shape.batch();
        steps++;
      } while (System.nanoTime() - t0 < seconds * 1e9 || steps < 3);
      return samples / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** The benchmark's inputs: a pool of 8 batches of random non-negative vectors, seeded. */
  static float[][] inputs(Shape shape) {
    float[][] batches = new float[8][shape.batch() * shape.d()];
    Rng rng = new Rng(1);
    for (float[] b : batches) {
      for (int i = 0; i < b.length; i++) {
        b[i] = rng.nextFloat() < 0.5f ? 0f : rng.nextFloat();
      }
    }
    return batches;
  }

  Result run(Shape shape, Gemm gemm) {
    TrainerConfig cfg = TrainerConfig.defaults(shape.model()).withBatchSize(shape.batch())
        .withOptimizer(OptimizerConfig.adam(1e-3f)).withInit(true, DecoderBiasInit.MEAN);
    OnlineTrainer trainer = new OnlineTrainer(cfg, gemm);
    int pool = 8;
    float[][] batches = new float[pool][shape.batch() * shape.d()];
    Rng rng = new Rng(1);
    for (float[] b : batches) {
      for (int i = 0; i < b.length; i++) {
        b[i] = rng.nextFloat() < 0.5f ? 0f : rng.nextFloat();
      }
    }
    // warm-up: JIT and first-batch initialisation
    long warmEnd = System.nanoTime() + (long) (Math.max(1.0, 0.5 * minSeconds) * 1e9);
    int step = 0;
    do {
      trainer.trainBatch(batches[step++ % pool], shape.batch());
    } while (System.nanoTime() < warmEnd || step < 2);
    long samples = 0;
    long t0 = System.nanoTime();
    int steps = 0;
    do {
      trainer.trainBatch(batches[step++ % pool], shape.batch());
      samples += shape.batch();
      steps++;
    } while (System.nanoTime() - t0 < minSeconds * 1e9 || steps < 3);
    double train = samples / ((System.nanoTime() - t0) / 1e9);

    SaeModel model = trainer.model();
    SaeModel.Scorer scorer = model.scorer(gemm, shape.batch());
    for (int i = 0; i < 3; i++) {
      scorer.score(batches[i % pool], shape.batch());
    }
    samples = 0;
    steps = 0;
    t0 = System.nanoTime();
    double sink = 0;
    do {
      scorer.score(batches[step++ % pool], shape.batch());
      for (int b = 0; b < shape.batch(); b++) {
        sink += scorer.squaredError(b);
      }
      samples += shape.batch();
      steps++;
    } while (System.nanoTime() - t0 < minSeconds * 0.5e9 || steps < 3);
    double infer = samples / ((System.nanoTime() - t0) / 1e9);
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("benchmark produced NaN reconstruction errors");
    }
    return new Result(shape, gemm.name(), train, infer);
  }
}
