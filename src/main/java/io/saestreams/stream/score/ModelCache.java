package io.saestreams.stream.score;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model one scoring task encodes with: starts at version 0 and switches to the newest
 * complete version in the global store when one newer than the current appears. The deserialised
 * model and its scorer are kept until then. A version that cannot be read or does not fit the
 * configured input dimension is logged once and skipped.
 */
final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  static final String ROLE = "scorer";

  private final Gemm gemm;
  private final int inputDim;
  private final int maxBatch;
  private final SaeMetricsSink metrics;
  private SaeModel.Scorer scorer;
  private long rejected = -1;

  /** @param maxBatch most inputs one {@link SaeModel.Scorer#score} call encodes */
  ModelCache(SaeModel initial, Gemm gemm, int maxBatch, SaeMetricsSink metrics) {
    this.gemm = gemm;
    this.inputDim = initial.inputDim();
    this.maxBatch = maxBatch;
    this.metrics = metrics;
    this.scorer = initial.scorer(gemm, maxBatch);
    metrics.modelVersion(ROLE, initial.version());
  }

  /** The scorer of the newest usable version. */
  SaeModel.Scorer current(ReadOnlyKeyValueStore<String, byte[]> store) {
    long latest = ModelStoreLayout.latestVersion(store);
    if (latest > scorer.model().version() && latest != rejected) {
      load(store, latest);
    }
    return scorer;
  }

  private void load(ReadOnlyKeyValueStore<String, byte[]> store, long latest) {
    byte[] bytes = ModelStoreLayout.latestModel(store);
    SaeModel model;
    try {
      model = SaeModel.fromBytes(bytes);
    } catch (RuntimeException e) {
      LOG.error("cannot read model version {}; keeping version {}: {}", latest, scorer.model().version(), e.toString());
      rejected = latest;
      return;
    }
    if (model.inputDim() != inputDim) {
      LOG.error("model version {} has input dimension {}, the configuration {}; keeping version {}",
          model.version(), model.inputDim(), inputDim, scorer.model().version());
      rejected = latest;
      return;
    }
    if (model.version() > scorer.model().version()) {
      scorer = model.scorer(gemm, maxBatch);
      metrics.modelVersion(ROLE, model.version());
      LOG.info("scoring with model version {}", model.version());
    }
  }
}
