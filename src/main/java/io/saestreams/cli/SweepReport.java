package io.saestreams.cli;

import io.saestreams.report.BarChart;
import io.saestreams.report.ParetoFrontier;
import io.saestreams.report.ScatterChart;
import io.saestreams.report.Series;
import io.saestreams.report.SummaryTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** The files of a sweep's report folder and its summary. */
final class SweepReport {
  static final String CSV = "sweep.csv";
  static final String MARKDOWN = "sweep.md";
  static final String FRONTIER = "frontier.png";
  static final String DEAD = "dead-fraction.png";
  static final String MMCS = "mmcs.png";
  /** Configurations with a higher FVU are not drawn in the frontier picture. */
  static final double FVU_CAP = 1.5;

  /** The CSV header; {@code seconds} is last so that a reproducibility check can drop it. */
  static final List<String> COLUMNS = List.of("index", "family", "activation", "sparsity", "k",
      "l1", "kl_weight", "kl_target", "learning_rate", "records", "fvu", "l0", "dead_fraction",
      "dense_fraction", "mmcs", "recovered_fraction", "skipped_batches", "pareto", "seconds");

  private final String dataset;
  private final long records;
  private final int heldOut;
  private final int latents;
  private final long seed;
  private final List<SweepCommand.Result> results;
  private final boolean truth;
  private final double seconds;
  private final boolean[] pareto;
  private final int[] frontier;

  SweepReport(String dataset, long records, int heldOut, int latents, long seed,
      List<SweepCommand.Result> results, boolean truth, double seconds) {
    this.dataset = dataset;
    this.records = records;
    this.heldOut = heldOut;
    this.latents = latents;
    this.seed = seed;
    this.results = List.copyOf(results);
    this.truth = truth;
    this.seconds = seconds;
    double[] l0 = results.stream().mapToDouble(SweepCommand.Result::l0).toArray();
    double[] fvu = results.stream().mapToDouble(SweepCommand.Result::fvu).toArray();
    this.frontier = ParetoFrontier.indices(l0, fvu);
    this.pareto = ParetoFrontier.mask(l0, fvu);
  }

  /** Writes the CSV, the Markdown page and the pictures into {@code dir}. */
  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(CSV), csv(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(MARKDOWN), markdown(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
    writeFrontier(dir.resolve(FRONTIER));
    double[] dead = results.stream().mapToDouble(SweepCommand.Result::deadFraction).toArray();
    BarChart.write(dir.resolve(DEAD), dead,
        "Dead fraction per configuration (index as in " + CSV + ")", Double.NaN);
    if (truth) {
      double[] mmcs = results.stream().mapToDouble(SweepCommand.Result::mmcs).toArray();
      BarChart.write(dir.resolve(MMCS), mmcs,
          "MMCS with the true features per configuration (index as in " + CSV + ")", Double.NaN);
    }
  }

  /**
   * FVU against L0 per family, the frontier joined and ringed. Configurations with an FVU above
   * {@link #FVU_CAP} (worse than reconstructing every input as the mean, by half again) are left
   * out of the picture, and counted in its title, unless no configuration is below it.
   *
   * @return how many configurations were left out
   */
  int writeFrontier(Path png) {
    double cap = results.stream().anyMatch(r -> r.fvu() <= FVU_CAP) ? FVU_CAP
        : Double.POSITIVE_INFINITY;
    List<Series> groups = new ArrayList<>();
    int hidden = 0;
    for (SweepGrid.Family f : SweepGrid.Family.values()) {
      List<SweepCommand.Result> rs = results.stream().filter(r -> r.config().family() == f).toList();
      if (rs.isEmpty()) {
        continue;
      }
      List<SweepCommand.Result> shown = rs.stream().filter(r -> r.fvu() <= cap).toList();
      hidden += rs.size() - shown.size();
      groups.add(new Series(f.label, shown.stream().mapToDouble(SweepCommand.Result::l0).toArray(),
          shown.stream().mapToDouble(SweepCommand.Result::fvu).toArray()));
    }
    double[] fx = new double[frontier.length];
    double[] fy = new double[frontier.length];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < frontier.length; i++) {
      labels.add("#" + frontier[i]);
      SweepCommand.Result r = results.get(frontier[i]);
      fx[i] = r.fvu() <= cap ? r.l0() : Double.NaN;
      fy[i] = r.fvu();
    }
    String title = "FVU (y) against L0, held-out data, one online pass each"
        + (hidden > 0 ? " (" + hidden + " with FVU > " + SweepGrid.num((float) FVU_CAP)
            + " not drawn)" : "");
    ScatterChart.write(png, title,
        "L0: active latents per sample (log scale when all are positive)", groups,
        new Series("Pareto frontier (#: index in " + CSV + ")", fx, fy), labels, true);
    return hidden;
  }

  /** One header line, then one line per configuration. */
  String csv() {
    StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (int i = 0; i < results.size(); i++) {
      SweepCommand.Result r = results.get(i);
      SweepGrid.Config c = r.config();
      StringJoiner row = new StringJoiner(",");
      row.add(Integer.toString(i)).add(c.family().label).add(c.family().activation)
          .add(c.family().sparsity)
          .add(c.family() == SweepGrid.Family.TOPK ? Integer.toString(c.k()) : "")
          .add(c.family() == SweepGrid.Family.RELU_L1 ? SweepGrid.num(c.l1()) : "")
          .add(c.family() == SweepGrid.Family.SIGMOID_KL ? SweepGrid.num(c.klWeight()) : "")
          .add(c.family() == SweepGrid.Family.SIGMOID_KL ? SweepGrid.num(c.klTarget()) : "")
          .add(SweepGrid.num(c.learningRate())).add(Long.toString(r.records()))
          .add(csvNumber(r.fvu())).add(csvNumber(r.l0())).add(csvNumber(r.deadFraction()))
          .add(csvNumber(r.denseFraction())).add(csvNumber(r.mmcs()))
          .add(csvNumber(r.recoveredFraction())).add(Long.toString(r.skippedBatches()))
          .add(Boolean.toString(pareto[i]))
          .add(String.format(Locale.ROOT, "%.3f", r.seconds()));
      sb.append(row).append('\n');
    }
    return sb.toString();
  }

