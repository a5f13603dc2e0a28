package io.saestreams.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Lines over a shared pair of axes, e.g. training loss and error over time. The picture is 800x450
 * pixels; the axes span the finite points of all series (a single value is widened a little). Series
 * {@code i} is drawn 2 pixels wide in {@code COLOURS[i % COLOURS.length]}; a legend with the names
 * is drawn in the top-left corner of the plot area.
 */
public final class LineChart {
  /** Series colours, in order. */
  public static final List<Color> COLOURS = List.of(
      new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
      new Color(255, 127, 14), new Color(148, 103, 189), new Color(23, 190, 207));

  private LineChart() {}

  /** Draws and writes the chart. */
  public static void write(Path png, String title, List<Series> series) {
    Images.writePng(render(title, series), png);
  }

  /** The picture without writing it. */
  public static BufferedImage render(String title, List<Series> series) {
    ChartFrame frame = frame(series);
    BufferedImage image = Images.newImage(ChartFrame.WIDTH, ChartFrame.HEIGHT, 0xFFFFFF);
    Graphics2D g = Images.graphics(image);
    try {
      frame.drawFrame(g, title, null, true);
      g.setStroke(new BasicStroke(2));
      for (int s = 0; s < series.size(); s++) {
        Series line = series.get(s);
        g.setColor(COLOURS.get(s % COLOURS.size()));
        int prevX = 0;
        int prevY = 0;
        boolean havePrev = false;
        for (int i = 0; i < line.x().length; i++) {
          double x = line.x()[i];
          double y = line.y()[i];
          if (!Double.isFinite(x) || !Double.isFinite(y)) {
            havePrev = false;
            continue;
          }
          int px = (int) Math.round(frame.px(x));
          int py = (int) Math.round(frame.py(y));
          if (havePrev) {
            g.drawLine(prevX, prevY, px, py);
          } else {
            g.fillRect(px - 1, py - 1, 2, 2);
          }
          prevX = px;
          prevY = py;
          havePrev = true;
        }
      }
      g.setStroke(new BasicStroke(1));
      int ly = ChartFrame.plotTop() + 14;
      for (int s = 0; s < series.size(); s++) {
        Color c = COLOURS.get(s % COLOURS.size());
        int lx = ChartFrame.plotLeft() + 10;
        g.setColor(c);
        g.fillRect(lx, ly - 5, 18, 3);
        Images.text(g, series.get(s).name(), lx + 24, ly, -1, ChartFrame.TEXT);
        ly += 16;
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The data-to-pixel mapping used for these series (exposed to the tests in this package). */
  static ChartFrame frame(List<Series> series) {
    Objects.requireNonNull(series, "series");
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no series to draw");
    }
    return ChartFrame.enclosing(series, false, 0, "series element", "series");
  }
}
