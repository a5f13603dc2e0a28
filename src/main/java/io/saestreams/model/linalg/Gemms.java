package io.saestreams.model.linalg;

import java.util.List;
import java.util.Locale;

/** Creates {@link Gemm} backends by name. */
public final class Gemms {

  /** Names accepted by {@link #create(String)}. */
  public static final List<String> NAMES = List.of("auto", "native", "java", "ejml", "naive");

  private Gemms() {
  }

  /**
   * Creates a backend.
   *
   * @param name one of {@link #NAMES} (case-insensitive); "auto" means native if it is available,
   *     else java.
   * @return a new backend.
   * @throws IllegalArgumentException if the name is unknown.
   * @throws IllegalStateException if "native" is asked for but native BLAS is not available.
   */
  public static Gemm create(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "auto":
        return NativeGemm.isAvailable() ? new NativeGemm() : new JavaGemm();
      case "native":
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

  /**
   * Tells which backend "auto" picks and why.
   *
   * @return a one-line human-readable explanation.
   */
  public static String describe() {
    if (NativeGemm.isAvailable()) {
      return "auto -> native: native BLAS loaded (" + NativeGemm.implementation()
          + "); set OPENBLAS_NUM_THREADS to control its threads";
    }
    return "auto -> java: " + NativeGemm.unavailableReason();
  }
}
