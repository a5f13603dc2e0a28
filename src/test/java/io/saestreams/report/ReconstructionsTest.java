package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructionsTest {
  @TempDir Path dir;

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void pairsAreSideBySideOnTheOriginalsScale() throws IOException {
    float[][] originals = {{0f, 1f, 0.5f, 0f}, {1f, 0f, 0f, 0f}, {0f, 0f, 0f, 1f}};
    float[][] recon = {{0f, 0.5f, 2f, -1f}, {1f, 0f, 0f, 0f}, {0f, 0f, 0f, 0f}};
    Path png = dir.resolve("sub/recon.png");
    Reconstructions.write(png, originals, recon, 2, 2, 1);
    BufferedImage image = ImageIO.read(png.toFile());
    // 3 pairs -> ceil(sqrt(1.5)) = 2 pairs per row, 2 rows; pair width 2*2+1 = 5
    assertThat(image.getWidth()).isEqualTo(2 * 5 + Reconstructions.PAIR_GAP + 2);
    assertThat(image.getHeight()).isEqualTo(2 * 3 + 1);
    // pair 0, original at (1,1), reconstruction at (4,1)
    assertThat(rgb(image, 1, 1)).isEqualTo(0x000000);
    assertThat(rgb(image, 2, 1)).isEqualTo(0xFFFFFF);
    assertThat(rgb(image, 1, 2)).isEqualTo(0x808080);
    assertThat(rgb(image, 3, 1)).isEqualTo(FeatureTiles.GAP_RGB);
    assertThat(rgb(image, 5, 1)).isEqualTo(0x808080); // 0.5 on the original's [0, 1] scale
    assertThat(rgb(image, 4, 2)).isEqualTo(0xFFFFFF); // 2 clipped to white
    assertThat(rgb(image, 5, 2)).isEqualTo(0x000000); // -1 clipped to black
    // pair 1 starts at x = 1 + 5 + PAIR_GAP
    int x1 = 1 + 5 + Reconstructions.PAIR_GAP;
    assertThat(rgb(image, x1, 1)).isEqualTo(0xFFFFFF);
    assertThat(rgb(image, x1 - 1, 1)).isEqualTo(FeatureTiles.GAP_RGB);
    // pair 2: second row, reconstruction all zero shown black on the original's scale
    assertThat(rgb(image, 2, 5)).isEqualTo(0xFFFFFF);
    assertThat(rgb(image, 5, 5)).isEqualTo(0x000000);
  }

  @Test
  void countsMustPairUp() {
    assertThatThrownBy(() -> Reconstructions.write(dir.resolve("r.png"), new float[2][4],
        new float[1][4], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 originals but 1 reconstructions; they must pair up");
  }
}
