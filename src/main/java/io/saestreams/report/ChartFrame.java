package io.saestreams.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry shared by the charts: a plot area inside fixed margins and the linear maps from data
 * to pixel coordinates, plus axes, grid, ticks and title.
 */
final class ChartFrame {
  static final int WIDTH = 800;
  static final int HEIGHT = 450;
  static final int LEFT = 80;
  static final int RIGHT = 20;
  static final int TOP = 40;
  static final int BOTTOM = 50;

  static final Color BACKGROUND = Color.WHITE;
  static final Color AXIS = Color.BLACK;
  static final Color GRID = new Color(225, 225, 225);
  static final Color TEXT = new Color(30, 30, 30);

  final double xMin;
  final double xMax;
  final double yMin;
  final double yMax;

  ChartFrame(double xMin, double xMax, double yMin, double yMax) {
    if (!(xMax > xMin) || !(yMax > yMin)) {
      throw new IllegalArgumentException("empty data range x [" + xMin + ", " + xMax + "], y ["
          + yMin + ", " + yMax + "]");
    }
    this.xMin = xMin;
    this.xMax = xMax;
    this.yMin = yMin;
    this.yMax = yMax;
  }

  /** Left edge of the plot area (pixel column of {@code xMin}). */
  static int plotLeft() {
    return LEFT;
  }

  /** Right edge of the plot area (pixel column of {@code xMax}). */
  static int plotRight() {
    return WIDTH - RIGHT - 1;
  }

  /** Top edge of the plot area (pixel row of {@code yMax}). */
  static int plotTop() {
    return TOP;
  }

  /** Bottom edge of the plot area (pixel row of {@code yMin}). */
  static int plotBottom() {
    return HEIGHT - BOTTOM - 1;
  }

  double px(double x) {
    return plotLeft() + (x - xMin) / (xMax - xMin) * (plotRight() - plotLeft());
  }

  double py(double y) {
    return plotBottom() - (y - yMin) / (yMax - yMin) * (plotBottom() - plotTop());
  }

  /**
   * The frame around every point of {@code series} whose coordinates are finite (and, with {@code
   * logX}, whose x is positive; the frame's x is then log10(x)): each range made non-empty, then
   * widened by {@code padding} times its width on both sides.
   *
   * @param element what a null element is called in the error
   * @param kind what the series are called when none has a point, e.g. "series"
   */
  static ChartFrame enclosing(List<Series> series, boolean logX, double padding, String element,
      String kind) {
    double xLo = Double.POSITIVE_INFINITY;
    double xHi = Double.NEGATIVE_INFINITY;
    double yLo = Double.POSITIVE_INFINITY;
    double yHi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      java.util.Objects.requireNonNull(s, element);
      for (int i = 0; i < s.x().length; i++) {
        if (plottable(s.x()[i], s.y()[i], logX)) {
          double x = axisX(s.x()[i], logX);
          xLo = Math.min(xLo, x);
          xHi = Math.max(xHi, x);
          yLo = Math.min(yLo, s.y()[i]);
          yHi = Math.max(yHi, s.y()[i]);
        }
      }
    }
    if (xLo > xHi) {
      throw new IllegalArgumentException("no finite points in any of the " + series.size() + " "
          + kind);
    }
    double[] xr = nonEmpty(xLo, xHi);
    double[] yr = nonEmpty(yLo, yHi);
    double xPad = padding * (xr[1] - xr[0]);
    double yPad = padding * (yr[1] - yr[0]);
    return new ChartFrame(xr[0] - xPad, xr[1] + xPad, yr[0] - yPad, yr[1] + yPad);
  }

  /** Whether a point can be drawn: finite coordinates, and a positive x on a log x axis. */
  static boolean plottable(double x, double y, boolean logX) {
    return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0);
  }

  /** A point's x in the frame's coordinates: log10(x) on a log x axis. */
  static double axisX(double x, boolean logX) {
    return logX ? Math.log10(x) : x;
  }

  /** A range widened so that it is not empty, as [lo, hi]. */
  static double[] nonEmpty(double lo, double hi) {
    if (hi > lo) {
      return new double[] {lo, hi};
    }
    double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
    return new double[] {lo - pad, hi + pad};
  }

  /** The tick spacing: 1, 2 or 5 times a power of ten, giving about {@code target} ticks. */
  static double tickStep(double lo, double hi, int target) {
    double raw = (hi - lo) / Math.max(1, target);
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / power;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * power;
  }

  /** Tick values: the multiples of {@link #tickStep} inside [lo, hi]. */
  static List<Double> ticks(double lo, double hi, int target) {
    double step = tickStep(lo, hi, target);
    List<Double> out = new ArrayList<>();
    for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
      out.add(k * step);
    }
    return out;
  }

  /** A tick label with as many decimals as the step needs. */
  static String tickLabel(double value, double step) {
    if (Math.abs(value) < step * 1e-6) {
      return "0";
    }
    double mag = Math.max(Math.abs(value), step);
    if (mag >= 1e6 || step < 1e-4) {
      return String.format(Locale.ROOT, "%.2e", value);
    }
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Grid lines, axes, y ticks and labels, the title, and optional x ticks. */
  void drawFrame(Graphics2D g, String title, String xLabel, boolean xTicks) {
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double yStep = tickStep(yMin, yMax, 6);
    for (double t : ticks(yMin, yMax, 6)) {
      int y = (int) Math.round(py(t));
      g.setColor(GRID);
      g.drawLine(plotLeft() + 1, y, plotRight(), y);
      g.setColor(AXIS);
      g.drawLine(plotLeft() - 4, y, plotLeft(), y);
      Images.text(g, tickLabel(t, yStep), plotLeft() - 7, y + 4, 1, TEXT);
    }
    if (xTicks) {
      double xStep = tickStep(xMin, xMax, 8);
      for (double t : ticks(xMin, xMax, 8)) {
        int x = (int) Math.round(px(t));
        g.setColor(AXIS);
        g.drawLine(x, plotBottom(), x, plotBottom() + 4);
        Images.text(g, tickLabel(t, xStep), x, plotBottom() + 18, 0, TEXT);
      }
    }
    g.setColor(AXIS);
    g.setStroke(new BasicStroke(1));
    g.drawLine(plotLeft(), plotTop(), plotLeft(), plotBottom());
    g.drawLine(plotLeft(), plotBottom(), plotRight(), plotBottom());
    if (title != null && !title.isEmpty()) {
      Images.text(g, title, WIDTH / 2, TOP - 15, 0, TEXT);
    }
    if (xLabel != null && !xLabel.isEmpty()) {
      Images.text(g, xLabel, (plotLeft() + plotRight()) / 2, HEIGHT - 12, 0, TEXT);
    }
  }
}
