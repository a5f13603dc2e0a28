package io.saestreams.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line terminal progress bar redrawn in place with a carriage return, at most a few times a
 * second; silent when disabled (for --json output or a non-interactive run).
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long MIN_REDRAW_NANOS = 200_000_000L;

  private final PrintWriter out;
  private final String label;
  private final long total;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long lastDraw;

  ProgressBar(PrintWriter out, String label, long total, boolean enabled) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.enabled = enabled;
  }

  /** Redraws if enough time has passed since the last redraw. */
  void update(long done, String extra) {
    long now = System.nanoTime();
    if (!enabled || (now - lastDraw < MIN_REDRAW_NANOS && done < total)) {
      return;
    }
    lastDraw = now;
    out.print('\r' + render(done, (now - start) / 1e9, extra));
    out.flush();
  }

  /** Draws the final state and ends the line. */
  void finish(long done, String extra) {
    if (!enabled) {
      return;
    }
    out.println('\r' + render(done, (System.nanoTime() - start) / 1e9, extra));
    out.flush();
  }

  String render(long done, double seconds, String extra) {
    double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
    int filled = (int) Math.round(fraction * WIDTH);
    StringBuilder sb = new StringBuilder(label).append(" [");
    for (int i = 0; i < WIDTH; i++) {
      sb.append(i < filled ? '#' : '.');
    }
    sb.append(String.format(Locale.ROOT, "] %3d%% %,d/%,d  %.0f/s", Math.round(fraction * 100),
        done, total, seconds > 0 ? done / seconds : 0.0));
    if (extra != null && !extra.isEmpty()) {
      sb.append("  ").append(extra);
    }
    return sb.toString();
  }
}
