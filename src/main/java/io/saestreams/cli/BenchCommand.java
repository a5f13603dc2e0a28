package io.saestreams.cli;

import io.saestreams.model.linalg.Gemm;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.model.linalg.SparseKernelBenchmark;
import io.saestreams.model.linalg.SparseOps;
import io.saestreams.report.SummaryTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Training and inference throughput, EJML reference next to the fast path, in one run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures single-thread training throughput (samples/s, Adam) and inference throughput",
      "(encode + reconstruction error) for the reference shapes, with the EJML-only path and",
      "the fast GEMM path side by side in the same run. Run with OPENBLAS_NUM_THREADS=1 for a",
      "one-thread figure on the system's OpenBLAS (native); the bundled one (openblas-bundled)",
      "always runs one thread. --torch alternates PyTorch and Java runs instead (ratios)."
    })
final class BenchCommand implements Callable<Integer> {
  private static final int PIPELINE_DIM = 784;
  private static final int PIPELINE_LATENTS = 256;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print a JSON list instead of a table.")
  boolean json;

  @Option(names = "--seconds", defaultValue = "3", description = "Minimum measuring time per shape and backend (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--backends", split = ",", defaultValue = "ejml,auto", description = "Backends to compare (default: ${DEFAULT-VALUE}; also java, java-vector, native, openblas-bundled).")
  List<String> backends;

  @Option(names = "--shape", description = "Only shapes whose name contains this text, e.g. n4096.")
  String only;

  @Option(names = "--torch", description = "Compare with the PyTorch reference (same shapes, one thread, Adam) instead of the table: per shape and backend, --torch-rounds alternations of a PyTorch run and a Java run of --seconds each (A B A B ...), then the medians and the median of the per-round ratios; needs PyTorch for --python (Debian: python3-torch).")
  boolean torch;

  @Option(names = "--torch-rounds", defaultValue = "5", description = "PyTorch/Java alternations per shape and backend for --torch (default: ${DEFAULT-VALUE}).")
  int torchRounds;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with PyTorch for --torch (default: ${DEFAULT-VALUE}).")
  String python;

  @Option(names = "--pipeline", description = "Measure records/s end to end through the streaming pipeline (embedded broker) next to a pass-through topology with the same serdes, a floor (pass-through + the single-partition training topic, no model) and the data-parallel pipeline (train.mode=data-parallel, a replica per input partition), each with its CPU per record and pipeline_efficiency, instead of the training engine.")
  boolean pipeline;

  @Option(names = "--scale", description = "Measure data-parallel training throughput (samples/s trained, and per CPU-second) with one application instance and with two, each a JVM of its own (run --config) on one embedded broker, over the same pre-produced input (--records, --partitions, at least 2), instead of the training engine; --rounds repeats the pair.")
  boolean scale;

  @Option(names = "--serde", description = "Measure decoding of InputVector records (records/s at d = 64, 784, 4096): the project's direct reader next to Avro's own specific reader, instead of the training engine; --seconds applies.")
  boolean serde;

  @Option(names = "--sparse", description = "Time the sparse kernels of a TopK step (decode, decoder-gradient accumulation, gathered dot products; d = 784, B = 64, k = 8 and 32, n = 256 and 4096): the kernel in use (the Vector API's when the JVM has --add-modules jdk.incubator.vector, which bin/sae-streams adds) next to the scalar one, alternated, instead of the training engine; --seconds applies.")
  boolean sparse;

  @Option(names = "--model-store", description = "Measure how long an instance takes to start (until the newest model version is readable) with --versions versions of a d784·n1024 model on the model topic, for the global model store in memory (what the application uses), persistent after a wipe, and persistent after a clean stop; --rounds starts of each.")
  boolean modelStore;

  @Option(names = "--versions", defaultValue = "10", description = "Model versions on the topic for --model-store (default: ${DEFAULT-VALUE}).")
  int versions;

