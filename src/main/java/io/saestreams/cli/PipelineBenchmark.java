package io.saestreams.cli;

import com.sun.management.OperatingSystemMXBean;
import io.saestreams.data.DatasetSpec;
import io.saestreams.data.VectorSource;
import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.metrics.NoopMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.training.TrainingSampler;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.StepResult;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * End-to-end records/s of the full pipeline next to a pass-through topology with the same serdes
 * and Streams settings, and next to a floor (the pass-through plus the training path's topic, no
 * model; see {@link PassThroughTopology}), on the same embedded broker, over the same
 * pre-produced input, in one JVM. Rounds repeat the three measurements: the first pays for JIT
 * compilation of the broker, the clients and the topology, so the last round is the steady
 * figure. A measurement runs from {@code start()} until every score is readable (read_committed)
 * and, for the floor, its training task has received every sample, for the full pipeline, the
 * trainer has trained every full mini-batch of the sampled records (the last, partial batch waits
 * {@code train.batch.max.wait.ms} for more data by design, so it is not waited for); start-up and
 * rebalance included.
 */
final class PipelineBenchmark {
  /**
   * One measured run of one topology.
   *
   * @param round 1-based; earlier rounds warm the JIT up for the later ones
   * @param cpuSeconds CPU time of the whole process meanwhile (stream threads, broker, registry)
   * @param jitMillis time the JIT compilers spent meanwhile
   * @param threadTime where the stream thread's time went: Kafka Streams' own process-, punctuate-,
   *     commit- and poll-ratio
   * @param scoredSeconds when every score was readable; {@code seconds} adds the wait for training
   * @param cpuByThreads seconds of CPU by group of Java threads ({@link ThreadCpu#GROUPS})
   * @param averagesTaken data-parallel: round averages the replicas took (0 otherwise)
   * @param averageWaitMillis data-parallel: how long, summed over those averages, the replicas'
   *     training waited for them
   * @param writtenBytes bytes produced to the broker meanwhile, by topic ({@link TopicBytes})
   */
  record Result(String name, int round, long records, double seconds, double scoredSeconds,
      double cpuSeconds, long jitMillis, Map<String, Double> threadTime, Map<String, Double> cpuByThreads,
      long averagesTaken, long averageWaitMillis, Map<String, Long> writtenBytes) {
    Result(String name, int round, long records, double seconds, double scoredSeconds, double cpuSeconds,
        long jitMillis, Map<String, Double> threadTime, Map<String, Double> cpuByThreads) {
      this(name, round, records, seconds, scoredSeconds, cpuSeconds, jitMillis, threadTime, cpuByThreads, 0, 0,
          Map.of());
    }

    /** Bytes produced per record, all topics. */
    double writtenBytesPerRecord() {
      return writtenBytes.values().stream().mapToLong(Long::longValue).sum() / (double) records;
    }

    /**
     * Bytes produced per record by topic, largest first, each named without the run's prefix
     * ({@code bench-<run>-} of internal topics, {@code <run>-} of outputs): a changelog by its
     * store.
     */
    Map<String, Double> writtenBytesPerRecordByTopic() {
      Map<String, Double> by = new LinkedHashMap<>();
      writtenBytes.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> by.merge(e.getKey().replaceFirst("^(bench-)?[a-z]+\\d+-", ""),
              e.getValue() / (double) records, Double::sum));
      return by;
    }

    double recordsPerSecond() {
      return records / seconds;
    }

    double cpuMicrosPerRecord() {
      return cpuSeconds * 1e6 / records;
    }

    /** CPU per record less the JIT compilers' time: what the same work costs once compiled. */
    double cpuMicrosPerRecordWithoutJit() {
      return Math.max(0, cpuSeconds - jitMillis / 1e3) * 1e6 / records;
    }

