package io.saestreams.stream.modelstore;

import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;

/**
 * Model version 0: the parameters a fresh {@link OnlineTrainer} starts from. They depend only on
 * the configuration and its seed, so every instance scores with the same model before the
 * trainer has published one.
 */
public final class InitialModel {
  private InitialModel() {}

  public static SaeModel of(TrainerConfig config) {
    OnlineTrainer fresh = new OnlineTrainer(config.withBatchSize(1), Gemms.create("naive"));
    return SaeModel.of(config.model(), fresh.parameters(), 0L);
  }
}
