package io.saestreams.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The Pareto frontier of points where both coordinates are to be minimised (e.g. L0 and FVU): the
 * points that no other point dominates. Point {@code a} dominates {@code b} when {@code a.x <= b.x}
 * and {@code a.y <= b.y} with at least one strict. Of several identical frontier points only the
 * first (lowest index) is kept. Points with a non-finite coordinate take no part.
 */
public final class ParetoFrontier {
  private ParetoFrontier() {}

  /**
   * The indices of the frontier points, in increasing x (and so decreasing y).
   *
   * @param x first coordinate of each point
   * @param y second coordinate of each point, as many as {@code x}
   */
  public static int[] indices(double[] x, double[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    }
    List<Integer> finite = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        finite.add(i);
      }
    }
    // by x, then y, then index: the first of each x group is its best, and only it can be on the
    // frontier, if its y is below every y seen at smaller x
    finite.sort(Comparator.<Integer>comparingDouble(i -> x[i]).thenComparingDouble(i -> y[i])
        .thenComparingInt(i -> i));
    int[] out = new int[finite.size()];
    int m = 0;
    double bestY = Double.POSITIVE_INFINITY;
    for (int i : finite) {
      if (y[i] < bestY) {
        out[m++] = i;
        bestY = y[i];
      }
    }
    return Arrays.copyOf(out, m);
  }

  /** Whether each point is on the frontier of {@link #indices}. */
  public static boolean[] mask(double[] x, double[] y) {
    boolean[] on = new boolean[x.length];
    for (int i : indices(x, y)) {
      on[i] = true;
    }
    return on;
  }
}
