package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FloatListTest {
  @Test
  void aFullFloatListGivesItsBackingArray() {
    float[] backing = {1f, -2f, 3.5f};
    assertThat(FloatList.toArray(new FloatList(backing, 3))).isSameAs(backing);
  }

  @Test
  void aPartlyFilledFloatListGivesACopyOfItsElements() {
    float[] backing = {1f, -2f, 3.5f, 0f};
    float[] x = FloatList.toArray(new FloatList(backing, 3));
    assertThat(x).containsExactly(1f, -2f, 3.5f).isNotSameAs(backing);
  }

  @Test
  void anyOtherListIsUnboxed() {
    assertThat(FloatList.toArray(List.of(0.25f, Float.NaN, -0f))).containsExactly(0.25f, Float.NaN, -0f);
    assertThat(FloatList.toArray(List.of())).isEmpty();
  }
}
