package io.saestreams.train;

import io.saestreams.model.LrSchedule;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the online trainer learns: model, optimiser, batch size, seed and the SAE hygiene switches.
 *
 * @param model architecture and loss
 * @param optimizer update rule and its settings
 * @param batchSize samples per mini-batch (a final short batch is allowed)
 * @param seed the one seed every random choice derives from
 * @param tiedInit initialise W_enc = W_decᵀ
 * @param decoderBiasInit b_dec from the first batch
 * @param deadWindow a latent that has not fired in this many samples is dead
 * @param revival what to do about dead latents
 * @param revivalInterval steps between re-initialisation passes (REINIT)
 * @param denseThreshold a latent firing on more than this fraction of samples is dense
 * @param normaliseInput centre inputs on their running mean and scale them to E‖x‖ = √d (see
 *     {@link io.saestreams.model.InputNormaliser})
 * @param sparsityWarmupSteps the sparsity coefficient ramps linearly from 0 to its value over this
 *     many steps (0 = none)
 */
public record TrainerConfig(
    SaeConfig model,
    OptimizerConfig optimizer,
    int batchSize,
    long seed,
    boolean tiedInit,
    DecoderBiasInit decoderBiasInit,
    int deadWindow,
    Revival revival,
    int revivalInterval,
    float denseThreshold,
    boolean normaliseInput,
    int sparsityWarmupSteps) {

  /** Without input normalisation and sparsity warm-up. */
  public TrainerConfig(SaeConfig model, OptimizerConfig optimizer, int batchSize, long seed,
      boolean tiedInit, DecoderBiasInit decoderBiasInit, int deadWindow, Revival revival,
      int revivalInterval, float denseThreshold) {
    this(model, optimizer, batchSize, seed, tiedInit, decoderBiasInit, deadWindow, revival,
        revivalInterval, denseThreshold, false, 0);
  }

  public TrainerConfig {
    if (model == null || optimizer == null || decoderBiasInit == null || revival == null) {
      throw new IllegalArgumentException("model, optimizer, decoder bias init and revival are"
          + " required");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch-size must be >= 1, got " + batchSize);
    }
    if (deadWindow < 1) {
      throw new IllegalArgumentException("dead-window must be >= 1 samples, got " + deadWindow);
    }
    if (revivalInterval < 1) {
      throw new IllegalArgumentException("revival-interval must be >= 1 steps, got "
          + revivalInterval);
    }
    if (!(denseThreshold > 0 && denseThreshold <= 1)) {
      throw new IllegalArgumentException("dense-threshold must be in (0, 1], got "
          + denseThreshold);
    }
    if (sparsityWarmupSteps < 0) {
      throw new IllegalArgumentException("sparsity-warmup-steps must be >= 0, got "
          + sparsityWarmupSteps);
    }
    if (revival == Revival.AUXK && !model.auxKEnabled()) {
      throw new IllegalArgumentException(
          "revival=auxk needs auxk-coefficient > 0, got " + model.auxKCoefficient());
    }
  }

  /** Adam, batch 256, tied init, b_dec from the geometric median, no revival. */
  public static TrainerConfig defaults(SaeConfig model) {
    return new TrainerConfig(
        model, OptimizerConfig.adam(1e-3f), 256, 42L, true, DecoderBiasInit.GEOMETRIC_MEDIAN,
        100_000, Revival.NONE, 100, 0.1f);
  }

  public TrainerConfig withModel(SaeConfig m) {
    return new TrainerConfig(m, optimizer, batchSize, seed, tiedInit, decoderBiasInit,
        deadWindow, revival, revivalInterval, denseThreshold, normaliseInput,
        sparsityWarmupSteps);
  }

  public TrainerConfig withOptimizer(OptimizerConfig o) {
    return new TrainerConfig(model, o, batchSize, seed, tiedInit, decoderBiasInit,
        deadWindow, revival, revivalInterval, denseThreshold, normaliseInput,
        sparsityWarmupSteps);
  }

  public TrainerConfig withBatchSize(int b) {
    return new TrainerConfig(model, optimizer, b, seed, tiedInit, decoderBiasInit,
        deadWindow, revival, revivalInterval, denseThreshold, normaliseInput,
        sparsityWarmupSteps);
  }

  public TrainerConfig withSeed(long s) {
    return new TrainerConfig(model, optimizer, batchSize, s, tiedInit, decoderBiasInit,
        deadWindow, revival, revivalInterval, denseThreshold, normaliseInput,
        sparsityWarmupSteps);
  }

  public TrainerConfig withInit(boolean tied, DecoderBiasInit bias) {
    return new TrainerConfig(model, optimizer, batchSize, seed, tied, bias,
        deadWindow, revival, revivalInterval, denseThreshold, normaliseInput,
        sparsityWarmupSteps);
  }

  public TrainerConfig withRevival(Revival r, int window, int interval) {
    return new TrainerConfig(model, optimizer, batchSize, seed, tiedInit, decoderBiasInit,
        window, r, interval, denseThreshold, normaliseInput, sparsityWarmupSteps);
  }

  /** With input normalisation on or off and a sparsity warm-up of {@code steps}. */
  public TrainerConfig withRecipe(boolean normalise, int steps) {
    return new TrainerConfig(model, optimizer, batchSize, seed, tiedInit, decoderBiasInit,
        deadWindow, revival, revivalInterval, denseThreshold, normalise, steps);
  }

  /**
   * The sparsity coefficient's factor for the step after {@code stepsDone} completed steps:
   * min(1, stepsDone / W) for a warm-up of W steps (0 on the first step), else 1.
   */
  public float sparsityScale(long stepsDone) {
    if (sparsityWarmupSteps == 0 || stepsDone >= sparsityWarmupSteps) {
      return 1f;
    }
    return (float) stepsDone / sparsityWarmupSteps;
  }

  /** Trainer settings (without the model's) as text, the form checkpoints store. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("optimizer", optimizer.kind().name().toLowerCase(java.util.Locale.ROOT));
    m.put("learning-rate", Float.toString(optimizer.learningRate()));
    m.put("beta1", Float.toString(optimizer.beta1()));
    m.put("beta2", Float.toString(optimizer.beta2()));
    m.put("epsilon", Float.toString(optimizer.epsilon()));
    m.put("warmup-steps", Integer.toString(optimizer.warmupSteps()));
    m.put("clip-norm", Float.toString(optimizer.clipNorm()));
    m.put("lr-schedule", optimizer.schedule().kind().configName());
    m.put("lr-decay-steps", Integer.toString(optimizer.schedule().decaySteps()));
    m.put("lr-floor", Float.toString(optimizer.schedule().floor()));
    m.put("batch-size", Integer.toString(batchSize));
    m.put("seed", Long.toString(seed));
    m.put("tied-init", Boolean.toString(tiedInit));
    m.put("decoder-bias-init", decoderBiasInit.configName());
    m.put("dead-window", Integer.toString(deadWindow));
    m.put("revival", revival.name().toLowerCase(java.util.Locale.ROOT));
    m.put("revival-interval", Integer.toString(revivalInterval));
    m.put("dense-threshold", Float.toString(denseThreshold));
    m.put("normalise-input", Boolean.toString(normaliseInput));
    m.put("sparsity-warmup-steps", Integer.toString(sparsityWarmupSteps));
    return m;
  }

  /** Reads {@link #toMap()}'s form; absent keys take the defaults, unknown keys are errors. */
  public static TrainerConfig fromMap(SaeConfig model, Map<String, String> m) {
    TrainerConfig d = defaults(model);
    OptimizerConfig o = d.optimizer;
    OptimizerKind kind = o.kind();
    float lr = o.learningRate();
    float b1 = o.beta1();
    float b2 = o.beta2();
    float eps = o.epsilon();
    int warm = o.warmupSteps();
    float clip = o.clipNorm();
    LrSchedule.Kind schedule = o.schedule().kind();
    int decay = o.schedule().decaySteps();
    float floor = o.schedule().floor();
    boolean normalise = d.normaliseInput;
    int sparsityWarmup = d.sparsityWarmupSteps;
    int batch = d.batchSize;
    long seed = d.seed;
    boolean tied = d.tiedInit;
    DecoderBiasInit bias = d.decoderBiasInit;
    int window = d.deadWindow;
    Revival rev = d.revival;
    int interval = d.revivalInterval;
    float dense = d.denseThreshold;
    for (Map.Entry<String, String> e : m.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "optimizer" -> kind = OptimizerKind.parse(v);
        case "learning-rate" -> lr = Float.parseFloat(v);
        case "beta1" -> b1 = Float.parseFloat(v);
        case "beta2" -> b2 = Float.parseFloat(v);
        case "epsilon" -> eps = Float.parseFloat(v);
        case "warmup-steps" -> warm = Integer.parseInt(v);
        case "clip-norm" -> clip = Float.parseFloat(v);
        case "lr-schedule" -> schedule = LrSchedule.Kind.parse(v);
        case "lr-decay-steps" -> decay = Integer.parseInt(v);
        case "lr-floor" -> floor = Float.parseFloat(v);
        case "normalise-input" -> normalise = Boolean.parseBoolean(v);
        case "sparsity-warmup-steps" -> sparsityWarmup = Integer.parseInt(v);
        case "batch-size" -> batch = Integer.parseInt(v);
        case "seed" -> seed = Long.parseLong(v);
        case "tied-init" -> tied = Boolean.parseBoolean(v);
        case "decoder-bias-init" -> bias = DecoderBiasInit.parse(v);
        case "dead-window" -> window = Integer.parseInt(v);
        case "revival" -> rev = Revival.parse(v);
        case "revival-interval" -> interval = Integer.parseInt(v);
        case "dense-threshold" -> dense = Float.parseFloat(v);
        default -> throw new IllegalArgumentException("unknown trainer setting '" + e.getKey()
            + "'");
      }
    }
    return new TrainerConfig(model, new OptimizerConfig(kind, lr, b1, b2, eps, warm, clip,
        new LrSchedule(schedule, decay, floor)), batch, seed, tied, bias, window, rev, interval,
        dense, normalise, sparsityWarmup);
  }
}
