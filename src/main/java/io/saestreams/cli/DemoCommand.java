package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.LabelledVector;
import io.saestreams.data.SyntheticDictionary;
import io.saestreams.data.VectorSource;
import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.embedded.KnownKafkaNoiseFilter;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.report.SummaryTable;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.train.FeatureRecovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The whole pipeline in one JVM: embedded broker and registry, the topology, a data stream. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts, in this JVM, a single-node KRaft Kafka broker, a schema registry, the streaming",
      "application and a Prometheus /metrics endpoint; streams a data set into the input topic;",
      "waits until every record has its sparse code and score; prints a summary and writes",
      "pictures (learned features, reconstructions, mean activation per latent, error over time)."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int HELD_OUT = 2000;

  @Spec CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "synthetic:anomalies=0.01,anomaly-scale=5", description = "synthetic[:k=v,...], idx:PATH or csv:PATH (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--records", defaultValue = "200000", description = "Records to stream (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--json", description = "Print the summary as one JSON object (addresses go to standard error).")
  boolean json;

  @Option(names = "--keep-running", description = "Keep serving (broker, registry, app, metrics) until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--out", defaultValue = "sae-demo-out", description = "Folder for pictures and the summary (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the input and output topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--metrics-port", defaultValue = "0", description = "Port of the /metrics endpoint; 0 = a free port (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the data and the model (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--set", description = "Application setting key=value (as in run's properties file), repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter info = json ? spec.commandLine().getErr() : stdout;
    DatasetSpec data = DatasetSpec.parse(dataset);
    int dim;
    long total;
    try (VectorSource probe = data.open(records, seed)) {
      dim = probe.dimension();
      total = probe.size() >= 0 ? Math.min(probe.size(), records) : records;
    }
    if (!json) {
      // the progress bar owns the terminal: the pipeline's own INFO lines (model versions
      // completing, scorers switching) go to the log file level only
      quietPipelineLogs();
    }
    // in the OS temp directory, deleted at the end; KnownKafkaNoiseFilter keeps Kafka Streams'
    // warning about state in a temp directory off the console for this directory only
    Path stateDir = Files.createTempDirectory(KnownKafkaNoiseFilter.DEMO_STATE_DIR_PREFIX);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedSchemaRegistry registryServer = new EmbeddedSchemaRegistry().start()) {
      AppConfig cfg = AppConfig.of(appSettings(broker, registryServer, dim, stateDir));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.bootstrapServers()))) {
        TopicSpecs.createMissing(admin, cfg, partitions, (short) 1);
      }
      try (StreamsApp app = new StreamsApp(cfg)) {
        app.start();
        app.awaitRunning(Duration.ofSeconds(60));
        info.println("Kafka broker     " + broker.bootstrapServers());
        info.println("Schema registry  " + registryServer.url());
        info.println("Metrics          " + (app.endpoint != null ? app.endpoint.metricsUrl() : "off"));
        info.println("Input topic      " + cfg.inputTopic() + " (" + partitions + " partitions), "
            + total + " records of dimension " + dim + " from " + dataset);
        info.flush();
        Summary summary = stream(app, broker, data, total, info);
        summary.table.add("out", out.toAbsolutePath().toString());
        stdout.println(json ? summary.table.toJson() : "\n" + summary.table.toText());
        stdout.flush();
        if (keepRunning) {
          info.println("serving until Ctrl-C (broker " + broker.bootstrapServers() + ")");
          info.flush();
          CountDownLatch stop = new CountDownLatch(1);
          // Ctrl-C or SIGTERM ends the wait, and this thread closes the application, the registry
          // and the broker and deletes the state before it returns 0; the hook is for platforms
          // whose JVM keeps those signals to itself
          Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
          try (StopSignals signals = StopSignals.install(stop::countDown)) {
            stop.await();
          }
          info.println("stopping");
          info.flush();
        }
        return summary.complete ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  /**
   * The demo's model, training and anomaly settings (TopK k = 8, re-initialisation of dead
   * latents, frequent model versions), shared with {@code bench --pipeline}.
   */
  static Map<String, String> modelSettings(int latents, long seed) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(AppConfig.SAE_LATENT_DIM_CONFIG, Integer.toString(latents));
    m.put(AppConfig.SAE_ACTIVATION_CONFIG, "topk");
    m.put(AppConfig.SAE_K_CONFIG, "8");
    m.put(AppConfig.SAE_SPARSITY_CONFIG, "none");
    m.put("train.revival", "reinit");
    m.put("train.dead.window", "20000");
    m.put("train.revival.interval", "5");
    m.put("train.seed", Long.toString(seed));
    m.put("model.publish.interval.steps", "20");
    m.put("train.checkpoint.interval.steps", "50");
    // 1 % of the demo's records are anomalies, present from the first record: a precision of 0.9
    // needs q well below that (at q = 0.01 a normal is flagged for every anomaly). At q = 0.0005
    // (evaluate --anomaly on the same data, contaminated from the start) the false-alarm rate is
    // 0.0005, precision 0.95, and every anomaly judged by a mature model is caught
    m.put(AppConfig.ANOMALY_FALSE_ALARM_RATE_CONFIG, "0.0005");
    return m;
  }

  private Map<String, Object> appSettings(EmbeddedKafkaBroker broker,
      EmbeddedSchemaRegistry registry, int dim, Path stateDir) {
    Map<String, Object> m = new HashMap<>();
    m.put(AppConfig.APPLICATION_ID_CONFIG, "sae-demo");
    m.put(AppConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    m.put(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, Integer.toString(dim));
    m.putAll(modelSettings(512, seed));
    m.put(AppConfig.METRICS_HOST_CONFIG, "127.0.0.1");
    m.put(AppConfig.METRICS_PORT_CONFIG, Integer.toString(metricsPort));
    m.put("streams.state.dir", stateDir.toString());
    m.putAll(settings);
    return m;
  }

  /** What the run produced. */
  private record Summary(SummaryTable table, boolean complete) {}

  private Summary stream(StreamsApp app, EmbeddedKafkaBroker broker, DatasetSpec data,
      long total, PrintWriter info) throws Exception {
    AppConfig cfg = app.config;
    List<float[]> heldOut = new ArrayList<>();
    AtomicLong anomaliesSent = new AtomicLong();
    long start = System.nanoTime();
    long produced;
    try (OutputTally tally = new OutputTally(broker.bootstrapServers(), app.registry,
            cfg.codesTopic(), cfg.scoresTopic(), cfg.alertsTopic(), cfg.dlqTopic());
        VectorSource source = data.open(total, seed);
        DatasetProducer producer = new DatasetProducer(broker.bootstrapServers(), app.registry,
            cfg.inputTopic(), Map.of())) {
      ProgressBar bar = new ProgressBar(info, "streaming", total, !json);
      VectorSource counted = new CountingSource(source, v -> {
        if (v.anomaly()) {
          anomaliesSent.incrementAndGet();
          tally.anomalyIds.add(v.id());
        }
        if (data.kind() != DatasetSpec.Kind.SYNTHETIC && heldOut.size() < HELD_OUT) {
          heldOut.add(v.values());
        }
      });
      produced = producer.send(counted, done -> bar.update(tally.scores.get(),
          "sent " + done + ", codes " + tally.codes.get()));
      long deadline = System.nanoTime() + Duration.ofSeconds(120 + total / 500).toNanos();
      while (tally.scores.get() + tally.dlq.get() < produced
          || tally.codes.get() + tally.dlq.get() < produced) {
        tally.checkHealthy();
        if (app.isStopped()) {
          throw new IllegalStateException("the application stopped", app.failure());
        }
        if (System.nanoTime() > deadline) {
          break;
        }
        bar.update(tally.scores.get(), "codes " + tally.codes.get() + ", DLQ " + tally.dlq.get());
        Thread.sleep(50);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      bar.finish(tally.scores.get(), "codes " + tally.codes.get() + ", DLQ " + tally.dlq.get());
      boolean complete = tally.scores.get() + tally.dlq.get() >= produced;
      long trainable = produced - tally.dlq.get() - (cfg.skipAnomaliesInTraining() ? tally.flagged.get() : 0);
      awaitTrainer(app, (long) (trainable * cfg.sampleRate()), deadline);
      return new Summary(summarise(app, broker, data, tally, produced, seconds, heldOut,
          anomaliesSent.get()), complete);
    }
  }

  /**
   * Waits until the trainer has trained on {@code samples} samples (the last partial batch is
   * flushed by its punctuator) and published the model of its last step.
   */
  private static void awaitTrainer(StreamsApp app, long samples, long deadline)
      throws InterruptedException {
    while (System.nanoTime() < deadline && !app.isStopped()) {
      double steps = app.counter("sae.train.steps");
      if (app.counter("sae.train.samples") >= samples && app.trainerModelVersion() >= steps) {
        return;
      }
      Thread.sleep(50);
    }
  }

  private SummaryTable summarise(StreamsApp app, EmbeddedKafkaBroker broker, DatasetSpec data,
      OutputTally tally, long produced, double seconds, List<float[]> heldOut, long anomalies)
      throws IOException {
    SummaryTable t = new SummaryTable();
    t.add("records in", produced);
    t.add("codes out", tally.codes.get());
    t.add("scores out", tally.scores.get());
    t.add("dlq", tally.dlq.get());
    t.add("alerts", tally.alerts.get());
    t.add("records per second", produced / seconds);
    t.add("seconds", seconds);
    t.add("training steps", (long) app.counter("sae.train.steps"));
    // the trainer's last version becomes readable (read_committed) at the next commit
    double published = app.trainerModelVersion();
    Optional<SaeModel> model = Optional.empty();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    do {
      model = ModelTopicReader.newest(broker.bootstrapServers(), app.registry,
          app.config.modelTopic());
    } while ((model.isEmpty() || model.get().version() < published)
        && System.nanoTime() < deadline);
    t.add("model version", model.map(SaeModel::version).orElse(0L));
    double dead = app.gauge("sae.latents.dead.fraction");
    SyntheticDictionary truth = null;
    if (data.kind() == DatasetSpec.Kind.SYNTHETIC) {
      truth = new SyntheticDictionary(data.syntheticConfig(seed));
      try (VectorSource fresh = truth.stream(HELD_OUT, 1)) {
        fresh.forEachRemaining(v -> {
          if (!v.anomaly()) {
            heldOut.add(v.values());
          }
        });
      }
    }
    if (model.isPresent()) {
      SaeModel m = model.get();
      ModelQuality.Result q = ModelQuality.measure(m, Gemms.create("auto"), heldOut);
      t.add("fvu", q.stats().fvu());
      t.add("l0", q.stats().l0());
      t.add("dead fraction", dead);
      if (truth != null) {
        FeatureRecovery rec = FeatureRecovery.of(truth.dictionary(), m.parameters(), 0.9);
        t.add("mmcs", rec.mmcs());
        t.add("recovered fraction", rec.recoveredFraction());
      }
      DemoPictures.write(out, m, heldOut, q, tally.errors());
    } else {
      t.add("fvu", Double.NaN);
      t.add("l0", Double.NaN);
      t.add("dead fraction", dead);
    }
    if (anomalies > 0) {
      long tp = tally.truePositives.get();
      long judged = tally.judgedAnomalies.get();
      t.add("anomalies sent", anomalies);
      t.add("anomalies judged", judged);
      t.add("flagged", tally.flagged.get());
      t.add("alert precision", tally.flagged.get() == 0 ? 0.0 : (double) tp / tally.flagged.get());
      t.add("alert recall", judged == 0 ? 0.0 : (double) tp / judged);
    }
    Files.createDirectories(out);
    t.writeJson(out.resolve("summary.json"));
    t.writeText(out.resolve("summary.txt"));
    return t;
  }

  /** Turns the topology's own INFO lines ("scoring with model version N", ...) down to WARN. */
  static void quietPipelineLogs() {
    org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger("io.saestreams.stream");
    if (logger instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Passes vectors through, showing each to a consumer first. */
  private static final class CountingSource implements VectorSource {
    private final VectorSource inner;
    private final java.util.function.Consumer<LabelledVector> seen;

    CountingSource(VectorSource inner, java.util.function.Consumer<LabelledVector> seen) {
      this.inner = inner;
      this.seen = seen;
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public String description() {
      return inner.description();
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public boolean hasNext() {
      return inner.hasNext();
    }

    @Override
    public LabelledVector next() {
      LabelledVector v = inner.next();
      seen.accept(v);
      return v;
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
