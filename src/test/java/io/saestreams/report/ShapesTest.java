package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShapesTest {
  @ParameterizedTest(name = "{0} -> {1}x{2}")
  @CsvSource({"784, 28, 28", "256, 16, 16", "512, 16, 32", "13, 1, 13", "1, 1, 1", "12, 3, 4",
      "1000, 25, 40"})
  void squareishPicksTheMostSquareFactorisation(int dim, int rows, int cols) {
    assertThat(Shapes.squareish(dim)).isEqualTo(new Shapes.Shape(rows, cols));
  }

  @Test
  void squareishHoldsForRandomDimensions() {
    Random random = new Random(77);
    for (int t = 0; t < 500; t++) {
      int dim = 1 + random.nextInt(100_000);
      Shapes.Shape s = Shapes.squareish(dim);
      assertThat(s.rows() * s.cols()).isEqualTo(dim);
      assertThat(s.rows()).isLessThanOrEqualTo(s.cols());
      for (int r = s.rows() + 1; (long) r * r <= dim; r++) {
        assertThat(dim % r).as("no divisor between %d and sqrt(%d)", s.rows(), dim).isNotZero();
      }
    }
  }

  @Test
  void rejectsNonPositiveDimensionAndGivesScale() {
    assertThatThrownBy(() -> Shapes.squareish(0)).hasMessage("dimension must be >= 1, got 0");
    assertThat(Shapes.defaultScale(28, 28)).isEqualTo(1);
    assertThat(Shapes.defaultScale(16, 16)).isEqualTo(3);
    assertThat(Shapes.defaultScale(1, 4)).isEqualTo(8);
  }
}
