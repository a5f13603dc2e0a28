package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelledVectorTest {
  @Test
  void equalityLooksAtArrayContents() {
    LabelledVector a = new LabelledVector("a", new float[] {1, 2}, true, 3);
    LabelledVector b = new LabelledVector("a", new float[] {1, 2}, true, 3);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new LabelledVector("a", new float[] {1, 2.5f}, true, 3));
    assertThat(a).isNotEqualTo(new LabelledVector("a", new float[] {1, 2}, false, 3));
    assertThat(a.toString()).isEqualTo("LabelledVector[id=a, anomaly=true, label=3, values=[1.0, 2.0]]");
  }

  @Test
  void longVectorsAreAbbreviatedInToString() {
    LabelledVector v = LabelledVector.of("x", new float[10]);
    assertThat(v.toString()).endsWith("values=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, ... (10)]]");
    assertThat(v.hasLabel()).isFalse();
    assertThat(v.dimension()).isEqualTo(10);
  }

  @Test
  void rejectsLabelBelowMinusOne() {
    assertThatThrownBy(() -> new LabelledVector("v", new float[1], false, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label of vector 'v' must be >= -1 (-1 = no label), got -2");
  }
}
