package io.saestreams.model.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GEMM through the system's native BLAS (OpenBLAS on Debian) via netlib-java's JNI binding.
 *
 * <p>netlib-java loads {@code libblas.so.3} by default; the system properties
 * {@code dev.ludovic.netlib.blas.nativeLib} (a library name) or
 * {@code dev.ludovic.netlib.blas.nativeLibPath} (a full path) select another one. OpenBLAS picks
 * its thread count when it is loaded: set the environment variable {@code OPENBLAS_NUM_THREADS=1}
 * before the JVM starts, or point {@code nativeLibPath} at the serial build
 * ({@code /usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3} from Debian's
 * {@code libopenblas0-serial}), for single-threaded runs. Without either property, netlib-java is
 * asked only when {@link BlasLibrary} finds {@code libblas.so.3} where the dynamic linker looks, so
 * that a machine without it gets the pure-Java backend and no native loader message on stderr.
 *
 * <p>BLAS is column-major; a row-major matrix read column-major is its transpose. So the
 * row-major product C = op(A)&middot;op(B) is computed as the column-major product
 * C&#7488; = op(B)&#7488;&middot;op(A)&#7488;: the operands and m/n are swapped, the transpose flags
 * and leading dimensions are kept.
 */
public final class NativeGemm implements Gemm {

  private static final BLAS BLAS_INSTANCE;
  private static final String UNAVAILABLE_REASON;

  /**
   * netlib-java's logger: it reports the implementation it picked at INFO, through
   * java.util.logging straight to standard error. Kept referenced so that the level holds.
   */
  private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib");

  static {
    if (NETLIB_LOG.getLevel() == null) {
      // not configured by the user (logging.properties): warnings and errors only
      NETLIB_LOG.setLevel(Level.WARNING);
    }
    BLAS instance = null;
    String reason = BlasLibrary.missing(BlasLibrary.Lookup.current()).orElse(null);
    if (reason == null && !LoadedBlas.claimSystem()) {
      reason = "native BLAS not loaded: the bundled OpenBLAS (openblas-bundled) is already loaded"
          + " in this JVM and the two cannot share a process; use one of them per JVM";
    }
    try {
      if (reason == null) {
        instance = NativeBLAS.getInstance();
        // force one real call so a library that loads but cannot run is detected now
        float[] one = {1f};
        float[] out = {0f};
        instance.sgemm("N", "N", 1, 1, 1, 1f, one, 0, 1, one, 0, 1, 0f, out, 0, 1);
        if (out[0] != 1f) {
          reason = "native BLAS self-test returned " + out[0] + " instead of 1.0";
          instance = null;
        }
      }
    } catch (Throwable t) {
      // UnsatisfiedLinkError, ExceptionInInitializerError, RuntimeException from the loader, ...
      reason = LoadedBlas.loadFailure("native BLAS", t);
      instance = null;
    }
    BLAS_INSTANCE = instance;
    UNAVAILABLE_REASON = instance == null ? reason : null;
  }

  /**
   * Creates the backend.
   *
   * @throws IllegalStateException if native BLAS is not available; see {@link #unavailableReason()}.
   */
  public NativeGemm() {
    if (BLAS_INSTANCE == null) {
      throw new IllegalStateException(UNAVAILABLE_REASON);
    }
  }

  /**
   * Tells whether the native BLAS library could be loaded. Never throws.
   *
   * @return true if {@code new NativeGemm()} will succeed.
   */
  public static boolean isAvailable() {
    return BLAS_INSTANCE != null;
  }

  /**
   * Explains why native BLAS is unavailable.
   *
   * @return the reason, or null when it is available.
   */
  public static String unavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /**
   * Names the netlib-java implementation in use.
   *
   * @return the implementation's class name, or "none".
   */
  public static String implementation() {
    return BLAS_INSTANCE == null ? "none" : BLAS_INSTANCE.getClass().getName();
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    // k == 0 must not reach netlib-java: its bounds check computes the index of column k-1
    if (GemmArgs.checkTrivial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        c, cOff, ldc)) {
      return;
    }
    if (m == 1) {
      // one row (scoring a single input, bias products): C is a vector, and GEMV reads op(B) in
      // place, where sgemm would first copy (pack) all of it, which costs more than the product.
      // Column-major, y = op(B)ᵀ·x with B read as its transpose (bCols × bRows, ld ldb).
      int bRows = transB ? n : k;
      int bCols = transB ? k : n;
      BLAS_INSTANCE.sgemv(transB ? "T" : "N", bCols, bRows, alpha, b, bOff, ldb,
          a, aOff, transA ? lda : 1, beta, c, cOff, 1);
      return;
    }
    BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
        b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }

  @Override
  public String name() {
    return "native";
  }
}
