package io.saestreams.model.linalg;

/**
 * Which OpenBLAS this JVM has loaded. The system's OpenBLAS (through netlib-java) and the one
 * bundled in the jar crash the JVM when both are loaded in one process (seen with 0.3.21 and
 * 0.3.31), so each backend refuses to load once the other has; reading this class loads nothing.
 */
final class LoadedBlas {
  static volatile boolean system;
  static volatile boolean bundled;

  private LoadedBlas() {
  }

  /**
   * Reserves the process for the system's BLAS, atomically (the two backends' static initialisers
   * may run on two threads at once).
   *
   * @return false if the bundled OpenBLAS has already been reserved
   */
  static synchronized boolean claimSystem() {
    if (bundled) {
      return false;
    }
    system = true;
    return true;
  }

  /**
   * Reserves the process for the bundled OpenBLAS, atomically.
   *
   * @return false if the system's BLAS has already been reserved
   */
  static synchronized boolean claimBundled() {
    if (system) {
      return false;
    }
    bundled = true;
    return true;
  }

  /** Why a BLAS failed to load: {@code what} could not be loaded, the error and its root cause. */
  static String loadFailure(String what, Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return what + " could not be loaded: " + t + (root != t ? " (caused by " + root + ")" : "");
  }
}
