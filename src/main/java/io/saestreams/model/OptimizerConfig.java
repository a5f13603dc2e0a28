package io.saestreams.model;

/**
 * Settings of an {@link Optimizer}.
 *
 * @param kind update rule
 * @param learningRate η after warm-up
 * @param beta1 Adam's first-moment decay, or the momentum μ
 * @param beta2 Adam's second-moment decay, or RMSprop's ρ
 * @param epsilon added to the root of the second moment
 * @param warmupSteps η rises linearly from η/warmup to η over this many steps (0 = none)
 * @param clipNorm the global gradient norm is scaled down to this (0 = no clipping)
 * @param schedule what η does after warm-up (constant, or a decay to a floor)
 */
public record OptimizerConfig(
    OptimizerKind kind,
    float learningRate,
    float beta1,
    float beta2,
    float epsilon,
    int warmupSteps,
    float clipNorm,
    LrSchedule schedule) {

  public OptimizerConfig {
    if (kind == null) {
      throw new IllegalArgumentException("optimizer must not be null");
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning-rate must be > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup-steps must be >= 0, got " + warmupSteps);
    }
    if (!(clipNorm >= 0) || !Float.isFinite(clipNorm)) {
      throw new IllegalArgumentException("clip-norm must be >= 0, got " + clipNorm);
    }
    if (schedule == null) {
      throw new IllegalArgumentException("lr-schedule must not be null");
    }
  }

  /** Settings with a constant learning rate after warm-up. */
  public OptimizerConfig(OptimizerKind kind, float learningRate, float beta1, float beta2,
      float epsilon, int warmupSteps, float clipNorm) {
    this(kind, learningRate, beta1, beta2, epsilon, warmupSteps, clipNorm, LrSchedule.CONSTANT);
  }

  /** Adam with η = 1e-3, β = (0.9, 0.999), ε = 1e-8, no warm-up, no clipping. */
  public static OptimizerConfig adam(float learningRate) {
    return new OptimizerConfig(OptimizerKind.ADAM, learningRate, 0.9f, 0.999f, 1e-8f, 0, 0f);
  }

  /** Defaults for a kind (momentum 0.9, RMSprop ρ 0.99). */
  public static OptimizerConfig of(OptimizerKind kind, float learningRate) {
    return switch (kind) {
      case SGD -> new OptimizerConfig(kind, learningRate, 0f, 0.999f, 1e-8f, 0, 0f);
      case MOMENTUM -> new OptimizerConfig(kind, learningRate, 0.9f, 0.999f, 1e-8f, 0, 0f);
      case RMSPROP -> new OptimizerConfig(kind, learningRate, 0.9f, 0.99f, 1e-8f, 0, 0f);
      case ADAM -> adam(learningRate);
    };
  }

  public OptimizerConfig withLearningRate(float rate) {
    return new OptimizerConfig(kind, rate, beta1, beta2, epsilon, warmupSteps, clipNorm, schedule);
  }

  public OptimizerConfig withWarmup(int steps) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon, steps, clipNorm, schedule);
  }

  public OptimizerConfig withClipNorm(float norm) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon, warmupSteps, norm, schedule);
  }

  public OptimizerConfig withSchedule(LrSchedule s) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon, warmupSteps, clipNorm, s);
  }

  /**
   * η at optimiser step t (1-based): η·t/W during a warm-up of W steps, then η·{@link
   * LrSchedule#factor}(t − max(W, 1)), so that the decay starts from η at the end of warm-up.
   */
  public float learningRateAt(long t) {
    if (warmupSteps > 0 && t < warmupSteps) {
      return learningRate * (float) t / warmupSteps;
    }
    if (schedule.kind() == LrSchedule.Kind.CONSTANT) {
      return learningRate;
    }
    return (float) (learningRate * schedule.factor(t - Math.max(warmupSteps, 1)));
  }
}
