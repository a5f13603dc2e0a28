package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Warm-up and the decay schedules against their closed forms, step by step. */
class LrScheduleTest {
  private static final double TOL = 1e-9;
  private static final float ETA = 0.01f;

  private static OptimizerConfig cfg(int warmup, LrSchedule s) {
    return OptimizerConfig.adam(ETA).withWarmup(warmup).withSchedule(s);
  }

  @Test
  void cosineAfterWarmupMatchesTheClosedFormAndStaysAtTheFloor() {
    int w = 10;
    int decay = 100;
    double floor = 0.1;
    OptimizerConfig c = cfg(w, new LrSchedule(LrSchedule.Kind.COSINE, decay, 0.1f));
    double floorF = (double) 0.1f;
    for (long t = 1; t <= 1000; t++) {
      double expected;
      if (t < w) {
        expected = ETA * (double) t / w;
      } else {
        double p = Math.min(1, (t - w) / (double) decay);
        expected = ETA * (floorF + (1 - floorF) * 0.5 * (1 + Math.cos(Math.PI * p)));
      }
      assertThat((double) c.learningRateAt(t)).as("step %d", t)
          .isCloseTo(expected, within(1e-7 * ETA));
    }
    assertThat((double) c.learningRateAt(w)).isCloseTo(ETA, within(TOL));
    assertThat((double) c.learningRateAt(w + decay / 2))
        .isCloseTo(ETA * (floor + (1 - floor) / 2), within(1e-7));
    assertThat((double) c.learningRateAt(w + decay)).isCloseTo(ETA * floor, within(1e-7));
    assertThat((double) c.learningRateAt(1_000_000_000L)).isCloseTo(ETA * floor, within(1e-7));
  }

  @Test
  void linearDecaysToZeroFloorAndStays() {
    OptimizerConfig c = cfg(0, new LrSchedule(LrSchedule.Kind.LINEAR, 50, 0f));
    for (long t = 1; t <= 200; t++) {
      double expected = ETA * (1 - Math.min(1, (t - 1) / 50.0));
      assertThat((double) c.learningRateAt(t)).as("step %d", t)
          .isCloseTo(expected, within(1e-7 * ETA));
    }
    assertThat(c.learningRateAt(1)).isEqualTo(ETA);
    assertThat(c.learningRateAt(51)).isZero();
    assertThat(c.learningRateAt(10_000)).isZero();
  }

  @Test
  void constantIsTodaysWarmupBitForBit() {
    OptimizerConfig c = cfg(7, LrSchedule.CONSTANT);
    for (long t = 1; t <= 20; t++) {
      float old = t >= 7 ? ETA : ETA * (float) t / 7;
      assertThat(c.learningRateAt(t)).isEqualTo(old);
    }
    assertThat(OptimizerConfig.adam(ETA).schedule()).isEqualTo(LrSchedule.CONSTANT);
  }

  @Test
  void theOptimiserUsesTheSchedule() {
    OptimizerConfig c = OptimizerConfig.of(OptimizerKind.SGD, 1f)
        .withSchedule(new LrSchedule(LrSchedule.Kind.LINEAR, 4, 0.5f));
    Optimizer opt = new Optimizer(c, new int[] {1});
    float[] p = {0f};
    double expected = 0;
    for (int t = 1; t <= 8; t++) {
      float lr = opt.apply(new float[][] {p}, new float[][] {{1f}}, 1);
      double want = 1 - 0.5 * Math.min(1, (t - 1) / 4.0);
      assertThat((double) lr).isCloseTo(want, within(1e-7));
      expected -= want;
      assertThat((double) p[0]).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void badSettingsAreRejectedClearly() {
    assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.COSINE, 0, 0f))
        .hasMessageContaining("needs lr-decay-steps >= 1");
    assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.LINEAR, 10, 1.5f))
        .hasMessageContaining("lr-floor must be in [0, 1]");
    assertThatThrownBy(() -> LrSchedule.Kind.parse("exp"))
        .hasMessageContaining("unknown learning-rate schedule 'exp'");
    assertThat(LrSchedule.Kind.parse(" Cosine ")).isEqualTo(LrSchedule.Kind.COSINE);
  }
}
