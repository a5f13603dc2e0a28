package io.saestreams.cli;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into a stop request instead of the JVM's default (run the shutdown
 * hooks, then exit with 128 + the signal number, i.e. 143 for SIGTERM). With these handlers the
 * command's own thread closes the application and returns its exit code, so a clean stop exits
 * 0. {@link #restore()} puts the previous handlers back.
 */
final class StopSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  private static final List<String> NAMES = List.of("TERM", "INT");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private StopSignals() {}

  /** Calls {@code onStop} (once per signal received) on SIGTERM and SIGINT. */
  static StopSignals install(Runnable onStop) {
    StopSignals s = new StopSignals();
    for (String name : NAMES) {
      try {
        Signal signal = new Signal(name);
        SignalHandler old = Signal.handle(signal, sig -> {
          LOG.info("SIG{} received: stopping", sig.getName());
          onStop.run();
        });
        s.signals.add(signal);
        s.previous.add(old);
      } catch (IllegalArgumentException e) {
        // the platform has no such signal, or the JVM reserves it (-Xrs): the shutdown hook stays
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    return s;
  }

  /** Puts the handlers that were installed before back. */
  void restore() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
    signals.clear();
    previous.clear();
  }

  @Override
  public void close() {
    restore();
  }
}