    /**
     * CPU per record of each group of Java threads, then of the rest of the process (the JVM's
     * own threads: garbage collection and the JIT compilers, and threads that ended meanwhile).
     */
    Map<String, Double> cpuMicrosPerRecordByThreads() {
      Map<String, Double> micros = new LinkedHashMap<>();
      double rest = cpuSeconds;
      for (Map.Entry<String, Double> e : cpuByThreads.entrySet()) {
        micros.put(e.getKey(), e.getValue() * 1e6 / records);
        rest -= e.getValue();
      }
      micros.put(ThreadCpu.JVM, Math.max(0, rest) * 1e6 / records);
      return micros;
    }
  }

  /** The target for the full pipeline, as a fraction of the pass-through's records/s. */
  static final double TARGET_RATIO = 0.80;

  /**
   * Cores that the full pipeline would keep busy at {@code ratio} of the pass-through's rate if
   * each record cost at least the floor's CPU (the Kafka work of scoring and of the training
   * topic, no model) plus its training step and its scoring, each timed alone (no Kafka).
   * Publication, checkpoints and the state stores come on top, so this is an estimate from below.
   */
  static double coresNeeded(double ratio, double passThroughPerSecond, double floorMicros,
      double trainingMicros, double scoringMicros) {
    return ratio * passThroughPerSecond * (floorMicros + trainingMicros + scoringMicros) / 1e6;
  }

  static final String PASS_THROUGH = "pass-through";
  static final String FULL = "full pipeline";
  static final String FLOOR = "floor";
  static final String DATA_PARALLEL = "data-parallel";
  /** train.sync.max.wait.ms of the data-parallel pipeline: the last partial rounds close this soon. */
  static final long DATA_PARALLEL_MAX_WAIT_MS = 1_000;
  private static final int HELD_IN_MEMORY = 20_000;
  private static final List<String> THREAD_RATIOS =
      List.of("process-ratio", "punctuate-ratio", "commit-ratio", "poll-ratio");

  private final long records;
  private final int dim;
  private final int latents;
  private final int partitions;
  private final int rounds;
  private final Map<String, String> settings;
  private String model = "";
  private double trainingAlone = Double.NaN;
  private double scoringAlone = Double.NaN;
  /** Samples in the full mini-batches of what the full pipeline samples for training. */
  private long toTrain;
  /** The same per input partition, summed: what the data-parallel replicas train in full batches. */
  private long toTrainByPartition;

  /** @param settings application settings over the demo's model settings, as with demo --set */
  PipelineBenchmark(long records, int dim, int latents, int partitions, int rounds,
      Map<String, String> settings) {
    if (records < 1 || partitions < 1 || rounds < 1) {
      throw new IllegalArgumentException("--records, --partitions and --rounds must be >= 1, got "
          + records + ", " + partitions + " and " + rounds);
    }
    this.records = records;
    this.dim = dim;
    this.latents = latents;
    this.partitions = partitions;
    this.rounds = rounds;
    this.settings = Map.copyOf(settings);
  }

  /**
   * Produces the input once, then in each round runs the pass-through, the floor and the full
   * pipeline over it, each under a fresh application id with its own output topics.
   *
   * @param progress told about each result as it comes
   */
  List<Result> run(Consumer<Result> progress) throws Exception {
    Path state = Files.createTempDirectory("sae-bench-state-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedSchemaRegistry registryServer = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient registry = SchemaRegistryClient.create(registryServer.url());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers()))) {
      List<Result> results = new ArrayList<>();
      SaeSerdes serdes = new SaeSerdes(registry);
      for (int round = 1; round <= rounds; round++) {
        AppConfig pass = config(broker, registryServer, state, "pass" + round);
        AppConfig floor = config(broker, registryServer, state, "floor" + round);
        AppConfig full = config(broker, registryServer, state, "full" + round);
        AppConfig dp = dataParallel(config(broker, registryServer, state, "dp" + round), partitions, settings);
        for (AppConfig c : List.of(pass, floor, full, dp)) {
          TopicSpecs.createMissing(admin, c, partitions, (short) 1);
        }
        if (round == 1) {
          model = describe(full.saeConfig());
          List<float[]> inMemory = heldInMemory();
          trainingAlone = trainingAlone(full, inMemory);
          scoringAlone = scoringAlone(full, inMemory);
          toTrain = fullBatchSamples(full);
          try (VectorSource source = data().open(records, 1);
              DatasetProducer producer = new DatasetProducer(broker.bootstrapServers(), registry,
                  pass.inputTopic(), Map.of())) {
            producer.send(source, n -> { });
          }
          toTrainByPartition = fullBatchSamplesByPartition(broker, full, records);
        }
        Result p = measure(PASS_THROUGH, round, broker, pass, null,
            cfg -> PassThroughTopology.build(cfg, serdes), () -> { });
        progress.accept(p);
        results.add(p);
        LongAdder received = new LongAdder();
        Result fl = measure(FLOOR, round, broker, floor, null,
            cfg -> PassThroughTopology.build(cfg, serdes, received),
            () -> awaitSamples(received::sum, records, "received by the training task"));
        progress.accept(fl);
        results.add(fl);
        TrainedCount trained = new TrainedCount();
        Result f = measure(FULL, round, broker, full, trained,
            cfg -> SaeTopology.build(cfg, trained, serdes),
            () -> awaitSamples(trained.rows::get, toTrain, "trained"));
        progress.accept(f);
        results.add(f);
        TrainedCount dpTrained = new TrainedCount();
        Result d = measure(DATA_PARALLEL, round, broker, dp, dpTrained,
            cfg -> SaeTopology.build(cfg, dpTrained, serdes),
            () -> awaitSamples(dpTrained.rows::get, toTrainByPartition, "trained by the replicas"));
        progress.accept(d);
        results.add(d);
      }
      return results;
    } finally {
      try (var walk = Files.walk(state)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Samples/s of the full pipeline's trainer alone over the same data: the same model and
   * settings, one thread, no Kafka (after {@link #run}; measured before the first round).
   */
  double trainingAloneSamplesPerSecond() {
    return trainingAlone;
  }

  /**
   * Records/s of the full pipeline's scoring alone over the same data: the same model shape,
   * batch size and GEMM, one thread, no Kafka; each record encoded and decoded and its code,
   * reconstruction and error read out, as the scoring processor does (after {@link #run}).
   */
  double scoringAloneRecordsPerSecond() {
    return scoringAlone;
  }

  /**
   * The first records of the same data, held in memory (at most HELD_IN_MEMORY of them,
   * cycled by the timings below), so that only the model's work is timed.
   */
  private List<float[]> heldInMemory() throws Exception {
    List<float[]> data = new ArrayList<>();
    try (VectorSource source = data().open(Math.min(records, HELD_IN_MEMORY), 1)) {
      source.forEachRemaining(v -> data.add(v.values()));
    }
    return data;
  }

  private double scoringAlone(AppConfig cfg, List<float[]> data) {
    int batchSize = cfg.scoreBatchSize();
    SaeModel.Scorer scorer = InitialModel.of(cfg.trainerConfig())
        .scorer(Gemms.create(cfg.gemmBackend()), batchSize);
    float[] batch = new float[batchSize * dim];
    int[] indices = new int[latents];
    float[] values = new float[latents];
    float[] reconstruction = new float[dim];
    // the faster of two passes: the first also compiles the scoring path
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 2; pass++) {
      best = Math.min(best, scoreAll(scorer, data, batch, indices, values, reconstruction));
    }
    return records / best;
  }

  /** Seconds to score {@code records} records of the data, as the scoring processor does. */
  private double scoreAll(SaeModel.Scorer scorer, List<float[]> data, float[] batch,
      int[] indices, float[] values, float[] reconstruction) {
    int batchSize = scorer.maxBatch();
    double checksum = 0;
    long start = System.nanoTime();
    for (long i = 0; i < records; i += batchSize) {
      int rows = (int) Math.min(batchSize, records - i);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(data.get((int) ((i + r) % data.size())), 0, batch, r * dim, dim);
      }
      scorer.score(batch, rows);
      for (int r = 0; r < rows; r++) {
        checksum += scorer.code(r, indices, values);
        scorer.reconstruction(r, reconstruction);
        checksum += scorer.squaredError(r);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (Double.isNaN(checksum)) {
      throw new IllegalStateException("scoring alone produced NaN errors");
    }
    return seconds;
  }

  private double trainingAlone(AppConfig cfg, List<float[]> data) {
    // the faster of two passes, each from a fresh trainer: the first also compiles the training
    // path
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 2; pass++) {
      OnlineTrainer trainer =
          new OnlineTrainer(cfg.trainerConfig(), Gemms.create(cfg.gemmBackend()));
      long start = System.nanoTime();
      for (long i = 0; i < records; i++) {
        trainer.accept(data.get((int) (i % data.size())));
      }
      trainer.flush();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return records / best;
  }

  /** How many of the records the full pipeline's sampler picks, in whole mini-batches. */
  private long fullBatchSamples(AppConfig cfg) throws Exception {
    TrainingSampler sampler = new TrainingSampler(cfg.sampleRate(), cfg.trainerConfig().seed());
    long sampled = 0;
    try (VectorSource source = data().open(records, 1)) {
      while (source.hasNext()) {
        if (sampler.test(source.next().id())) {
          sampled++;
        }
      }
    }
    int batch = cfg.trainerConfig().batchSize();
    return sampled / batch * batch;
  }

  /**
   * The full pipeline's settings with data-parallel training: a replica per input partition, the
   * default rounds, and a short wait so that the last partial rounds close soon after the input,
   * unless {@code settings} (the command's {@code --set}) name a wait of their own.
   */
  static AppConfig dataParallel(AppConfig cfg, int partitions, Map<String, String> settings) {
    AppConfig dp = cfg.with(AppConfig.TRAIN_MODE_CONFIG, "data-parallel")
        .with(AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG, partitions);
    return settings.containsKey(AppConfig.TRAIN_SYNC_MAX_WAIT_MS_CONFIG) ? dp
        : dp.with(AppConfig.TRAIN_SYNC_MAX_WAIT_MS_CONFIG, DATA_PARALLEL_MAX_WAIT_MS);
  }

  /**
   * How many of the records each input partition's replica trains in whole mini-batches (the
   * sampled records per partition, read back from the input topic), summed.
   */
  static long fullBatchSamplesByPartition(EmbeddedKafkaBroker broker, AppConfig cfg, long records) {
    TrainingSampler sampler = new TrainingSampler(cfg.sampleRate(), cfg.trainerConfig().seed());
    Map<Integer, Long> sampled = new HashMap<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-count-partitions-" + cfg.inputTopic());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    long seen = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60 + records / 1000).toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(cfg.inputTopic()));
      while (seen < records) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("read only " + seen + " of " + records + " input records back");
        }
        for (var r : c.poll(Duration.ofMillis(100))) {
          seen++;
          if (sampler.test(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))) {
            sampled.merge(r.partition(), 1L, Long::sum);
          }
        }
      }
    }
    int batch = cfg.trainerConfig().batchSize();
    return sampled.values().stream().mapToLong(n -> n / batch * batch).sum();
  }

  /**
   * Counts the samples the trainer has trained (steps' rows), and the averages the replicas took
   * with how long their training waited for them.
   */
  private static final class TrainedCount extends NoopMetricsSink {
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong averages = new AtomicLong();
    private final AtomicLong waitMillis = new AtomicLong();

    @Override
    public void trainingStep(StepResult step) {
      rows.addAndGet(step.rows());
    }

    @Override
    public void syncRound(int partition, double divergence, long roundMillis, long waited) {
      averages.incrementAndGet();
      waitMillis.addAndGet(waited);
    }
  }

  /** Waits until {@code count} reaches {@code expected} samples. */
  private void awaitSamples(LongSupplier count, long expected, String what) {
    Duration timeout = Duration.ofSeconds(60 + records / 200);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.getAsLong() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + count.getAsLong() + " of " + expected
            + " samples " + what + " after " + timeout);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for samples " + what, e);
      }
    }
  }

  /** The input: seeded synthetic vectors (seed 1), the same for every use. */
  private DatasetSpec data() {
    return DatasetSpec.parse("synthetic:dimension=" + dim);
  }

  /** The full pipeline's model, e.g. "d784·n256 topk k=8" (after {@link #run}). */
  String model() {
    return model;
  }

  private static String describe(SaeConfig c) {
    String sparsity = c.sparsity().name().toLowerCase(Locale.ROOT);
    return "d" + c.inputDim() + "·n" + c.latentDim() + " " + c.activation().configName()
        + (c.activation().isTopK() ? " k=" + c.k() : "")
        + (sparsity.equals("none") ? "" : " + " + sparsity);
  }

  private AppConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
      Path state, String run) {
    Map<String, String> m = benchSettings(broker, registry, run, "bench-input", dim, latents);
    m.put(AppConfig.METRICS_PORT_CONFIG, "-1");
    m.put("streams.state.dir", state.resolve(m.get(AppConfig.APPLICATION_ID_CONFIG)).toString());
    m.putAll(settings);
    return AppConfig.of(m);
  }

  /**
   * What every benchmark run's application shares: application id {@code bench-<run>}, the
   * embedded broker and registry, {@code inputTopic} and output topics named after the run, the
   * demo's model at {@code dim} × {@code latents}, every record trained on (whatever the detector
   * flags), reading the input from its start.
   */
  static Map<String, String> benchSettings(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, String run,
      String inputTopic, int dim, int latents) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(AppConfig.APPLICATION_ID_CONFIG, "bench-" + run);
    m.put(AppConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    m.put(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    m.put(AppConfig.INPUT_TOPIC_CONFIG, inputTopic);
    m.put(AppConfig.CODES_TOPIC_CONFIG, run + "-codes");
    m.put(AppConfig.SCORES_TOPIC_CONFIG, run + "-scores");
    m.put(AppConfig.ALERTS_TOPIC_CONFIG, run + "-alerts");
    m.put(AppConfig.DLQ_TOPIC_CONFIG, run + "-dlq");
    m.put(AppConfig.MODEL_TOPIC_CONFIG, run + "-model");
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, Integer.toString(dim));
    m.putAll(DemoCommand.modelSettings(latents, 42));
    m.put(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, "1.0");
    m.put(AppConfig.TRAIN_SKIP_ANOMALIES_CONFIG, "false");
    m.put("streams.auto.offset.reset", "earliest");
    return m;
  }

  /** @param counts the topology's metrics sink, for the averages taken (null: none) */
  private Result measure(String name, int round, EmbeddedKafkaBroker broker, AppConfig cfg, TrainedCount counts,
      Function<AppConfig, Topology> topology, Runnable awaitRest) throws Exception {
    OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    try (KafkaStreams streams = new KafkaStreams(topology.apply(cfg), cfg.streamsProperties())) {
      long cpu = os.getProcessCpuTime();
      long jitMillis = jit.getTotalCompilationTime();
      ThreadCpu threadsBefore = ThreadCpu.now();
      Map<String, Long> bytesBefore = TopicBytes.written();
      long start = System.nanoTime();
      streams.start();
      awaitCount(broker, cfg.scoresTopic(), records, Duration.ofSeconds(60 + records / 200));
      double scoredSeconds = (System.nanoTime() - start) / 1e9;
      awaitRest.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      // threads read inside the process's reading on both ends, so that their sum stays within it
      Map<String, Double> byThreads = ThreadCpu.now().since(threadsBefore);
      Map<String, Long> written = TopicBytes.since(bytesBefore, TopicBytes.written());
      double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
      jitMillis = jit.getTotalCompilationTime() - jitMillis;
      Map<String, Double> threadTime = new LinkedHashMap<>();
      for (String ratio : THREAD_RATIOS) {
        threadTime.put(ratio.replace("-ratio", ""), threadMetric(streams, ratio));
      }
      streams.close(Duration.ofSeconds(30));
      return new Result(name, round, records, seconds, scoredSeconds, cpuSeconds, jitMillis,
          threadTime, byThreads, counts == null ? 0 : counts.averages.get(), counts == null ? 0 : counts.waitMillis.get(),
          written);
    }
  }

  /** A stream-thread metric (averaged over the stream threads), NaN when absent. */
  private static double threadMetric(KafkaStreams streams, String name) {
    return streams.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("stream-thread-metrics")
            && e.getKey().name().equals(name))
        .map(e -> e.getValue().metricValue())
        .filter(v -> v instanceof Double)
        .mapToDouble(v -> (Double) v)
        .average()
        .orElse(Double.NaN);
  }

  /** Polls (read_committed) until the topic holds {@code expected} records. */
  private static void awaitCount(EmbeddedKafkaBroker broker, String topic, long expected,
      Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-count-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long seen = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      while (seen < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + ": only " + seen + " of " + expected
              + " records after " + timeout);
        }
        seen += c.poll(Duration.ofMillis(100)).count();
      }
    }
  }
}