  @Option(names = "--records", defaultValue = "20000", description = "Records for --pipeline (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--partitions", defaultValue = "2", description = "Input partitions for --pipeline (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--set", description = "For --pipeline: an application setting key=value over the demo's model settings (TopK k=8, n=256), repeatable, e.g. --set sae.activation=relu --set sae.sparsity=l1.")
  java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds of the three --pipeline measurements; the first ones warm the JIT up and the last is the figure reported; with 4 or more, also the medians from round 3 on (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws Exception {
    if (pipeline) {
      return pipeline();
    }
    if (serde) {
      return serde();
    }
    if (sparse) {
      return sparse();
    }
    if (scale) {
      return scale();
    }
    if (modelStore) {
      ModelStoreBenchmark b = new ModelStoreBenchmark(784, 1024, versions, rounds);
      PrintWriter err = spec.commandLine().getErr();
      ModelStoreBenchmark.print(b.run(err), spec.commandLine().getOut());
      return ExitCodes.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // create the backends before describing "auto": describing it loads the bundled OpenBLAS,
    // which the system's (native) cannot share a JVM with
    List<Gemm> gemms = new ArrayList<>();
    for (String b : backends) {
      gemms.add(Gemms.create(b));
    }
    if (!json) {
      err.println("GEMM: " + Gemms.describe() + "; sparse kernel: " + SparseOps.kernel());
      err.flush();
    }
    if (torch) {
      return torchInterleaved(gemms, out, err);
    }
    TrainingBenchmark bench = new TrainingBenchmark(seconds);
    List<TrainingBenchmark.Result> results = new ArrayList<>();
    for (TrainingBenchmark.Shape shape : TrainingBenchmark.SHAPES) {
      if (only != null && !shape.name().contains(only)) {
        continue;
      }
      for (Gemm gemm : gemms) {
        TrainingBenchmark.Result r = bench.run(shape, gemm);
        results.add(r);
        if (!json) {
          out.printf(Locale.ROOT, "%-16s %-18s %-7s train %10.0f samples/s   infer %10.0f samples/s%n",
              shape.name(), shape.activationName(), r.backend(), r.trainSamplesPerSecond(),
              r.inferSamplesPerSecond());
          out.flush();
        }
      }
    }
    if (json) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < results.size(); i++) {
        TrainingBenchmark.Result r = results.get(i);
        SummaryTable t = new SummaryTable();
        t.add("shape", r.shape().name());
        t.add("activation", r.shape().activationName());
        t.add("backend", r.backend());
        t.add("train_samples_per_second", r.trainSamplesPerSecond());
        t.add("infer_samples_per_second", r.inferSamplesPerSecond());
        sb.append(i == 0 ? "" : ",").append(t.toJson());
      }
      out.println(sb.append(']'));
    } else {
      // ratios fast / EJML per shape
      for (TrainingBenchmark.Result r : results) {
        for (TrainingBenchmark.Result ref : results) {
          if (ref.shape() == r.shape() && ref.backend().equals("ejml")
              && !r.backend().equals("ejml")) {
            out.printf(Locale.ROOT, "%-16s %s/ejml training speed-up %.1fx%n", r.shape().name(),
                r.backend(), r.trainSamplesPerSecond() / ref.trainSamplesPerSecond());
          }
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * bench --torch: per shape and backend, PyTorch and Java train in turn (A B A B ...), each for
   * --seconds, so that each Java figure has a PyTorch figure measured just before it under the
   * same machine load; the ratio reported is the median of these per-round ratios.
   */
  private int torchInterleaved(List<Gemm> gemms, PrintWriter out, PrintWriter err)
      throws Exception {
    if (torchRounds < 1) {
      err.println("--torch-rounds must be at least 1");
      return ExitCodes.USAGE;
    }
    StringBuilder json = new StringBuilder("[");
    try (TorchReference ref = new TorchReference(python)) {
      if (!this.json) {
        err.println("PyTorch: " + ref.version() + "; " + torchRounds + " alternations of "
            + seconds + " s per shape and backend");
        err.flush();
      }
      for (TrainingBenchmark.Shape shape : TrainingBenchmark.SHAPES) {
        if (only != null && !shape.name().contains(only)) {
          continue;
        }
        for (Gemm gemm : gemms) {
          TrainingBenchmark.Session session =
              new TrainingBenchmark.Session(shape, gemm, Math.max(1.0, 0.5 * seconds));
          double[] own = new double[torchRounds];
          double[] py = new double[torchRounds];
          double[] ratio = new double[torchRounds];
          for (int i = 0; i < torchRounds; i++) {
            py[i] = ref.measure(shape.name(), seconds);
            own[i] = session.trainSamplesPerSecond(seconds);
            ratio[i] = own[i] / py[i];
          }
          double[] sortedRatio = ratio.clone();
          java.util.Arrays.sort(sortedRatio);
          if (this.json) {
            SummaryTable t = new SummaryTable();
            t.add("shape", shape.name());
            t.add("activation", shape.activationName());
            t.add("backend", gemm.name());
            t.add("rounds", torchRounds);
            t.add("train_samples_per_second", median(own));
            t.add("torch_train_samples_per_second", median(py));
            t.add("ratio_to_torch", median(ratio));
            t.add("ratio_to_torch_min", sortedRatio[0]);
            t.add("ratio_to_torch_max", sortedRatio[torchRounds - 1]);
            json.append(json.length() == 1 ? "" : ",").append(t.toJson());
          } else {
            out.printf(Locale.ROOT, "%-16s %-18s %-16s train %,9.0f samples/s, PyTorch %,9.0f:"
                + " %.2fx (median of %d A/B rounds; %.2f-%.2f)%n", shape.name(),
                shape.activationName(), gemm.name(), median(own), median(py), median(ratio),
                torchRounds, sortedRatio[0], sortedRatio[torchRounds - 1]);
            out.flush();
          }
        }
      }
    }
    if (this.json) {
      out.println(json.append(']'));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The median of the values (not modified), NaN when there are none. */
  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  private int scale() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ScaleBenchmark bench;
    try {
      bench = new ScaleBenchmark(records, PIPELINE_DIM, PIPELINE_LATENTS, partitions, rounds, settings);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.USAGE;
    }
    List<ScaleBenchmark.Result> results = bench.run(r -> {
      if (!json) {
        out.printf(Locale.ROOT, "round %d, %d instance(s): %,d samples trained in %.2f s: %,.0f samples/s,"
            + " %,.0f samples per CPU-second (%.1f CPU-seconds, %.1f of them compiling: %,.0f per CPU-second"
            + " without); after the first %.0f %% (JIT warm-up): %,.0f samples/s, %,.0f per CPU-second, %,.0f"
            + " without compiling (%.1f cores busy, %.2f compiling)%n", r.round(), r.instances(), r.whole().samples(),
            r.whole().seconds(), r.whole().samplesPerSecond(), r.whole().samplesPerCpuSecond(), r.whole().cpuSeconds(),
            r.whole().jitSeconds(), r.whole().samplesPerCpuSecondWithoutJit(),
            100 * ScaleBenchmark.WARM_UP, r.steady().samplesPerSecond(), r.steady().samplesPerCpuSecond(),
            r.steady().samplesPerCpuSecondWithoutJit(), r.steady().cpuSeconds() / r.steady().seconds(),
            r.steady().jitSeconds() / r.steady().seconds());
        out.printf(Locale.ROOT, "    averages taken by the replicas: %d; their training waited for them %,.0f ms in all"
            + " (%.0f ms each)%n", r.waits().averages(), 1e3 * r.waits().seconds(), r.waits().millisEach());
        out.flush();
      }
    });
    if (json) {
      StringBuilder sb = new StringBuilder("[");
      for (ScaleBenchmark.Result r : results) {
        SummaryTable t = new SummaryTable();
        t.add("round", r.round());
        t.add("instances", r.instances());
        addWindow(t, "", r.whole());
        addWindow(t, "steady_", r.steady());
        t.add("averages_taken", r.waits().averages());
        t.add("average_wait_ms", 1e3 * r.waits().seconds());
        sb.append(sb.length() == 1 ? "" : ",").append(t.toJson());
      }
      out.println(sb.append(']'));
    } else {
      for (int round = 1; round <= rounds; round++) {
        final int k = round;
        ScaleBenchmark.Result one = results.stream().filter(r -> r.round() == k && r.instances() == 1).findFirst()
            .orElseThrow();
        ScaleBenchmark.Result two = results.stream().filter(r -> r.round() == k && r.instances() == 2).findFirst()
            .orElseThrow();
        out.printf(Locale.ROOT, "round %d: two instances / one: %.2f× samples/s, %.2f× samples per CPU-second"
            + " (%.2f× without compiling); after the warm-up %.2f×, %.2f× and %.2f× (%d cores on this machine,"
            + " shared by both instances and the broker)%n", k,
            two.whole().samplesPerSecond() / one.whole().samplesPerSecond(),
            two.whole().samplesPerCpuSecond() / one.whole().samplesPerCpuSecond(),
            two.whole().samplesPerCpuSecondWithoutJit() / one.whole().samplesPerCpuSecondWithoutJit(),
            two.steady().samplesPerSecond() / one.steady().samplesPerSecond(),
            two.steady().samplesPerCpuSecond() / one.steady().samplesPerCpuSecond(),
            two.steady().samplesPerCpuSecondWithoutJit() / one.steady().samplesPerCpuSecondWithoutJit(),
            Runtime.getRuntime().availableProcessors());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** A measurement window's figures, each key after {@code prefix}. */
  private static void addWindow(SummaryTable t, String prefix, ScaleBenchmark.Window w) {
    t.add(prefix + "samples", w.samples());
    t.add(prefix + "seconds", w.seconds());
    t.add(prefix + "samples_per_second", w.samplesPerSecond());
    t.add(prefix + "cpu_seconds", w.cpuSeconds());
    t.add(prefix + "samples_per_cpu_second", w.samplesPerCpuSecond());
    t.add(prefix + "jit_cpu_seconds", w.jitSeconds());
    t.add(prefix + "samples_per_cpu_second_without_jit", w.samplesPerCpuSecondWithoutJit());
  }

  private int sparse() {
    PrintWriter out = spec.commandLine().getOut();
    SparseKernelBenchmark bench;
    try {
      bench = new SparseKernelBenchmark(seconds);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.USAGE;
    }
    if (!json) {
      spec.commandLine().getErr().println(bench.describe());
      spec.commandLine().getErr().flush();
    }
    StringBuilder sb = new StringBuilder("[");
    for (SparseKernelBenchmark.Result r : bench.run()) {
      if (json) {
        SummaryTable t = new SummaryTable();
        t.add("operation", r.operation());
        t.add("batch", r.batch());
        t.add("k", r.k());
        t.add("latents", r.latents());
        t.add("dimension", r.dim());
        t.add("scalar_ns_per_batch", r.scalarNanos());
        t.add("kernel_ns_per_batch", r.activeNanos());
        t.add("speed_up", r.speedUp());
        sb.append(sb.length() == 1 ? "" : ",").append(t.toJson());
      } else {
        out.printf(Locale.ROOT, "%-17s B=%d k=%-2d n=%-4d d=%d   scalar %,9.0f ns   in use %,9.0f ns   %.1fx%n",
            r.operation(), r.batch(), r.k(), r.latents(), r.dim(), r.scalarNanos(), r.activeNanos(), r.speedUp());
        out.flush();
      }
    }
    if (json) {
      out.println(sb.append(']'));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private int serde() {
    PrintWriter out = spec.commandLine().getOut();
    SerdeBenchmark bench;
    try {
      bench = new SerdeBenchmark(seconds);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.USAGE;
    }
    StringBuilder sb = new StringBuilder("[");
    for (int d : SerdeBenchmark.DIMENSIONS) {
      SerdeBenchmark.Result r = bench.run(d);
      if (json) {
        SummaryTable t = new SummaryTable();
        t.add("dimension", r.dimension());
        t.add("direct_records_per_second", r.directPerSecond());
        t.add("avro_records_per_second", r.avroPerSecond());
        t.add("speed_up", r.speedUp());
        sb.append(sb.length() == 1 ? "" : ",").append(t.toJson());
      } else {
        out.printf(Locale.ROOT, "InputVector d=%-5d direct %,12.0f records/s (%.2f µs)   Avro"
            + " specific reader %,10.0f records/s (%.2f µs)   %.1fx%n", d, r.directPerSecond(),
            1e6 / r.directPerSecond(), r.avroPerSecond(), 1e6 / r.avroPerSecond(), r.speedUp());
        out.flush();
      }
    }
    if (json) {
      out.println(sb.append(']'));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private int pipeline() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    HeapSizing.warning().ifPresent(w -> spec.commandLine().getErr().println("bench --pipeline: " + w));
    PipelineBenchmark bench;
    try {
      bench = new PipelineBenchmark(records, PIPELINE_DIM, PIPELINE_LATENTS, partitions, rounds,
          settings);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.USAGE;
    }
    List<PipelineBenchmark.Result> results =
        bench.run(r -> {
              if (!json) {
                out.println(describe(r));
                out.flush();
              }
            });
    int last = results.get(results.size() - 1).round();
    PipelineBenchmark.Result pass = find(results, PipelineBenchmark.PASS_THROUGH, last);
    PipelineBenchmark.Result floor = find(results, PipelineBenchmark.FLOOR, last);
    PipelineBenchmark.Result full = find(results, PipelineBenchmark.FULL, last);
    PipelineBenchmark.Result dp = find(results, PipelineBenchmark.DATA_PARALLEL, last);
    double training = 1e6 / bench.trainingAloneSamplesPerSecond();
    double scoring = 1e6 / bench.scoringAloneRecordsPerSecond();
    if (json) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < results.size(); i++) {
        PipelineBenchmark.Result r = results.get(i);
        PipelineBenchmark.Result ref = find(results, PipelineBenchmark.PASS_THROUGH, r.round());
        SummaryTable t = new SummaryTable();
        t.add("topology", r.name());
        t.add("model", bench.model());
        t.add("sparse_kernel", SparseOps.kernel());
        t.add("training_alone_samples_per_second", bench.trainingAloneSamplesPerSecond());
        t.add("scoring_alone_records_per_second", bench.scoringAloneRecordsPerSecond());
        t.add("round", r.round());
        t.add("records", r.records());
        t.add("seconds", r.seconds());
        t.add("scored_seconds", r.scoredSeconds());
        t.add("records_per_second", r.recordsPerSecond());
        t.add("ratio_to_pass_through", r.recordsPerSecond() / ref.recordsPerSecond());
        t.add("cpu_seconds", r.cpuSeconds());
        t.add("cpu_us_per_record", r.cpuMicrosPerRecord());
        t.add("cpu_us_per_record_without_jit", r.cpuMicrosPerRecordWithoutJit());
        t.add("jit_ms", r.jitMillis());
        r.threadTime().forEach((k, v) -> t.add("stream_thread_" + k + "_ratio", v));
        r.cpuMicrosPerRecordByThreads().forEach((k, v) -> t.add("cpu_us_per_record_" + jsonName(k), v));
        t.add("bytes_produced_per_record", r.writtenBytesPerRecord());
        if (r.name().equals(PipelineBenchmark.DATA_PARALLEL) || r.name().equals(PipelineBenchmark.FULL)) {
          t.add("pipeline_efficiency", pipelineEfficiency(ref, training, scoring, r));
        }
        if (r.name().equals(PipelineBenchmark.DATA_PARALLEL)) {
          t.add("averages_taken", r.averagesTaken());
          t.add("average_wait_ms", r.averageWaitMillis());
          t.add("ratio_to_full_pipeline",
              r.recordsPerSecond() / find(results, PipelineBenchmark.FULL, r.round()).recordsPerSecond());
        }
        sb.append(i == 0 ? "" : ",").append(t.toJson());
      }
      out.println(sb.append(']'));
    } else {
      out.printf(Locale.ROOT, "training alone (same model and data, one thread, no Kafka):"
          + " %,.0f samples/s (%.0f µs/record); sparse kernel %s%n", bench.trainingAloneSamplesPerSecond(),
          1e6 / bench.trainingAloneSamplesPerSecond(), SparseOps.kernel());
      out.printf(Locale.ROOT, "scoring alone (same model shape, batch and data, one thread, no"
          + " Kafka): %,.0f records/s (%.1f µs/record)%n", bench.scoringAloneRecordsPerSecond(),
          1e6 / bench.scoringAloneRecordsPerSecond());
      out.printf(Locale.ROOT, "round %d: full pipeline (%s, training every record) /"
          + " pass-through: %.2f (%,.0f / %,.0f records/s); CPU per record %.0f / %.0f µs%n",
          last, bench.model(), full.recordsPerSecond() / pass.recordsPerSecond(),
          full.recordsPerSecond(), pass.recordsPerSecond(), full.cpuMicrosPerRecord(),
          pass.cpuMicrosPerRecord());
      out.printf(Locale.ROOT, "round %d: floor (pass-through + training topic, no model) /"
          + " pass-through: %.2f (%,.0f records/s, CPU %.0f µs/record); full pipeline / floor:"
          + " %.2f%n", last, floor.recordsPerSecond() / pass.recordsPerSecond(),
          floor.recordsPerSecond(), floor.cpuMicrosPerRecord(),
          full.recordsPerSecond() / floor.recordsPerSecond());
      out.printf(Locale.ROOT, "round %d: data-parallel pipeline (%d replicas, training every record) /"
          + " pass-through: %.2f (%,.0f records/s, CPU %.0f µs/record); data-parallel / full pipeline:"
          + " %.2f%n", last, partitions, dp.recordsPerSecond() / pass.recordsPerSecond(), dp.recordsPerSecond(),
          dp.cpuMicrosPerRecord(), dp.recordsPerSecond() / full.recordsPerSecond());
      out.printf(Locale.ROOT, "round %d: pipeline_efficiency (pass-through %.0f + training alone %.0f + scoring"
          + " alone %.0f µs/record, over the pipeline's CPU per record): data-parallel %.2f, full pipeline"
          + " %.2f (JIT excluded: %.2f and %.2f)%n", last, pass.cpuMicrosPerRecord(), training, scoring,
          pipelineEfficiency(pass, training, scoring, dp), pipelineEfficiency(pass, training, scoring, full),
          efficiencyWithoutJit(pass, training, scoring, dp), efficiencyWithoutJit(pass, training, scoring, full));
      out.printf(Locale.ROOT, "round %d: at %.2f of pass-through (%,.0f records/s), the floor's"
          + " CPU (%.0f µs/record, JIT excluded) plus training alone (%.0f µs) and scoring alone"
          + " (%.0f µs) would keep %.1f cores busy; this machine has %d%n", last,
          PipelineBenchmark.TARGET_RATIO, PipelineBenchmark.TARGET_RATIO * pass.recordsPerSecond(),
          floor.cpuMicrosPerRecordWithoutJit(), training, scoring,
          PipelineBenchmark.coresNeeded(PipelineBenchmark.TARGET_RATIO, pass.recordsPerSecond(),
              floor.cpuMicrosPerRecordWithoutJit(), training, scoring),
          Runtime.getRuntime().availableProcessors());
      if (rounds >= STEADY_FROM_ROUND + 1) {
        double f = median(results, PipelineBenchmark.FULL);
        double fl = median(results, PipelineBenchmark.FLOOR);
        double p = median(results, PipelineBenchmark.PASS_THROUGH);
        out.printf(Locale.ROOT, "rounds %d-%d, medians: full pipeline / pass-through: %.2f"
            + " (%,.0f / %,.0f records/s); floor / pass-through: %.2f (%,.0f records/s);"
            + " full pipeline / floor: %.2f%n", STEADY_FROM_ROUND, rounds, f / p, f, p, fl / p, fl,
            f / fl);
        double d = median(results, PipelineBenchmark.DATA_PARALLEL);
        out.printf(Locale.ROOT, "rounds %d-%d, medians: data-parallel / pass-through: %.2f (%,.0f records/s);"
            + " data-parallel / full pipeline: %.2f; pipeline_efficiency: data-parallel %.2f, full pipeline %.2f%n",
            STEADY_FROM_ROUND, rounds, d / p, d, d / f,
            medianEfficiency(results, PipelineBenchmark.DATA_PARALLEL, training, scoring),
            medianEfficiency(results, PipelineBenchmark.FULL, training, scoring));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The result of one topology in one round. */
  private static PipelineBenchmark.Result find(List<PipelineBenchmark.Result> results,
      String topology, int round) {
    return results.stream()
        .filter(r -> r.name().equals(topology) && r.round() == round)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + topology + " in round " + round));
  }

  /**
   * The framework-overhead figure: what the pipeline's work costs on its own (the
   * pass-through's CPU per record, plus training alone and scoring alone) over what the pipeline
   * spent per record; 1 = no overhead, the target is at least 0.8.
   */
  static double pipelineEfficiency(PipelineBenchmark.Result pass, double trainingMicros, double scoringMicros,
      PipelineBenchmark.Result pipeline) {
    return (pass.cpuMicrosPerRecord() + trainingMicros + scoringMicros) / pipeline.cpuMicrosPerRecord();
  }

  /** {@link #pipelineEfficiency} with the JIT compilers' time taken out of both CPU figures. */
  static double efficiencyWithoutJit(PipelineBenchmark.Result pass, double trainingMicros, double scoringMicros,
      PipelineBenchmark.Result pipeline) {
    return (pass.cpuMicrosPerRecordWithoutJit() + trainingMicros + scoringMicros)
        / pipeline.cpuMicrosPerRecordWithoutJit();
  }

  /** Median {@link #pipelineEfficiency} of one topology over the steady rounds. */
  static double medianEfficiency(List<PipelineBenchmark.Result> results, String topology, double trainingMicros,
      double scoringMicros) {
    return median(results.stream()
        .filter(r -> r.name().equals(topology) && r.round() >= STEADY_FROM_ROUND)
        .mapToDouble(r -> pipelineEfficiency(find(results, PipelineBenchmark.PASS_THROUGH, r.round()), trainingMicros,
            scoringMicros, r))
        .toArray());
  }

  /** Rounds from this one on count for the medians (the first two warm the JIT up). */
  static final int STEADY_FROM_ROUND = 3;

  /** Median records/s of one topology over the rounds from {@link #STEADY_FROM_ROUND} on. */
  static double median(List<PipelineBenchmark.Result> results, String topology) {
    return median(results.stream()
        .filter(r -> r.name().equals(topology) && r.round() >= STEADY_FROM_ROUND)
        .mapToDouble(PipelineBenchmark.Result::recordsPerSecond)
        .toArray());
  }

  /** A thread group's name as a JSON key part: "stream producers' I/O" → "stream_producers_io". */
  static String jsonName(String group) {
    return group.toLowerCase(Locale.ROOT).replaceAll("['/]", "").replaceAll("[^a-z0-9]+", "_")
        .replaceAll("^_|_$", "");
  }

  private static String describe(PipelineBenchmark.Result r) {
    String threads = joined(r.threadTime(), v -> String.format(Locale.ROOT, "%.0f%%", 100 * v));
    String scored = r.name().equals(PipelineBenchmark.FULL) || r.name().equals(PipelineBenchmark.DATA_PARALLEL)
        ? String.format(Locale.ROOT, " (all scored at %.2f s)", r.scoredSeconds()) : "";
    return String.format(Locale.ROOT, "round %d %-13s %,d records in %5.2f s%s: %,7.0f records/s,"
        + " CPU %5.2f s (%3.0f µs/record), JIT %,5d ms; stream thread: %s%n    CPU µs/record by threads: %s",
        r.round(), r.name(), r.records(), r.seconds(), scored, r.recordsPerSecond(), r.cpuSeconds(),
        r.cpuMicrosPerRecord(), r.jitMillis(), threads,
        joined(r.cpuMicrosPerRecordByThreads(), v -> String.format(Locale.ROOT, "%.1f", v)))
        + (r.writtenBytes().isEmpty() ? "" : String.format(Locale.ROOT, "%n    bytes produced per record: %,.0f (%s)",
            r.writtenBytesPerRecord(), r.writtenBytesPerRecordByTopic().entrySet().stream().limit(5)
                .map(e -> String.format(Locale.ROOT, "%s %,.0f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "))))
        + (r.averagesTaken() == 0 ? "" : String.format(Locale.ROOT,
            "%n    averages taken by the replicas: %d; their training waited for them %,d ms in all (%.0f ms each)",
            r.averagesTaken(), r.averageWaitMillis(), (double) r.averageWaitMillis() / r.averagesTaken()));
  }

  /** "name value, name value, ...", each value as {@code format} writes it. */
  private static String joined(Map<String, Double> values, DoubleFunction<String> format) {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(format.apply(v)));
    return sb.toString();
  }
}
