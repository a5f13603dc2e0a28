package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the real command-line parser and commands, checking exit codes and output. */
@Timeout(120)
class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void evaluateOnSyntheticDataPrintsJsonWithQualityFigures() throws Exception {
    int code = run("evaluate", "--records", "20000", "--latents", "64", "--k", "4",
        "--held-out", "2000", "--dataset", "synthetic:dimension=32,features=32,mean-active=3",
        "--dead-window", "5000", "--batch-size", "32", "--learning-rate", "0.003", "--gemm", "java",
        "--json");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("records").asLong()).isEqualTo(20000);
    assertThat(json.get("fvu").asDouble()).isBetween(0.0, 0.5);
    assertThat(json.get("l0").asDouble()).isBetween(1.0, 4.0);
    assertThat(json.get("dead_fraction").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("mmcs").asDouble()).isGreaterThan(0.8);
    assertThat(json.get("recovered_fraction").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("seconds").asDouble()).isPositive();
    assertThat(json.has("data_parallel")).as("one trainer by default").isFalse();
    assertThat(json.has("absorption")).as("no hierarchy, no absorption figures").isFalse();
    // the matched metrics: a one-to-one match cannot beat each feature's best latent by much
    assertThat(json.get("mcc").asDouble()).isBetween(0.8, 1.0);
    assertThat(json.get("uniqueness").asDouble()).isBetween(0.5, 1.0);
    assertThat(json.get("firing_f1").asDouble()).isBetween(0.3, 1.0);
    assertThat(json.get("firing_features").asInt()).isEqualTo(32);
  }

  /**
   * On a hierarchical, correlated synthetic set with spread magnitudes, {@code evaluate --json}
   * reports the matched metrics next to MMCS, each in its range.
   */
  @Test
  void evaluateOnStructuredSyntheticDataReportsMatchedMetrics() throws Exception {
    int code = run("evaluate", "--records", "20000", "--latents", "64", "--k", "4",
        "--held-out", "2000", "--dataset", "synthetic:dimension=32,features=32,mean-active=3,"
            + "hierarchy=3,correlation=0.3,magnitude-spread=0.5",
        "--dead-window", "5000", "--batch-size", "32", "--learning-rate", "0.003", "--gemm", "java",
        "--json");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("dataset").asText()).contains("hierarchy=3");
    assertThat(json.get("mmcs").asDouble()).isBetween(0.5, 1.0);
    double mcc = json.get("mcc").asDouble();
    assertThat(mcc).isBetween(0.5, 1.0);
    // a feature's matched |cosine| is at most its best |cosine|; MMCS averages the best signed
    // cosine, which is the same for directions trained to point the features' way
    assertThat(mcc).isLessThanOrEqualTo(json.get("mmcs").asDouble() + 0.05);
    assertThat(json.get("uniqueness").asDouble()).isBetween(0.0, 1.0);
    for (String key : new String[] {"firing_precision", "firing_recall", "firing_f1"}) {
      assertThat(json.get(key)).as(key).isNotNull();
      assertThat(json.get(key).asDouble()).as(key).isBetween(0.05, 1.0);
    }
    // 2,000 held-out samples with 3 active on average: every one of the 32 features occurs
    assertThat(json.get("firing_features").asInt()).isEqualTo(32);
    // 8 parents with 3 children each: the rates of their latents with and without a child
    double with = json.get("parent_firing_with_child").asDouble();
    double alone = json.get("parent_firing_alone").asDouble();
    assertThat(with).isBetween(0.05, 1.0);
    assertThat(alone).isBetween(0.05, 1.0);
    assertThat(json.get("absorption").asDouble()).isCloseTo(alone - with, within(1e-9));
    assertThat(json.get("absorption_parents").asInt()).isEqualTo(8);
    assertThat(json.get("absorbed_parents").asInt()).isBetween(0, 8);
    assertThat(json.get("child_parent_cosine").asDouble()).isBetween(-1.0, 1.0);
    assertThat(out.toString()).doesNotContain("NaN").doesNotContain("null");
  }

  /**
   * {@code evaluate --data-parallel 2}: the single trainer and two replicas averaged every 10 steps
   * learn from the same records; both models' figures and their differences in one JSON object.
   * The replicas' learning rate is twice the single trainer's (an average of P replicas moves about
   * as far as one replica, so it needs P times the rate to keep up), and then they learn about as
   * well.
   */
  @Test
  void evaluateWithDataParallelReplicasReportsBothModelsAndTheirDifferences() throws Exception {
    int code = run("evaluate", "--records", "20000", "--latents", "64", "--k", "4",
        "--held-out", "2000", "--dataset", "synthetic:dimension=32,features=32,mean-active=3",
        "--dead-window", "5000", "--batch-size", "32", "--learning-rate", "0.003", "--gemm", "java",
        "--data-parallel", "2", "--sync-steps", "10", "--sync-moments", "average",
        "--data-parallel-learning-rate", "0.006", "--json");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("records").asLong()).isEqualTo(20000);
    assertThat(json.get("data_parallel").asInt()).isEqualTo(2);
    assertThat(json.get("sync_steps").asInt()).isEqualTo(10);
    assertThat(json.get("sync_moments").asText()).isEqualTo("average");
    assertThat(json.get("sync_overlap_steps").asInt()).as("no overlap with averaged moments").isZero();
    // 10,000 records a replica: 312 full batches and a short one, a round every 10 of them
    assertThat(json.get("sync_rounds").asInt()).isEqualTo(32);
    assertThat(json.get("data_parallel_learning_rate").asDouble()).isEqualTo(0.006);
    assertThat(json.get("data_parallel_seconds").asDouble()).isPositive();
    double fvu = json.get("fvu").asDouble();
    double dpFvu = json.get("data_parallel_fvu").asDouble();
    assertThat(dpFvu).isBetween(0.0, 0.5);
    assertThat(json.get("fvu_ratio").asDouble()).isCloseTo(dpFvu / fvu, within(1e-9))
        .isLessThan(1.3);
    assertThat(json.get("data_parallel_l0").asDouble()).isBetween(1.0, 4.0);
    assertThat(json.get("data_parallel_dead_fraction").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("data_parallel_skipped_batches").asLong()).isZero();
    assertThat(json.get("mean_replica_divergence").asDouble()).isPositive();
    assertThat(json.get("data_parallel_mean_decoder_norm").asDouble()).isBetween(0.9, 1.0 + 1e-6);
    double mmcs = json.get("mmcs").asDouble();
    double dpMmcs = json.get("data_parallel_mmcs").asDouble();
    assertThat(dpMmcs).isGreaterThan(0.8);
    assertThat(json.get("mmcs_diff").asDouble()).isCloseTo(dpMmcs - mmcs, within(1e-12))
        .isBetween(-0.03, 0.03);
    double recovered = json.get("recovered_fraction").asDouble();
    double dpRecovered = json.get("data_parallel_recovered_fraction").asDouble();
    assertThat(dpRecovered).isBetween(0.0, 1.0);
    assertThat(json.get("recovered_fraction_diff").asDouble())
        .isCloseTo(dpRecovered - recovered, within(1e-12));
    assertThat(out.toString()).doesNotContain("NaN", "null");
  }

  @Test
  void badDataParallelOptionsAreUsageErrors() {
    assertThat(run("evaluate", "--data-parallel", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--data-parallel and --sync-steps must be >= 1, got 0");
    assertThat(run("evaluate", "--data-parallel", "2", "--sync-moments", "mean"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown moments policy 'mean'; allowed: [local, average]");
    assertThat(run("evaluate", "--data-parallel", "2", "--data-parallel-learning-rate", "0"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--data-parallel-learning-rate must be > 0, got 0.0");
    assertThat(run("evaluate", "--anomaly", "--data-parallel", "2")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--data-parallel is not available with --anomaly");
    assertThat(run("evaluate", "--data-parallel", "2", "--sync-overlap-steps", "-1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--sync-overlap-steps must be >= 0, got -1");
    assertThat(run("evaluate", "--data-parallel", "2", "--sync-overlap-steps", "3", "--sync-moments", "average"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--sync-moments average is not available with it");
  }

  /** Overlapped rounds by default, as the application; at most --sync-steps. */
  @Test
  void evaluateDataParallelOverlapsRoundsAsTheApplicationDoes() throws Exception {
    String[] common = {"evaluate", "--records", "4000", "--latents", "32", "--k", "4", "--held-out", "500",
        "--dataset", "synthetic:dimension=16,features=16,mean-active=3", "--batch-size", "32", "--gemm", "java",
        "--data-parallel", "2", "--json"};
    assertThat(run(common)).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(new ObjectMapper().readTree(out.toString()).get("sync_overlap_steps").asInt()).isEqualTo(10);
    out.getBuffer().setLength(0);
    String[] fewSteps = java.util.Arrays.copyOf(common, common.length + 2);
    fewSteps[common.length] = "--sync-steps";
    fewSteps[common.length + 1] = "4";
    assertThat(run(fewSteps)).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(new ObjectMapper().readTree(out.toString()).get("sync_overlap_steps").asInt()).isEqualTo(4);
  }

  /**
   * {@code evaluate --anomaly} on a labelled synthetic stream: the detector's false-alarm rate at
   * the target, its recall on anomalies three times the typical norm, and the PCA baseline's
   * ranking, in one JSON object.
   */
  @Test
  void evaluateAnomalyOnLabelledSyntheticDataReportsRatesAndThePcaBaseline() throws Exception {
    int code = run("evaluate", "--anomaly", "--dataset",
        "synthetic:dimension=32,features=32,mean-active=3,anomalies=0.02,anomaly-scale=3",
        "--warmup", "20000", "--records", "20000", "--latents", "64", "--k", "4", "--batch-size", "32",
        "--min-trained-samples", "5000", "--pca-k", "8", "--gemm", "java", "--json");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("evaluated_records").asLong()).isEqualTo(20000);
    assertThat(json.get("anomalies").asLong()).isBetween(300L, 500L);
    assertThat(json.get("unjudged").asLong()).isZero();
    assertThat(json.get("false_alarm_rate").asDouble()).isBetween(0.005, 0.02);
    assertThat(json.get("recall").asDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(json.get("auc_roc").asDouble()).isGreaterThan(0.95);
    assertThat(json.get("pca_auc_roc").asDouble()).isGreaterThan(0.9);
    assertThat(json.get("pca_k").asInt()).isEqualTo(8);
    // the score's own ROC at the rate the detector ran at: its recall is about what it gets
    assertThat(json.get("roc_recall_at_measured_rate").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("recall_vs_roc_at_measured_rate").asDouble()).isGreaterThan(0.9);
    assertThat(json.get("target_false_alarm_rate").asDouble()).isEqualTo(0.01);
    assertThat(out.toString()).doesNotContain("NaN");
  }

  @Test
  void evaluateAnomalyOnIdxDataNeedsTheNormalClass() {
    assertThat(run("evaluate", "--anomaly", "--dataset", "idx:/nonexistent")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--normal-class");
  }

  @Test
  void benchPrintsOneObjectPerShapeAndBackend() throws Exception {
    int code = run("bench", "--shape", "n64", "--seconds", "0.05", "--backends", "ejml,java",
        "--json");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.size()).isEqualTo(2);
    assertThat(json.get(0).get("backend").asText()).isEqualTo("ejml");
    assertThat(json.get(1).get("backend").asText()).isEqualTo("java");
    for (JsonNode r : json) {
      assertThat(r.get("shape").asText()).isEqualTo("d784·n64·B256");
      assertThat(r.get("activation").asText()).isEqualTo("sigmoid+kl");
      assertThat(r.get("train_samples_per_second").asDouble()).isPositive();
      assertThat(r.get("infer_samples_per_second").asDouble()).isPositive();
    }
  }

  @Test
  void badOptionValuesExitWithUsageAndAOneLineMessage() {
    assertThat(run("evaluate", "--activation", "softmax")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().strip())
        .isEqualTo("error: unknown activation 'softmax'; allowed: [sigmoid, relu, topk,"
            + " batch-topk, jumprelu]");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("evaluate", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void unknownDatasetFormIsNamed() {
    assertThat(run("evaluate", "--dataset", "parquet:x")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown data set 'parquet:x'");
  }

  @Test
  void runRejectsUnknownAndInvalidSettingsWithExitCode3(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("app.properties");
    java.nio.file.Files.writeString(file, "bootstrap.servers=localhost:1\n"
        + "schema.registry.url=http://localhost:2\nsae.input.dim=8\ncolour=red\n");
    assertThat(run("run", "--config", file.toString())).isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString()).startsWith("configuration error: ").contains("colour");

    err.getBuffer().setLength(0);
    java.nio.file.Files.writeString(file, "bootstrap.servers=localhost:1\n"
        + "schema.registry.url=http://localhost:2\nsae.input.dim=8\nsae.activation=softmax\n");
    assertThat(run("run", "--config", file.toString())).isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString()).contains("sae.activation").contains("softmax");

    err.getBuffer().setLength(0);
    assertThat(run("run", "--config", dir.resolve("missing.properties").toString()))
        .isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString().strip()).isEqualTo("configuration error: the file "
        + dir.resolve("missing.properties") + " does not exist");
  }
}
