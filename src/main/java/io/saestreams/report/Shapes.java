package io.saestreams.report;

/** Choosing a two-dimensional picture shape for a vector length. */
public final class Shapes {
  private Shapes() {}

  /**
   * A grid shape.
   *
   * @param rows number of rows (at least 1)
   * @param cols number of columns (at least 1)
   */
  public record Shape(int rows, int cols) {
    public Shape {
      if (rows < 1 || cols < 1) {
        throw new IllegalArgumentException("shape must be at least 1x1, got " + rows + "x" + cols);
      }
    }

    /** {@code rows * cols}. */
    public int size() {
      return rows * cols;
    }
  }

  /**
   * The factorisation {@code rows x cols = dim} with {@code rows <= cols} and {@code rows} as large
   * as possible, i.e. the most nearly square exact shape: 784 gives 28x28, 256 gives 16x16, 512
   * gives 16x32, and a prime such as 13 gives 1x13.
   */
  public static Shape squareish(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
    }
    int rows = (int) Math.sqrt(dim);
    while ((long) (rows + 1) * (rows + 1) <= dim) {
      rows++;
    }
    while (dim % rows != 0) {
      rows--;
    }
    return new Shape(rows, dim / rows);
  }

  /**
   * The default pixel scale for tiles of this shape: each value becomes a {@code scale x scale}
   * block, chosen so that the larger side is about 48 pixels (between 1 and 8).
   */
  public static int defaultScale(int rows, int cols) {
    int side = Math.max(rows, cols);
    return Math.max(1, Math.min(8, 48 / side));
  }
}
