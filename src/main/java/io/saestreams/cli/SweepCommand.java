package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.SyntheticDictionary;
import io.saestreams.data.VectorSource;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.report.SummaryTable;
import io.saestreams.train.FeatureRecovery;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import io.saestreams.train.TrainingStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a grid of configurations, one online pass each, and writes a sensitivity report. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Hyperparameter sensitivity: trains every configuration of a grid for one online pass over"
          + " the same records (same seed) and measures each final model on held-out data like"
          + " evaluate: FVU, L0, dead and dense fractions and, on synthetic data, MMCS and the"
          + " fraction of true features recovered.",
      "The grid: TopK over --topk-k, ReLU + L1 over --l1 (λ), sigmoid + KL over --kl-weight (β)"
          + " × --kl-target (ρ); each crossed with --learning-rate. --families chooses the"
          + " families.",
      "Writes into --out: sweep.csv (one row per configuration), sweep.md (the table and the"
          + " pictures), frontier.png (FVU against L0 per family, the Pareto frontier drawn),"
          + " dead-fraction.png and, with ground truth, mmcs.png."
    })
final class SweepCommand implements Callable<Integer> {
  /** The cosine above which a true feature counts as recovered. */
  static final double RECOVERY_THRESHOLD = 0.9;

  @Spec CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic[:k=v,...], idx:PATH or csv:PATH (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--records", defaultValue = "50000", description = "Training records per configuration, one pass (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--held-out", defaultValue = "5000", description = "Records to measure each final model on (default: ${DEFAULT-VALUE}).")
  int heldOut;

  @Option(names = "--out", defaultValue = "sweep-report", description = "Folder for the report (created; files in it are replaced) (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--families", defaultValue = "topk,relu+l1,sigmoid+kl", description = "Families to sweep: topk, relu+l1 (or l1), sigmoid+kl (or kl) (default: ${DEFAULT-VALUE}).")
  String families;

  @Option(names = "--topk-k", defaultValue = "4,8,16", description = "TopK: values of k (default: ${DEFAULT-VALUE}).")
  String topkK;

  @Option(names = "--l1", defaultValue = "0.3,1", description = "ReLU + L1: values of the L1 coefficient λ (default: ${DEFAULT-VALUE}).")
  String l1;

  @Option(names = "--kl-weight", defaultValue = "0.03,0.3", description = "Sigmoid + KL: values of the KL weight β (default: ${DEFAULT-VALUE}).")
  String klWeight;

  @Option(names = "--kl-target", defaultValue = "0.02,0.1", description = "Sigmoid + KL: values of the KL target ρ (default: ${DEFAULT-VALUE}).")
  String klTarget;

  @Option(names = "--learning-rate", defaultValue = "0.001,0.003", description = "Learning rates, crossed with every family's values (default: ${DEFAULT-VALUE}).")
  String learningRate;

  @Option(names = "--latents", defaultValue = "512", description = "Number of latents n (default: ${DEFAULT-VALUE}).")
  int latents;

  @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum, rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--revival", defaultValue = "reinit", description = "Dead-latent revival: none, auxk or reinit (default: ${DEFAULT-VALUE}).")
  String revival;

  @Option(names = "--dead-window", defaultValue = "50000", description = "A latent that has not fired in this many samples is dead (default: ${DEFAULT-VALUE}).")
  int deadWindow;

  @Option(names = "--seed", defaultValue = "42", description = "The seed of the data and of every configuration's initialisation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object summarising the sweep instead of a table.")
  boolean json;

  @Option(names = "--no-progress", description = "Draw no progress bar on standard error.")
  boolean noProgress;

  @Mixin GemmOption gemmOption;

  /**
   * One configuration's figures.
   *
   * @param mmcs NaN without ground truth
   * @param recoveredFraction NaN without ground truth
   * @param seconds wall-clock training time of the pass
   */
  record Result(SweepGrid.Config config, long records, double fvu, double l0,
      double deadFraction, double denseFraction, double mmcs, double recoveredFraction,
      long skippedBatches, double seconds) {}

  @Override
  public Integer call() {
    if (records < 1 || heldOut < 1) {
      throw new ParameterException(spec.commandLine(),
          "--records and --held-out must be >= 1, got " + records + " and " + heldOut);
    }
    List<SweepGrid.Config> grid;
    try {
      grid = grid();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DatasetSpec data = DatasetSpec.parse(dataset);
    // every configuration's options are checked before the first one trains
    List<ModelOptions> options = new ArrayList<>();
    for (SweepGrid.Config c : grid) {
      options.add(modelOptions(c));
    }
    Gemm gemm = gemmOption.create();
    SyntheticDictionary truth = data.kind() == DatasetSpec.Kind.SYNTHETIC
        ? new SyntheticDictionary(data.syntheticConfig(seed)) : null;
    List<float[]> heldOutVectors = heldOutVectors(data, truth);
    PrintWriter err = spec.commandLine().getErr();
    long total = records * grid.size();
    ProgressBar bar = new ProgressBar(err, "sweep", total, !noProgress);
    long start = System.nanoTime();
    List<Result> results = new ArrayList<>();
    long done = 0;
    // the bar is redrawn in place: pad the text so that a shorter one covers a longer one
    int width = grid.stream().mapToInt(c -> c.label().length()).max().orElse(0) + 12;
    for (int i = 0; i < grid.size(); i++) {
      SweepGrid.Config c = grid.get(i);
      String extra = pad((i + 1) + "/" + grid.size() + " " + c.label(), width);
      long t0 = System.nanoTime();
      OnlineTrainer trainer;
      long trained = 0;
      try (VectorSource source = data.open(records, seed)) {
        TrainerConfig cfg = options.get(i).trainerConfig(source.dimension());
        trainer = new OnlineTrainer(cfg, gemm);
        while (source.hasNext()) {
          trainer.accept(source.next().values());
          trained++;
          if ((trained & 1023) == 0) {
            bar.update(done + trained, extra);
          }
        }
        trainer.flush();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      done += trained;
      bar.update(done, extra);
      results.add(measure(c, trainer, trained, seconds, gemm, heldOutVectors, truth));
    }
    bar.finish(done, pad(grid.size() + " configurations", width));
    double seconds = (System.nanoTime() - start) / 1e9;
    SweepReport report = new SweepReport(dataset, records, heldOutVectors.size(), latents, seed,
        results, truth != null, seconds);
    report.write(out);
    SummaryTable table = report.summary(out);
    table.add("gemm", gemm.name());
    PrintWriter o = spec.commandLine().getOut();
    o.println(json ? table.toJson() : table.toText());
    o.flush();
    return ExitCodes.OK;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private List<SweepGrid.Config> grid() {
    List<SweepGrid.Family> fams = SweepGrid.parseList("--families", families, SweepGrid.Family::parse);
    List<Integer> ks = SweepGrid.parseList("--topk-k", topkK, Integer::parseInt);
    List<Float> l1s = SweepGrid.parseList("--l1", l1, Float::parseFloat);
    List<Float> betas = SweepGrid.parseList("--kl-weight", klWeight, Float::parseFloat);
    List<Float> rhos = SweepGrid.parseList("--kl-target", klTarget, Float::parseFloat);
    List<Float> rates = SweepGrid.parseList("--learning-rate", learningRate, Float::parseFloat);
    for (int k : ks) {
      if (k < 1 || k > latents) {
        throw new IllegalArgumentException("--topk-k values must be in [1, --latents = " + latents
            + "], got " + k);
      }
    }
    for (float v : l1s) {
      if (!(v >= 0) || Float.isInfinite(v)) {
        throw new IllegalArgumentException("--l1 values must be finite and >= 0, got " + v);
      }
    }
    for (float v : betas) {
      if (!(v >= 0) || Float.isInfinite(v)) {
        throw new IllegalArgumentException("--kl-weight values must be finite and >= 0, got " + v);
      }
    }
    for (float v : rhos) {
      if (!(v > 0 && v < 1)) {
        throw new IllegalArgumentException("--kl-target values must be in (0, 1), got " + v);
      }
    }
    for (float v : rates) {
      if (!(v > 0) || Float.isInfinite(v)) {
        throw new IllegalArgumentException("--learning-rate values must be finite and > 0, got "
            + v);
      }
    }
    return SweepGrid.build(fams, ks, l1s, betas, rhos, rates);
  }

  /** The evaluate options of one configuration, with every other option at its default. */
  private ModelOptions modelOptions(SweepGrid.Config c) {
    List<String> common = List.of("--latents", Integer.toString(latents), "--batch-size",
        Integer.toString(batchSize), "--optimizer", optimizer, "--revival", revival,
        "--dead-window", Integer.toString(deadWindow), "--seed", Long.toString(seed));
    try {
      ModelOptions m = CommandLine.populateCommand(new ModelOptions(),
          c.modelArgs(common).toArray(String[]::new));
      m.trainerConfig(8); // validates the values (an input dimension is needed; any will do)
      return m;
    } catch (CommandLine.ParameterException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The fresh synthetic stream (variant 1) evaluate uses, or the first records of the file. */
  private List<float[]> heldOutVectors(DatasetSpec data, SyntheticDictionary truth) {
    List<float[]> vectors = new ArrayList<>();
    try (VectorSource source = truth != null ? truth.stream(heldOut, 1)
        : data.open(heldOut, seed)) {
      source.forEachRemaining(v -> vectors.add(v.values()));
    }
    return vectors;
  }

  private static Result measure(SweepGrid.Config c, OnlineTrainer trainer, long trained,
      double seconds, Gemm gemm, List<float[]> heldOut, SyntheticDictionary truth) {
    SaeModel model = SaeModel.of(trainer.config().model(), trainer.parameters(), trainer.steps());
    ModelQuality.Result q = ModelQuality.measure(model, gemm, heldOut);
    TrainingStats stats = q.stats();
    double dense = 0;
    for (double f : q.firingFrequency()) {
      if (f > trainer.config().denseThreshold()) {
        dense++;
      }
    }
    dense /= q.firingFrequency().length;
    double mmcs = Double.NaN;
    double recovered = Double.NaN;
    if (truth != null) {
      FeatureRecovery rec = FeatureRecovery.of(truth.dictionary(), trainer.parameters(),
          RECOVERY_THRESHOLD);
      mmcs = rec.mmcs();
      recovered = rec.recoveredFraction();
    }
    return new Result(c, trained, stats.fvu(), stats.l0(), trainer.deadFraction(), dense, mmcs,
        recovered, trainer.skippedBatches(), seconds);
  }
}
