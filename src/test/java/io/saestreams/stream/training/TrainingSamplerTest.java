package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSamplerTest {
  @ParameterizedTest
  @ValueSource(doubles = {0.05, 0.3, 0.9})
  void samplesAboutTheRequestedFraction(double rate) {
    TrainingSampler s = new TrainingSampler(rate, 42);
    long kept = IntStream.range(0, 20_000).filter(i -> s.test("record-" + i)).count();
    assertThat(kept / 20_000.0).isBetween(rate - 0.02, rate + 0.02);
  }

  @Test
  void choiceDependsOnlyOnIdAndSeed() {
    TrainingSampler a = new TrainingSampler(0.5, 7);
    TrainingSampler b = new TrainingSampler(0.5, 7);
    TrainingSampler other = new TrainingSampler(0.5, 8);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      String id = "x" + i;
      assertThat(a.test(id)).isEqualTo(b.test(id));
      if (a.test(id) != other.test(id)) {
        differ++;
      }
    }
    assertThat(differ).as("another seed picks another sample").isGreaterThan(300);
  }

  @Test
  void edgesKeepAllOrNone() {
    assertThat(IntStream.range(0, 100).allMatch(i -> new TrainingSampler(1, 1).test("i" + i))).isTrue();
    assertThat(IntStream.range(0, 100).noneMatch(i -> new TrainingSampler(0, 1).test("i" + i))).isTrue();
    assertThatThrownBy(() -> new TrainingSampler(1.1, 1)).hasMessageContaining("[0, 1]");
  }
}
