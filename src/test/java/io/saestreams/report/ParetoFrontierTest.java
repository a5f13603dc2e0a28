package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParetoFrontierTest {
  @Test
  void keepsTheUndominatedPointsInIncreasingX() {
    //            0    1    2    3    4    5    6
    double[] x = {8,   2,   4,   16,  4,   32,  10};
    double[] y = {0.2, 0.5, 0.3, 0.1, 0.35, 0.12, 0.25};
    // 4 is dominated by 2 (same x, higher y); 5 by 3; 6 by 0
    assertThat(ParetoFrontier.indices(x, y)).containsExactly(1, 2, 0, 3);
    assertThat(ParetoFrontier.mask(x, y))
        .containsExactly(true, true, true, true, false, false, false);
  }

  @Test
  void equalYAtLargerXIsDominatedAndDuplicatesKeepTheFirst() {
    double[] x = {1, 2, 1, 3};
    double[] y = {0.5, 0.5, 0.5, 0.4};
    assertThat(ParetoFrontier.indices(x, y)).containsExactly(0, 3);
  }

  @Test
  void nonFinitePointsTakeNoPart() {
    double[] x = {Double.NaN, 1, 2, Double.POSITIVE_INFINITY};
    double[] y = {0.0, 0.9, Double.NaN, 0.0};
    assertThat(ParetoFrontier.indices(x, y)).containsExactly(1);
    assertThat(ParetoFrontier.indices(new double[0], new double[0])).isEmpty();
  }

  @Test
  void aSinglePointAndADescendingChainAreAllOnTheFrontier() {
    assertThat(ParetoFrontier.indices(new double[] {3}, new double[] {7})).containsExactly(0);
    double[] x = {5, 4, 3, 2, 1};
    double[] y = {1, 2, 3, 4, 5};
    assertThat(ParetoFrontier.indices(x, y)).containsExactly(4, 3, 2, 1, 0);
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertThatThrownBy(() -> ParetoFrontier.indices(new double[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 x values but 3");
  }
}
