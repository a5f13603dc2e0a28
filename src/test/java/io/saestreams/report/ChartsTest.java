package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChartsTest {
  @TempDir Path dir;

  private static int rgb(BufferedImage image, double x, double y) {
    return image.getRGB((int) Math.round(x), (int) Math.round(y)) & 0xFFFFFF;
  }

  private static java.util.Set<Integer> near(BufferedImage image, double x, double y) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        colours.add(rgb(image, x + dx, y + dy));
      }
    }
    return colours;
  }

  @Test
  void barChartDrawsBarsAndTargetLine() throws IOException {
    double[] values = {1, 2, 3, 4};
    Path png = dir.resolve("bars.png");
    BarChart.write(png, values, "mean activation", 2.5);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(450);
    ChartFrame f = BarChart.frame(values, 2.5);
    int bar = BarChart.BAR.getRGB() & 0xFFFFFF;
    int target = BarChart.TARGET.getRGB() & 0xFFFFFF;
    assertThat(rgb(image, f.px(2.5), f.py(1.0))).isEqualTo(bar); // inside bar 2 (value 3)
    assertThat(rgb(image, f.px(0.5), f.py(0.5))).isEqualTo(bar); // inside bar 0 (value 1)
    assertThat(rgb(image, f.px(0.5), f.py(1.5))).isEqualTo(0xFFFFFF); // above bar 0
    assertThat(rgb(image, f.px(1.0), f.py(2.5))).isEqualTo(target); // between bars 0 and 1
    assertThat(rgb(image, f.px(3.5), f.py(3.8))).isEqualTo(bar); // bar 3 reaches 4
    assertThat(rgb(image, f.px(3.5), f.py(4.15))).isEqualTo(0xFFFFFF); // but not beyond
    assertThat(rgb(image, ChartFrame.plotLeft(), f.py(1.7))).isZero(); // y axis
  }

  @Test
  void barChartWithoutTargetAndWithNegativeValues() throws IOException {
    double[] values = {-2, 1, Double.NaN};
    BufferedImage image = BarChart.render(values, "signed", Double.NaN);
    ChartFrame f = BarChart.frame(values, Double.NaN);
    int bar = BarChart.BAR.getRGB() & 0xFFFFFF;
    assertThat(f.yMin).isLessThan(-2);
    assertThat(rgb(image, f.px(0.5), f.py(-1))).isEqualTo(bar); // negative bar below zero
    assertThat(rgb(image, f.px(0.5), f.py(0.5))).isEqualTo(0xFFFFFF);
    assertThat(rgb(image, f.px(2.5), f.py(0.5))).isEqualTo(0xFFFFFF); // NaN: no bar
  }

  @Test
  void lineChartDrawsEachSeriesInItsColour() throws IOException {
    Series loss = new Series("loss", new double[] {0, 10}, new double[] {0, 10});
    Series error = Series.of("error", new double[] {8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8});
    Path png = dir.resolve("lines.png");
    LineChart.write(png, "training", List.of(loss, error));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(450);
    ChartFrame f = LineChart.frame(List.of(loss, error));
    // the rasterised line may be half a pixel off the exact position: look at the 3x3 neighbourhood
    assertThat(near(image, f.px(5), f.py(5))).contains(LineChart.COLOURS.get(0).getRGB() & 0xFFFFFF);
    assertThat(near(image, f.px(3), f.py(8))).contains(LineChart.COLOURS.get(1).getRGB() & 0xFFFFFF);
    assertThat(near(image, f.px(5), f.py(8))).doesNotContain(LineChart.COLOURS.get(0).getRGB() & 0xFFFFFF);
    assertThat(rgb(image, f.px(8), f.py(3))).isEqualTo(0xFFFFFF); // between grid lines
  }

  @Test
  void seriesAndChartInputsAreValidated() {
    assertThatThrownBy(() -> new Series("s", new double[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series 's' has 2 x values but 3 y values");
    assertThatThrownBy(() -> LineChart.render("t", List.of(Series.of("nan", new double[] {Double.NaN}))))
        .hasMessage("no finite points in any of the 1 series");
    assertThatThrownBy(() -> BarChart.render(new double[0], "t", 1)).hasMessage("no values to draw");
  }

  @ParameterizedTest(name = "[{0}, {1}] -> step {2}")
  @CsvSource({"0, 10, 2", "0, 1, 0.2", "0, 0.07, 0.02", "0, 0.05, 0.01", "-3, 17, 5", "0, 1000, 200"})
  void tickStepsAreOneTwoOrFiveTimesAPowerOfTen(double lo, double hi, double step) {
    assertThat(ChartFrame.tickStep(lo, hi, 6)).isCloseTo(step, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void tickLabelsUseTheDecimalsTheStepNeeds() {
    assertThat(ChartFrame.tickLabel(0.4, 0.2)).isEqualTo("0.4");
    assertThat(ChartFrame.tickLabel(15, 5)).isEqualTo("15");
    assertThat(ChartFrame.tickLabel(0.03, 0.01)).isEqualTo("0.03");
    assertThat(ChartFrame.tickLabel(1e-17, 0.2)).isEqualTo("0");
    assertThat(ChartFrame.ticks(0, 1, 5)).containsExactly(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0);
  }
}
