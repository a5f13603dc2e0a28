package io.saestreams.stream.training;

import io.saestreams.stream.config.AppConfig;
import io.saestreams.train.TrainerConfig;

/**
 * What the {@link TrainerProcessor} needs from the configuration.
 *
 * @param trainer the learning engine's settings
 * @param gemmBackend matrix backend name
 * @param batchMaxWaitMs train a partial batch after this long without samples
 * @param checkpointIntervalSteps checkpoint every this many steps
 * @param checkpointIntervalMs checkpoint at least this often while there are new samples
 * @param publishIntervalSteps publish a model version every this many steps
 * @param chunkBytes largest chunk of a model version or checkpoint
 */
public record TrainerSettings(
    TrainerConfig trainer,
    String gemmBackend,
    long batchMaxWaitMs,
    int checkpointIntervalSteps,
    long checkpointIntervalMs,
    int publishIntervalSteps,
    int chunkBytes) {

  public static TrainerSettings of(AppConfig c) {
    return new TrainerSettings(
        c.trainerConfig(),
        c.gemmBackend(),
        c.batchMaxWaitMs(),
        c.checkpointIntervalSteps(),
        c.checkpointIntervalMs(),
        c.publishIntervalSteps(),
        c.chunkBytes());
  }

  /** How often the punctuator looks for an idle partial batch or a due checkpoint. */
  long punctuateIntervalMs() {
    return Math.max(1, Math.min(batchMaxWaitMs, checkpointIntervalMs) / 2);
  }
}
