package io.saestreams.stream;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.anomaly.AnomalySettings;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.modelstore.ModelAssembler;
import io.saestreams.stream.score.AnomalyProcessor;
import io.saestreams.stream.score.OutputRecords;
import io.saestreams.stream.score.Scored;
import io.saestreams.stream.score.ScoringProcessor;
import io.saestreams.stream.state.WriteBackStore;
import io.saestreams.stream.sync.ReplicaProcessor;
import io.saestreams.stream.sync.SyncAggregator;
import io.saestreams.stream.sync.SyncContributions;
import io.saestreams.stream.sync.SyncChunk;
import io.saestreams.stream.training.KafkaSampleFetcher;
import io.saestreams.stream.training.SampleFetcher;
import io.saestreams.stream.training.TrainerProcessor;
import io.saestreams.stream.training.TrainerSettings;
import io.saestreams.stream.training.TrainingSample;
import io.saestreams.stream.training.TrainingSampleSerde;
import io.saestreams.stream.training.TrainingSampler;
import io.saestreams.stream.validate.InputLimits;
import io.saestreams.stream.validate.InputValidator;
import io.saestreams.stream.validate.ValidInput;
import io.saestreams.stream.validate.Validated;
import io.saestreams.stream.validate.ValidationProcessor;
import io.saestreams.train.ParameterAverage;
import io.saestreams.train.TrainerConfig;
import io.saestreams.train.TrainerPool;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology of the application, used by {@code run}, {@code demo} and every test.
 *
 * <pre>
 * input ─► validate ─┬─ invalid ─► dlq
 *                    └─ valid ─► scorer ◄── newest complete version ◄──────────────────┐
 *                                  │  (micro-batches; waiting inputs in a changelogged store)│
 *                                  └─► detect-anomalies ─┬─► codes                           │
 *                                                        ├─► scores                          │
 *                                                        ├─► alerts (first of a run)         │
 *                                                        └─► not anomalous ─► sample ─►      │
 *                                          training (1 partition) ─► trainer ─► model topic ─┘
 *                                                                              (global store)
 * </pre>
 *
 * Every processor, store and internal topic is named, and the topology is built with
 * {@code ensure.explicit.internal.resource.naming=true}, so that a change cannot silently rename
 * state.
 */
public final class SaeTopology {
  /** Global store of model versions, fed by the model topic. */
  public static final String MODEL_STORE = "model-versions";
  /** Name of the repartition topic of the training path (prefixed by the application id). */
  public static final String TRAINING_TOPIC = "training";
  /** The source of the sync topic ({@link AppConfig#syncTopic()}) in the aggregator's sub-topology. */
  static final String SYNC_SOURCE = "sync-source";
  /** Names the threads data-parallel replicas train on ({@code sae-replica-0}, ...). */
  public static final String REPLICA_THREAD_PREFIX = "sae-replica-";
  /** How long a restarted trainer may take to read one batch of replayed samples back. */
  static final Duration REPLAY_FETCH_TIMEOUT = Duration.ofMinutes(2);

  private SaeTopology() {}

  /** The topology with the project's Avro serdes on the given registry client. */
  public static Topology build(AppConfig config, SaeMetricsSink metrics, SchemaRegistryClient registry) {
    return build(config, metrics, new SaeSerdes(registry));
  }

  public static Topology build(AppConfig config, SaeMetricsSink metrics, SaeSerdes serdes) {
    StreamsBuilder builder = new StreamsBuilder();
    addStores(builder, config, serdes);
    KStream<byte[], ValidInput> valid = validate(builder, config, metrics, serdes);
    KStream<byte[], Scored> judged = score(valid, config, metrics, serdes);
    train(judged, config, metrics, serdes);
    Topology topology = builder.build(config.streamsProperties());
    if (config.dataParallel()) {
      addAggregator(topology, config, metrics, serdes);
    }
    return topology;
  }

