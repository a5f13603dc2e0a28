package io.saestreams.model.linalg;

/**
 * Finds the Vector API kernel ({@code VectorGemm}, backend java-vector) without naming it: that
 * class is compiled for Java 21 from {@code src/main/java21} (Maven profile vector-api, active
 * when Maven runs on a JDK 21 or later, or given {@code -Djava21.home=DIR}) and needs the
 * incubator module {@code jdk.incubator.vector}, which a JVM resolves only when started with
 * {@code --add-modules jdk.incubator.vector} (the launcher {@code bin/sae-streams} adds it when
 * the JVM has it). On Java 17 it is never loaded.
 */
final class VectorKernel {
  static final String MODULE = "jdk.incubator.vector";
  static final String CLASS = "io.saestreams.model.linalg.VectorGemm";

  private static final Gemm INSTANCE;
  private static final String UNAVAILABLE_REASON;

  static {
    Gemm gemm = null;
    String reason = null;
    int feature = Runtime.version().feature();
    if (feature < 21) {
      reason = "the Vector API kernel needs Java 21 or later, this is " + feature;
    } else if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      reason = "the Vector API kernel needs --add-modules " + MODULE + " (bin/sae-streams adds it)";
    } else {
      try {
        gemm = (Gemm) Class.forName(CLASS).getDeclaredConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        reason = "this jar was built without the Vector API kernel (build it with Maven on a JDK"
            + " 21 or later, or with -Djava21.home=DIR)";
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        reason = "the Vector API kernel could not be loaded: " + e;
      }
    }
    INSTANCE = gemm;
    UNAVAILABLE_REASON = gemm == null ? reason : null;
  }

  private VectorKernel() {
  }

  static boolean isAvailable() {
    return INSTANCE != null;
  }

  static String unavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /** The kernel (stateless and thread-safe, so one instance serves every caller). */
  static Gemm create() {
    if (INSTANCE == null) {
      throw new IllegalStateException(UNAVAILABLE_REASON);
    }
    return INSTANCE;
  }
}
