package io.saestreams.stream.config;

import static io.saestreams.stream.config.AppConfig.*;

import io.saestreams.model.Activation;
import io.saestreams.model.LrSchedule;
import io.saestreams.model.Noise;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.Sparsity;
import io.saestreams.train.DecoderBiasInit;
import io.saestreams.train.Revival;
import io.saestreams.train.TrainerConfig;
import org.apache.kafka.common.config.ConfigException;

/** Turns the {@code sae.*} and {@code train.*} keys into the learning engine's settings. */
final class ModelSettings {
  private ModelSettings() {}

  /** Cross-key checks the engine's own constructors make, reported as configuration errors. */
  static void check(AppConfig c) {
    trainer(c);
  }

  static SaeConfig sae(AppConfig c) {
    try {
      return SaeConfig.builder(c.getInt(SAE_INPUT_DIM_CONFIG), c.getInt(SAE_LATENT_DIM_CONFIG))
          .activation(Activation.parse(c.getString(SAE_ACTIVATION_CONFIG)))
          .k(c.getInt(SAE_K_CONFIG))
          .thresholdDecay(f(c, SAE_THRESHOLD_DECAY_CONFIG))
          .jumpThreshold(f(c, SAE_JUMP_THRESHOLD_CONFIG))
          .jumpBandwidth(f(c, SAE_JUMP_BANDWIDTH_CONFIG))
          .sparsity(Sparsity.parse(c.getString(SAE_SPARSITY_CONFIG)))
          .l1Coefficient(f(c, SAE_L1_COEFFICIENT_CONFIG))
          .l1DecoderNorm(c.getBoolean(SAE_L1_DECODER_NORM_CONFIG))
          .klTarget(f(c, SAE_KL_TARGET_CONFIG))
          .klWeight(f(c, SAE_KL_WEIGHT_CONFIG))
          .klDecay(f(c, SAE_KL_DECAY_CONFIG))
          .weightDecay(f(c, SAE_WEIGHT_DECAY_CONFIG))
          .noise(Noise.parse(c.getString(SAE_NOISE_CONFIG)))
          .noiseLevel(f(c, SAE_NOISE_LEVEL_CONFIG))
          .unitNormDecoder(c.getBoolean(SAE_UNIT_NORM_DECODER_CONFIG))
          .auxKCoefficient(f(c, SAE_AUXK_COEFFICIENT_CONFIG))
          .auxK(c.getInt(SAE_AUXK_CONFIG))
          .tanhL0Coefficient(f(c, SAE_TANH_L0_COEFFICIENT_CONFIG))
          .tanhL0Scale(f(c, SAE_TANH_L0_SCALE_CONFIG))
          .preActCoefficient(f(c, SAE_PREACT_COEFFICIENT_CONFIG))
          .matryoshkaPrefixes(SaeConfig.parsePrefixes(String.join(",", c.getList(SAE_MATRYOSHKA_PREFIXES_CONFIG))))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid combination of sae.* settings: " + e.getMessage());
    }
  }

  static TrainerConfig trainer(AppConfig c) {
    SaeConfig model = sae(c);
    try {
      OptimizerConfig opt =
          OptimizerConfig.of(
                  OptimizerKind.parse(c.getString(TRAIN_OPTIMIZER_CONFIG)),
                  f(c, TRAIN_LEARNING_RATE_CONFIG))
              .withWarmup(c.getInt(TRAIN_WARMUP_STEPS_CONFIG))
              .withClipNorm(f(c, TRAIN_CLIP_NORM_CONFIG))
              .withSchedule(new LrSchedule(
                  LrSchedule.Kind.parse(c.getString(TRAIN_LR_SCHEDULE_CONFIG)),
                  c.getInt(TRAIN_LR_DECAY_STEPS_CONFIG),
                  f(c, TRAIN_LR_FLOOR_CONFIG)));
      TrainerConfig t =
          TrainerConfig.defaults(model)
          .withOptimizer(opt)
          .withBatchSize(c.getInt(TRAIN_BATCH_SIZE_CONFIG))
          .withSeed(c.getLong(TRAIN_SEED_CONFIG))
          .withInit(
              c.getBoolean(TRAIN_TIED_INIT_CONFIG),
              DecoderBiasInit.parse(c.getString(TRAIN_DECODER_BIAS_INIT_CONFIG)))
          .withRevival(
              Revival.parse(c.getString(TRAIN_REVIVAL_CONFIG)),
              c.getInt(TRAIN_DEAD_WINDOW_CONFIG),
              c.getInt(TRAIN_REVIVAL_INTERVAL_CONFIG));
      return new TrainerConfig(
          t.model(), t.optimizer(), t.batchSize(), t.seed(), t.tiedInit(), t.decoderBiasInit(),
          t.deadWindow(), t.revival(), t.revivalInterval(), f(c, TRAIN_DENSE_THRESHOLD_CONFIG),
          c.getBoolean(TRAIN_NORMALISE_INPUT_CONFIG), c.getInt(SAE_SPARSITY_WARMUP_STEPS_CONFIG));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid combination of train.* settings: " + e.getMessage());
    }
  }

  private static float f(AppConfig c, String key) {
    return (float) (double) c.getDouble(key);
  }
}
