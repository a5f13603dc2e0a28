package io.saestreams.embedded;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Kafka's server code from terminating this JVM while an embedded broker runs.
 *
 * <p>{@code KafkaRaftServer} reports fatal faults to a {@code ProcessTerminatingFaultHandler},
 * which calls {@link Exit#halt(int)}; a controller listener port taken by another process during
 * start-up is such a fault. In an embedded broker that would kill the demo or the test JVM without
 * running shutdown hooks. While at least one embedded broker holds the guard, {@link Exit}'s exit
 * and halt procedures only log the request, so the failing component throws its original exception
 * instead (and start-up can retry). When the last holder releases the guard, Kafka's default
 * procedures are restored.
 *
 * <p>The procedures are JVM-wide: other Kafka code in this JVM that calls {@link Exit} (for example
 * a Kafka command-line tool's {@code main}) does not exit either while a broker runs.
 */
final class KafkaExitGuard {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaExitGuard.class);
  private static final Object LOCK = new Object();
  private static int holders;

  private KafkaExitGuard() {}

  static void acquire() {
    synchronized (LOCK) {
      if (holders++ == 0) {
        Exit.setExitProcedure(KafkaExitGuard::refuseExit);
        Exit.setHaltProcedure(KafkaExitGuard::refuseHalt);
      }
    }
  }

  static void release() {
    synchronized (LOCK) {
      if (holders > 0 && --holders == 0) {
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
      }
    }
  }

  static boolean isHeld() {
    synchronized (LOCK) {
      return holders > 0;
    }
  }

  private static void refuseExit(int status, String message) {
    LOG.error(
        "Kafka asked to exit the JVM (status {}{}); not exiting because an embedded broker runs here",
        status,
        message == null ? "" : ", " + message);
  }

  private static void refuseHalt(int status, String message) {
    LOG.error(
        "Kafka asked to halt the JVM (status {}{}); not halting because an embedded broker runs here",
        status,
        message == null ? "" : ", " + message);
  }
}
