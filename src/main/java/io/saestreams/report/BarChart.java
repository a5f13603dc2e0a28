package io.saestreams.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A bar per value (e.g. the mean activation of each hidden unit) with an optional horizontal target
 * line (e.g. the sparsity target). The picture is 800x450 pixels; bar {@code i} of {@code n}
 * occupies the slot {@code [i, i+1)} on an x axis from 0 to {@code n} and is 80% of the slot wide
 * (at least 1 pixel), drawn from 0 to its value. The y axis spans 0, all values and the target,
 * with 5% headroom. Bars are {@link #BAR}, the target line {@link #TARGET}. Non-finite values get
 * no bar.
 */
public final class BarChart {
  /** Bar colour. */
  public static final Color BAR = new Color(70, 110, 180);
  /** Target line colour. */
  public static final Color TARGET = new Color(220, 30, 30);

  private BarChart() {}

  /** Draws and writes the chart; {@code targetLine} is {@code NaN} for none. */
  public static void write(Path png, double[] values, String title, double targetLine) {
    Images.writePng(render(values, title, targetLine), png);
  }

  /** The picture without writing it. */
  public static BufferedImage render(double[] values, String title, double targetLine) {
    ChartFrame frame = frame(values, targetLine);
    BufferedImage image = Images.newImage(ChartFrame.WIDTH, ChartFrame.HEIGHT, 0xFFFFFF);
    Graphics2D g = Images.graphics(image);
    try {
      frame.drawFrame(g, title, "index (" + values.length + " values)", false);
      int n = values.length;
      int labelEvery = Math.max(1, (int) Math.ceil(n / 10.0));
      for (int i = 0; i < n; i += labelEvery) {
        int x = (int) Math.round(frame.px(i + 0.5));
        g.setColor(ChartFrame.AXIS);
        g.drawLine(x, ChartFrame.plotBottom(), x, ChartFrame.plotBottom() + 4);
        Images.text(g, Integer.toString(i), x, ChartFrame.plotBottom() + 18, 0, ChartFrame.TEXT);
      }
      g.setColor(BAR);
      int zero = (int) Math.round(frame.py(0));
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(values[i])) {
          continue;
        }
        int x0 = (int) Math.round(frame.px(i + 0.1));
        int x1 = Math.max(x0 + 1, (int) Math.round(frame.px(i + 0.9)));
        int y = (int) Math.round(frame.py(values[i]));
        int top = Math.min(y, zero);
        int bottom = Math.max(y, zero);
        g.fillRect(x0, top, x1 - x0, Math.max(1, bottom - top));
      }
      if (Double.isFinite(targetLine)) {
        int y = (int) Math.round(frame.py(targetLine));
        g.setColor(TARGET);
        g.setStroke(new BasicStroke(1));
        g.drawLine(ChartFrame.plotLeft() + 1, y, ChartFrame.plotRight(), y);
        Images.text(g, "target " + SummaryTable.formatNumber(targetLine),
            ChartFrame.plotRight() - 4, y - 4, 1, TARGET);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The data-to-pixel mapping used for these values (exposed to the tests in this package). */
  static ChartFrame frame(double[] values, double targetLine) {
    Objects.requireNonNull(values, "values");
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to draw");
    }
    if (Double.isInfinite(targetLine)) {
      throw new IllegalArgumentException("targetLine must be finite or NaN, got " + targetLine);
    }
    double lo = 0;
    double hi = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (Double.isFinite(targetLine)) {
      lo = Math.min(lo, targetLine);
      hi = Math.max(hi, targetLine);
    }
    double[] range = ChartFrame.nonEmpty(lo, hi);
    double pad = 0.05 * (range[1] - range[0]);
    return new ChartFrame(0, values.length, range[0] < 0 ? range[0] - pad : range[0],
        range[1] > 0 ? range[1] + pad : range[1]);
  }
}
