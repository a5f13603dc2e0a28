package io.saestreams.stream.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.saestreams.avro.InputVector;
import io.saestreams.metrics.TrainerReport;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.stream.anomaly.AlertExplainer;
import io.saestreams.stream.validate.InputValidator;
import io.saestreams.stream.validate.Rejection;
import io.saestreams.stream.validate.ValidInput;
import io.saestreams.stream.validate.Validated;
import io.saestreams.train.StatsSnapshot;
import java.time.Clock;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The answers of the live queries, as JSON, from the {@link LiveModel} in force and what the
 * trainer last reported in this process. None of them writes anything: an encoded vector is not
 * produced to any topic, not trained on, not seen by the anomaly detector, not counted in any
 * meter.
 */
final class QueryAnswers {
  /** Default and largest {@code top} of {@code GET /latents/{j}}. */
  static final int DEFAULT_TOP = 10;
  static final int MAX_TOP = 1024;

  private final LiveModel model;
  private final InputValidator validator;
  private final Supplier<TrainerReport> trainer;
  private final int explainedDimensions;
  private final Clock clock;

  /**
   * @param validator the stream's validation of an input
   * @param trainer what the trainer last reported in this process, or null
   * @param explainedDimensions how many largest-residual dimensions an answer names (as an alert)
   * @param clock the timestamp of a body without one
   */
  QueryAnswers(LiveModel model, InputValidator validator, Supplier<TrainerReport> trainer,
      int explainedDimensions, Clock clock) {
    this.model = model;
    this.validator = validator;
    this.trainer = trainer;
    this.explainedDimensions = explainedDimensions;
    this.clock = clock;
  }

  /**
   * {@code POST /encode}: the sparse code and reconstruction error of the vector in {@code body}
   * under the current model version; with {@code withReconstruction} also x̂.
   *
   * @throws QueryException 400 for a body that is not an input or an input the stream would
   *     dead-letter (with the same reason code), 503 while the model store is not ready
   */
  ObjectNode encode(byte[] body, boolean withReconstruction) {
    InputVector parsed = EncodeRequest.parse(body, clock);
    Validated v = validator.validate(null, parsed, null);
    if (!v.isValid()) {
      Rejection r = v.rejection();
      throw QueryException.badRequest(r.reason(), r.detail());
    }
    ValidInput in = v.input();
    LiveModel.Encoded e = model.encode(in.values());
    ObjectNode out = QueryJson.object()
        .put("id", in.id())
        .put("model_version", e.version())
        .put("latents", e.latents());
    out.set("indices", QueryJson.ints(e.indices()));
    out.set("values", QueryJson.floats(e.values()));
    out.put("l0", e.indices().length);
    QueryJson.putFinite(out, "error", e.error());
    out.set("top_dimensions", residuals(in.values(), e.reconstruction()));
    if (withReconstruction) {
      out.set("reconstruction", QueryJson.floats(e.reconstruction()));
    }
    return out;
  }

  /** The dimensions with the largest squared residuals, as an alert names them. */
  private ArrayNode residuals(float[] x, float[] reconstruction) {
    AlertExplainer.Explanation ex = AlertExplainer.explain(x, reconstruction, explainedDimensions);
    ArrayNode a = QueryJson.array();
    for (int i = 0; i < ex.dimensions().length; i++) {
      int dim = ex.dimensions()[i];
      ObjectNode d = a.addObject().put("dimension", dim);
      QueryJson.putFinite(d, "share", ex.shares()[i]);
      d.put("expected", reconstruction[dim]).put("actual", x[dim]);
    }
    return a;
  }

  /** {@code GET /model}: the current version, its shape and settings, and the trainer's figures. */
  ObjectNode model() {
    SaeModel m = model.current();
    SaeConfig c = m.config();
    ObjectNode out = QueryJson.object()
        .put("version", m.version())
        // the trainer publishes its step count as the version
        .put("training_steps", m.version())
        .putNull("training_samples")
        .put("input_dim", m.inputDim())
        .put("latents", m.latentDim())
        .put("activation", c.activation().configName());
    if (c.activation().isTopK()) {
      out.put("k", c.k());
    } else {
      out.putNull("k");
    }
    ObjectNode settings = out.putObject("config");
    c.toMap().forEach(settings::put);
    out.set("quality", quality(trainer.get()));
    return out;
  }

  private static ObjectNode quality(TrainerReport r) {
    ObjectNode q = QueryJson.object();
    if (r == null) {
      return q.putNull("version").putNull("fvu").putNull("explained_variance").putNull("l0")
          .putNull("dead_fraction").putNull("dead_latents").putNull("window_samples");
    }
    StatsSnapshot s = r.stats();
    q.put("version", r.version());
    QueryJson.putFinite(q, "fvu", s.fvu());
    QueryJson.putFinite(q, "explained_variance", s.explainedVariance());
    QueryJson.putFinite(q, "l0", s.l0());
    QueryJson.putFinite(q, "dead_fraction", s.deadFraction());
    q.put("dead_latents", r.deadLatents());
    q.put("window_samples", s.samples());
    return q;
  }

  /**
   * {@code GET /latents/{j}}: latent j's firing frequency and mean activation from the trainer's
   * last report here (null elsewhere), and the {@code top} input dimensions with the largest
   * |weight| in its decoder direction, signed, largest first.
   *
   * @param index the path segment j
   * @param top the {@code top} parameter, or null for {@value #DEFAULT_TOP}
   * @throws QueryException 400 for j not an integer in [0, n) or top not in [1, {@value #MAX_TOP}]
   */
  ObjectNode latent(String index, String top) {
    int j = integer(index, QueryException.INVALID_LATENT, "latent index");
    int count = top == null ? DEFAULT_TOP : integer(top, QueryException.INVALID_PARAMETER, "top");
    if (count < 1 || count > MAX_TOP) {
      throw QueryException.badRequest(QueryException.INVALID_PARAMETER,
          "top must be in [1, " + MAX_TOP + "], got " + count);
    }
    SaeModel m = model.current();
    int n = m.latentDim();
    if (j < 0 || j >= n) {
      throw QueryException.badRequest(QueryException.INVALID_LATENT,
          "latent " + j + " is out of range [0, " + n + ") of model version " + m.version());
    }
    int d = m.inputDim();
    SaeParameters p = m.parameters();
    ObjectNode out = QueryJson.object()
        .put("latent", j)
        .put("model_version", m.version())
        .put("latents", n)
        .put("input_dim", d);
    TrainerReport r = trainer.get();
    double[] firing = r == null ? null : r.stats().firingFrequency();
    double[] mean = r == null ? null : r.stats().meanActivation();
    if (r == null) {
      out.putNull("stats_version");
    } else {
      out.put("stats_version", r.version());
    }
    QueryJson.putFinite(out, "firing_frequency", firing != null && j < firing.length ? firing[j] : Double.NaN);
    QueryJson.putFinite(out, "mean_activation", mean != null && j < mean.length ? mean[j] : Double.NaN);
    QueryJson.putFinite(out, "decoder_norm", p.decoderNorm(j));
    ArrayNode dims = out.putArray("top_dimensions");
    // row j of W_dec (n × d, latent-major) is latent j's decoder direction
    int row = j * d;
    IntStream.range(0, d).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -Math.abs(p.wDec[row + i]))
            .thenComparingInt(i -> i))
        .limit(count)
        .forEach(i -> dims.addObject().put("dimension", i).put("weight", p.wDec[row + i]));
    return out;
  }

  private static int integer(String text, String reason, String what) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw QueryException.badRequest(reason, what + " '" + text + "' is not an integer");
    }
  }
}