  /** Full precision; empty for NaN (no ground truth) and infinities. */
  private static String csvNumber(double x) {
    return Double.isFinite(x) ? Double.toString(x) : "";
  }

  /** The table, the frontier and the pictures, as a Markdown page. */
  String markdown() {
    StringBuilder sb = new StringBuilder("# Hyperparameter sweep\n\n");
    sb.append(String.format(Locale.ROOT, "Data set `%s`, %,d training records per configuration"
        + " (one online pass), %,d held-out records, %d latents, seed %d; %d configurations in"
        + " %.1f s.%n%n", dataset, records, heldOut, latents, seed, results.size(), seconds));
    sb.append("| # | family | k | λ (L1) | β (KL) | ρ (KL) | learning rate | FVU | L0 | dead |"
        + " dense |");
    if (truth) {
      sb.append(" MMCS | recovered |");
    }
    sb.append(" frontier | seconds |\n|");
    int columns = 13 + (truth ? 2 : 0);
    sb.append(" --- |".repeat(columns)).append('\n');
    for (int i = 0; i < results.size(); i++) {
      SweepCommand.Result r = results.get(i);
      SweepGrid.Config c = r.config();
      sb.append("| ").append(i).append(" | ").append(c.family().label).append(" | ")
          .append(c.family() == SweepGrid.Family.TOPK ? Integer.toString(c.k()) : "").append(" | ")
          .append(c.family() == SweepGrid.Family.RELU_L1 ? SweepGrid.num(c.l1()) : "").append(" | ")
          .append(c.family() == SweepGrid.Family.SIGMOID_KL ? SweepGrid.num(c.klWeight()) : "")
          .append(" | ")
          .append(c.family() == SweepGrid.Family.SIGMOID_KL ? SweepGrid.num(c.klTarget()) : "")
          .append(" | ").append(SweepGrid.num(c.learningRate())).append(" | ")
          .append(fmt(r.fvu())).append(" | ").append(fmt(r.l0())).append(" | ")
          .append(percent(r.deadFraction())).append(" | ").append(percent(r.denseFraction()))
          .append(" | ");
      if (truth) {
        sb.append(fmt(r.mmcs())).append(" | ").append(percent(r.recoveredFraction())).append(" | ");
      }
      sb.append(pareto[i] ? "yes" : "").append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append(" |\n");
    }
    sb.append("\nPareto frontier (no other configuration has both a lower L0 and a lower FVU),"
        + " by increasing L0: ");
    StringJoiner fj = new StringJoiner(", ");
    for (int i : frontier) {
      fj.add("#" + i + " " + results.get(i).config().label());
    }
    sb.append(frontier.length == 0 ? "none" : fj.toString()).append(".\n\n");
    sb.append("![FVU against L0](").append(FRONTIER).append(")\n\n");
    sb.append("![Dead fraction per configuration](").append(DEAD).append(")\n");
    if (truth) {
      sb.append("\n![MMCS per configuration](").append(MMCS).append(")\n");
    }
    return sb.toString();
  }

  /** The summary printed by the command (text or JSON). */
  SummaryTable summary(Path dir) {
    SummaryTable t = new SummaryTable();
    t.add("dataset", dataset);
    t.add("configurations", results.size());
    t.add("records", records);
    t.add("held out", heldOut);
    t.add("latents", latents);
    t.add("seed", seed);
    t.add("seconds", seconds);
    int best = -1;
    for (int i = 0; i < results.size(); i++) {
      if (Double.isFinite(results.get(i).fvu())
          && (best < 0 || results.get(i).fvu() < results.get(best).fvu())) {
        best = i;
      }
    }
    if (best >= 0) {
      t.add("best fvu", results.get(best).fvu());
      t.add("best fvu l0", results.get(best).l0());
      t.add("best fvu configuration", "#" + best + " " + results.get(best).config().label());
    }
    if (truth) {
      int bestM = -1;
      for (int i = 0; i < results.size(); i++) {
        if (Double.isFinite(results.get(i).mmcs())
            && (bestM < 0 || results.get(i).mmcs() > results.get(bestM).mmcs())) {
          bestM = i;
        }
      }
      if (bestM >= 0) {
        t.add("best mmcs", results.get(bestM).mmcs());
        t.add("best mmcs configuration", "#" + bestM + " " + results.get(bestM).config().label());
      }
    }
    StringJoiner fj = new StringJoiner("; ");
    for (int i : frontier) {
      fj.add("#" + i + " " + results.get(i).config().label());
    }
    t.add("frontier", fj.toString());
    t.add("out", dir.toString());
    return t;
  }

  /** 4 significant digits, plain. */
  static String fmt(double x) {
    if (!Double.isFinite(x)) {
      return "";
    }
    if (x == 0) {
      return "0";
    }
    return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static String percent(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.1f %%", 100 * x) : "";
  }
}
