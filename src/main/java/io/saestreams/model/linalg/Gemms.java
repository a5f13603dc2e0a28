package io.saestreams.model.linalg;

import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Creates {@link Gemm} backends by name. */
public final class Gemms {

  /** Names accepted by {@link #create(String)}. */
  public static final List<String> NAMES =
      List.of("auto", "openblas-bundled", "native", "java", "ejml", "naive");

  private static final Logger LOG = Logger.getLogger(Gemms.class.getName());

  private Gemms() {
  }

  /**
   * Creates a backend.
   *
   * @param name one of {@link #NAMES} (case-insensitive); "auto" means the OpenBLAS bundled in
   *     the jar if it loads, else the system's native BLAS if it loads, else java.
   * @return a new backend.
   * @throws IllegalArgumentException if the name is unknown.
   * @throws IllegalStateException if "openblas-bundled" or "native" is asked for but that library
   *     cannot be loaded; the message says why.
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
    return "auto -> java: " + notBundled + "; " + NativeGemm.unavailableReason();
  }
}
