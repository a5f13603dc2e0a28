package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.SyntheticDictionary;
import io.saestreams.data.VectorSource;
import io.saestreams.eval.FeatureMatching;
import io.saestreams.eval.FiringAgreement;
import io.saestreams.eval.ParentAbsorption;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.report.SummaryTable;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.train.DataParallelRun;
import io.saestreams.train.DecoderGeometry;
import io.saestreams.train.FeatureRecovery;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.ParameterAverage;
import io.saestreams.train.TrainerConfig;
import io.saestreams.train.TrainingStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains one pass over a data set and reports quality (and, on synthetic data, recovery). */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Trains one online pass over a data set, then measures the final model on held-out data:",
      "FVU, L0, dead fraction and, on synthetic data, feature recovery against the true"
          + " dictionary (MMCS and the fraction of features recovered with cosine > 0.9) and the"
          + " matched metrics: MCC (mean |cosine| after a one-to-one Hungarian match of latents to"
          + " features), uniqueness (distinct features per latent with |cosine| > 0.9) and the mean"
          + " precision, recall and F1 of each matched latent's firing against its feature's;"
          + " with a hierarchy also absorption: the mean firing rate of parents' matched latents"
          + " when the parent is active with a child and alone, the drop between them, and the mean"
          + " cosine of children's matched decoder rows with their parent's direction.",
      "With --anomaly: streams a labelled data set (warm-up normals, then a mixed phase) through the"
          + " topology's scoring, anomaly detection and training code and reports AUC-ROC, AUC-PR,"
          + " precision, recall, F1 and the false-alarm rate on normals at the target, next to a PCA"
          + " reconstruction baseline fitted on the warm-up normals."
    })
final class EvaluateCommand implements Callable<Integer> {
  /** The cosine above which a true feature counts as recovered (and a latent as good). */
  private static final double RECOVERY_THRESHOLD = 0.9;

