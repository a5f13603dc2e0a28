package io.saestreams.model.linalg;

import java.lang.ref.WeakReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM through the OpenBLAS that {@code org.bytedeco:openblas} ships inside its jar, so that the
 * fast path needs no system library (no {@code libopenblas0}). Only the linux-x86_64 libraries
 * are in the application jar (another platform's by a Maven profile, natives-NAME); on any other
 * platform this backend is unavailable and auto falls through to native or java.
 *
 * <p>JavaCPP extracts the libraries to its cache ({@code ~/.javacpp/cache}, or the directory of
 * the system property {@code org.bytedeco.javacpp.cachedir}) and loads the BLAS-only binding
 * ({@code jniopenblas_nolapack}). OpenBLAS is set to one thread when it is loaded: the stream
 * threads are the parallelism.
 *
 * <p>The JNI binding cannot take an array offset, and a Java array handed to it is copied whole
 * both ways; so each operand's span is copied once into off-heap buffers kept per thread, C packed
 * with leading dimension n, and only C is copied back, row by row, leaving C's padding untouched.
 * The copies are O(mk + kn + mn) against the product's O(mnk), but at a scorer's batch of 64 the
 * weights' copy (kn) is about a quarter of the product's time: a B passed as constant
 * ({@link #gemmConstantB}, a model's weights when scoring) is copied once and kept off-heap for
 * the following calls. OpenBLAS's CBLAS takes row-major matrices directly.
 */
public final class BundledGemm implements Gemm {

  /** The JavaCPP platform whose OpenBLAS the application jar carries by default. */
  static final String PLATFORM = "linux-x86_64";

  private static final Logger LOG = Logger.getLogger(BundledGemm.class.getName());
  private static final String UNAVAILABLE_REASON;
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  static {
    String reason = null;
    try {
      String platform = Loader.getPlatform();
      if (BundledGemm.class.getClassLoader()
          .getResource("org/bytedeco/openblas/" + platform + "/") == null) {
        // JavaCPP would otherwise look for a system OpenBLAS, which is native's business
        reason = "bundled OpenBLAS is not packaged for this platform (" + platform + "; the"
            + " application jar carries " + PLATFORM + "'s unless built with the Maven profile"
            + " natives-" + platform + ")";
      } else if (!LoadedBlas.claimBundled()) {
        reason = "bundled OpenBLAS not loaded: the system's native BLAS (native) is already loaded"
            + " in this JVM and the two cannot share a process; use one of them per JVM";
      } else {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
        reason = selfTest();
      }
    } catch (Throwable t) {
      // UnsatisfiedLinkError, NoClassDefFoundError, an unwritable cache directory, ...
      reason = LoadedBlas.loadFailure("bundled OpenBLAS", t);
    }
    UNAVAILABLE_REASON = reason;
    if (reason != null) {
      LOG.log(Level.FINE, reason);
    }
  }

  /**
   * Creates the backend.
   *
   * @throws IllegalStateException if the bundled OpenBLAS cannot be loaded; see
   *     {@link #unavailableReason()}.
   */
  public BundledGemm() {
    if (UNAVAILABLE_REASON != null) {
      throw new IllegalStateException(UNAVAILABLE_REASON);
    }
  }

  /**
   * Tells whether the bundled OpenBLAS could be loaded. Never throws.
   *
   * @return true if {@code new BundledGemm()} will succeed.
   */
  public static boolean isAvailable() {
    return UNAVAILABLE_REASON == null;
  }

  /**
   * Explains why the bundled OpenBLAS is unavailable.
   *
   * @return the reason, or null when it is available.
   */
  public static String unavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /**
   * Describes the loaded library.
   *
   * @return OpenBLAS's build configuration and its thread count, or "none".
   */
  public static String implementation() {
    if (!isAvailable()) {
      return "none";
    }
    String version = openblas_nolapack.OPENBLAS_VERSION.trim();
    return (version.startsWith("OpenBLAS") ? "" : "OpenBLAS ") + version + " from the jar, "
        + openblas_nolapack.blas_get_num_threads() + " thread(s)";
  }

  /**
   * Runs the GEMM and the GEMV path once on 2&times;1 by 1&times;1 and 1&times;1 by 1&times;1, so a
   * library that loads but cannot run is seen now.
   */
  private static String selfTest() {
    // the public constructor would throw: UNAVAILABLE_REASON is not assigned yet
    BundledGemm gemm = new BundledGemm(true);
    float[] col = new float[2];
    gemm.gemm(false, false, 2, 1, 1, 1f, new float[] {1f, 2f}, 0, 1, new float[] {3f}, 0, 1,
        0f, col, 0, 1);
    float[] one = new float[1];
    gemm.gemm(false, false, 1, 1, 1, 1f, new float[] {2f}, 0, 1, new float[] {5f}, 0, 1,
        0f, one, 0, 1);
    if (col[0] != 3f || col[1] != 6f || one[0] != 10f) {
      return "bundled OpenBLAS self-test returned " + col[0] + ", " + col[1] + ", " + one[0]
          + " instead of 3.0, 6.0, 10.0";
    }
    return null;
  }

  /** The self-test's constructor, which skips the availability check. */
  private BundledGemm(boolean selfTest) {
    // nothing to check
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    multiply(false, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here each thread keeps the off-heap copies of the last {@value #RESIDENT_SLOTS} such B
   * operands it was given (a stream thread scores for several tasks, each with its own model, and
   * for a version being handed over alongside the one in force), and copies B only when it is not
   * one of them: for scoring, the encoder weights are copied once per model version instead of
   * once per batch. The arrays are held weakly.
   */
  @Override
  public void gemmConstantB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
    multiply(true, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** Copies of B this thread made so far (for tests: a resident B is not copied again). */
  static long operandBCopies() {
    return BUFFERS.get().bCopies;
  }

  private void multiply(boolean constantB, boolean transA, boolean transB, int m, int n, int k,
                        float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
    if (GemmArgs.checkTrivial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        c, cOff, ldc)) {
      return;
    }
    Buffers buf = BUFFERS.get();
    FloatPointer pa = buf.a(a, aOff, span(transA ? k : m, transA ? m : k, lda));
    int bSpan = span(transB ? n : k, transB ? k : n, ldb);
    FloatPointer pb = constantB ? buf.resident(b, bOff, bSpan) : buf.b(b, bOff, bSpan);
    // C packed: m rows of n, leading dimension n
    FloatPointer pc = buf.c(m * n);
    if (beta == 0f) {
      // C's previous contents are ignored (even NaN): hand BLAS zeros
      Pointer.memset(pc, 0, (long) m * n * Float.BYTES);
    } else {
      copyRows(c, cOff, ldc, pc, m, n, true);
    }
    int rowMajor = openblas_nolapack.CblasRowMajor;
    if (m == 1) {
      // one row: y = op(B)ᵀ·x by GEMV, which reads B in place where GEMM would first pack it.
      // Row-major B is k×n (y = Bᵀ·x) or, transposed, n×k (y = B·x).
      openblas_nolapack.cblas_sgemv(rowMajor,
          transB ? openblas_nolapack.CblasNoTrans : openblas_nolapack.CblasTrans,
          transB ? n : k, transB ? k : n, alpha, pb, ldb, pa, transA ? lda : 1, beta, pc, 1);
    } else {
      openblas_nolapack.cblas_sgemm(rowMajor, trans(transA), trans(transB), m, n, k, alpha,
          pa, lda, pb, ldb, beta, pc, n);
    }
    copyRows(c, cOff, ldc, pc, m, n, false);
  }

  @Override
  public String name() {
    return "openblas-bundled";
  }

  private static int trans(boolean t) {
    return t ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
  }

  /** Elements from a stored matrix's first to its last, padding between rows included. */
  private static int span(int rows, int cols, int ld) {
    return (rows - 1) * ld + cols;
  }

  /** Copies C between the array (leading dimension ldc) and the packed buffer, one row at a time. */
  private static void copyRows(float[] c, int cOff, int ldc, FloatPointer pc, int m, int n,
                               boolean toBuffer) {
    if (ldc == n || m == 1) {
      if (toBuffer) {
        pc.position(0).put(c, cOff, m * n);
      } else {
        pc.position(0).get(c, cOff, m * n);
      }
      return;
    }
    for (int i = 0; i < m; i++) {
      pc.position((long) i * n);
      if (toBuffer) {
        pc.put(c, cOff + i * ldc, n);
      } else {
        pc.get(c, cOff + i * ldc, n);
      }
    }
    pc.position(0);
  }

  /** Constant B operands kept off-heap per thread ({@link #gemmConstantB}). */
  static final int RESIDENT_SLOTS = 4;

  /** One thread's off-heap operands, grown as needed and reused. */
  private static final class Buffers {
    private FloatPointer a;
    private FloatPointer b;
    private FloatPointer c;
    private final Resident[] resident = new Resident[RESIDENT_SLOTS];
    private long uses;
    private long bCopies;

    /** B from a resident copy of {@code src}'s span, made now in the least recently used slot if none. */
    FloatPointer resident(float[] src, int off, int len) {
      uses++;
      Resident lru = null;
      for (int i = 0; i < resident.length; i++) {
        Resident r = resident[i];
        if (r == null) {
          r = resident[i] = new Resident();
        }
        if (r.holds(src, off, len)) {
          r.lastUse = uses;
          return r.pointer.position(0);
        }
        if (lru == null || r.lastUse < lru.lastUse) {
          lru = r;
        }
      }
      lru.pointer = ensure(lru.pointer, len);
      lru.pointer.position(0).put(src, off, len);
      lru.array = new WeakReference<>(src);
      lru.off = off;
      lru.len = len;
      lru.lastUse = uses;
      bCopies++;
      return lru.pointer.position(0);
    }

    FloatPointer a(float[] src, int off, int len) {
      a = ensure(a, len);
      return a.position(0).put(src, off, len);
    }

    FloatPointer b(float[] src, int off, int len) {
      b = ensure(b, len);
      bCopies++;
      return b.position(0).put(src, off, len);
    }

    FloatPointer c(int len) {
      c = ensure(c, len);
      return c.position(0);
    }

    private static FloatPointer ensure(FloatPointer p, int len) {
      if (p != null && p.capacity() >= len) {
        return p;
      }
      long size = len;
      if (p != null) {
        size = Math.max(size, 2 * p.capacity());
        p.close();
      }
      return new FloatPointer(size);
    }
  }

  /** An off-heap copy of a constant B: the array (held weakly), offset and span it was made from. */
  private static final class Resident {
    private FloatPointer pointer;
    private WeakReference<float[]> array;
    private int off;
    private int len;
    private long lastUse;

    boolean holds(float[] src, int off, int len) {
      return array != null && array.get() == src && this.off == off && this.len == len;
    }
  }
}