  private static void addStores(StreamsBuilder builder, AppConfig config, SaeSerdes serdes) {
    addModelStore(builder, config.modelTopic(), serdes, true, config.syncCheckpointRounds());
    boolean dp = config.dataParallel();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                trainingStateStore(config, dp ? ReplicaProcessor.CHECKPOINT_STORE : TrainerProcessor.CHECKPOINT_STORE),
                Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(TopicSpecs.trainingStateChangelogConfigs()));
    // written back at commits: the open block is rewritten on every sample, only its last version
    // is logged
    builder.addStateStore(WriteBackStore.persistent(
        dp ? ReplicaProcessor.REPLAY_STORE : TrainerProcessor.REPLAY_STORE, Serdes.Long(), WriteBackStore.bytes()));
    // written back at commits: an input scored before the next commit is never written
    builder.addStateStore(ScoringProcessor.bufferStore());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(AnomalyProcessor.STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled());
  }

  /**
   * A store of training state (checkpoints, contributions): megabytes rewritten every round or
   * checkpoint. In memory, a write costs its changelog record only; RocksDB adds its memtable,
   * flushes and compactions of values that are superseded seconds later ({@code train.state.store}).
   */
  private static KeyValueBytesStoreSupplier trainingStateStore(AppConfig config, String name) {
    return config.trainingStateInMemory() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  /**
   * Adds the global store of model versions fed by {@code modelTopic}. The application keeps it
   * in memory ({@code inMemory}): it is rebuilt from the compacted model topic at every start. A
   * persistent global store under exactly_once_v2 is left marked open by an unclean stop (kill -9,
   * OOM kill, power loss) once RocksDB has flushed it, and Kafka Streams 4.3's global thread then
   * fails at every start ("Tasks [-1_-1] are corrupted") instead of wiping and rebuilding it. The
   * persistent kind stays here for {@code bench --model-store}, which compares the two.
   */
  public static void addModelStore(StreamsBuilder builder, String modelTopic, SaeSerdes serdes, boolean inMemory,
      int retainedVersions) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                inMemory ? Stores.inMemoryKeyValueStore(MODEL_STORE) : Stores.persistentKeyValueStore(MODEL_STORE),
                Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        modelTopic,
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("model-source"),
        () -> new ModelAssembler(MODEL_STORE, serdes.modelChunk().deserializer(), retainedVersions));
  }

  private static KStream<byte[], ValidInput> validate(
      StreamsBuilder builder, AppConfig config, SaeMetricsSink metrics, SaeSerdes serdes) {
    Map<String, KStream<byte[], Validated>> branches =
        builder.stream(config.inputTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("input-source"))
            .process(
                () -> new ValidationProcessor(new InputValidator(serdes.inputVector(), config.inputDim(), limits(config)), metrics),
                Named.as("validate"))
            .split(Named.as("validated-"))
            .branch((k, v) -> v.isValid(), Branched.as("valid"))
            .defaultBranch(Branched.as("invalid"));
    branches.get("validated-invalid")
        .mapValues(Validated::rawValue, Named.as("dlq-payload"))
        .to(config.dlqTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-sink"));
    return branches.get("validated-valid").mapValues(Validated::input, Named.as("valid-input"));
  }

  /**
   * Trains on the judged inputs, in each partition's arrival order: all of them, or (with {@code
   * train.skip.anomalies}) those not flagged as anomalous, and of those a deterministic sample by
   * id. The verdict is in the same transaction as the training record, so the replay log, which
   * references exactly the records trained on, skips the same ones after a restart.
   */
  private static void train(
      KStream<byte[], Scored> judged, AppConfig config, SaeMetricsSink metrics, SaeSerdes serdes) {
    TrainerSettings settings = TrainerSettings.of(config);
    TrainingSampler sampler = new TrainingSampler(config.sampleRate(), settings.trainer().seed());
    boolean skipAnomalies = config.skipAnomaliesInTraining();
    SampleFetcher.Factory fetchers = KafkaSampleFetcher.factory(config.inputTopic(),
        new InputValidator(serdes.inputVector(), config.inputDim(), limits(config)), REPLAY_FETCH_TIMEOUT);
    KStream<String, TrainingSample> samples = judged
        .filter((k, s) -> !(skipAnomalies && s.verdict().anomaly()) && sampler.test(s.input().id()),
            Named.as("train-sample"))
        .process(ToTrainingSample::new, Named.as("to-training-sample"));
    if (config.dataParallel()) {
      trainDataParallel(samples, config, settings, metrics, serdes, fetchers);
      return;
    }
    samples
        .repartition(
            Repartitioned.<String, TrainingSample>as(TRAINING_TOPIC)
                .withNumberOfPartitions(1)
                .withKeySerde(Serdes.String())
                .withValueSerde(new TrainingSampleSerde()))
        .process(
            () -> new TrainerProcessor(settings, metrics, fetchers),
            Named.as("trainer"),
            TrainerProcessor.CHECKPOINT_STORE,
            TrainerProcessor.REPLAY_STORE)
        .to(config.modelTopic(), Produced.with(Serdes.String(), serdes.modelChunk()).withName("model-sink"));
  }

  /**
   * Data-parallel training: a replica in the task of every input partition (no training topic),
   * whose round contributions go through the single-partition sync topic to one aggregator, which
   * publishes each round's average to the model topic.
   */
  private static void trainDataParallel(KStream<String, TrainingSample> samples, AppConfig config,
      TrainerSettings settings, SaeMetricsSink metrics, SaeSerdes serdes, SampleFetcher.Factory fetchers) {
    int partitions = syncPartitions(config);
    TrainerSettings replicas = settings.withTrainer(replicaConfig(config));
    // the replicas of this instance take turns on these threads; they start with the first sample
    TrainerPool pool = settings.async() ? new TrainerPool(config.syncThreads(), REPLICA_THREAD_PREFIX) : null;
    samples
        .process(
            () -> new ReplicaProcessor(replicas, config.syncSteps(), config.syncOverlapSteps(), config.syncMaxWaitMs(),
                config.syncCheckpointRounds(), partitions, MODEL_STORE,
                metrics, fetchers, pool),
            Named.as("replica"),
            ReplicaProcessor.CHECKPOINT_STORE,
            ReplicaProcessor.REPLAY_STORE)
        .to(config.syncTopic(), Produced.with(Serdes.String(), SyncChunk.serde()).withName("sync-sink"));
  }

  /**
   * The aggregator's sub-topology, added to the built topology with the Processor API: the sync
   * topic feeds the store of contributions ({@link SyncContributions}, a read-only store whose
   * changelog is the sync topic itself, so a contribution is written to Kafka once) and then the
   * aggregator, which reads that store, keeps its own small changelogged state, publishes each
   * round's average to the model topic and deletes averaged rounds from the sync topic by
   * tombstones.
   */
  private static void addAggregator(Topology topology, AppConfig config, SaeMetricsSink metrics,
      SaeSerdes serdes) {
    TrainerSettings settings = TrainerSettings.of(config);
    topology.addReadOnlyStateStore(
        Stores.keyValueStoreBuilder(trainingStateStore(config, SyncContributions.STORE), Serdes.String(),
            Serdes.ByteArray()),
        SYNC_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), config.syncTopic(),
        "sync-contributions-update", SyncContributions::new);
    topology.addProcessor("aggregator",
        () -> new SyncAggregator(settings.chunkBytes(), config.syncCheckpointRounds(), metrics), SYNC_SOURCE);
    // cached: the next round and the statistics change once a round, and are written at commits
    topology.addStateStore(
        Stores.keyValueStoreBuilder(trainingStateStore(config, SyncAggregator.STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled()
            .withLoggingEnabled(TopicSpecs.trainingStateChangelogConfigs()),
        "aggregator");
    topology.connectProcessorAndStateStores("aggregator", SyncContributions.STORE);
    topology.addSink(SyncAggregator.MODEL_SINK, config.modelTopic(), Serdes.String().serializer(),
        serdes.modelChunk().serializer(), "aggregator");
    topology.addSink(SyncAggregator.TOMBSTONE_SINK, config.syncTopic(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), "aggregator");
  }

  /** The replicas of data-parallel training: {@code train.sync.partitions}, resolved before the build. */
  private static int syncPartitions(AppConfig config) {
    int p = config.syncPartitions();
    if (p < 1) {
      throw new IllegalStateException(AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG + " must be resolved to the input"
          + " topic's partition count before the topology is built (StreamsApp does it)");
    }
    return p;
  }

  /** The trainer settings of data-parallel replicas (their learning rate, {@code train.sync.learning.rate}). */
  public static TrainerConfig replicaConfig(AppConfig config) {
    return ParameterAverage.replicaConfig(config.trainerConfig(), syncPartitions(config), config.syncLearningRate());
  }

  /** Samples one model version stands for, for the anomaly detector's warm-up. */
  static long samplesPerVersion(AppConfig config) {
    long batch = config.trainerConfig().batchSize();
    return config.dataParallel() ? batch * config.syncSteps() * syncPartitions(config) : batch;
  }

  private static KStream<byte[], Scored> score(
      KStream<byte[], ValidInput> valid, AppConfig config, SaeMetricsSink metrics, SaeSerdes serdes) {
    Supplier<SaeModel> initial = new Once<>(() -> InitialModel.of(config.trainerConfig()));
    AnomalySettings anomaly = config.anomalySettings();
    metrics.falseAlarmRateTarget(anomaly.targetRate());
    int top = anomaly.topDimensions();
    int handover = anomaly.handsOver() ? anomaly.handoverRecords() : 0;
    long samplesPerVersion = samplesPerVersion(config);
    KStream<byte[], Scored> judged =
        valid
            .process(
                () -> new ScoringProcessor(initial, MODEL_STORE, config.gemmBackend(),
                    config.scoreBatchSize(), config.scoreBatchMaxWaitMs(), handover, metrics),
                Named.as("scorer"),
                ScoringProcessor.BUFFER_STORE)
            .process(
                () -> new AnomalyProcessor(anomaly, samplesPerVersion, metrics),
                Named.as("detect-anomalies"),
                AnomalyProcessor.STORE);
    judged
        .mapValues(s -> counted(metrics, "codes", OutputRecords.code(s)), Named.as("to-sparse-code"))
        .to(config.codesTopic(), Produced.with(Serdes.ByteArray(), serdes.sparseCode()).withName("codes-sink"));
    judged
        .mapValues(s -> counted(metrics, "scores", OutputRecords.score(s)), Named.as("to-score"))
        .to(config.scoresTopic(), Produced.with(Serdes.ByteArray(), serdes.reconstructionScore()).withName("scores-sink"));
    judged
        .filter((k, s) -> s.verdict().alert(), Named.as("anomalies"))
        .mapValues(s -> counted(metrics, "alerts", OutputRecords.alert(s, top)), Named.as("to-alert"))
        .to(config.alertsTopic(), Produced.with(Serdes.ByteArray(), serdes.anomalyAlert()).withName("alerts-sink"));
    return judged;
  }

  /** Keys a sample by its id and records where it is in the input topic (for the replay log). */
  private static final class ToTrainingSample extends ContextualProcessor<byte[], Scored, String, TrainingSample> {
    @Override
    public void process(Record<byte[], Scored> record) {
      ValidInput v = record.value().input();
      context().forward(record.withKey(v.id()).withValue(TrainingSample.of(v, record.value().source())));
    }
  }

  /**
   * The bounds of a valid input: the configured id length, and the Streams producer's {@code
   * max.request.size} (a {@code producer.} prefixed setting wins, as in Kafka Streams).
   */
  public static InputLimits limits(AppConfig config) {
    Properties p = config.streamsProperties();
    Object size = p.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (size == null) {
      size = p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    int maxRecord = size == null ? InputLimits.DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(String.valueOf(size).trim());
    return new InputLimits(config.inputIdMaxBytes(), maxRecord);
  }

  private static <T> T counted(SaeMetricsSink metrics, String output, T value) {
    metrics.recordOut(output);
    return value;
  }

  /** Computes a value on first use and shares it (tasks of all stream threads). */
  private static final class Once<T> implements Supplier<T> {
    private Supplier<T> source;
    private T value;

    Once(Supplier<T> source) {
      this.source = source;
    }

    @Override
    public synchronized T get() {
      if (source != null) {
        value = source.get();
        source = null;
      }
      return value;
    }
  }
}