  @Spec CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic[:k=v,...], idx:PATH or csv:PATH (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--records", defaultValue = "300000", description = "Training records, one pass (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--held-out", defaultValue = "10000", description = "Records to measure the final model on (default: ${DEFAULT-VALUE}).")
  int heldOut;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--anomaly", description = "Evaluate the anomaly alerts on a labelled stream instead.")
  boolean anomaly;

  @Option(names = "--normal-class", description = "--anomaly on IDX data: the class taken as normal; the other classes are the anomalies.")
  Integer normalClass;

  @Option(names = "--passes", defaultValue = "3", description = "--anomaly on IDX data: shuffled passes over the normal class's training images in the warm-up (default: ${DEFAULT-VALUE}).")
  int passes;

  @Option(names = "--anomaly-fraction", defaultValue = "0.1", description = "--anomaly on IDX data: share of other classes' images in the mixed phase (default: ${DEFAULT-VALUE}).")
  double anomalyFraction;

  @Option(names = "--warmup", defaultValue = "30000", description = "--anomaly on synthetic or CSV data: warm-up records before the mixed phase (synthetic: normals only; CSV: the first records) (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--false-alarm-rate", defaultValue = "0.01", description = "--anomaly: target false-alarm rate q, as anomaly.false.alarm.rate (default: ${DEFAULT-VALUE}).")
  double falseAlarmRate;

  @Option(names = "--threshold-mode", defaultValue = "false-alarm-rate", description = "--anomaly: false-alarm-rate or sigmas, as anomaly.threshold.mode (default: ${DEFAULT-VALUE}).")
  String thresholdMode;

  @Option(names = "--min-trained-samples", description = "--anomaly: as anomaly.min.trained.samples (default: the application's).")
  Long minTrainedSamples;

  @Option(names = "--publish-interval-steps", defaultValue = "50", description = "--anomaly: training steps between model versions, as model.publish.interval.steps (default: ${DEFAULT-VALUE}).")
  int publishIntervalSteps;

  @Option(names = "--pca-k", defaultValue = "30", description = "--anomaly: components of the PCA baseline (default: ${DEFAULT-VALUE}).")
  int pcaK;

  @Option(names = "--data-parallel", defaultValue = "1", description = "Replicas P: with P > 1 the same samples also train P data-parallel replicas (sample i to replica i mod P; every --sync-steps steps their parameters are averaged, weighted by samples) and both models are reported with their differences (default: ${DEFAULT-VALUE}: the single trainer only).")
  int dataParallel;

  @Option(names = "--sync-steps", defaultValue = "25", description = "--data-parallel: mini-batch steps each replica takes between averages (default: ${DEFAULT-VALUE}).")
  int syncSteps;

  @Option(names = "--sync-moments", defaultValue = "local", description = "--data-parallel: local (each replica keeps its optimiser moments) or average (moments averaged like the parameters) (default: ${DEFAULT-VALUE}).")
  String syncMoments;

  @Option(names = "--sync-overlap-steps", description = "--data-parallel: overlapped rounds, as train.sync.overlap.steps: each replica trains this many steps of a round from its own parameters before it takes the previous round's average, keeping its own update; above --sync-steps, at the round's end; 0 waits for the average (default: 10, as the application, or 0 with --sync-moments average).")
  Integer syncOverlapOption;

  /** --sync-overlap-steps resolved: its default, and at most --sync-steps. */
  int syncOverlapSteps;

  @Option(names = "--data-parallel-learning-rate", description = "--data-parallel: the replicas' learning rate (default: P × --learning-rate, as train.sync.learning.rate=0 does in the application).")
  Float dataParallelLearningRate;

  @Mixin ModelOptions model;
  @Mixin GemmOption gemmOption;

  @Override
  public Integer call() {
    if (anomaly) {
      if (dataParallel != 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--data-parallel is not available with --anomaly");
      }
      return evaluateAnomalies();
    }
    if (records < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--records must be >= 1, got " + records);
    }
    if (dataParallel < 1 || syncSteps < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--data-parallel and --sync-steps must be >= 1, got " + dataParallel + " and "
              + syncSteps);
    }
    if (dataParallelLearningRate != null && !(dataParallelLearningRate > 0)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--data-parallel-learning-rate must be > 0, got " + dataParallelLearningRate);
    }
    DataParallelRun.Moments moments;
    try {
      moments = DataParallelRun.Moments.parse(syncMoments);
      if (syncOverlapOption != null && syncOverlapOption < 0) {
        throw new IllegalArgumentException("--sync-overlap-steps must be >= 0, got " + syncOverlapOption);
      }
      int overlap = syncOverlapOption != null ? syncOverlapOption
          : moments == DataParallelRun.Moments.AVERAGE ? 0 : AppConfig.TRAIN_SYNC_OVERLAP_STEPS_DEFAULT;
      syncOverlapSteps = Math.min(overlap, syncSteps);
      if (syncOverlapSteps > 0 && moments == DataParallelRun.Moments.AVERAGE) {
        throw new IllegalArgumentException(
            "--sync-overlap-steps keeps the optimiser moments local; --sync-moments average is not available with it");
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    DatasetSpec data = DatasetSpec.parse(dataset);
    Gemm gemm = gemmOption.create();
    long start = System.nanoTime();
    OnlineTrainer trainer;
    long trained = 0;
    try (VectorSource source = data.open(records, model.seed)) {
      TrainerConfig cfg = model.trainerConfig(source.dimension());
      trainer = new OnlineTrainer(cfg, gemm);
      while (source.hasNext()) {
        trainer.accept(source.next().values());
        trained++;
      }
      trainer.flush();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    SaeModel finalModel = trainer.model();
    List<float[]> heldOutVectors = dataParallel > 1 ? heldOutVectors(data) : null;
    SyntheticDictionary truth = data.kind() == DatasetSpec.Kind.SYNTHETIC
        ? new SyntheticDictionary(data.syntheticConfig(model.seed)) : null;
    // the true directions, the decoder's and the hierarchy, copied once for every metric below
    float[][] dictionary = truth == null ? null : truth.dictionary();
    float[][] rows = null;
    int[] parentOf = null;
    FeatureMatching matching = null;
    FiringAgreement firing = null;
    ParentAbsorption absorption = null;
    TrainingStats heldOutStats;
    if (truth == null) {
      heldOutStats = measure(data, finalModel, gemm);
    } else {
      rows = decoderRows(trainer.parameters());
      matching = FeatureMatching.of(dictionary, rows, RECOVERY_THRESHOLD);
      firing = new FiringAgreement(matching.featureToLatent(), trainer.parameters().latentDim());
      if (truth.config().parents() > 0) {
        parentOf = truth.parentOf();
        absorption = new ParentAbsorption(matching.featureToLatent(), parentOf,
            trainer.parameters().latentDim());
      }
      heldOutStats = measureLabelled(truth, finalModel, gemm, firing, absorption);
    }
    SummaryTable table = new SummaryTable();
    table.add("dataset", dataset);
    table.add("records", trained);
    table.add("seconds", seconds);
    table.add("samples per second", trained / seconds);
    table.add("fvu", heldOutStats.fvu());
    table.add("explained variance", 1 - heldOutStats.fvu());
    table.add("l0", heldOutStats.l0());
    table.add("dead fraction", trainer.deadFraction());
    table.add("skipped batches", trainer.skippedBatches());
    addCoreMetrics(table, heldOutStats, trainer, gemm);
    FeatureRecovery rec = null;
    if (truth != null) {
      rec = FeatureRecovery.of(dictionary, trainer.parameters(), RECOVERY_THRESHOLD);
      table.add("mmcs", rec.mmcs());
      table.add("recovered fraction", rec.recoveredFraction());
      FiringAgreement.Result f = firing.result();
      table.add("mcc", matching.mcc());
      table.add("uniqueness", matching.uniqueness().orElse(0));
      table.add("firing precision", f.meanPrecision().orElse(0));
      table.add("firing recall", f.meanRecall().orElse(0));
      table.add("firing f1", f.meanF1().orElse(0));
      table.add("firing features", f.evaluatedFeatures());
      if (absorption != null) {
        ParentAbsorption.Result a = absorption.result();
        table.add("parent firing with child", a.meanRateWithChild().orElse(0));
        table.add("parent firing alone", a.meanRateAlone().orElse(0));
        table.add("absorption", a.meanDrop().orElse(0));
        table.add("absorbed parents", a.absorbedParents());
        table.add("absorption parents", a.evaluatedParents());
        table.add("child parent cosine", ParentAbsorption.childParentCosine(dictionary, rows,
            matching.featureToLatent(), parentOf).orElse(0));
      }
    }
    table.add("held out", heldOutStats.samples());
    table.add("gemm", gemm.name());
    if (dataParallel > 1) {
      addDataParallel(table, data, moments, gemm, heldOutVectors, heldOutStats, truth, rec);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? table.toJson() : table.toText());
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * SAEBench's core reconstruction and density metrics of the final model on the held-out data
   * (ratios of sums where SAEBench takes them, means of per-sample values where it does), and the
   * decoder's max pairwise cosine similarity.
   */
  private static void addCoreMetrics(SummaryTable table, TrainingStats s, OnlineTrainer trainer,
      Gemm gemm) {
    table.add("cosine similarity", s.cosineSimilarity());
    table.add("l2 ratio", s.l2Ratio());
    table.add("relative reconstruction bias", s.relativeReconstructionBias());
    table.add("firing above 1%", s.denseFraction(0.01));
    table.add("firing above 10%", s.denseFraction(0.1));
    table.add("mean log10 density", s.meanLog10Density());
    double[] h = s.log10DensityHistogram();
    for (int i = 0; i < h.length; i++) {
      table.add("log10 density " + TrainingStats.LOG10_DENSITY_BINS[i], h[i]);
    }
    table.add("max decoder cosine", DecoderGeometry.maxCosine(trainer.parameters(), gemm));
    table.add("normalise input", trainer.config().normaliseInput());
  }

  private int evaluateAnomalies() {
    if (!(falseAlarmRate > 0 && falseAlarmRate <= 0.25)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--false-alarm-rate must be in (0, 0.25], got " + falseAlarmRate);
    }
    if (publishIntervalSteps < 1 || pcaK < 1 || passes < 1 || warmup < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--publish-interval-steps, --pca-k, --passes and --warmup must be >= 1");
    }
    DatasetSpec data = DatasetSpec.parse(dataset);
    io.saestreams.eval.OneClassStream stream;
    try {
      stream = AnomalyEvaluation.stream(data, normalClass, passes, anomalyFraction, warmup,
          (int) Math.min(Integer.MAX_VALUE, records), model.seed);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    io.saestreams.stream.anomaly.AnomalySettings settings =
        io.saestreams.stream.anomaly.AnomalySettings.DEFAULTS.withFalseAlarmRate(falseAlarmRate)
            .withMode(io.saestreams.stream.anomaly.ThresholdMode.parse(thresholdMode));
    if (minTrainedSamples != null) {
      settings = settings.withMinTrainedSamples(minTrainedSamples);
    }
    Gemm gemm = gemmOption.create();
    // the scorer's "scoring with model version N" lines, useful in a running application, are noise here
    DemoCommand.quietPipelineLogs();
    AnomalyEvaluation.Result r = AnomalyEvaluation.run(dataset, stream, model.trainerConfig(stream.dimension()),
        settings, publishIntervalSteps, true, 64, pcaK, gemm);
    r.table().add("gemm", gemm.name());
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? r.table().toJson() : r.table().toText());
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * Trains the data-parallel replicas on the same records as the single trainer (the source opened
   * again with the same seed) and adds their averaged model's figures and the differences from the
   * single trainer's: MMCS and recovered-fraction differences (data-parallel minus single) and the
   * FVU ratio (data-parallel over single).
   */
  private void addDataParallel(SummaryTable table, DatasetSpec data,
      DataParallelRun.Moments moments, Gemm gemm, List<float[]> heldOutVectors,
      TrainingStats single, SyntheticDictionary truth, FeatureRecovery singleRecovery) {
    long start = System.nanoTime();
    DataParallelRun run;
    DataParallelRun.Result result;
    try (VectorSource source = data.open(records, model.seed)) {
      TrainerConfig cfg = model.trainerConfig(source.dimension());
      cfg = ParameterAverage.replicaConfig(cfg, dataParallel,
          dataParallelLearningRate == null ? 0 : dataParallelLearningRate);
      run = new DataParallelRun(cfg, gemm, dataParallel, syncSteps, moments, syncOverlapSteps);
      while (source.hasNext()) {
        run.accept(source.next().values());
      }
      result = run.finish();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    OnlineTrainer first = run.replicas().get(0);
    // with --normalise-input, the model carries the last round's merged input statistics
    SaeModel averaged = SaeModel.of(first.config().model(), result.parameters(), first.steps(),
        result.statistics());
    TrainingStats stats = ModelQuality.measure(averaged, gemm, heldOutVectors).stats();
    table.add("data parallel", dataParallel);
    table.add("sync steps", syncSteps);
    table.add("sync moments", moments.configName());
    table.add("sync overlap steps", syncOverlapSteps);
    table.add("sync rounds", result.rounds().size());
    table.add("data parallel learning rate",
        Double.parseDouble(Float.toString(first.config().optimizer().learningRate())));
    table.add("data parallel seconds", seconds);
    table.add("data parallel fvu", stats.fvu());
    table.add("data parallel l0", stats.l0());
    table.add("data parallel dead fraction",
        run.replicas().stream().mapToDouble(OnlineTrainer::deadFraction).average().orElse(0));
    table.add("data parallel skipped batches",
        run.replicas().stream().mapToLong(OnlineTrainer::skippedBatches).sum());
    table.add("mean replica divergence", result.meanDivergence());
    // an average of unit-norm decoder directions is shorter than 1 where the replicas disagree
    SaeParameters avg = result.parameters();
    table.add("data parallel mean decoder norm", IntStream.range(0, avg.latentDim())
        .mapToDouble(avg::decoderNorm).average().orElse(Double.NaN));
    if (truth != null) {
      FeatureRecovery rec = FeatureRecovery.of(truth.dictionary(), result.parameters(), RECOVERY_THRESHOLD);
      table.add("data parallel mmcs", rec.mmcs());
      table.add("data parallel recovered fraction", rec.recoveredFraction());
      table.add("mmcs diff", rec.mmcs() - singleRecovery.mmcs());
      table.add("recovered fraction diff",
          rec.recoveredFraction() - singleRecovery.recoveredFraction());
    }
    table.add("fvu ratio", stats.fvu() / single.fvu());
  }

  /**
   * Held-out vectors to measure final models on: the fresh synthetic stream (variant 1) {@link
   * #measureLabelled} uses, or the file's first {@code --held-out} records.
   */
  private List<float[]> heldOutVectors(DatasetSpec data) {
    List<float[]> vectors = new ArrayList<>();
    if (data.kind() == DatasetSpec.Kind.SYNTHETIC) {
      try (VectorSource source = new SyntheticDictionary(data.syntheticConfig(model.seed)).stream(heldOut, 1)) {
        source.forEachRemaining(v -> vectors.add(v.values()));
      }
      return vectors;
    }
    try (VectorSource source = data.open(heldOut, model.seed)) {
      source.forEachRemaining(v -> vectors.add(v.values()));
    }
    return vectors;
  }

  /** FVU and L0 of the final model on the first {@code --held-out} records of a file. */
  private TrainingStats measure(DatasetSpec data, SaeModel m, Gemm gemm) {
    return ModelQuality.measure(m, gemm, heldOutVectors(data)).stats();
  }

  /**
   * FVU and L0 of the final model on a fresh synthetic stream (variant 1), counting in {@code
   * firing} which latents fire with which true features and in {@code absorption} (null without a
   * hierarchy) whether parents' latents fire with and without a child.
   */
  private TrainingStats measureLabelled(SyntheticDictionary truth, SaeModel m, Gemm gemm,
      FiringAgreement firing, ParentAbsorption absorption) {
    List<float[]> vectors = new ArrayList<>();
    List<int[]> active = new ArrayList<>();
    try (SyntheticDictionary.SyntheticStream source = truth.stream(heldOut, 1)) {
      while (source.hasNext()) {
        SyntheticDictionary.Draw draw = source.nextDraw();
        vectors.add(draw.vector().values());
        active.add(draw.activeFeatures());
      }
    }
    return ModelQuality.measure(m, gemm, vectors, (v, latents, count) -> {
      int[] a = active.get(v);
      firing.add(a, a.length, latents, count);
      if (absorption != null) {
        absorption.add(a, a.length, latents, count);
      }
    }).stats();
  }

  /** The decoder directions, one row of length d per latent. */
  private static float[][] decoderRows(SaeParameters p) {
    int d = p.inputDim();
    float[][] rows = new float[p.latentDim()][];
    for (int j = 0; j < rows.length; j++) {
      rows[j] = Arrays.copyOfRange(p.wDec, j * d, (j + 1) * d);
    }
    return rows;
  }
}
