package io.saestreams.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Draws vectors as a grid of small images ("tiles"), e.g. the decoder direction of every hidden
 * unit.
 *
 * <p>Layout: {@code n = min(vectors.length, maxTiles)} tiles in {@code gridCols = ceil(sqrt(n))}
 * columns and {@code ceil(n / gridCols)} rows, filled row by row. Each tile is {@code tileCols *
 * scale} pixels wide and {@code tileRows * scale} high; tiles are separated from each other and
 * from the border by 1-pixel lines of {@link #GAP_RGB}. Tile {@code k} starts at {@code x = 1 + (k
 * % gridCols) * (tileCols * scale + 1)}, {@code y = 1 + (k / gridCols) * (tileRows * scale + 1)};
 * vector element {@code r * tileCols + c} fills the block at row {@code r}, column {@code c}.
 *
 * <p>Each tile is normalised on its own. {@link Palette#GREY}: the tile's minimum is black and its
 * maximum white (a constant tile is mid grey 128). {@link Palette#DIVERGING}: 0 is white, the
 * largest absolute value is pure red when positive and pure blue when negative (an all-zero tile is
 * white).
 */
public final class FeatureTiles {
  /** Colour of the separating lines and of unused grid cells. */
  public static final int GAP_RGB = 0x30304A;

  /** How values are coloured. */
  public enum Palette {
    /** Per-tile minimum black, maximum white. */
    GREY,
    /** Negative blue, zero white, positive red; scaled by the tile's largest absolute value. */
    DIVERGING
  }

  private FeatureTiles() {}

  /** As the full form with {@link Palette#GREY} and {@link Shapes#defaultScale}. */
  public static void write(Path png, float[][] vectors, int tileRows, int tileCols, int maxTiles) {
    write(png, vectors, tileRows, tileCols, maxTiles, Shapes.defaultScale(tileRows, tileCols),
        Palette.GREY);
  }

  /** Draws and writes the PNG; see the class description for the layout. */
  public static void write(Path png, float[][] vectors, int tileRows, int tileCols, int maxTiles,
      int scale, Palette palette) {
    Images.writePng(render(vectors, tileRows, tileCols, maxTiles, scale, palette), png);
  }

  /** The picture without writing it. */
  public static BufferedImage render(float[][] vectors, int tileRows, int tileCols, int maxTiles,
      int scale, Palette palette) {
    Objects.requireNonNull(vectors, "vectors");
    Objects.requireNonNull(palette, "palette");
    if (tileRows < 1 || tileCols < 1) {
      throw new IllegalArgumentException("tile shape must be at least 1x1, got " + tileRows + "x"
          + tileCols);
    }
    if (maxTiles < 1) {
      throw new IllegalArgumentException("maxTiles must be >= 1, got " + maxTiles);
    }
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + scale);
    }
    int n = Math.min(vectors.length, maxTiles);
    if (n == 0) {
      throw new IllegalArgumentException("no vectors to draw");
    }
    for (int k = 0; k < n; k++) {
      checkVector(vectors[k], "vector " + k, tileRows, tileCols);
    }
    int gridCols = (int) Math.ceil(Math.sqrt(n));
    int gridRows = (n + gridCols - 1) / gridCols;
    int tileW = tileCols * scale;
    int tileH = tileRows * scale;
    BufferedImage image = Images.newImage(gridCols * (tileW + 1) + 1, gridRows * (tileH + 1) + 1,
        GAP_RGB);
    for (int k = 0; k < n; k++) {
      int x0 = 1 + (k % gridCols) * (tileW + 1);
      int y0 = 1 + (k / gridCols) * (tileH + 1);
      float[] v = vectors[k];
      int[] rgb = palette == Palette.GREY ? greyColours(v, min(v), max(v)) : divergingColours(v);
      paintTile(image, rgb, x0, y0, tileRows, tileCols, scale);
    }
    return image;
  }

  static void checkVector(float[] v, String what, int rows, int cols) {
    if (v == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (v.length != rows * cols) {
      throw new IllegalArgumentException(what + " has length " + v.length + ", expected " + rows
          + "x" + cols + " = " + rows * cols);
    }
    for (int j = 0; j < v.length; j++) {
      if (!Float.isFinite(v[j])) {
        throw new IllegalArgumentException(what + " has non-finite value " + v[j] + " at index " + j);
      }
    }
  }

  static float min(float[] v) {
    float m = Float.POSITIVE_INFINITY;
    for (float x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  static float max(float[] v) {
    float m = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  /** Grey levels with {@code lo} black and {@code hi} white; values outside are clipped. */
  static int[] greyColours(float[] v, double lo, double hi) {
    int[] rgb = new int[v.length];
    for (int j = 0; j < v.length; j++) {
      rgb[j] = hi > lo ? Images.grey((v[j] - lo) / (hi - lo)) : Images.grey(128 / 255.0);
    }
    return rgb;
  }

  static int[] divergingColours(float[] v) {
    double m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    int[] rgb = new int[v.length];
    for (int j = 0; j < v.length; j++) {
      rgb[j] = m > 0 ? Images.diverging(v[j] / m) : 0xFFFFFF;
    }
    return rgb;
  }

  static void paintTile(BufferedImage image, int[] rgb, int x0, int y0, int rows, int cols,
      int scale) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int colour = rgb[r * cols + c];
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            image.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, colour);
          }
        }
      }
    }
  }
}
