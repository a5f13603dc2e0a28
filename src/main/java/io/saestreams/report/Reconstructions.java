package io.saestreams.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Draws inputs next to their reconstructions, in grey scale.
 *
 * <p>Layout: {@code n} pairs in {@code pairCols = ceil(sqrt(n / 2))} pairs per row, filled row by
 * row. A pair is the original tile, a 1-pixel gap, and the reconstruction tile; pairs are separated
 * by {@link #PAIR_GAP} pixels horizontally and 1 pixel vertically, with a 1-pixel border; gaps are
 * {@link FeatureTiles#GAP_RGB}. With {@code w = cols * scale} and {@code h = rows * scale}, pair
 * {@code k} starts at {@code x = 1 + (k % pairCols) * (2w + 1 + PAIR_GAP)}, {@code y = 1 + (k /
 * pairCols) * (h + 1)}, and its reconstruction at {@code x + w + 1}.
 *
 * <p>Both tiles of a pair use the original's range (its minimum black, maximum white), so that a
 * faint reconstruction looks faint; reconstruction values outside that range are clipped.
 */
public final class Reconstructions {
  /** Horizontal gap between pairs, in pixels. */
  public static final int PAIR_GAP = 3;

  private Reconstructions() {}

  /** As the full form with {@link Shapes#defaultScale}. */
  public static void write(Path png, float[][] originals, float[][] reconstructions, int rows,
      int cols) {
    write(png, originals, reconstructions, rows, cols, Shapes.defaultScale(rows, cols));
  }

  /** Draws and writes the PNG; see the class description for the layout. */
  public static void write(Path png, float[][] originals, float[][] reconstructions, int rows,
      int cols, int scale) {
    Images.writePng(render(originals, reconstructions, rows, cols, scale), png);
  }

  /** The picture without writing it. */
  public static BufferedImage render(float[][] originals, float[][] reconstructions, int rows,
      int cols, int scale) {
    Objects.requireNonNull(originals, "originals");
    Objects.requireNonNull(reconstructions, "reconstructions");
    if (originals.length != reconstructions.length) {
      throw new IllegalArgumentException(originals.length + " originals but "
          + reconstructions.length + " reconstructions; they must pair up");
    }
    int n = originals.length;
    if (n == 0) {
      throw new IllegalArgumentException("no pairs to draw");
    }
    if (rows < 1 || cols < 1 || scale < 1) {
      throw new IllegalArgumentException("rows, cols and scale must be >= 1, got " + rows + ", "
          + cols + ", " + scale);
    }
    for (int k = 0; k < n; k++) {
      FeatureTiles.checkVector(originals[k], "original " + k, rows, cols);
      FeatureTiles.checkVector(reconstructions[k], "reconstruction " + k, rows, cols);
    }
    int pairCols = Math.max(1, (int) Math.ceil(Math.sqrt(n / 2.0)));
    int pairRows = (n + pairCols - 1) / pairCols;
    int w = cols * scale;
    int h = rows * scale;
    int pairW = 2 * w + 1;
    int width = pairCols * pairW + (pairCols - 1) * PAIR_GAP + 2;
    int height = pairRows * (h + 1) + 1;
    BufferedImage image = Images.newImage(width, height, FeatureTiles.GAP_RGB);
    for (int k = 0; k < n; k++) {
      int x0 = 1 + (k % pairCols) * (pairW + PAIR_GAP);
      int y0 = 1 + (k / pairCols) * (h + 1);
      float lo = FeatureTiles.min(originals[k]);
      float hi = FeatureTiles.max(originals[k]);
      FeatureTiles.paintTile(image, FeatureTiles.greyColours(originals[k], lo, hi), x0, y0, rows,
          cols, scale);
      FeatureTiles.paintTile(image, FeatureTiles.greyColours(reconstructions[k], lo, hi),
          x0 + w + 1, y0, rows, cols, scale);
    }
    return image;
  }
}
