package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each update rule against the formula worked by hand in double precision. */
class OptimizerTest {
  private static final double TOL = 1e-6;

  @Test
  void adamMatchesTheBiasCorrectedFormula() {
    OptimizerConfig cfg = OptimizerConfig.adam(0.1f);
    Optimizer opt = new Optimizer(cfg, new int[] {1});
    float[] p = {1f};
    double pd = 1;
    double m = 0;
    double v = 0;
    double[] grads = {0.5, -0.2, 0.3};
    for (int t = 1; t <= grads.length; t++) {
      double g = grads[t - 1];
      opt.apply(new float[][] {p}, new float[][] {{(float) g}}, Math.abs(g));
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double mHat = m / (1 - Math.pow(0.9, t));
      double vHat = v / (1 - Math.pow(0.999, t));
      pd -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
      assertThat((double) p[0]).as("step %d", t).isCloseTo(pd, within(TOL));
    }
    // the first Adam step moves by the learning rate whatever the gradient's scale
    Optimizer fresh = new Optimizer(cfg, new int[] {1});
    float[] q = {0f};
    fresh.apply(new float[][] {q}, new float[][] {{1e-4f}}, 1e-4);
    assertThat((double) q[0]).isCloseTo(-0.1, within(1e-4));
  }

  @Test
  void sgdMomentumAndRmsprop() {
    float[] p = {1f};
    new Optimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.5f), new int[] {1})
        .apply(new float[][] {p}, new float[][] {{2f}}, 2);
    assertThat(p[0]).isEqualTo(0f);

    Optimizer mom = new Optimizer(OptimizerConfig.of(OptimizerKind.MOMENTUM, 0.1f), new int[] {1});
    float[] q = {0f};
    mom.apply(new float[][] {q}, new float[][] {{1f}}, 1); // v=1, q=-0.1
    mom.apply(new float[][] {q}, new float[][] {{1f}}, 1); // v=1.9, q=-0.29
    assertThat((double) q[0]).isCloseTo(-0.29, within(TOL));

    Optimizer rms = new Optimizer(OptimizerConfig.of(OptimizerKind.RMSPROP, 0.01f), new int[] {1});
    float[] r = {0f};
    rms.apply(new float[][] {r}, new float[][] {{2f}}, 2); // s = 0.01·4 = 0.04, step 0.01·2/0.2
    assertThat((double) r[0]).isCloseTo(-0.1, within(1e-5));
  }

  @Test
  void warmupRampsTheLearningRateAndClippingBoundsTheStep() {
    OptimizerConfig cfg = OptimizerConfig.of(OptimizerKind.SGD, 1f).withWarmup(4).withClipNorm(1f);
    assertThat(cfg.learningRateAt(1)).isEqualTo(0.25f);
    assertThat(cfg.learningRateAt(4)).isEqualTo(1f);
    assertThat(cfg.learningRateAt(100)).isEqualTo(1f);
    Optimizer opt = new Optimizer(cfg, new int[] {2});
    float[] p = {0f, 0f};
    float[] g = {3f, 4f}; // norm 5, clipped to 1 → (0.6, 0.8), lr 0.25
    float lr = opt.apply(new float[][] {p}, new float[][] {g}, Optimizer.globalNorm(
        new float[][] {g}));
    assertThat(lr).isEqualTo(0.25f);
    assertThat((double) p[0]).isCloseTo(-0.15, within(TOL));
    assertThat((double) p[1]).isCloseTo(-0.2, within(TOL));
  }

  @Test
  void resetRangeClearsMomentsOfThoseEntriesOnly() {
    Optimizer opt = new Optimizer(OptimizerConfig.adam(0.1f), new int[] {3});
    float[] p = {0f, 0f, 0f};
    opt.apply(new float[][] {p}, new float[][] {{1f, 1f, 1f}}, 1.7);
    opt.resetRange(0, 1, 1);
    float[] before = p.clone();
    opt.apply(new float[][] {p}, new float[][] {{0f, 0f, 0f}}, 0);
    assertThat(p[1]).as("reset entry: zero moments, zero gradient, no move").isEqualTo(before[1]);
    assertThat(p[0]).as("other entries keep their momentum").isLessThan(before[0]);
  }

  @Test
  void theMomentArraysAreLiveAndOnlyThoseTheKindKeeps() {
    assertThat(new Optimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.1f), new int[] {2})
        .firstMoments()).isNull();
    assertThat(new Optimizer(OptimizerConfig.of(OptimizerKind.MOMENTUM, 0.1f), new int[] {2})
        .secondMoments()).isNull();
    assertThat(new Optimizer(OptimizerConfig.of(OptimizerKind.RMSPROP, 0.1f), new int[] {2})
        .firstMoments()).isNull();
    Optimizer opt = new Optimizer(OptimizerConfig.adam(0.1f), new int[] {2, 1});
    float[] p = {0f, 0f};
    float[] q = {0f};
    opt.apply(new float[][] {p, q}, new float[][] {{1f, -2f}, {0f}}, Math.sqrt(5));
    float b1 = opt.config().beta1();
    float b2 = opt.config().beta2();
    assertThat(opt.firstMoments()[0]).containsExactly((1 - b1) * 1f, (1 - b1) * -2f);
    assertThat(opt.secondMoments()[0]).containsExactly((1 - b2) * 1f, (1 - b2) * 4f);
    assertThat(opt.firstMoments()[1]).hasSize(1);
    // zero moments and a zero gradient: the next update does not move the parameter
    java.util.Arrays.fill(opt.firstMoments()[0], 0f);
    float before = p[0];
    opt.apply(new float[][] {p, q}, new float[][] {{0f, 0f}, {0f}}, 0);
    assertThat(p[0]).isEqualTo(before);
  }

  @Test
  void invalidSettingsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> OptimizerConfig.adam(-1f))
        .hasMessage("learning-rate must be > 0, got -1.0");
    assertThatThrownBy(() -> OptimizerConfig.adam(0.1f).withClipNorm(Float.NaN))
        .hasMessage("clip-norm must be >= 0, got NaN");
    assertThatThrownBy(() -> OptimizerKind.parse("adagrad"))
        .hasMessage("unknown optimizer 'adagrad'; allowed: [sgd, momentum, rmsprop, adam]");
  }
}
