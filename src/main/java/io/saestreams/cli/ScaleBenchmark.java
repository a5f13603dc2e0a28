package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.VectorSource;
import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import java.io.IOException;
import java.io.Writer;
import java.lang.module.ModuleFinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Training throughput of data-parallel training with one application instance and with two, each
 * a JVM of its own ({@code run --config}) on the same embedded broker, over the same pre-produced
 * input. An instance's samples trained are read from its {@code /metrics} ({@code
 * sae_train_samples_total}); a measurement runs from the first trained sample until every
 * partition's full mini-batches are trained, so JVM start-up and the group's first rebalance are
 * left out, and is also reported from the moment a quarter of the samples were trained (the
 * steady window: most of the instances' JIT warm-up left out too). CPU is the instances' own (the
 * broker, in this JVM, is not counted), also given without their JIT compiler threads' share
 * ({@link ProcessCpu}): every fresh JVM compiles the same code, so two instances pay for that
 * twice, which says nothing about how training scales out once compiled.
 */
final class ScaleBenchmark {
  /**
   * One measurement.
   *
   * @param instances application instances (JVMs)
   * @param whole from the first trained sample to the end: samples trained, wall time, CPU time of
   *     the instances meanwhile
   * @param steady the same from the moment {@link #WARM_UP} of the samples to train were trained:
   *     the JVMs' JIT compilers have done most of their work by then, and the rounds run as they do
   *     for as long as the input lasts
   */
  record Result(int round, int instances, Window whole, Window steady, Waits waits) {}

  /**
   * The replicas' round averages and how long their training waited for them, summed over the
   * instances' {@code sae_sync_wait_seconds} timers at the end of a measurement (since each
   * instance started).
   */
  record Waits(long averages, double seconds) {
    /** Mean wait per average, in milliseconds (NaN without averages). */
    double millisEach() {
      return averages == 0 ? Double.NaN : 1e3 * seconds / averages;
    }
  }

  /**
   * Samples trained, wall seconds and CPU seconds of the instances over part of a measurement, and
   * how many of those CPU seconds their JIT compiler threads took (NaN without Linux's /proc).
   */
  record Window(long samples, double seconds, double cpuSeconds, double jitSeconds) {
    double samplesPerSecond() {
      return samples / seconds;
    }

    double samplesPerCpuSecond() {
      return samples / cpuSeconds;
    }

    /** Samples per CPU-second left after the JIT compilers' share: what compiled code costs. */
    double samplesPerCpuSecondWithoutJit() {
      return samples / (cpuSeconds - jitSeconds);
    }
  }

  /** The instances' CPU seconds so far: in total and in their JIT compiler threads. */
  private record Cpu(double total, double jit) {
    Window since(Cpu start, long samples, double seconds) {
      return new Window(samples, seconds, total - start.total, jit - start.jit);
    }
  }

  /**
   * How often the instances' {@code /metrics} are read. Twice a second was tried: the difference
   * in samples per CPU-second was within the run-to-run noise, and a short run then saw the first
   * trained sample and the end of the warm-up in one reading, leaving no steady window.
   */
  static final long POLL_MS = 50;

  /** The share of the samples to train after which the steady window starts. */
  static final double WARM_UP = 0.25;

  private static final Pattern METRICS_URL = Pattern.compile("metrics (http://\\S+/metrics)");
  private static final Pattern SAMPLES = Pattern.compile("(?m)^sae_train_samples_total(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern WAIT = Pattern.compile("(?m)^sae_sync_wait_seconds_(count|sum)(?:\\{[^}]*})? (\\S+)$");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final long records;
  private final int dim;
  private final int latents;
  private final int partitions;
  private final int rounds;
  private final Map<String, String> settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ScaleBenchmark(long records, int dim, int latents, int partitions, int rounds, Map<String, String> settings) {
    if (records < 1 || partitions < 2 || rounds < 1) {
      throw new IllegalArgumentException("--records and --rounds must be >= 1 and --partitions >= 2 (one per"
          + " instance at least), got " + records + ", " + rounds + " and " + partitions);
    }
    this.records = records;
    this.dim = dim;
    this.latents = latents;
    this.partitions = partitions;
    this.rounds = rounds;
    this.settings = Map.copyOf(settings);
  }

  /** Produces the input once, then per round measures one instance, then two. */
  List<Result> run(Consumer<Result> progress) throws Exception {
    Path work = Files.createTempDirectory("sae-bench-scale-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedSchemaRegistry registryServer = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient registry = SchemaRegistryClient.create(registryServer.url());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      List<Result> results = new ArrayList<>();
      long target = -1;
      for (int round = 1; round <= rounds; round++) {
        for (int instances = 1; instances <= 2; instances++) {
          Map<String, String> app = settings(broker, registryServer, "scale" + round + "x" + instances);
          AppConfig cfg = AppConfig.of(app);
          TopicSpecs.createMissing(admin, cfg, partitions, (short) 1);
          if (target < 0) {
            try (VectorSource source = DatasetSpec.parse("synthetic:dimension=" + dim).open(records, 1);
                DatasetProducer producer = new DatasetProducer(broker.bootstrapServers(), registry,
                    cfg.inputTopic(), Map.of())) {
              producer.send(source, n -> { });
            }
            target = PipelineBenchmark.fullBatchSamplesByPartition(broker, cfg, records);
          }
          Result r = measure(round, instances, app, work, target);
          progress.accept(r);
          results.add(r);
        }
      }
      return results;
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Map<String, String> settings(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, String run) {
    Map<String, String> m = PipelineBenchmark.benchSettings(broker, registry, run, "bench-scale-input", dim, latents);
    m.put(AppConfig.TRAIN_MODE_CONFIG, "data-parallel");
    m.put(AppConfig.TRAIN_SYNC_MAX_WAIT_MS_CONFIG, Long.toString(PipelineBenchmark.DATA_PARALLEL_MAX_WAIT_MS));
    m.put(AppConfig.METRICS_HOST_CONFIG, "127.0.0.1");
    m.put(AppConfig.METRICS_PORT_CONFIG, "0");
    m.putAll(settings);
    return m;
  }

  private Result measure(int round, int instances, Map<String, String> app, Path work, long target)
      throws Exception {
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        String name = app.get(AppConfig.APPLICATION_ID_CONFIG) + "-" + i;
        Map<String, String> own = new HashMap<>(app);
        own.put("streams.state.dir", work.resolve(name + "-state").toString());
        Path props = work.resolve(name + ".properties");
        Properties p = new Properties();
        p.putAll(own);
        try (Writer w = Files.newBufferedWriter(props)) {
          p.store(w, "bench --scale");
        }
        Path log = work.resolve(name + ".log");
        logs.add(log);
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // the heap of a deployed instance (deploy/Dockerfile): sized, touched and kept from the start
            "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
            // compiler threads that end take their CPU time out of /proc's list: keep them all (a
            // HotSpot option; other JVMs ignore it)
            "-XX:+IgnoreUnrecognizedVMOptions", "-XX:-UseDynamicNumberOfCompilerThreads",
            "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve(name + "-tmp"))));
        if (ModuleFinder.ofSystem().find(Gemms.VECTOR_API_MODULE).isPresent()) {
          // the Vector API's kernels, as bin/sae-streams and the container image give an instance
          command.addAll(List.of("--add-modules", Gemms.VECTOR_API_MODULE));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config",
            props.toString()));
        processes.add(new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(log.toFile()).start());
      }
      List<URI> endpoints = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        endpoints.add(awaitMetricsUrl(processes.get(i), logs.get(i)));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120 + records / 200).toNanos();
      long start = 0;
      long startSamples = 0;
      Cpu startCpu = null;
      long warm = 0;
      long warmSamples = 0;
      Cpu warmCpu = null;
      while (true) {
        long now = System.nanoTime();
        if (now > deadline) {
          throw new IllegalStateException(instances + " instance(s) trained only " + trained(endpoints) + " of "
              + target + " samples in time; their logs: " + logs);
        }
        long samples = trained(endpoints);
        if (start == 0 && samples > 0) {
          start = now;
          startSamples = samples;
          startCpu = cpu(processes);
        }
        // the steady window starts at a later reading than the whole, with more samples trained: it
        // is the whole's tail (when the first reading already holds the warm-up's share, the next
        // reading with progress starts it)
        if (warm == 0 && start != 0 && now > start && samples > startSamples && samples >= WARM_UP * target
            && samples < target) {
          warm = now;
          warmSamples = samples;
          warmCpu = cpu(processes);
        }
        if (samples >= target) {
          Cpu cpu = cpu(processes);
          Window steady = warm == 0 ? new Window(0, Double.NaN, Double.NaN, Double.NaN)
              : cpu.since(warmCpu, samples - warmSamples, (now - warm) / 1e9);
          return new Result(round, instances, cpu.since(startCpu, samples - startSamples, (now - start) / 1e9),
              steady, waits(endpoints));
        }
        Thread.sleep(POLL_MS);
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static Cpu cpu(List<Process> processes) {
    double total = 0;
    double jit = 0;
    for (Process p : processes) {
      jit += ProcessCpu.jitSeconds(p.pid());
      total += p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }
    return new Cpu(total, jit);
  }

  /** Waits until the instance prints its metrics URL (once it runs). */
  private static URI awaitMetricsUrl(Process p, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = METRICS_URL.matcher(text);
      if (m.find()) {
        return URI.create(m.group(1));
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("an instance exited with " + p.exitValue() + " before it ran:\n" + text);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("an instance did not start within " + START_TIMEOUT + "; its log: " + log);
  }

  /** The replicas' averages and waits for them, over all instances, from their /metrics. */
  private Waits waits(List<URI> endpoints) throws IOException, InterruptedException {
    List<String> bodies = new ArrayList<>();
    for (URI u : endpoints) {
      bodies.add(metrics(u));
    }
    return parseWaits(bodies);
  }

  /** The {@code sae_sync_wait_seconds} timers' counts and sums in these /metrics bodies, added up. */
  static Waits parseWaits(List<String> bodies) {
    long count = 0;
    double sum = 0;
    for (String body : bodies) {
      Matcher m = WAIT.matcher(body);
      while (m.find()) {
        double v = Double.parseDouble(m.group(2));
        if (m.group(1).equals("count")) {
          count += (long) v;
        } else {
          sum += v;
        }
      }
    }
    return new Waits(count, sum);
  }

  private String metrics(URI u) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Samples trained by all instances, from their /metrics. */
  private long trained(List<URI> endpoints) throws IOException, InterruptedException {
    long sum = 0;
    for (URI u : endpoints) {
      Matcher m = SAMPLES.matcher(metrics(u));
      if (m.find()) {
        sum += (long) Double.parseDouble(m.group(1));
      }
    }
    return sum;
  }
}
