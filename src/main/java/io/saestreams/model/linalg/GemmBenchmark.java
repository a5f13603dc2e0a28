package io.saestreams.model.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints single-call GFLOP/s of each {@link Gemm} backend on the products of a sparse-autoencoder
 * training step (d = 784). Not a test: run it by hand, e.g.
 * {@code OPENBLAS_NUM_THREADS=1 java -cp ... io.saestreams.model.linalg.GemmBenchmark [backends]}.
 *
 * <p>For each shape every backend is warmed up, then timed over several repetitions; the best
 * and the median repetition are reported.
 */
public final class GemmBenchmark {

  private static final int D = 784;
  private static final int[] BATCHES = {64, 256};
  private static final int[] LATENTS = {64, 256, 1024, 4096};

  private GemmBenchmark() {
  }

  /** One benchmarked product. */
  private record Shape(String label, boolean transA, boolean transB, int m, int n, int k) {
  }

  /**
   * Runs the benchmark.
   *
   * @param args optional comma-separated backend names (default "ejml,java,native").
   */
  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "ejml,java,native";
    List<Gemm> backends = new ArrayList<>();
    for (String name : list.split(",")) {
      if (name.equals("native") && !NativeGemm.isAvailable()) {
        System.out.println("# native skipped: " + NativeGemm.unavailableReason());
        continue;
      }
      if (name.equals("openblas-bundled") && !BundledGemm.isAvailable()) {
        System.out.println("# openblas-bundled skipped: " + BundledGemm.unavailableReason());
        continue;
      }
      backends.add(Gemms.create(name));
    }
    System.out.println("# " + Gemms.describe());
    System.out.println("# OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS")
        + ", java " + System.getProperty("java.version") + ", cores "
        + Runtime.getRuntime().availableProcessors());
    List<Shape> shapes = new ArrayList<>();
    for (int batch : BATCHES) {
      for (int n : LATENTS) {
        shapes.add(new Shape("enc X*Wenc^T  B=" + batch + " n=" + n, false, true, batch, n, D));
        shapes.add(new Shape("dec H*Wdec    B=" + batch + " n=" + n, false, false, batch, D, n));
        shapes.add(new Shape("dW  H^T*G     B=" + batch + " n=" + n, true, false, n, D, batch));
        shapes.add(new Shape("dH  G*Wdec^T  B=" + batch + " n=" + n, false, true, batch, n, D));
      }
    }
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-30s %4s %5s %5s %5s",
        "product", "op", "m", "n", "k"));
    for (Gemm g : backends) {
      header.append(String.format(Locale.ROOT, " %16s", g.name() + " best/med"));
    }
    System.out.println(header);
    Random r = new Random(42);
    for (Shape s : shapes) {
      int aRows = s.transA ? s.k : s.m;
      int aCols = s.transA ? s.m : s.k;
      int bRows = s.transB ? s.n : s.k;
      int bCols = s.transB ? s.k : s.n;
      float[] a = random(r, aRows * aCols);
      float[] b = random(r, bRows * bCols);
      float[] c = new float[s.m * s.n];
      double flops = 2.0 * s.m * s.n * s.k;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-30s %4s %5d %5d %5d",
          s.label, (s.transA ? "T" : "N") + (s.transB ? "T" : "N"), s.m, s.n, s.k));
      for (Gemm g : backends) {
        // about 0.25 s of warm-up and 0.4 s of timing per backend and shape
        int inner = (int) Math.max(1, Math.min(10_000, 2e7 / flops));
        long warmEnd = System.nanoTime() + 250_000_000L;
        while (System.nanoTime() < warmEnd) {
          run(g, s, a, b, c, inner, aCols, bCols);
        }
        int reps = 15;
        double[] gflops = new double[reps];
        for (int rep = 0; rep < reps; rep++) {
          long t0 = System.nanoTime();
          run(g, s, a, b, c, inner, aCols, bCols);
          long dt = System.nanoTime() - t0;
          gflops[rep] = flops * inner / dt;
        }
        java.util.Arrays.sort(gflops);
        line.append(String.format(Locale.ROOT, " %8.1f/%7.1f", gflops[reps - 1], gflops[reps / 2]));
      }
      System.out.println(line);
    }
  }

  private static void run(Gemm g, Shape s, float[] a, float[] b, float[] c, int times,
                          int lda, int ldb) {
    for (int i = 0; i < times; i++) {
      g.gemm(s.transA, s.transB, s.m, s.n, s.k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n);
    }
  }

  private static float[] random(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) r.nextGaussian() * 0.1f;
    }
    return x;
  }
}
