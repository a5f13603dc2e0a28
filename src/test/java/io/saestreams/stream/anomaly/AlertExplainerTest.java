package io.saestreams.stream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AlertExplainerTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 20})
  void topDimensionsMatchASortedReference(int top) {
    Random r = new Random(top);
    float[] x = new float[12];
    float[] xHat = new float[12];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
      xHat[i] = (float) r.nextGaussian();
    }
    double[] sq = IntStream.range(0, x.length).mapToDouble(i -> Math.pow((double) x[i] - xHat[i], 2)).toArray();
    double total = Arrays.stream(sq).sum();
    int[] expected = IntStream.range(0, x.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> sq[i]).reversed())
        .limit(top).mapToInt(Integer::intValue).toArray();
    AlertExplainer.Explanation e = AlertExplainer.explain(x, xHat, top);
    assertThat(e.dimensions()).containsExactly(expected);
    for (int j = 0; j < expected.length; j++) {
      assertThat(e.shares()[j]).isCloseTo(sq[expected[j]] / total, within(1e-12));
    }
  }

  @Test
  void reasonNamesErrorThresholdAndDimensions() {
    float[] x = {0, 3, 0, 1};
    float[] xHat = {0, 0.5f, 0, 0};
    AlertExplainer.Explanation e = AlertExplainer.explain(x, xHat, 2);
    String reason = AlertExplainer.reason(AnomalyVerdict.of(2.5, 6.25, 0.4, true), e, x, xHat);
    assertThat(reason).contains("2.500").contains("0.4000").contains("grade 0.84")
        .contains("1 (86%: 0.500 expected, 3.00 actual)").contains("3 (14%: 0.00 expected, 1.00 actual)");
    assertThat(reason).doesNotContain("\n");
  }
}
