package io.saestreams.model.linalg;

import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Creates {@link Gemm} backends by name. */
public final class Gemms {

  /** Names accepted by {@link #create(String)}. */
  public static final List<String> NAMES =
      List.of("auto", "openblas-bundled", "native", "java-vector", "java", "ejml", "naive");

  /** The module a JVM needs (--add-modules) for the Vector API kernels: java-vector and the sparse kernel. */
  public static final String VECTOR_API_MODULE = VectorKernel.MODULE;

  private static final Logger LOG = Logger.getLogger(Gemms.class.getName());

  private Gemms() {
  }

  /**
   * Creates a backend.
   *
   * @param name one of {@link #NAMES} (case-insensitive); "auto" means the OpenBLAS bundled in
   *     the jar if it loads, else the system's native BLAS if it loads, else the Vector API
   *     kernel (java-vector) if this JVM can run it, else java.
   * @return a new backend.
   * @throws IllegalArgumentException if the name is unknown.
   * @throws IllegalStateException if "openblas-bundled", "native" or "java-vector" is asked for
   *     but cannot be loaded; the message says why.
   */
  public static Gemm create(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "auto":
        return auto();
      case "openblas-bundled":
        return new BundledGemm();
      case "native":
        // the system's BLAS alone: loading the bundled one next to it would crash the JVM
        return new NativeGemm();
      case "java-vector":
        return VectorKernel.create();
      case "java":
        return new JavaGemm();
      case "ejml":
        return new EjmlGemm();
      case "naive":
        return new NaiveGemm();
      default:
        throw new IllegalArgumentException(
            "unknown GEMM backend '" + name + "'; allowed: " + String.join(", ", NAMES));
    }
  }

  private static Gemm auto() {
    if (BundledGemm.isAvailable()) {
      return new BundledGemm();
    }
    LOG.log(Level.FINE, "auto: not openblas-bundled: {0}", BundledGemm.unavailableReason());
    if (NativeGemm.isAvailable()) {
      return new NativeGemm();
    }
    LOG.log(Level.FINE, "auto: not native: {0}", NativeGemm.unavailableReason());
    if (VectorKernel.isAvailable()) {
      return VectorKernel.create();
    }
    return new JavaGemm();
  }

  /**
   * Tells which backend "auto" picks and why.
   *
   * @return a one-line human-readable explanation.
   */
  public static String describe() {
    if (LoadedBlas.system && !LoadedBlas.bundled) {
      // "native" was created explicitly: do not load the bundled library next to it
      return "auto -> native: native BLAS loaded (" + NativeGemm.implementation()
          + "); set OPENBLAS_NUM_THREADS to control its threads";
    }
    if (BundledGemm.isAvailable()) {
      return "auto -> openblas-bundled: " + BundledGemm.implementation();
    }
    String notBundled = "openblas-bundled unavailable (" + BundledGemm.unavailableReason() + ")";
    if (NativeGemm.isAvailable()) {
      return "auto -> native: " + notBundled + "; native BLAS loaded ("
          + NativeGemm.implementation() + "); set OPENBLAS_NUM_THREADS to control its threads";
    }
    if (VectorKernel.isAvailable()) {
      return "auto -> java-vector: " + notBundled + "; " + NativeGemm.unavailableReason();
    }
    return "auto -> java: " + notBundled + "; " + NativeGemm.unavailableReason() + "; "
        + VectorKernel.unavailableReason();
  }
}
