package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureTilesTest {
  @TempDir Path dir;

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  /** The brightest pixel of each tile is where its vector is largest, the darkest where smallest. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void greyTilesPutExtremesWhereTheVectorHasThem(long seed) throws IOException {
    Random random = new Random(seed);
    int rows = 4;
    int cols = 6;
    int scale = 2;
    float[][] vectors = new float[5][rows * cols];
    for (float[] v : vectors) {
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) random.nextGaussian();
      }
    }
    Path png = dir.resolve("tiles.png");
    FeatureTiles.write(png, vectors, rows, cols, 100, scale, FeatureTiles.Palette.GREY);
    BufferedImage image = ImageIO.read(png.toFile());
    // 5 tiles -> 3 grid columns, 2 grid rows
    assertThat(image.getWidth()).isEqualTo(3 * (cols * scale + 1) + 1);
    assertThat(image.getHeight()).isEqualTo(2 * (rows * scale + 1) + 1);
    for (int k = 0; k < 5; k++) {
      int x0 = 1 + (k % 3) * (cols * scale + 1);
      int y0 = 1 + (k / 3) * (rows * scale + 1);
      int argMax = 0;
      int argMin = 0;
      for (int j = 1; j < vectors[k].length; j++) {
        argMax = vectors[k][j] > vectors[k][argMax] ? j : argMax;
        argMin = vectors[k][j] < vectors[k][argMin] ? j : argMin;
      }
      int brightest = -1;
      int best = -1;
      for (int y = 0; y < rows * scale; y++) {
        for (int x = 0; x < cols * scale; x++) {
          int level = rgb(image, x0 + x, y0 + y) & 0xFF;
          if (level > best) {
            best = level;
            brightest = (y / scale) * cols + x / scale;
          }
        }
      }
      assertThat(brightest).isEqualTo(argMax);
      assertThat(best).isEqualTo(255);
      int maxX = x0 + (argMax % cols) * scale + 1;
      int maxY = y0 + (argMax / cols) * scale + 1;
      assertThat(rgb(image, maxX, maxY)).isEqualTo(0xFFFFFF);
      assertThat(rgb(image, x0 + (argMin % cols) * scale, y0 + (argMin / cols) * scale)).isZero();
      assertThat(rgb(image, x0 - 1, y0)).isEqualTo(FeatureTiles.GAP_RGB);
    }
    // the sixth grid cell is unused and stays gap-coloured
    assertThat(rgb(image, 1 + 2 * (cols * scale + 1) + 3, 1 + (rows * scale + 1) + 3))
        .isEqualTo(FeatureTiles.GAP_RGB);
  }

  @Test
  void divergingPaletteIsRedPositiveBlueNegativeWhiteZero() throws IOException {
    float[][] vectors = {{2f, -1f, 0f, -2f}};
    Path png = dir.resolve("div.png");
    FeatureTiles.write(png, vectors, 2, 2, 10, 1, FeatureTiles.Palette.DIVERGING);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(4);
    assertThat(image.getHeight()).isEqualTo(4);
    assertThat(rgb(image, 1, 1)).isEqualTo(0xFF0000); // +2 = +max
    assertThat(rgb(image, 2, 1)).isEqualTo(0x8080FF); // -1 = half blue
    assertThat(rgb(image, 1, 2)).isEqualTo(0xFFFFFF); // 0
    assertThat(rgb(image, 2, 2)).isEqualTo(0x0000FF); // -2
    assertThat(rgb(image, 0, 0)).isEqualTo(FeatureTiles.GAP_RGB);
  }

  @Test
  void maxTilesLimitsAndConstantTileIsMidGrey() throws IOException {
    float[][] vectors = {{3f, 3f, 3f, 3f}, {1f, 2f, 3f, 4f}, {0f, 0f, 0f, 1f}};
    Path png = dir.resolve("one.png");
    FeatureTiles.write(png, vectors, 2, 2, 1);
    BufferedImage image = ImageIO.read(png.toFile());
    int scale = Shapes.defaultScale(2, 2);
    assertThat(image.getWidth()).isEqualTo(2 * scale + 2);
    assertThat(rgb(image, 1, 1)).isEqualTo(0x808080);
  }

  @Test
  void wrongLengthOrNonFiniteValueIsRejected() {
    assertThatThrownBy(() -> FeatureTiles.write(dir.resolve("x.png"), new float[][] {{1, 2, 3}}, 2, 2, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vector 0 has length 3, expected 2x2 = 4");
    assertThatThrownBy(() -> FeatureTiles.write(dir.resolve("x.png"),
        new float[][] {{1, 2, 3, 4}, {1, Float.NaN, 3, 4}}, 2, 2, 4))
        .hasMessage("vector 1 has non-finite value NaN at index 1");
  }
}
