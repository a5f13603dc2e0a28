package io.saestreams.stream.score;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorers of one task: the model version in force and, during a handover, the newer version
 * that scores alongside it.
 *
 * <p>A version newer than the one in force, once complete in the global store, first scores
 * {@code handoverRecords} records as a shadow (their errors reach the anomaly detector in pairs,
 * from which it learns the new version's error level); then it takes over. With {@code
 * handoverRecords} 0 a new version takes over at once. Versions published during a handover wait
 * for its end (the newest of them is handed over next; those in between are skipped), so that
 * versions published faster than a partition scores {@code handoverRecords} records never stall
 * the switch. Versions that cannot be read, or do not fit the configured input dimension, are
 * logged and skipped.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private final Gemm gemm;
  private final int inputDim;
  private final int maxBatch;
  private final int handoverRecords;
  private final SaeMetricsSink metrics;
  private final int partition;
  private SaeModel.Scorer inForce;
  private SaeModel.Scorer shadow;
  private long shadowLeft;
  private long rejected = -1;

  /**
   * @param maxBatch most inputs one {@link SaeModel.Scorer#score} call encodes
   * @param handoverRecords records a new version scores alongside the one in force (0: none)
   * @param partition the input partition scored, for the metrics
   */
  public ModelCache(SaeModel initial, Gemm gemm, int maxBatch, int handoverRecords,
      SaeMetricsSink metrics, int partition) {
    this.gemm = gemm;
    this.inputDim = initial.inputDim();
    this.maxBatch = maxBatch;
    this.handoverRecords = handoverRecords;
    this.metrics = metrics;
    this.partition = partition;
    this.inForce = initial.scorer(gemm, maxBatch);
    metrics.scorerVersion(partition, initial.version());
  }

  /** The scorer of the version in force, after looking for a newer version in {@code store}. */
  SaeModel.Scorer current(ReadOnlyKeyValueStore<String, byte[]> store) {
    return current(ModelStoreLayout.latestVersion(store), () -> ModelStoreLayout.latestModel(store));
  }

  /**
   * The scorer of the version in force, after considering the newest published version {@code
   * latest} (0: none), whose serialised model {@code latestModel} supplies when it is needed.
   */
  public SaeModel.Scorer current(long latest, Supplier<byte[]> latestModel) {
    if (shadow == null && latest > inForce.model().version() && latest != rejected) {
      load(latestModel.get(), latest);
    }
    return inForce;
  }

  /** The newer version scoring alongside during a handover, or null. */
  public SaeModel.Scorer shadow() {
    return shadow;
  }

  /** Counts {@code rows} records scored; the shadow takes over once it has scored its share. */
  public void scored(int rows) {
    if (shadow != null) {
      shadowLeft -= rows;
      if (shadowLeft <= 0) {
        takeOver(shadow);
      }
    }
  }

  private void load(byte[] bytes, long latest) {
    SaeModel model;
    try {
      model = SaeModel.fromBytes(bytes);
    } catch (RuntimeException e) {
      LOG.error("cannot read model version {}; keeping version {}: {}", latest, inForce.model().version(), e.toString());
      rejected = latest;
      return;
    }
    if (model.inputDim() != inputDim) {
      LOG.error("model version {} has input dimension {}, the configuration {}; keeping version {}",
          model.version(), model.inputDim(), inputDim, inForce.model().version());
      rejected = latest;
      return;
    }
    if (model.version() <= inForce.model().version()) {
      return;
    }
    SaeModel.Scorer next = model.scorer(gemm, maxBatch);
    if (handoverRecords <= 0 || inForce.model().version() == 0) {
      // nothing to hand over from the untrained initial model
      takeOver(next);
    } else {
      shadow = next;
      shadowLeft = handoverRecords;
    }
  }

  private void takeOver(SaeModel.Scorer next) {
    inForce = next;
    shadow = null;
    metrics.scorerVersion(partition, next.model().version());
    // every scoring task says it for every version: the instance's one line per version is the
    // model store's "model version … complete"; the sae_scorer_model_version gauge has it by partition
    LOG.debug("partition {} scoring with model version {}", partition, next.model().version());
  }
}
