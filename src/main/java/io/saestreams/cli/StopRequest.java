package io.saestreams.cli;

import java.util.Objects;

/**
 * A stop asked for (SIGTERM, SIGINT) at any point of {@code run}, also before the application
 * exists. While the start waits for the cluster, the request interrupts the waiting thread; once
 * the application is attached, the request is passed to it; a request that came before is passed
 * on at attachment. Without this, a signal during the start-up check ended the JVM the default way,
 * with exit code 143 instead of a clean 0.
 */
final class StopRequest {
  private boolean requested;
  private Thread waiting;
  private StreamsApp app;

  /** Called by the signal handler. */
  synchronized void request() {
    requested = true;
    if (app != null) {
      app.requestStop();
    } else if (waiting != null) {
      waiting.interrupt();
    }
  }

  synchronized boolean isRequested() {
    return requested;
  }

  /**
   * From now until {@link #endInterruptible()}, a request interrupts the calling thread (a start-up
   * step that waits, and answers an interrupt by throwing).
   */
  synchronized void beginInterruptible() {
    waiting = Thread.currentThread();
    if (requested) {
      waiting.interrupt();
    }
  }

  /** Ends {@link #beginInterruptible()}; clears an interrupt it delivered ({@link #isRequested()} keeps it). */
  synchronized void endInterruptible() {
    waiting = null;
    Thread.interrupted();
  }

  /** Hands later requests, and one already made, to {@code streamsApp}. */
  synchronized void attach(StreamsApp streamsApp) {
    app = Objects.requireNonNull(streamsApp);
    waiting = null;
    if (requested) {
      app.requestStop();
    }
  }
}
