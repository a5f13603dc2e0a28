package io.saestreams.eval;

import java.util.Arrays;

/**
 * Minimum-cost one-to-one assignment on a rectangular cost matrix (the Kuhn–Munkres or Hungarian
 * method). With {@code r} rows and {@code c} columns, {@code min(r, c)} pairs are matched, each row
 * and each column at most once, so that the sum of their costs is as small as possible.
 *
 * <p>The method keeps dual potentials {@code u} (rows) and {@code v} (columns) with {@code cost[i][j]
 * - u[i] - v[j] >= 0} everywhere and adds the rows one at a time: from the new row it grows a tree
 * of tight edges (reduced cost 0), Dijkstra-like, raising the potentials by the smallest slack when
 * the tree cannot grow, until it reaches a free column; the path to that column is then flipped.
 * Matched edges stay tight, so the final matching is optimal. Each row costs {@code O(r c)}; the
 * whole solve {@code O(r^2 c)} time for {@code r <= c} (the matrix is transposed otherwise) and
 * {@code O(r + c)} memory beyond the matrix.
 */
public final class Hungarian {
  private Hungarian() {}

  /**
   * The optimal assignment.
   *
   * @param cost a rectangular matrix of finite costs (at least one row; rows of equal length)
   * @return for each row, its column, or -1 for a row left unmatched (only when there are more rows
   *     than columns)
   * @throws IllegalArgumentException for a ragged or empty matrix or a non-finite cost
   */
  public static int[] solve(double[][] cost) {
    if (cost.length == 0) {
      throw new IllegalArgumentException("cost matrix has no rows");
    }
    int rows = cost.length;
    int cols = cost[0].length;
    for (int i = 0; i < rows; i++) {
      if (cost[i].length != cols) {
        throw new IllegalArgumentException("row " + i + " has " + cost[i].length
            + " costs, row 0 has " + cols);
      }
      for (int j = 0; j < cols; j++) {
        if (!Double.isFinite(cost[i][j])) {
          throw new IllegalArgumentException("cost[" + i + "][" + j + "] is " + cost[i][j]);
        }
      }
    }
    int[] rowToCol = new int[rows];
    Arrays.fill(rowToCol, -1);
    if (cols == 0) {
      return rowToCol;
    }
    if (rows <= cols) {
      int[] colToRow = solveWide(cost, rows, cols, false);
      for (int j = 0; j < cols; j++) {
        if (colToRow[j] >= 0) {
          rowToCol[colToRow[j]] = j;
        }
      }
    } else {
      // more rows than columns: assign every column to a row on the transposed matrix
      rowToCol = solveWide(cost, cols, rows, true);
    }
    return rowToCol;
  }

  /** The total cost of an assignment returned by {@link #solve}. */
  public static double totalCost(double[][] cost, int[] rowToCol) {
    double sum = 0;
    for (int i = 0; i < rowToCol.length; i++) {
      if (rowToCol[i] >= 0) {
        sum += cost[i][rowToCol[i]];
      }
    }
    return sum;
  }

  /**
   * Assigns each of {@code n} "left" vertices to a distinct one of {@code m >= n} "right" vertices.
   * The cost of left {@code a} and right {@code b} is {@code cost[a][b]}, or {@code cost[b][a]}
   * when {@code transposed}. Returns, per right vertex, its left vertex or -1.
   */
  private static int[] solveWide(double[][] cost, int n, int m, boolean transposed) {
    // Index 0 of the right side is a virtual column where each new left vertex starts its tree;
    // right vertex b is stored at b + 1 and left vertex a at a + 1 (0 = none).
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] leftOf = new int[m + 1];
    int[] previous = new int[m + 1];
    double[] slack = new double[m + 1];
    boolean[] inTree = new boolean[m + 1];
    for (int a = 1; a <= n; a++) {
      leftOf[0] = a;
      int col = 0;
      Arrays.fill(slack, Double.POSITIVE_INFINITY);
      Arrays.fill(inTree, false);
      while (true) {
        inTree[col] = true;
        int left = leftOf[col];
        double delta = Double.POSITIVE_INFINITY;
        int next = -1;
        for (int b = 1; b <= m; b++) {
          if (inTree[b]) {
            continue;
          }
          double c = transposed ? cost[b - 1][left - 1] : cost[left - 1][b - 1];
          double reduced = c - u[left] - v[b];
          if (reduced < slack[b]) {
            slack[b] = reduced;
            previous[b] = col;
          }
          if (slack[b] < delta) {
            delta = slack[b];
            next = b;
          }
        }
        for (int b = 0; b <= m; b++) {
          if (inTree[b]) {
            u[leftOf[b]] += delta;
            v[b] -= delta;
          } else {
            slack[b] -= delta;
          }
        }
        col = next;
        if (leftOf[col] == 0) {
          break; // a free column: augment along the tree path back to the virtual column
        }
      }
      while (col != 0) {
        int before = previous[col];
        leftOf[col] = leftOf[before];
        col = before;
      }
    }
    int[] result = new int[m];
    for (int b = 1; b <= m; b++) {
      result[b - 1] = leftOf[b] - 1;
    }
    return result;
  }
}
