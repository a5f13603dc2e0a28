package io.saestreams.model.linalg;

/**
 * Finds the Vector API kernel ({@code VectorGemm}, backend java-vector) without naming it: that
 * class, compiled from {@code src/main/vector-api} against the incubator module
 * {@code jdk.incubator.vector} (shipped by Java 17 and later), links only in a JVM started with
 * {@code --add-modules jdk.incubator.vector}, which the launcher {@code bin/sae-streams} and the
 * container image add. Without it the other kernels serve and this class never loads VectorGemm.
 *
 * <p>The same goes for the Vector API's {@link SparseKernel} ({@code VectorSparseKernel}), which
 * {@link SparseOps} and {@link VectorOps#dot} use whenever it loads (it gives the same bits as the
 * scalar one, so no setting chooses it); it also needs vectors of 256 bits or more.
 */
final class VectorKernel {
  static final String MODULE = "jdk.incubator.vector";
  static final String CLASS = "io.saestreams.model.linalg.VectorGemm";
  static final String SPARSE_CLASS = "io.saestreams.model.linalg.VectorSparseKernel";

  private static final Gemm INSTANCE;
  private static final String UNAVAILABLE_REASON;
  private static final SparseKernel SPARSE;
  private static final String SPARSE_UNAVAILABLE_REASON;

  static {
    Gemm gemm = null;
    String reason = null;
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      reason = "the Vector API kernel needs --add-modules " + MODULE + " (bin/sae-streams adds it)";
    } else {
      try {
        gemm = (Gemm) Class.forName(CLASS).getDeclaredConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        reason = "this jar was built without the Vector API kernel (io.saestreams.model.linalg"
            + ".VectorGemm is missing)";
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        reason = "the Vector API kernel could not be loaded: " + e;
      }
    }
    INSTANCE = gemm;
    UNAVAILABLE_REASON = gemm == null ? reason : null;
    SparseKernel sparse = null;
    String sparseReason = reason;
    if (gemm != null) {
      try {
        sparse = (SparseKernel) Class.forName(SPARSE_CLASS).getDeclaredConstructor().newInstance();
      } catch (java.lang.reflect.InvocationTargetException e) {
        // the constructor refuses vectors narrower than 256 bits: its message says so
        sparseReason = e.getCause() instanceof UnsupportedOperationException
            ? e.getCause().getMessage()
            : "the Vector API sparse kernel could not be loaded: " + e.getCause();
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        sparseReason = "the Vector API sparse kernel could not be loaded: " + e;
      }
    }
    SPARSE = sparse;
    SPARSE_UNAVAILABLE_REASON = sparse == null ? sparseReason : null;
  }

  private VectorKernel() {
  }

  static boolean isAvailable() {
    return INSTANCE != null;
  }

  static String unavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /** The Vector API's sparse kernel if this JVM can run it, else the scalar one. */
  static SparseKernel sparse() {
    return SPARSE != null ? SPARSE : ScalarSparseKernel.INSTANCE;
  }

  /** Why the Vector API's sparse kernel is not in use, or null when it is. */
  static String sparseUnavailableReason() {
    return SPARSE_UNAVAILABLE_REASON;
  }

  /** The kernel (stateless and thread-safe, so one instance serves every caller). */
  static Gemm create() {
    if (INSTANCE == null) {
      throw new IllegalStateException(UNAVAILABLE_REASON);
    }
    return INSTANCE;
  }
}
