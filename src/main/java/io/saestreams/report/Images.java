package io.saestreams.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Shared helpers: headless mode, PNG output, colour maps, text. */
final class Images {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Images() {}

  /** Makes sure this class (and so the headless property) is initialised. */
  static BufferedImage newImage(int width, int height, int backgroundRgb) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
    }
    if ((long) width * height > 100_000_000L) {
      throw new IllegalArgumentException("image of " + width + "x" + height + " pixels is too large");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    java.util.Arrays.fill(row, backgroundRgb);
    for (int y = 0; y < height; y++) {
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  static void writePng(BufferedImage image, Path png) {
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IllegalStateException("no PNG writer available for " + png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  /** Grey level for {@code t} in [0, 1] (clipped). */
  static int grey(double t) {
    int g = (int) Math.round(255 * clip01(t));
    return (g << 16) | (g << 8) | g;
  }

  /** Blue (-1) through white (0) to red (+1), {@code t} clipped to [-1, 1]. */
  static int diverging(double t) {
    double c = Math.max(-1, Math.min(1, t));
    if (c < 0) {
      int v = (int) Math.round(255 * (1 + c));
      return (v << 16) | (v << 8) | 255;
    }
    int v = (int) Math.round(255 * (1 - c));
    return (255 << 16) | (v << 8) | v;
  }

  static double clip01(double t) {
    return Math.max(0, Math.min(1, t));
  }

  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  /**
   * Draws text; {@code align} is -1 (left), 0 (centre) or 1 (right) relative to {@code x}, and
   * {@code y} is the baseline. On a system without any usable font the text is left out rather
   * than losing the whole picture.
   */
  static void text(Graphics2D g, String s, int x, int y, int align, Color color) {
    try {
      g.setColor(color);
      int w = g.getFontMetrics().stringWidth(s);
      int left = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
      g.drawString(s, left, y);
    } catch (RuntimeException | InternalError e) {
      // font subsystem unavailable (seen on minimal containers): keep the picture without labels
    }
  }
}
