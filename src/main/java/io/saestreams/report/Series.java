package io.saestreams.report;

import java.util.Objects;

/**
 * One line of a {@link LineChart}: points {@code (x[i], y[i])}. Points with a non-finite
 * coordinate are not drawn and break the line.
 *
 * @param name shown in the legend
 * @param x the x coordinates
 * @param y the y coordinates, as many as {@code x}
 */
public record Series(String name, double[] x, double[] y) {
  public Series {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but "
          + y.length + " y values");
    }
  }

  /** A series with x = 0, 1, 2, ... */
  public static Series of(String name, double[] y) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    return new Series(name, x, y);
  }
}
