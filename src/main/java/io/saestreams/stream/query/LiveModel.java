package io.saestreams.stream.query;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import io.saestreams.stream.score.ModelCache;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The model live queries use: the newest complete version in this instance's global model store,
 * taken through a {@link ModelCache} exactly as a scoring task takes it (versions that cannot be
 * read or do not fit the input dimension are skipped; before the first version, the initial model
 * of version 0), except that a new version is used at once, without the scorers' handover.
 * Encodes with that version's {@link SaeModel.Scorer}, as the scorers do. Thread-safe: one query
 * at a time.
 */
final class LiveModel {
  private final ModelStoreAccess store;
  private final Supplier<SaeModel> initial;
  private final Gemm gemm;
  private ModelCache cache;

  /**
   * @param initial version 0, asked for at the first query
   * @param gemm the scorers' matrix product backend
   */
  LiveModel(ModelStoreAccess store, Supplier<SaeModel> initial, Gemm gemm) {
    this.store = store;
    this.initial = initial;
    this.gemm = gemm;
  }

  /**
   * One input's sparse code and reconstruction.
   *
   * @param version the model version that encoded it
   * @param latents the model's number of latents
   * @param indices active latents
   * @param values their activations, aligned
   * @param reconstruction x̂
   * @param error ‖x − x̂‖² / d, as on the scores topic
   */
  record Encoded(long version, int latents, int[] indices, float[] values, float[] reconstruction,
      double error) {}

  /** The model in force. */
  synchronized SaeModel current() {
    return scorer().model();
  }

  /**
   * Encodes one input of the model's dimension — the computation {@code ScoringProcessor} does
   * for a batch of one.
   *
   * @param x the input. Not modified.
   */
  synchronized Encoded encode(float[] x) {
    SaeModel.Scorer scorer = scorer();
    int n = scorer.model().latentDim();
    // X̂ = dec(enc(X)) for one row
    scorer.score(x, 1);
    int[] indices = new int[n];
    float[] values = new float[n];
    int active = scorer.code(0, indices, values);
    float[] reconstruction = new float[x.length];
    scorer.reconstruction(0, reconstruction);
    double error = (double) scorer.squaredError(0) / x.length;
    return new Encoded(scorer.model().version(), n, Arrays.copyOf(indices, active),
        Arrays.copyOf(values, active), reconstruction, error);
  }

  private SaeModel.Scorer scorer() {
    ReadOnlyKeyValueStore<String, byte[]> s = store.open();
    if (cache == null) {
      // handover 0: no shadow; the metrics of a scoring task are not this one's to report
      cache = new ModelCache(initial.get(), gemm, 1, 0, SaeMetricsSink.NOOP, -1);
    }
    try {
      return cache.current(ModelStoreLayout.latestVersion(s), () -> ModelStoreLayout.latestModel(s));
    } catch (InvalidStateStoreException e) {
      throw QueryException.notReady("the model store cannot be queried: " + e.getMessage());
    }
  }
}
