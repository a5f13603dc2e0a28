package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterChartTest {
  @TempDir Path dir;

  private static int rgb(BufferedImage image, double x, double y) {
    return image.getRGB((int) Math.round(x), (int) Math.round(y)) & 0xFFFFFF;
  }

  @Test
  void drawsMarkersPerGroupAndTheLineOnALogAxis() throws Exception {
    List<Series> groups = List.of(new Series("a", new double[] {1, 10}, new double[] {0.8, 0.2}),
        new Series("b", new double[] {100}, new double[] {0.5}));
    Series line = new Series("frontier", new double[] {1, 10}, new double[] {0.8, 0.2});
    Path png = dir.resolve("scatter.png");
    ScatterChart.write(png, "t", "x", groups, line, true);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(450);
    ChartFrame f = ScatterChart.frame(groups, line, true);
    // log axis: 1, 10 and 100 are evenly spaced
    assertThat(f.px(Math.log10(10)) - f.px(0)).isCloseTo(f.px(2) - f.px(1),
        org.assertj.core.api.Assertions.within(1e-9));
    int a = LineChart.COLOURS.get(0).getRGB() & 0xFFFFFF;
    int b = LineChart.COLOURS.get(1).getRGB() & 0xFFFFFF;
    assertThat(rgb(image, f.px(0), f.py(0.8))).isEqualTo(a);
    assertThat(rgb(image, f.px(1), f.py(0.2))).isEqualTo(a);
    assertThat(rgb(image, f.px(2), f.py(0.5))).isEqualTo(b);
    // the line's midpoint, away from the markers
    assertThat(rgb(image, f.px(0.5), f.py(0.5))).isEqualTo(0);
    // padding: the extreme points are inside the plot area
    assertThat(f.px(0)).isGreaterThan(ChartFrame.plotLeft() + 5);
    assertThat(f.py(0.2)).isLessThan(ChartFrame.plotBottom() - 5);
  }

  @Test
  void aNonPositiveXFallsBackToALinearAxis() {
    List<Series> groups = List.of(new Series("a", new double[] {0, 4}, new double[] {1, 0}));
    ChartFrame f = ScatterChart.frame(groups, null, true);
    assertThat(f.xMin).isLessThan(0);
    assertThat(f.xMax).isGreaterThan(4);
    BufferedImage image = ScatterChart.render("t", "x", groups, null, true);
    assertThat(rgb(image, f.px(4), f.py(0))).isEqualTo(LineChart.COLOURS.get(0).getRGB() & 0xFFFFFF);
  }

  @Test
  void noFinitePointIsAnError() {
    assertThatThrownBy(() -> ScatterChart.render("t", "x",
        List.of(new Series("a", new double[] {Double.NaN}, new double[] {1})), null, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no finite points");
  }

  @Test
  void labelsMustMatchTheLinesPoints() {
    List<Series> groups = List.of(new Series("a", new double[] {1, 2}, new double[] {1, 0}));
    Series line = new Series("l", new double[] {1, 2}, new double[] {1, 0});
    assertThat(ScatterChart.render("t", "x", groups, line, List.of("#0", "#1"), true).getWidth())
        .isEqualTo(800);
    assertThatThrownBy(() -> ScatterChart.render("t", "x", groups, line, List.of("#0"), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one label per point");
  }

  @Test
  void logTickLabels() {
    assertThat(ScatterChart.logTickLabel(1)).isEqualTo("1");
    assertThat(ScatterChart.logTickLabel(20)).isEqualTo("20");
    assertThat(ScatterChart.logTickLabel(0.5)).isEqualTo("0.5");
    assertThat(ScatterChart.logTickLabel(1e7)).isEqualTo("1e+07");
  }
}
