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
 * @param async train on a thread of its own rather than the stream thread
 */
public record TrainerSettings(
    TrainerConfig trainer,
    String gemmBackend,
    long batchMaxWaitMs,
    int checkpointIntervalSteps,
    long checkpointIntervalMs,
    int publishIntervalSteps,
    int chunkBytes,
    boolean async) {

  /** The same settings for another trainer configuration (data-parallel replicas'). */
  public TrainerSettings withTrainer(TrainerConfig t) {
    return new TrainerSettings(t, gemmBackend, batchMaxWaitMs, checkpointIntervalSteps, checkpointIntervalMs,
        publishIntervalSteps, chunkBytes, async);
  }

  public static TrainerSettings of(AppConfig c) {
    return new TrainerSettings(
        c.trainerConfig(),
        c.gemmBackend(),
        c.batchMaxWaitMs(),
        c.checkpointIntervalSteps(),
        c.checkpointIntervalMs(),
        c.publishIntervalSteps(),
        c.chunkBytes(),
        c.trainAsync());
  }

  /** When training on its own thread, the longest a finished step waits to be forwarded. */
  static final long ASYNC_FORWARD_MS = 50;

  /**
   * How often the punctuator looks for an idle partial batch or a due checkpoint, and, when
   * training on its own thread, forwards what the trainer finished (so that the last steps before
   * a pause in the input are published without waiting for more input).
   */
  long punctuateIntervalMs() {
    long interval = Math.max(1, Math.min(batchMaxWaitMs, checkpointIntervalMs) / 2);
    return async ? Math.min(interval, ASYNC_FORWARD_MS) : interval;
  }
}
