package io.saestreams.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Points in groups (e.g. one group per model family) over a shared pair of axes, with an optional
 * line through chosen points (e.g. a Pareto frontier). The picture is 800x450 pixels; the axes span
 * the finite points with 5% padding on each side. Group {@code i} is drawn in {@code
 * LineChart.COLOURS[i % 6]} as a filled marker 9 pixels across: a disc, square or triangle for
 * {@code i % 3} = 0, 1, 2. The line is {@link #LINE}, 2 pixels wide, through its points in order,
 * each of them ringed. A legend with the group names (and the line's) is in the top-right corner.
 *
 * <p>With a logarithmic x axis (only when every finite x is positive; otherwise linear) points sit
 * at {@code log10(x)} and the ticks are labelled 1, 2, 5, 10, 20, ... in data units.
 */
public final class ScatterChart {
  /** Colour of the line through the chosen points. */
  public static final Color LINE = Color.BLACK;
  static final int MARKER = 9;

  private ScatterChart() {}

  /**
   * Draws and writes the chart.
   *
   * @param groups the point groups; each is a {@link Series} whose name is its legend entry
   * @param line the points to join, in order, or {@code null} for none
   * @param logX whether to use a logarithmic x axis (when every finite x is positive)
   */
  public static void write(Path png, String title, String xLabel, List<Series> groups,
      Series line, boolean logX) {
    Images.writePng(render(title, xLabel, groups, line, null, logX), png);
  }

  /**
   * As {@link #write(Path, String, String, List, Series, boolean)}, with a label written above and
   * to the right of each of the line's points ({@code lineLabels.get(i)} for point {@code i}).
   */
  public static void write(Path png, String title, String xLabel, List<Series> groups,
      Series line, List<String> lineLabels, boolean logX) {
    Images.writePng(render(title, xLabel, groups, line, lineLabels, logX), png);
  }

  /** The picture without writing it. */
  public static BufferedImage render(String title, String xLabel, List<Series> groups,
      Series line, boolean logX) {
    return render(title, xLabel, groups, line, null, logX);
  }

  /** The picture without writing it, with labels on the line's points (or {@code null}). */
  public static BufferedImage render(String title, String xLabel, List<Series> groups,
      Series line, List<String> lineLabels, boolean logX) {
    if (lineLabels != null && (line == null || lineLabels.size() != line.x().length)) {
      throw new IllegalArgumentException("need one label per point of the line, got "
          + lineLabels.size() + " labels");
    }
    boolean log = logX && allPositive(groups, line);
    ChartFrame frame = frame(groups, line, log);
    BufferedImage image = Images.newImage(ChartFrame.WIDTH, ChartFrame.HEIGHT, 0xFFFFFF);
    Graphics2D g = Images.graphics(image);
    try {
      frame.drawFrame(g, title, xLabel, !log);
      if (log) {
        drawLogTicks(g, frame);
      }
      if (line != null) {
        g.setColor(LINE);
        g.setStroke(new BasicStroke(2));
        int px = 0;
        int py = 0;
        boolean have = false;
        for (int i = 0; i < line.x().length; i++) {
          if (!ChartFrame.plottable(line.x()[i], line.y()[i], log)) {
            have = false;
            continue;
          }
          int x = (int) Math.round(frame.px(ChartFrame.axisX(line.x()[i], log)));
          int y = (int) Math.round(frame.py(line.y()[i]));
          if (have) {
            g.drawLine(px, py, x, y);
          }
          px = x;
          py = y;
          have = true;
        }
      }
      g.setStroke(new BasicStroke(1));
      for (int s = 0; s < groups.size(); s++) {
        Series group = groups.get(s);
        g.setColor(LineChart.COLOURS.get(s % LineChart.COLOURS.size()));
        for (int i = 0; i < group.x().length; i++) {
          if (ChartFrame.plottable(group.x()[i], group.y()[i], log)) {
            marker(g, s % 3, (int) Math.round(frame.px(ChartFrame.axisX(group.x()[i], log))),
                (int) Math.round(frame.py(group.y()[i])));
          }
        }
      }
      if (line != null) {
        g.setColor(LINE);
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < line.x().length; i++) {
          if (ChartFrame.plottable(line.x()[i], line.y()[i], log)) {
            int r = MARKER / 2 + 3;
            int cx = (int) Math.round(frame.px(ChartFrame.axisX(line.x()[i], log)));
            int cy = (int) Math.round(frame.py(line.y()[i]));
            g.drawOval(cx - r, cy - r, 2 * r, 2 * r);
            if (lineLabels != null) {
              Images.text(g, lineLabels.get(i), cx + r + 2, cy - r, -1, ChartFrame.TEXT);
            }
          }
        }
      }
      drawLegend(g, groups, line);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void drawLegend(Graphics2D g, List<Series> groups, Series line) {
    int entries = groups.size() + (line != null ? 1 : 0);
    int widest = 0;
    for (Series s : groups) {
      widest = Math.max(widest, textWidth(g, s.name()));
    }
    if (line != null) {
      widest = Math.max(widest, textWidth(g, line.name()));
    }
    int boxW = widest + 40;
    int boxH = entries * 16 + 8;
    int left = ChartFrame.plotRight() - 8 - boxW;
    int top = ChartFrame.plotTop() + 6;
    g.setColor(Color.WHITE);
    g.fillRect(left, top, boxW, boxH);
    g.setColor(ChartFrame.GRID);
    g.setStroke(new BasicStroke(1));
    g.drawRect(left, top, boxW, boxH);
    int y = top + 16;
    for (int s = 0; s < groups.size(); s++) {
      g.setColor(LineChart.COLOURS.get(s % LineChart.COLOURS.size()));
      marker(g, s % 3, left + 14, y - 4);
      Images.text(g, groups.get(s).name(), left + 28, y, -1, ChartFrame.TEXT);
      y += 16;
    }
    if (line != null) {
      g.setColor(LINE);
      g.setStroke(new BasicStroke(2));
      g.drawLine(left + 5, y - 4, left + 23, y - 4);
      Images.text(g, line.name(), left + 28, y, -1, ChartFrame.TEXT);
    }
  }

  private static int textWidth(Graphics2D g, String s) {
    try {
      return g.getFontMetrics().stringWidth(s);
    } catch (RuntimeException | InternalError e) {
      return 7 * s.length();
    }
  }

  /** Marker {@code shape} (0 disc, 1 square, 2 triangle) centred on (x, y). */
  static void marker(Graphics2D g, int shape, int x, int y) {
    int h = MARKER / 2;
    switch (shape) {
      case 0 -> g.fillOval(x - h, y - h, MARKER, MARKER);
      case 1 -> g.fillRect(x - h, y - h, MARKER, MARKER);
      default -> g.fillPolygon(new int[] {x - h - 1, x + h + 1, x}, new int[] {y + h, y + h, y - h - 1}, 3);
    }
  }

  private static void drawLogTicks(Graphics2D g, ChartFrame frame) {
    int lo = (int) Math.floor(frame.xMin);
    int hi = (int) Math.ceil(frame.xMax);
    int[] mantissas = hi - lo > 4 ? new int[] {1} : new int[] {1, 2, 5};
    for (int e = lo; e <= hi; e++) {
      for (int m : mantissas) {
        double v = m * Math.pow(10, e);
        double t = Math.log10(v);
        if (t < frame.xMin - 1e-12 || t > frame.xMax + 1e-12) {
          continue;
        }
        int x = (int) Math.round(frame.px(t));
        g.setColor(ChartFrame.GRID);
        g.drawLine(x, ChartFrame.plotTop(), x, ChartFrame.plotBottom() - 1);
        g.setColor(ChartFrame.AXIS);
        g.drawLine(x, ChartFrame.plotBottom(), x, ChartFrame.plotBottom() + 4);
        Images.text(g, logTickLabel(v), x, ChartFrame.plotBottom() + 18, 0, ChartFrame.TEXT);
      }
    }
  }

  static String logTickLabel(double v) {
    if (v >= 1 && v < 1e6) {
      return String.format(Locale.ROOT, "%d", Math.round(v));
    }
    if (v < 1 && v >= 1e-4) {
      return SummaryTable.formatNumber(v);
    }
    return String.format(Locale.ROOT, "%.0e", v);
  }

  private static boolean allPositive(List<Series> groups, Series line) {
    List<Series> all = new java.util.ArrayList<>(groups);
    if (line != null) {
      all.add(line);
    }
    for (Series s : all) {
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) && !(s.x()[i] > 0)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The data-to-pixel mapping used for these points (exposed to the tests in this package); with
   * {@code logX} (taken only when every finite x is positive) its x coordinates are {@code
   * log10(x)}.
   */
  static ChartFrame frame(List<Series> groups, Series line, boolean logX) {
    Objects.requireNonNull(groups, "groups");
    boolean log = logX && allPositive(groups, line);
    return ChartFrame.enclosing(groups, log, 0.05, "group", "groups");
  }
}
