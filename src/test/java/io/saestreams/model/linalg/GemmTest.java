package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GemmTest {

  /** Allowed error relative to sum_p |alpha*a_ip*b_pj| + |beta*c_ij|, per unit of k. */
  static final double REL_TOL_PER_K = 4e-7;
  /** Floor of the relative tolerance for tiny k. */
  static final double REL_TOL_MIN = 2e-6;

  record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
              int aOff, int aPad, int bOff, int bPad, int cOff, int cPad) {
    @Override
    public String toString() {
      return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
          + " alpha=" + alpha + " beta=" + beta + " offs=" + aOff + "/" + bOff + "/" + cOff
          + " pads=" + aPad + "/" + bPad + "/" + cPad;
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    Random r = new Random(20240611L);
    int[][] fixed = {
        {0, 5, 7}, {5, 0, 7}, {5, 7, 0}, {0, 0, 0}, {1, 1, 1}, {1, 17, 9}, {17, 1, 9},
        {1, 1, 300}, {3, 3, 2}, {2, 5, 3}, {4, 33, 5}, {7, 1029, 3}, {5, 2049, 131},
        {64, 784, 64}, {31, 47, 257}, {130, 70, 129}, {6, 16, 1}, {1, 256, 784}, {1, 784, 256}};
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {1.5f, 0f}, {0f, 0.5f}, {2f, -1f}};
    int idx = 0;
    for (int[] s : fixed) {
      for (int t = 0; t < 4; t++) {
        float[] ab = alphaBeta[idx++ % alphaBeta.length];
        out.add(new Case((t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], ab[0], ab[1],
            0, 0, 0, 0, 0, 0));
        out.add(new Case((t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], ab[0], ab[1],
            r.nextInt(9), 1 + r.nextInt(5), r.nextInt(9), r.nextInt(5), 1 + r.nextInt(9),
            1 + r.nextInt(5)));
      }
    }
    for (int i = 0; i < 40; i++) {
      float[] ab = alphaBeta[r.nextInt(alphaBeta.length)];
      out.add(new Case(r.nextBoolean(), r.nextBoolean(), r.nextInt(40), r.nextInt(300),
          r.nextInt(300), ab[0], ab[1], r.nextInt(4), r.nextInt(3), r.nextInt(4), r.nextInt(3),
          r.nextInt(4), r.nextInt(3)));
    }
    return out;
  }

  static Stream<Arguments> backendCases() {
    List<Arguments> args = new ArrayList<>();
    // native (the system's OpenBLAS) is tested in GemmSystemBlasTest, in a JVM of its own
    for (String backend : List.of("java", "ejml", "openblas-bundled", "java-vector")) {
      for (Case c : cases()) {
        args.add(Arguments.of(backend, c));
      }
    }
    return args.stream();
  }

  /**
   * Skips a native backend whose library cannot be loaded on this machine. On linux-x86_64 the
   * bundled OpenBLAS must load (its natives are a dependency), so there it fails instead.
   */
  static void assumeLoadable(String backend) {
    if (backend.equals("java-vector")) {
      // only in a JVM started with --add-modules jdk.incubator.vector (the test JVMs are)
      assumeTrue(VectorKernel.isAvailable(), () -> "java-vector: " + VectorKernel.unavailableReason());
    }
    if (backend.equals("openblas-bundled") && bundledExpected()) {
      assertThat(BundledGemm.unavailableReason()).as("bundled OpenBLAS on linux-x86_64").isNull();
    }
    if (backend.equals("native")) {
      assumeTrue(NativeGemm.isAvailable(), () -> "native BLAS: " + NativeGemm.unavailableReason());
    } else if (backend.equals("openblas-bundled")) {
      assumeTrue(BundledGemm.isAvailable(), () -> "bundled: " + BundledGemm.unavailableReason());
    }
  }

  static float[] randomArray(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (r.nextGaussian());
    }
    return x;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backendCases")
  void matchesNaive(String backend, Case t) {
    assumeLoadable(backend);
    Gemm gemm = Gemms.create(backend);
    check(gemm, t, new Random(t.hashCode()));
  }

  static void check(Gemm gemm, Case t, Random r) {
    int aRows = t.transA ? t.k : t.m;
    int aCols = t.transA ? t.m : t.k;
    int bRows = t.transB ? t.n : t.k;
    int bCols = t.transB ? t.k : t.n;
    int lda = Math.max(1, aCols + t.aPad);
    int ldb = Math.max(1, bCols + t.bPad);
    int ldc = Math.max(1, t.n + t.cPad);
    float[] a = randomArray(r, t.aOff + aRows * lda + 3);
    float[] b = randomArray(r, t.bOff + bRows * ldb + 3);
    float[] c0 = randomArray(r, t.cOff + t.m * ldc + 3);
    if (t.beta == 0f) {
      // beta == 0 must ignore C's previous contents, even NaN
      for (int i = 0; i < t.m; i++) {
        Arrays.fill(c0, t.cOff + i * ldc, t.cOff + i * ldc + t.n, Float.NaN);
      }
    }
    float[] expected = c0.clone();
    float[] actual = c0.clone();
    new NaiveGemm().gemm(t.transA, t.transB, t.m, t.n, t.k, t.alpha, a, t.aOff, lda, b, t.bOff,
        ldb, t.beta, expected, t.cOff, ldc);
    gemm.gemm(t.transA, t.transB, t.m, t.n, t.k, t.alpha, a, t.aOff, lda, b, t.bOff, ldb,
        t.beta, actual, t.cOff, ldc);
    double tol = Math.max(REL_TOL_MIN, REL_TOL_PER_K * t.k);
    for (int i = 0; i < t.m; i++) {
      for (int j = 0; j < t.n; j++) {
        double scale = t.beta == 0f ? 0 : Math.abs((double) t.beta * c0[t.cOff + i * ldc + j]);
        for (int p = 0; p < t.k; p++) {
          float av = t.transA ? a[t.aOff + p * lda + i] : a[t.aOff + i * lda + p];
          float bv = t.transB ? b[t.bOff + j * ldb + p] : b[t.bOff + p * ldb + j];
          scale += Math.abs((double) t.alpha * av * bv);
        }
        int ci = t.cOff + i * ldc + j;
        if (!(Math.abs(actual[ci] - expected[ci]) <= tol * Math.max(scale, 1e-30))) {
          fail("%s: C[%d,%d] = %s, expected %s (tolerance %s x %s)", gemm.name() + " " + t,
              i, j, actual[ci], expected[ci], tol, scale);
        }
      }
    }
    // everything outside C's m x n region is untouched (bit for bit, NaNs included)
    for (int x = 0; x < c0.length; x++) {
      int rel = x - t.cOff;
      boolean inside = rel >= 0 && rel / ldc < t.m && rel % ldc < t.n;
      if (!inside && Float.floatToRawIntBits(actual[x]) != Float.floatToRawIntBits(c0[x])) {
        fail("%s: element %d outside C changed from %s to %s", gemm.name() + " " + t, x, c0[x],
            actual[x]);
      }
    }
  }

  /** True where the bundled OpenBLAS is packaged: Linux on x86-64. */
  static boolean bundledExpected() {
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** Random shapes for a backend, a third of them with one row and some with none. */
  static List<Case> randomCases(long seed, int count) {
    Random r = new Random(seed);
    List<Case> out = new ArrayList<>();
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {1.5f, 0f}, {0f, 0.5f}, {2f, -1f}};
    for (int i = 0; i < count; i++) {
      int m = switch (i % 6) {
        case 0, 3 -> 1;
        case 1 -> 0;
        default -> 2 + r.nextInt(70);
      };
      // each transposition case in turn, so every one meets every kind of m
      boolean transA = (i & 1) != 0;
      boolean transB = ((i >> 1) & 1) != 0;
      float[] ab = alphaBeta[r.nextInt(alphaBeta.length)];
      out.add(new Case(transA, transB, m, r.nextInt(5) == 0 ? 1 + r.nextInt(3) : r.nextInt(600),
          r.nextInt(6) == 0 ? r.nextInt(3) : r.nextInt(400), ab[0], ab[1], r.nextInt(5),
          r.nextInt(4), r.nextInt(5), r.nextInt(4), r.nextInt(5), r.nextInt(4)));
    }
    return out;
  }

  static Stream<Case> bundledRandomCases() {
    return randomCases(16L, 240).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bundledRandomCases")
  void bundledMatchesNaiveOnRandomShapes(Case t) {
    assumeLoadable("openblas-bundled");
    check(Gemms.create("openblas-bundled"), t, new Random(t.hashCode()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "ejml", "openblas-bundled", "java-vector", "naive"})
  void repeatedCallsReuseBuffersCorrectly(String backend) {
    assumeLoadable(backend);
    Gemm gemm = Gemms.create(backend);
    Random r = new Random(7);
    // a large product first, then a small one, so stale buffer contents would show
    check(gemm, new Case(false, true, 9, 1500, 300, 1f, 0f, 0, 0, 0, 0, 0, 0), r);
    check(gemm, new Case(true, false, 4, 3, 5, 1f, 1f, 1, 1, 1, 1, 1, 1), r);
    check(gemm, new Case(false, false, 2, 2, 1, 1f, 0f, 0, 0, 0, 0, 0, 0), r);
  }

  static Stream<Arguments> constantBCases() {
    List<Arguments> args = new ArrayList<>();
    for (String backend : List.of("naive", "java", "ejml", "openblas-bundled", "java-vector")) {
      for (Case c : randomCases(23L, 60)) {
        args.add(Arguments.of(backend, c));
      }
    }
    return args.stream();
  }

  /**
   * gemmConstantB gives gemm's result bit for bit, on the first call with a B (copied) and on
   * later ones (a backend may reuse its copy), also after other B operands came in between.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("constantBCases")
  void constantBIsGemmBitForBit(String backend, Case t) {
    assumeLoadable(backend);
    Gemm gemm = Gemms.create(backend);
    Random r = new Random(t.hashCode());
    int lda = Math.max(1, (t.transA ? t.m : t.k) + t.aPad);
    int ldb = Math.max(1, (t.transB ? t.k : t.n) + t.bPad);
    int ldc = Math.max(1, t.n + t.cPad);
    float[][] bs = new float[6][];
    for (int i = 0; i < bs.length; i++) {
      bs[i] = randomArray(r, t.bOff + (t.transB ? t.n : t.k) * ldb + 3);
    }
    float[] c0 = randomArray(r, t.cOff + t.m * ldc + 3);
    // B arrays in an order that hits resident copies and evicts them: 0, 0, 1, 0, 2..5, 0, 5
    int[] order = {0, 0, 1, 0, 2, 3, 4, 5, 0, 5};
    for (int call = 0; call < order.length; call++) {
      float[] a = randomArray(r, t.aOff + (t.transA ? t.k : t.m) * lda + 3);
      float[] b = bs[order[call]];
      float[] expected = c0.clone();
      float[] actual = c0.clone();
      gemm.gemm(t.transA, t.transB, t.m, t.n, t.k, t.alpha, a, t.aOff, lda, b, t.bOff, ldb,
          t.beta, expected, t.cOff, ldc);
      gemm.gemmConstantB(t.transA, t.transB, t.m, t.n, t.k, t.alpha, a, t.aOff, lda, b, t.bOff,
          ldb, t.beta, actual, t.cOff, ldc);
      for (int x = 0; x < c0.length; x++) {
        if (Float.floatToRawIntBits(actual[x]) != Float.floatToRawIntBits(expected[x])) {
          fail("%s call %d (B %d): element %d is %s, gemm gives %s", backend + " " + t, call,
              order[call], x, actual[x], expected[x]);
        }
      }
    }
  }

  /**
   * The bundled OpenBLAS copies a constant B once while it stays among the thread's last few
   * ones, and again when a different array, offset or span comes; plain gemm copies it every call.
   */
  @Test
  void bundledKeepsConstantOperandsResident() {
    assumeLoadable("openblas-bundled");
    Gemm gemm = Gemms.create("openblas-bundled");
    Random r = new Random(5);
    int m = 8;
    int n = 30;
    int k = 20;
    float[] a = randomArray(r, m * k);
    float[] c = new float[m * n];
    float[][] bs = new float[BundledGemm.RESIDENT_SLOTS + 1][];
    for (int i = 0; i < bs.length; i++) {
      bs[i] = randomArray(r, k * n + 5);
    }
    java.util.function.ToLongFunction<Runnable> copies = calls -> {
      long before = BundledGemm.operandBCopies();
      calls.run();
      return BundledGemm.operandBCopies() - before;
    };
    // one array, ten batches: one copy
    assertThat(copies.applyAsLong(() -> {
      for (int i = 0; i < 10; i++) {
        gemm.gemmConstantB(false, false, m, n, k, 1f, a, 0, k, bs[0], 0, n, 0f, c, 0, n);
      }
    })).isEqualTo(1);
    // as many arrays as slots, taken in turn: each copied once (bs[0] is still there)
    assertThat(copies.applyAsLong(() -> {
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < BundledGemm.RESIDENT_SLOTS; i++) {
          gemm.gemmConstantB(false, false, m, n, k, 1f, a, 0, k, bs[i], 0, n, 0f, c, 0, n);
        }
      }
    })).isEqualTo(BundledGemm.RESIDENT_SLOTS - 1);
    // the same array at another offset is another operand
    assertThat(copies.applyAsLong(() ->
        gemm.gemmConstantB(false, false, m, n, k, 1f, a, 0, k, bs[0], 5, n, 0f, c, 0, n))).isEqualTo(1);
    // one array more than slots, taken in turn: the least recently used is always the one evicted
    assertThat(copies.applyAsLong(() -> {
      for (int round = 0; round < 3; round++) {
        for (float[] b : bs) {
          gemm.gemmConstantB(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }
      }
    })).isEqualTo(3L * bs.length);
    // plain gemm copies every time
    assertThat(copies.applyAsLong(() -> {
      for (int i = 0; i < 3; i++) {
        gemm.gemm(false, false, m, n, k, 1f, a, 0, k, bs[0], 0, n, 0f, c, 0, n);
      }
    })).isEqualTo(3);
  }

  @Test
  void bundledAvailabilityNeverThrows() {
    if (BundledGemm.isAvailable()) {
      assertThat(BundledGemm.unavailableReason()).isNull();
      assertThat(BundledGemm.implementation()).contains("OpenBLAS").contains(" 1 thread");
    } else {
      assertThat(bundledExpected()).as(BundledGemm.unavailableReason()).isFalse();
      assertThat(BundledGemm.unavailableReason()).isNotBlank();
      assertThatThrownBy(BundledGemm::new).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void bundledIsUsableFromSeveralThreads() throws Exception {
    assumeLoadable("openblas-bundled");
    Gemm gemm = Gemms.create("openblas-bundled");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int seed = i;
        done.add(pool.submit(() -> check(gemm,
            new Case(seed % 2 == 0, seed % 3 == 0, 20 + seed, 40, 30 + seed, 1f, 0.5f,
                1, 2, 0, 1, 3, 1), new Random(seed))));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsBadArguments() {
    Gemm gemm = new JavaGemm();
    float[] x = new float[10];
    assertThatThrownBy(() -> gemm.gemm(false, false, -1, 1, 1, 1f, x, 0, 1, x, 0, 1, 0f, x, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> gemm.gemm(false, false, 2, 2, 2, 1f, x, 0, 1, x, 0, 2, 0f, x, 0, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A");
    assertThatThrownBy(() -> gemm.gemm(false, false, 4, 3, 3, 1f, x, 0, 3, x, 0, 3, 0f, x, 0, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
