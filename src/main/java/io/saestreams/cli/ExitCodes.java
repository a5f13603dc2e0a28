package io.saestreams.cli;

/** Process exit codes of {@code sae-streams}. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** The command ran and failed (an I/O error, a broker that went away, ...). */
  public static final int FAILURE = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** A setting in the configuration is missing or invalid. */
  public static final int CONFIG = 3;

  private ExitCodes() {}
}
