package io.saestreams.model.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Times the sparse kernels ({@link SparseOps}) of a TopK autoencoder's step at d = 784: the
 * active kernel (the Vector API's when the JVM has {@code jdk.incubator.vector}) next to the
 * scalar one, on the same inputs, alternated. Each figure is the best of the alternations, in
 * nanoseconds per call of a whole batch.
 */
public final class SparseKernelBenchmark {
  /** One operation at one shape. */
  public record Result(String operation, int batch, int k, int latents, int dim, double scalarNanos,
      double activeNanos) {
    /** Scalar time over the active kernel's: how many times faster the active kernel is. */
    public double speedUp() {
      return scalarNanos / activeNanos;
    }
  }

  /** The shapes: the pipeline's (B 64, k 8, n 256), a wider code and a larger dictionary. */
  static final int[][] SHAPES = {{64, 8, 256}, {64, 32, 256}, {64, 32, 4096}};
  static final int DIM = 784;
  private static final int ALTERNATIONS = 5;

  private final double seconds;
  private final SparseKernel active = SparseKernel.active();

  /** @param seconds measuring time per operation, shape and kernel, split over the alternations */
  public SparseKernelBenchmark(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
    }
    this.seconds = seconds;
  }

  /** The active kernel's name, and why the Vector API's is not in use when it is not. */
  public String describe() {
    String reason = VectorKernel.sparseUnavailableReason();
    return "sparse kernel: " + active.name() + (reason == null ? "" : " (" + reason + ")");
  }

  /** Runs every operation at every shape. */
  public List<Result> run() {
    List<Result> results = new ArrayList<>();
    for (int[] s : SHAPES) {
      int batch = s[0];
      int k = s[1];
      int n = s[2];
      Random r = new Random(42);
      int[] idx = new int[batch * k];
      float[] val = new float[batch * k];
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < k; j++) {
          // distinct latents per row, as TopK gives
          idx[b * k + j] = (b * 7919 + j * (n / k)) % n;
          val[b * k + j] = (float) r.nextGaussian();
        }
      }
      float[] rows = gaussian(r, batch * DIM);
      float[] w = gaussian(r, n * DIM);
      float[] out = new float[batch * DIM];
      float[] dots = new float[batch * k];
      results.add(time("decode", batch, k, n,
          kernel -> kernel.decode(batch, k, idx, val, w, n, DIM, out)));
      results.add(time("accumulate outer", batch, k, n,
          kernel -> kernel.accumulateOuter(batch, k, idx, val, rows, DIM, w, n)));
      results.add(time("gather dots", batch, k, n,
          kernel -> kernel.gatherDots(batch, k, idx, rows, w, DIM, n, dots)));
    }
    return results;
  }

  private Result time(String operation, int batch, int k, int n, Consumer<SparseKernel> call) {
    double scalar = Double.MAX_VALUE;
    double fast = Double.MAX_VALUE;
    long budget = (long) (seconds * 1e9 / (2 * ALTERNATIONS));
    for (int a = 0; a < ALTERNATIONS; a++) {
      scalar = Math.min(scalar, nanosPerCall(ScalarSparseKernel.INSTANCE, call, budget));
      fast = Math.min(fast, nanosPerCall(active, call, budget));
    }
    return new Result(operation, batch, k, n, DIM, scalar, fast);
  }

  private static double nanosPerCall(SparseKernel kernel, Consumer<SparseKernel> call, long budget) {
    long calls = 0;
    long start = System.nanoTime();
    long elapsed;
    do {
      for (int i = 0; i < 20; i++) {
        call.accept(kernel);
      }
      calls += 20;
      elapsed = System.nanoTime() - start;
    } while (elapsed < budget);
    return elapsed / (double) calls;
  }

  private static float[] gaussian(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (r.nextGaussian() * 0.01);
    }
    return x;
  }
}
