package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HungarianTest {
  /** 120 small random matrices, 1 to 6 rows by 1 to 6 columns, some with many tied costs. */
  static Stream<Arguments> smallMatrices() {
    Random random = new Random(20250216L);
    return Stream.generate(() -> {
      int rows = 1 + random.nextInt(6);
      int cols = 1 + random.nextInt(6);
      boolean integers = random.nextBoolean();
      double[][] cost = new double[rows][cols];
      for (double[] row : cost) {
        for (int j = 0; j < cols; j++) {
          row[j] = integers ? random.nextInt(4) - 1 : random.nextGaussian() * 10;
        }
      }
      return Arguments.of(rows + "x" + cols + (integers ? " ties" : ""), cost);
    }).limit(120);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallMatrices")
  void matchesBruteForceOnSmallMatrices(String name, double[][] cost) {
    int[] match = Hungarian.solve(cost);
    int rows = cost.length;
    int cols = cost[0].length;
    assertThat(match).hasSize(rows);
    boolean[] used = new boolean[cols];
    int matched = 0;
    for (int col : match) {
      assertThat(col).isBetween(-1, cols - 1);
      if (col >= 0) {
        assertThat(used[col]).as("column %d used twice", col).isFalse();
        used[col] = true;
        matched++;
      }
    }
    assertThat(matched).isEqualTo(Math.min(rows, cols));
    assertThat(Hungarian.totalCost(cost, match)).isCloseTo(bruteForce(cost), within(1e-9));
  }

  /** The least total cost over every way to match min(rows, cols) pairs. */
  private static double bruteForce(double[][] cost) {
    int rows = cost.length;
    int cols = cost[0].length;
    return best(cost, 0, new boolean[cols], Math.min(rows, cols), rows);
  }

  private static double best(double[][] cost, int row, boolean[] usedCols, int toMatch, int rows) {
    if (toMatch == 0) {
      return 0;
    }
    double best = Double.POSITIVE_INFINITY;
    if (rows - row > toMatch) { // this row may stay unmatched
      best = best(cost, row + 1, usedCols, toMatch, rows);
    }
    for (int j = 0; j < usedCols.length; j++) {
      if (!usedCols[j]) {
        usedCols[j] = true;
        best = Math.min(best, cost[row][j] + best(cost, row + 1, usedCols, toMatch - 1, rows));
        usedCols[j] = false;
      }
    }
    return best;
  }

  @Test
  void handBuiltSquareCase() {
    // the greedy choice (row 0 takes its cheapest column 0, cost 1) forces 100 elsewhere;
    // the optimum is 0->1, 1->0, 2->2 with cost 2 + 3 + 4 = 9
    double[][] cost = {
      {1, 2, 50},
      {3, 100, 60},
      {100, 5, 4},
    };
    assertThat(Hungarian.solve(cost)).containsExactly(1, 0, 2);
    assertThat(Hungarian.totalCost(cost, Hungarian.solve(cost))).isEqualTo(9);
  }

  @Test
  void rectangularCasesLeaveTheExtraRowsOrColumnsOut() {
    double[][] wide = {
      {9, 1, 9, 9},
      {9, 9, 9, 2},
    };
    assertThat(Hungarian.solve(wide)).containsExactly(1, 3);
    double[][] tall = {
      {5, 5},
      {1, 9},
      {9, 0},
      {2, 3},
    };
    // columns 0 and 1 go to rows 1 and 2 (cost 1); rows 0 and 3 stay out
    assertThat(Hungarian.solve(tall)).containsExactly(-1, 0, 1, -1);
    assertThat(Hungarian.solve(new double[][] {{7}})).containsExactly(0);
    assertThat(Hungarian.solve(new double[][] {{}, {}})).containsExactly(-1, -1);
  }

  @Test
  void negativeCostsMaximiseSimilarity() {
    double[][] negatedSimilarity = {
      {-0.9, -0.95},
      {-0.1, -0.9},
    };
    // greedy on row 0 would take column 1 (0.95) and leave 0.1: 1.05 < 1.8
    assertThat(Hungarian.solve(negatedSimilarity)).containsExactly(0, 1);
  }

  @Test
  void badMatricesAreRejected() {
    assertThatThrownBy(() -> Hungarian.solve(new double[0][]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cost matrix has no rows");
    assertThatThrownBy(() -> Hungarian.solve(new double[][] {{1, 2}, {3}}))
        .hasMessage("row 1 has 1 costs, row 0 has 2");
    assertThatThrownBy(() -> Hungarian.solve(new double[][] {{1, Double.NaN}}))
        .hasMessage("cost[0][1] is NaN");
  }

  @Test
  void aLargerProblemFinishesQuicklyAndBeatsGreedy() {
    Random random = new Random(7);
    int n = 300;
    double[][] cost = new double[n][n + 50];
    for (double[] row : cost) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextDouble();
      }
    }
    long t0 = System.nanoTime();
    int[] match = Hungarian.solve(cost);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
    // greedy row by row, each taking its cheapest free column
    boolean[] used = new boolean[n + 50];
    double greedy = 0;
    for (double[] row : cost) {
      int best = -1;
      for (int j = 0; j < row.length; j++) {
        if (!used[j] && (best < 0 || row[j] < row[best])) {
          best = j;
        }
      }
      used[best] = true;
      greedy += row[best];
    }
    assertThat(Hungarian.totalCost(cost, match)).isLessThan(greedy);
    // the random assignment's expected cost is n/2; the optimum is far below it
    assertThat(Hungarian.totalCost(cost, match)).isLessThan(n * 0.02);
  }
}
