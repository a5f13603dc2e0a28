package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.saestreams.report.ParetoFrontier;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep} through the real command line, on a tiny grid. */
@Timeout(180)
class SweepCommandTest {
  private static final String DATA = "synthetic:dimension=16,features=16,mean-active=2";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** A tiny grid of 2·2 + 1·2 + 1·1·2 = 8 configurations. */
  private String[] tinyGrid(Path outDir, long seed, String... more) {
    List<String> args = new ArrayList<>(List.of("sweep", "--records", "3000", "--held-out", "500",
        "--latents", "32", "--dataset", DATA, "--topk-k", "2,4", "--l1", "0.1",
        "--kl-weight", "0.1", "--kl-target", "0.05", "--learning-rate", "0.003,0.01",
        "--batch-size", "32", "--dead-window", "1000", "--gemm", "java", "--seed",
        Long.toString(seed), "--out", outDir.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static List<String[]> csvRows(Path csv) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(csv)) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void writesTheCsvMarkdownAndPicturesAndPrintsAJsonSummary() throws Exception {
    Path report = dir.resolve("report");
    int code = run(tinyGrid(report, 42, "--json"));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    // the progress bar went to standard error, the JSON alone to standard output
    assertThat(err.toString()).contains("sweep [").contains("8 configurations");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("configurations").asInt()).isEqualTo(8);
    assertThat(json.get("records").asLong()).isEqualTo(3000);
    assertThat(json.get("out").asText()).isEqualTo(report.toString());
    assertThat(json.get("best_fvu").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("best_mmcs").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("frontier").asText()).contains("#");

    List<String[]> rows = csvRows(report.resolve(SweepReport.CSV));
    assertThat(rows).hasSize(9);
    assertThat(rows.get(0)).containsExactlyElementsOf(SweepReport.COLUMNS);
    int col = SweepReport.COLUMNS.indexOf("family");
    assertThat(rows.subList(1, 9).stream().map(r -> r[col]).toList()).containsExactly(
        "topk", "topk", "topk", "topk", "relu+l1", "relu+l1", "sigmoid+kl", "sigmoid+kl");
    int k = SweepReport.COLUMNS.indexOf("k");
    int lr = SweepReport.COLUMNS.indexOf("learning_rate");
    assertThat(rows.get(1)[k]).isEqualTo("2");
    assertThat(rows.get(1)[lr]).isEqualTo("0.003");
    assertThat(rows.get(2)[lr]).isEqualTo("0.01");
    assertThat(rows.get(3)[k]).isEqualTo("4");
    assertThat(rows.get(5)[SweepReport.COLUMNS.indexOf("l1")]).isEqualTo("0.1");
    assertThat(rows.get(5)[k]).isEmpty();
    assertThat(rows.get(7)[SweepReport.COLUMNS.indexOf("kl_weight")]).isEqualTo("0.1");
    assertThat(rows.get(7)[SweepReport.COLUMNS.indexOf("kl_target")]).isEqualTo("0.05");
    double[] l0 = new double[8];
    double[] fvu = new double[8];
    for (int i = 0; i < 8; i++) {
      String[] r = rows.get(i + 1);
      assertThat(r).hasSize(SweepReport.COLUMNS.size());
      assertThat(r[0]).isEqualTo(Integer.toString(i));
      assertThat(Long.parseLong(r[SweepReport.COLUMNS.indexOf("records")])).isEqualTo(3000);
      fvu[i] = Double.parseDouble(r[SweepReport.COLUMNS.indexOf("fvu")]);
      l0[i] = Double.parseDouble(r[SweepReport.COLUMNS.indexOf("l0")]);
      assertThat(fvu[i]).isPositive();
      assertThat(l0[i]).isBetween(0.0, 32.0);
      for (String name : List.of("dead_fraction", "dense_fraction", "recovered_fraction")) {
        assertThat(Double.parseDouble(r[SweepReport.COLUMNS.indexOf(name)])).as(name)
            .isBetween(0.0, 1.0);
      }
      assertThat(Double.parseDouble(r[SweepReport.COLUMNS.indexOf("mmcs")])).isBetween(-1.0, 1.0);
      assertThat(Double.parseDouble(r[SweepReport.COLUMNS.indexOf("seconds")])).isPositive();
    }
    // TopK's L0 is k
    assertThat(l0[0]).isEqualTo(2.0);
    assertThat(l0[3]).isEqualTo(4.0);
    boolean[] onFrontier = ParetoFrontier.mask(l0, fvu);
    int pareto = SweepReport.COLUMNS.indexOf("pareto");
    for (int i = 0; i < 8; i++) {
      assertThat(Boolean.parseBoolean(rows.get(i + 1)[pareto])).as("row " + i)
          .isEqualTo(onFrontier[i]);
    }

    String md = Files.readString(report.resolve(SweepReport.MARKDOWN));
    assertThat(md).contains("| # | family |").contains("MMCS").contains("](frontier.png)")
        .contains("](mmcs.png)");
    assertThat(md.lines().filter(l -> l.matches("\\| \\d+ \\|.*"))).hasSize(8);
    for (String png : List.of(SweepReport.FRONTIER, SweepReport.DEAD, SweepReport.MMCS)) {
      BufferedImage image = ImageIO.read(report.resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).isEqualTo(800);
    }
  }

  @Test
  void theSameSeedGivesTheSameNumbers() throws Exception {
    assertThat(run(tinyGrid(dir.resolve("a"), 7, "--no-progress"))).as(err.toString())
        .isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).isEmpty();
    assertThat(run(tinyGrid(dir.resolve("b"), 7, "--no-progress"))).isEqualTo(ExitCodes.OK);
    assertThat(run(tinyGrid(dir.resolve("c"), 8, "--no-progress"))).isEqualTo(ExitCodes.OK);
    List<String> a = withoutSeconds(dir.resolve("a").resolve(SweepReport.CSV));
    List<String> b = withoutSeconds(dir.resolve("b").resolve(SweepReport.CSV));
    List<String> c = withoutSeconds(dir.resolve("c").resolve(SweepReport.CSV));
    assertThat(a).hasSize(9).isEqualTo(b);
    assertThat(c).hasSize(9).isNotEqualTo(a);
  }

  private static List<String> withoutSeconds(Path csv) throws Exception {
    return Files.readAllLines(csv).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }

  @Test
  void aFileWithoutGroundTruthHasNoMmcs() throws Exception {
    Path csv = dir.resolve("data.csv");
    Random random = new Random(1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      double[] v = new double[8];
      v[random.nextInt(8)] = 1 + random.nextDouble();
      sb.append(String.join(",", Arrays.stream(v).mapToObj(Double::toString).toList()))
          .append('\n');
    }
    Files.writeString(csv, sb.toString());
    Path report = dir.resolve("file-report");
    int code = run("sweep", "--dataset", "csv:" + csv, "--records", "1000", "--held-out", "300",
        "--latents", "16", "--families", "topk,l1", "--topk-k", "1,2", "--l1", "0.01",
        "--learning-rate", "0.01", "--batch-size", "32", "--dead-window", "500", "--gemm", "java",
        "--out", report.toString(), "--json", "--no-progress");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("configurations").asInt()).isEqualTo(3);
    assertThat(json.has("best_mmcs")).isFalse();
    List<String[]> rows = csvRows(report.resolve(SweepReport.CSV));
    assertThat(rows).hasSize(4);
    for (String[] r : rows.subList(1, 4)) {
      assertThat(r[SweepReport.COLUMNS.indexOf("mmcs")]).isEmpty();
      assertThat(r[SweepReport.COLUMNS.indexOf("recovered_fraction")]).isEmpty();
      assertThat(Long.parseLong(r[SweepReport.COLUMNS.indexOf("records")])).isEqualTo(1000);
    }
    assertThat(report.resolve(SweepReport.FRONTIER)).exists();
    assertThat(report.resolve(SweepReport.DEAD)).exists();
    assertThat(report.resolve(SweepReport.MMCS)).doesNotExist();
    assertThat(Files.readString(report.resolve(SweepReport.MARKDOWN))).doesNotContain("MMCS");
  }

  @Test
  void badGridValuesAreUsageErrors() {
    assertThat(run("sweep", "--topk-k", "0", "--out", dir.toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--topk-k values must be in [1, --latents = 512], got 0");
    assertThat(run("sweep", "--families", "topk,softmax")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown family 'softmax'");
    assertThat(run("sweep", "--kl-target", "0.05,1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--kl-target values must be in (0, 1), got 1.0");
    assertThat(run("sweep", "--learning-rate", "0.001,x")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--learning-rate '0.001,x': 'x' is not a number");
    assertThat(run("sweep", "--l1", "0.1,0.1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("lists 0.1 twice");
    assertThat(run("sweep", "--records", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--records and --held-out must be >= 1");
  }

  @Test
  void gridOrderAndLabels() {
    List<SweepGrid.Config> grid = SweepGrid.build(
        List.of(SweepGrid.Family.SIGMOID_KL, SweepGrid.Family.TOPK), List.of(8),
        List.of(0.1f), List.of(0.03f, 0.3f), List.of(0.02f), List.of(1e-3f, 3e-3f));
    assertThat(grid.stream().map(SweepGrid.Config::label).toList()).containsExactly(
        "sigmoid+kl beta=0.03 rho=0.02 lr=0.001", "sigmoid+kl beta=0.03 rho=0.02 lr=0.003",
        "sigmoid+kl beta=0.3 rho=0.02 lr=0.001", "sigmoid+kl beta=0.3 rho=0.02 lr=0.003",
        "topk k=8 lr=0.001", "topk k=8 lr=0.003");
    assertThat(SweepGrid.num(1f)).isEqualTo("1");
    assertThat(SweepGrid.num(1e-5f)).isEqualTo("1e-05");
  }

  @Test
  void theFrontierPictureLeavesOutFvuAboveTheCapUnlessNothingIsBelowIt() throws Exception {
    SweepGrid.Config c = new SweepGrid.Config(SweepGrid.Family.TOPK, 4, 0, 0, 0, 1e-3f);
    SweepGrid.Config r = new SweepGrid.Config(SweepGrid.Family.RELU_L1, 0, 1, 0, 0, 1e-3f);
    List<SweepCommand.Result> results = List.of(
        new SweepCommand.Result(c, 10, 0.2, 4, 0, 0, 0.9, 0.5, 0, 1),
        new SweepCommand.Result(r, 10, 800, 1, 0, 0, 0.1, 0, 0, 1),
        new SweepCommand.Result(r, 10, 0.5, 20, 0, 0, 0.3, 0, 0, 1));
    SweepReport report = new SweepReport("synthetic", 10, 5, 8, 1, results, true, 3);
    // the FVU-800 point is on the frontier (lowest L0) but is not drawn
    assertThat(report.csv().lines().skip(1).map(l -> l.split(",")[SweepReport.COLUMNS.indexOf(
        "pareto")]).toList()).containsExactly("true", "true", "false");
    assertThat(report.writeFrontier(dir.resolve("f.png"))).isEqualTo(1);
    assertThat(ImageIO.read(dir.resolve("f.png").toFile())).isNotNull();
    SweepReport bad = new SweepReport("synthetic", 10, 5, 8, 1,
        List.of(results.get(1)), true, 1);
    assertThat(bad.writeFrontier(dir.resolve("g.png"))).isZero();
  }
}
