package io.saestreams.stream.config;

import io.saestreams.model.Activation;
import io.saestreams.model.LrSchedule;
import io.saestreams.model.Noise;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.anomaly.AlertMode;
import io.saestreams.stream.anomaly.AnomalySettings;
import io.saestreams.stream.anomaly.ThresholdMode;
import io.saestreams.train.DecoderBiasInit;
import io.saestreams.train.Revival;
import io.saestreams.train.TrainerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The validated configuration of the streaming application. Load it with {@link #load}: the
 * given properties, overridden by {@code SAE_*} environment variables, checked against {@link
 * #configDef()} (types, validators, required keys) and for unknown keys. Kafka Streams and client
 * settings pass through under {@value #STREAMS_PREFIX}, checked against Kafka's own definitions;
 * schema registry client settings under {@value #REGISTRY_PREFIX}, checked by the registry
 * client's own rules. Every configuration error is a {@link ConfigException} thrown by {@link
 * #load} and names the key as the user wrote it (the properties key, or the environment variable).
 */
public final class AppConfig extends AbstractConfig {
  /** Kafka Streams / client settings: {@code streams.num.stream.threads} → {@code num.stream.threads}. */
  public static final String STREAMS_PREFIX = "streams.";

  /** Schema registry client settings: {@code registry.basic.auth.user.info} → {@code basic.auth.user.info}. */
  public static final String REGISTRY_PREFIX = "registry.";

  // ---- connection -------------------------------------------------------------------------------
  public static final String APPLICATION_ID_CONFIG = "application.id";
  public static final String APPLICATION_ID_DOC =
      "Kafka Streams application id: consumer group, prefix of internal topics and state directory.";
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  public static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to (host:port,...).";
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  public static final String SCHEMA_REGISTRY_URL_DOC =
      "Confluent-API schema registry URL(s), comma-separated.";
  public static final String PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
  public static final String PROCESSING_GUARANTEE_DOC =
      "Kafka Streams processing guarantee. exactly_once_v2 makes training resume exactly and"
          + " outputs neither lost nor duplicated across a crash.";

  public static final String STARTUP_TIMEOUT_MS_CONFIG = "startup.timeout.ms";
  public static final String STARTUP_TIMEOUT_MS_DOC =
      "How long run waits at start for the Kafka cluster (bootstrap.servers) to be reachable"
          + " before it exits with an error naming bootstrap.servers.";
  public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
  public static final String SHUTDOWN_TIMEOUT_MS_DOC =
      "How long a clean stop (Ctrl-C, SIGTERM) may take; after it the process exits anyway.";

  // ---- topics -----------------------------------------------------------------------------------
  public static final String INPUT_TOPIC_CONFIG = "input.topic";
  public static final String INPUT_TOPIC_DOC = "Topic of InputVector records (Avro, Confluent framing).";
  public static final String CODES_TOPIC_CONFIG = "codes.topic";
  public static final String CODES_TOPIC_DOC = "Output topic of SparseCode records, one per valid input.";
  public static final String SCORES_TOPIC_CONFIG = "scores.topic";
  public static final String SCORES_TOPIC_DOC =
      "Output topic of ReconstructionScore records, one per valid input.";
  public static final String ALERTS_TOPIC_CONFIG = "alerts.topic";
  public static final String ALERTS_TOPIC_DOC = "Output topic of AnomalyAlert records.";
  public static final String DLQ_TOPIC_CONFIG = "dlq.topic";
  public static final String DLQ_TOPIC_DOC =
      "Dead-letter topic: invalid inputs with their original bytes and sae.dlq.* headers.";
  public static final String MODEL_TOPIC_CONFIG = "model.topic";
  public static final String MODEL_TOPIC_DOC =
      "Compacted topic of ModelChunk records (key = chunk index) that every instance reads into a"
          + " global store.";

  public static final String INPUT_ID_MAX_BYTES_CONFIG = "input.id.max.bytes";
  public static final String INPUT_ID_MAX_BYTES_DOC =
      "Longest input id accepted, in UTF-8 bytes; an input with a longer id is invalid and goes to"
          + " the DLQ.";

  // ---- model ------------------------------------------------------------------------------------
  public static final String SAE_INPUT_DIM_CONFIG = "sae.input.dim";
  public static final String SAE_INPUT_DIM_DOC = "d, the input dimension; inputs of another length go to the DLQ.";
  public static final String SAE_LATENT_DIM_CONFIG = "sae.latent.dim";
  public static final String SAE_LATENT_DIM_DOC = "n, the number of latents (dictionary size).";
  public static final String SAE_ACTIVATION_CONFIG = "sae.activation";
  public static final String SAE_ACTIVATION_DOC = "Encoder activation.";
  public static final String SAE_K_CONFIG = "sae.k";
  public static final String SAE_K_DOC = "Active latents per sample for topk (on average for batch-topk).";
  public static final String SAE_THRESHOLD_DECAY_CONFIG = "sae.threshold.decay";
  public static final String SAE_THRESHOLD_DECAY_DOC = "Decay of batch-topk's running inference threshold.";
  public static final String SAE_JUMP_THRESHOLD_CONFIG = "sae.jump.threshold";
  public static final String SAE_JUMP_THRESHOLD_DOC = "Initial jumprelu threshold.";
  public static final String SAE_JUMP_BANDWIDTH_CONFIG = "sae.jump.bandwidth";
  public static final String SAE_JUMP_BANDWIDTH_DOC = "Jumprelu straight-through kernel width.";
  public static final String SAE_SPARSITY_CONFIG = "sae.sparsity";
  public static final String SAE_SPARSITY_DOC = "Sparsity penalty (kl needs sae.activation=sigmoid; tanh-l0 needs jumprelu or relu).";
  public static final String SAE_L1_COEFFICIENT_CONFIG = "sae.l1.coefficient";
  public static final String SAE_L1_COEFFICIENT_DOC = "Weight of the L1 penalty on activations.";
  public static final String SAE_L1_DECODER_NORM_CONFIG = "sae.l1.decoder.norm";
  public static final String SAE_L1_DECODER_NORM_DOC = "Weight each latent's L1 term by its decoder direction's norm.";
  public static final String SAE_KL_TARGET_CONFIG = "sae.kl.target";
  public static final String SAE_KL_TARGET_DOC = "Target mean activation rho of the KL penalty.";
  public static final String SAE_KL_WEIGHT_CONFIG = "sae.kl.weight";
  public static final String SAE_KL_WEIGHT_DOC = "Weight beta of the KL penalty.";
  public static final String SAE_KL_DECAY_CONFIG = "sae.kl.decay";
  public static final String SAE_KL_DECAY_DOC = "Decay of the running average activation (0 = this batch only).";
  public static final String SAE_WEIGHT_DECAY_CONFIG = "sae.weight.decay";
  public static final String SAE_WEIGHT_DECAY_DOC = "lambda of the (lambda/2)||W||^2 weight decay.";
  public static final String SAE_NOISE_CONFIG = "sae.noise";
  public static final String SAE_NOISE_DOC = "Denoising corruption of training inputs.";
  public static final String SAE_NOISE_LEVEL_CONFIG = "sae.noise.level";
  public static final String SAE_NOISE_LEVEL_DOC = "Masking probability or Gaussian standard deviation.";
  public static final String SAE_UNIT_NORM_DECODER_CONFIG = "sae.unit.norm.decoder";
  public static final String SAE_UNIT_NORM_DECODER_DOC = "Keep every decoder direction at unit norm.";
  public static final String SAE_AUXK_COEFFICIENT_CONFIG = "sae.auxk.coefficient";
  public static final String SAE_AUXK_COEFFICIENT_DOC = "Weight of the AuxK loss on dead latents (0 = off).";
  public static final String SAE_AUXK_CONFIG = "sae.auxk";
  public static final String SAE_AUXK_DOC = "Latents the AuxK loss may use per sample.";
  public static final String SAE_TANH_L0_COEFFICIENT_CONFIG = "sae.tanh.l0.coefficient";
  public static final String SAE_TANH_L0_COEFFICIENT_DOC = "Weight lambda of sparsity=tanh-l0, lambda*sum_j tanh(c*h_j*||W_dec,j||) (Anthropic 2025).";
  public static final String SAE_TANH_L0_SCALE_CONFIG = "sae.tanh.l0.scale";
  public static final String SAE_TANH_L0_SCALE_DOC = "Scale c inside the tanh of sparsity=tanh-l0.";
  public static final String SAE_PREACT_COEFFICIENT_CONFIG = "sae.preact.coefficient";
  public static final String SAE_PREACT_COEFFICIENT_DOC = "Weight lambda_p of the pre-activation penalty lambda_p*sum_j ReLU(theta_j - z_j)*||W_dec,j|| (theta_j the jumprelu threshold, 0 for relu; Anthropic 2025, against dead latents); 0 = off; needs sae.activation=jumprelu or relu.";
  public static final String SAE_MATRYOSHKA_PREFIXES_CONFIG = "sae.matryoshka.prefixes";
  public static final String SAE_MATRYOSHKA_PREFIXES_DOC = "Matryoshka nested dictionary sizes, increasing (e.g. 64,256; sae.latent.dim is appended): the loss is the mean reconstruction loss of each prefix of latents; empty = off; needs dense codes (batch-topk, not topk).";

  // ---- training ---------------------------------------------------------------------------------
  public static final String TRAIN_BATCH_SIZE_CONFIG = "train.batch.size";
  public static final String TRAIN_BATCH_SIZE_DOC = "Samples per mini-batch.";
  public static final String TRAIN_OPTIMIZER_CONFIG = "train.optimizer";
  public static final String TRAIN_OPTIMIZER_DOC = "Update rule.";
  public static final String TRAIN_LEARNING_RATE_CONFIG = "train.learning.rate";
  public static final String TRAIN_LEARNING_RATE_DOC = "Learning rate after warm-up.";
  public static final String TRAIN_WARMUP_STEPS_CONFIG = "train.warmup.steps";
  public static final String TRAIN_WARMUP_STEPS_DOC = "Steps of linear learning-rate warm-up (0 = none).";
  public static final String TRAIN_CLIP_NORM_CONFIG = "train.clip.norm";
  public static final String TRAIN_CLIP_NORM_DOC = "Global gradient-norm clipping (0 = none).";
  public static final String TRAIN_SEED_CONFIG = "train.seed";
  public static final String TRAIN_SEED_DOC =
      "The one seed of every random choice; scorers derive model version 0 from it.";
  public static final String TRAIN_TIED_INIT_CONFIG = "train.tied.init";
  public static final String TRAIN_TIED_INIT_DOC = "Initialise the encoder as the decoder's transpose.";
  public static final String TRAIN_DECODER_BIAS_INIT_CONFIG = "train.decoder.bias.init";
  public static final String TRAIN_DECODER_BIAS_INIT_DOC = "How the decoder bias is initialised from the first batch.";
  public static final String TRAIN_DEAD_WINDOW_CONFIG = "train.dead.window";
  public static final String TRAIN_DEAD_WINDOW_DOC = "A latent that has not fired in this many samples is dead.";
  public static final String TRAIN_REVIVAL_CONFIG = "train.revival";
  public static final String TRAIN_REVIVAL_DOC = "Dead-latent revival (auxk needs sae.auxk.coefficient > 0).";
  public static final String TRAIN_REVIVAL_INTERVAL_CONFIG = "train.revival.interval";
  public static final String TRAIN_REVIVAL_INTERVAL_DOC = "Steps between re-initialisation passes (reinit).";
  public static final String TRAIN_DENSE_THRESHOLD_CONFIG = "train.dense.threshold";
  public static final String TRAIN_DENSE_THRESHOLD_DOC = "A latent firing on more than this fraction of samples is dense.";
  public static final String TRAIN_NORMALISE_INPUT_CONFIG = "train.normalise.input";
  public static final String TRAIN_NORMALISE_INPUT_DOC =
      "Centre inputs on their running mean and scale them by one running scalar so that E||x|| ="
          + " sqrt(d); the statistics are saved in checkpoints and published with the model, whose"
          + " scorers apply them; errors and reconstructions are reported in the input's units."
          + " With train.mode=data-parallel the replicas' statistics are merged at every round's end.";
  public static final String TRAIN_LR_SCHEDULE_CONFIG = "train.lr.schedule";
  public static final String TRAIN_LR_SCHEDULE_DOC =
      "Learning rate after warm-up: constant, or a cosine or linear decay to train.lr.floor over"
          + " train.lr.decay.steps steps, then constant at the floor.";
  public static final String TRAIN_LR_DECAY_STEPS_CONFIG = "train.lr.decay.steps";
  public static final String TRAIN_LR_DECAY_STEPS_DOC =
      "Steps from the end of warm-up to the floor (>= 1 for cosine and linear).";
  public static final String TRAIN_LR_FLOOR_CONFIG = "train.lr.floor";
  public static final String TRAIN_LR_FLOOR_DOC =
      "Final learning rate as a fraction of train.learning.rate (0.1 = a tenth of it).";
  public static final String SAE_SPARSITY_WARMUP_STEPS_CONFIG = "sae.sparsity.warmup.steps";
  public static final String SAE_SPARSITY_WARMUP_STEPS_DOC =
      "Steps over which the sparsity coefficient (L1 or KL) ramps linearly from 0 to its value"
          + " (0 = none).";
  public static final String TRAIN_SAMPLE_RATE_CONFIG = "train.sample.rate";
  public static final String TRAIN_SAMPLE_RATE_DOC =
      "Fraction of valid inputs sent to training, chosen by a hash of the input id (a replay"
          + " samples the same inputs).";
  public static final String TRAIN_BATCH_MAX_WAIT_MS_CONFIG = "train.batch.max.wait.ms";
  public static final String TRAIN_BATCH_MAX_WAIT_MS_DOC =
      "A partial batch is trained after this long (wall clock) without new training samples.";
  public static final String TRAIN_ASYNC_CONFIG = "train.async";
  public static final String TRAIN_ASYNC_DOC =
      "Train on a thread of its own, so that the stream thread goes on reading, scoring and writing"
          + " meanwhile (true), or on the stream thread (false). The results are the same, bit for bit.";
  public static final String TRAIN_MODE_CONFIG = "train.mode";
  public static final String TRAIN_MODE_DOC =
      "single: one trainer task trains on a single-partition training topic. data-parallel: the task"
          + " of every input partition trains a replica on its own samples; every train.sync.steps steps"
          + " the replicas' parameters are averaged (weighted by samples) through an internal topic and"
          + " every replica goes on from the average, which is published as the next model version.";
  public static final String TRAIN_SYNC_STEPS_CONFIG = "train.sync.steps";
  public static final String TRAIN_SYNC_STEPS_DOC =
      "data-parallel: local training steps of a replica in one synchronisation round.";
  public static final String TRAIN_SYNC_OVERLAP_STEPS_CONFIG = "train.sync.overlap.steps";
  public static final int TRAIN_SYNC_OVERLAP_STEPS_DEFAULT = 10;
  public static final String TRAIN_SYNC_OVERLAP_STEPS_DOC =
      "data-parallel: steps of a round a replica trains from its own parameters before it takes the"
          + " previous round's average (keeping its own update since it contributed), so that training"
          + " goes on while a round is averaged (a value above train.sync.steps takes it at the round's"
          + " end). 0 = synchronous rounds: a replica waits for each average before its next round.";
  public static final String TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG = "train.sync.checkpoint.rounds";
  public static final String TRAIN_SYNC_CHECKPOINT_ROUNDS_DOC =
      "data-parallel: a replica checkpoints at every this many round ends (1 = every round; a round"
          + " longer than train.checkpoint.interval.steps or .ms is also checkpointed inside, at those"
          + " intervals). Between checkpoints"
          + " it records only how many samples each round had; the global model store and the compacted"
          + " model topic keep this many newest versions, so that a replica restarted from a checkpoint"
          + " some rounds old trains those rounds again and takes the same averages. Higher: fewer"
          + " checkpoint bytes (one is 12 (2dn + d + n) bytes a replica), more samples trained again"
          + " after a crash, and this many model versions in every instance's memory.";
  public static final String TRAIN_SYNC_MAX_WAIT_MS_CONFIG = "train.sync.max.wait.ms";
  public static final String TRAIN_SYNC_MAX_WAIT_MS_DOC =
      "data-parallel: a replica ends its round after this long (wall clock) even with fewer than"
          + " train.sync.steps steps, trains its partial batch and contributes what it has (an idle"
          + " partition contributes an empty update), so that no partition stalls the rounds.";
  public static final String TRAIN_SYNC_LEARNING_RATE_CONFIG = "train.sync.learning.rate";
  public static final String TRAIN_SYNC_LEARNING_RATE_DOC =
      "data-parallel: the replicas' learning rate (0 = train.learning.rate times the number of replicas:"
          + " each replica takes 1/P of the steps, and at the single trainer's rate the group learns far"
          + " too slowly).";
  public static final String TRAIN_SYNC_PARTITIONS_CONFIG = "train.sync.partitions";
  public static final String TRAIN_SYNC_PARTITIONS_DOC =
      "data-parallel: replicas per round (0 = the input topic's partition count, looked up at start-up).";
  public static final String TRAIN_SYNC_THREADS_CONFIG = "train.sync.threads";
  public static final String TRAIN_SYNC_THREADS_DOC =
      "data-parallel with train.async: threads an instance trains its replicas on, shared by them in"
          + " turns of two mini-batches (0 = the JVM's available processors). More threads than cores"
          + " only make the replicas preempt each other and evict each other's weights from the caches.";
  public static final String TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG = "train.checkpoint.interval.steps";
  public static final String TRAIN_CHECKPOINT_INTERVAL_STEPS_DOC = "Checkpoint the trainer every this many steps (data-parallel: inside a round that runs longer;"
          + " round ends follow train.sync.checkpoint.rounds).";
  public static final String TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG = "train.checkpoint.interval.ms";
  public static final String TRAIN_CHECKPOINT_INTERVAL_MS_DOC =
      "Checkpoint the trainer at least this often (wall clock) while it has new samples (data-parallel:"
          + " inside a round that runs longer).";
  public static final String TRAIN_STATE_STORE_CONFIG = "train.state.store";
  public static final String TRAIN_STATE_STORE_DOC =
      "Where the training state is stored between commits: the trainer's (or each replica's) two checkpoint"
          + " slots and, data-parallel, the contributions the aggregator has not averaged yet. in_memory: on"
          + " the heap, restored from its changelog at every start (cheapest to write: a round's checkpoints"
          + " and contributions are megabytes). rocksdb: on disk, kept across clean restarts. auto: in_memory"
          + " when one checkpoint (parameters and two optimiser moments, 12 (2dn + d + n) bytes) is at most"
          + " 64 MiB, rocksdb above. Both changelogs roll 16 MiB segments, so that compaction keeps what a"
          + " restore reads to about twice the live state plus one segment.";
  public static final String MODEL_PUBLISH_INTERVAL_STEPS_CONFIG = "model.publish.interval.steps";
  public static final String MODEL_PUBLISH_INTERVAL_STEPS_DOC =
      "Publish a model version at every step count that is a multiple of this (and after a partial batch is trained).";
  public static final String MODEL_CHUNK_BYTES_CONFIG = "model.chunk.bytes";
  public static final String MODEL_CHUNK_BYTES_DOC =
      "Largest payload of one ModelChunk record (and of one checkpoint chunk); below Kafka's 1 MB"
          + " record limit.";
  public static final String GEMM_BACKEND_CONFIG = "gemm.backend";
  public static final String GEMM_BACKEND_DOC = "Matrix multiplication backend (auto = the OpenBLAS bundled in the jar if loadable, else the system's native BLAS if loadable, else the Vector API kernel java-vector when started with --add-modules jdk.incubator.vector, else java).";

  // ---- scoring ----------------------------------------------------------------------------------
  public static final String SCORE_BATCH_SIZE_CONFIG = "score.batch.size";
  public static final String SCORE_BATCH_SIZE_DOC =
      "Valid inputs a scoring task encodes together in one batch (1 = each input on its own, at"
          + " once). Inputs waiting for their batch are kept in a changelogged store, so none is"
          + " lost or repeated across a restart.";
  public static final String SCORE_BATCH_MAX_WAIT_MS_CONFIG = "score.batch.max.wait.ms";
  public static final String SCORE_BATCH_MAX_WAIT_MS_DOC =
      "A partial scoring batch is encoded at least this often (wall clock), bounding the latency"
          + " that batching adds.";

  // ---- anomaly ----------------------------------------------------------------------------------
  public static final String ANOMALY_THRESHOLD_MODE_CONFIG = "anomaly.threshold.mode";
  public static final String ANOMALY_THRESHOLD_MODE_DOC =
      "How the anomaly threshold is set: false-alarm-rate (the (1 - q) quantile of recent normal errors,"
          + " q = anomaly.false.alarm.rate) or sigmas (exp(mean + k * std) of the log error,"
          + " k = anomaly.threshold.sigmas).";
  public static final String ANOMALY_FALSE_ALARM_RATE_CONFIG = "anomaly.false.alarm.rate";
  public static final String ANOMALY_FALSE_ALARM_RATE_DOC =
      "Fraction q of normal records you accept to see flagged (false-alarm-rate mode), in (0, 0.25]."
          + " Below about 0.02 the tail is extrapolated by a generalised Pareto fit (peaks over threshold).";
  public static final String ANOMALY_WARMUP_RECORDS_CONFIG = "anomaly.warmup.records";
  public static final String ANOMALY_WARMUP_RECORDS_DOC =
      "Records (per partition, from a mature model) a threshold is calibrated on before any alert;"
          + " in false-alarm-rate mode counted within [50, 2000].";
  public static final String ANOMALY_MIN_TRAINED_SAMPLES_CONFIG = "anomaly.min.trained.samples";
  public static final String ANOMALY_MIN_TRAINED_SAMPLES_DOC =
      "No alert, and no threshold, until the scoring model was trained on this many samples (model"
          + " version x train.batch.size); until then scores carry anomaly=false and a null threshold.";
  public static final String ANOMALY_HANDOVER_RECORDS_CONFIG = "anomaly.handover.records";
  public static final String ANOMALY_HANDOVER_RECORDS_DOC =
      "Records a newly published model version scores alongside the version in force before it takes"
          + " over (false-alarm-rate mode): the detector learns the new version's error level from the"
          + " paired errors, so a version switch raises no burst of false alarms.";
  public static final String ANOMALY_ALERT_MODE_CONFIG = "anomaly.alert.mode";
  public static final String ANOMALY_ALERT_MODE_DOC =
      "run: one alert per run of consecutive anomalous records (per partition), at its first record;"
          + " record: one alert per anomalous record.";
  public static final String ANOMALY_THRESHOLD_SIGMAS_CONFIG = "anomaly.threshold.sigmas";
  public static final String ANOMALY_THRESHOLD_SIGMAS_DOC =
      "sigmas mode: threshold = exp(mean + sigmas * std) of the running log reconstruction error.";
  public static final String ANOMALY_WINDOW_DECAY_CONFIG = "anomaly.window.decay";
  public static final String ANOMALY_WINDOW_DECAY_DOC =
      "Per-record decay of the running error level (false-alarm-rate mode) or of the running mean and"
          + " variance of the log error (sigmas mode); effective window 1/(1-decay) records.";
  public static final String ANOMALY_TOP_DIMENSIONS_CONFIG = "anomaly.top.dimensions";
  public static final String ANOMALY_TOP_DIMENSIONS_DOC = "Input dimensions named in an alert.";
  public static final String TRAIN_SKIP_ANOMALIES_CONFIG = "train.skip.anomalies";
  public static final String TRAIN_SKIP_ANOMALIES_DOC =
      "Records flagged as anomalous are not trained on, so that a burst of anomalies does not teach"
          + " the model that they are normal.";

  public static final String METRICS_HOST_CONFIG = "metrics.host";
  public static final String METRICS_HOST_DOC = "Address the Prometheus endpoint (/metrics, /health) binds to.";
  public static final String METRICS_PORT_CONFIG = "metrics.port";
  public static final String METRICS_PORT_DOC =
      "Port of the Prometheus endpoint; 0 picks a free port, -1 disables the endpoint.";
  public static final String METRICS_LATENTS_CONFIG = "metrics.latents";
  public static final String METRICS_LATENTS_DOC =
      "Latents whose mean activation and firing frequency are exported (bounded cardinality).";

  /** Upper bound of {@value #MODEL_CHUNK_BYTES_CONFIG}: leaves room under 1 MiB for the record. */
  public static final int MAX_CHUNK_BYTES = 1_000_000;

  /** Upper bound of {@value #SCORE_BATCH_SIZE_CONFIG}: the scorer's work arrays grow with it. */
  public static final int MAX_SCORE_BATCH = 4096;

  /** Upper bound of {@value #INPUT_ID_MAX_BYTES_CONFIG}: ids are keys of every output record. */
  public static final int MAX_INPUT_ID_BYTES = 65_536;

  private static final ConfigDef CONFIG = define();

  private AppConfig(Map<String, ?> values) {
    super(CONFIG, values, false);
    ModelSettings.check(this);
  }

  /** Checks what AbstractConfig does not: the streams.* and registry.* settings. */
  private static AppConfig checked(ConfigSources.Merged sources) {
    AppConfig c = new AppConfig(sources.values());
    Map<String, Object> streams = c.originalsWithPrefix(STREAMS_PREFIX, false);
    StreamsKeys.check(streams, sources);
    RegistryKeys.check(
        c.getString(SCHEMA_REGISTRY_URL_CONFIG), c.originalsWithPrefix(REGISTRY_PREFIX, false), sources);
    StreamsSettings.check(c, sources);
    return c;
  }

  /**
   * Loads the configuration.
   *
   * @param properties keys of {@link #configDef()} and {@code streams.*} / {@code registry.*}
   * @param env environment variables; {@code SAE_<KEY>} overrides key
   * @throws ConfigException on an unknown key, an invalid or missing value
   */
  public static AppConfig load(Map<?, ?> properties, Map<String, String> env) {
    return checked(ConfigSources.merge(CONFIG, properties, env));
  }

  /** {@link #load(Map, Map)} without environment overrides. */
  public static AppConfig of(Map<?, ?> properties) {
    return load(properties, Map.of());
  }

  /** A copy of the definition (for documentation and tools). */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The configuration table as Markdown, for the README. */
  public static String toMarkdown() {
    return ConfigMarkdown.render(CONFIG);
  }

  /** Properties for {@code new KafkaStreams(topology, props)}. */
  public Properties streamsProperties() {
    return StreamsSettings.of(this);
  }

  /** Settings for {@code RegistryClientConfig.fromProperties}. */
  public Map<String, Object> registryProperties() {
    Map<String, Object> m = new HashMap<>(originalsWithPrefix(REGISTRY_PREFIX));
    m.put(SCHEMA_REGISTRY_URL_CONFIG, getString(SCHEMA_REGISTRY_URL_CONFIG));
    return m;
  }

  /** The model's architecture and loss. */
  public SaeConfig saeConfig() {
    return ModelSettings.sae(this);
  }

  /** The trainer's settings, including {@link #saeConfig()}. */
  public TrainerConfig trainerConfig() {
    return ModelSettings.trainer(this);
  }

  public AnomalySettings anomalySettings() {
    return new AnomalySettings(
        ThresholdMode.parse(getString(ANOMALY_THRESHOLD_MODE_CONFIG)),
        getDouble(ANOMALY_FALSE_ALARM_RATE_CONFIG),
        getLong(ANOMALY_WARMUP_RECORDS_CONFIG),
        getDouble(ANOMALY_THRESHOLD_SIGMAS_CONFIG),
        getDouble(ANOMALY_WINDOW_DECAY_CONFIG),
        getInt(ANOMALY_TOP_DIMENSIONS_CONFIG),
        getLong(ANOMALY_MIN_TRAINED_SAMPLES_CONFIG),
        getInt(ANOMALY_HANDOVER_RECORDS_CONFIG),
        AlertMode.parse(getString(ANOMALY_ALERT_MODE_CONFIG)));
  }

  /** Whether records flagged as anomalous are kept out of training. */
  public boolean skipAnomaliesInTraining() {
    return getBoolean(TRAIN_SKIP_ANOMALIES_CONFIG);
  }

  public String inputTopic() {
    return getString(INPUT_TOPIC_CONFIG);
  }

  public String codesTopic() {
    return getString(CODES_TOPIC_CONFIG);
  }

  public String scoresTopic() {
    return getString(SCORES_TOPIC_CONFIG);
  }

  public String alertsTopic() {
    return getString(ALERTS_TOPIC_CONFIG);
  }

  public String dlqTopic() {
    return getString(DLQ_TOPIC_CONFIG);
  }

  public String modelTopic() {
    return getString(MODEL_TOPIC_CONFIG);
  }

  /**
   * Data-parallel training: the compacted topic through which the replicas send their round
   * contributions to the aggregator, {@code <application.id>-sync}. It is also the changelog of
   * the aggregator's store of contributions, so a contribution is written to Kafka once. The
   * application creates it at start ({@code TopicSpecs.ensureSyncTopic}).
   */
  public String syncTopic() {
    return getString(APPLICATION_ID_CONFIG) + "-sync";
  }

  /** Longest input id accepted, in UTF-8 bytes ({@value #INPUT_ID_MAX_BYTES_CONFIG}). */
  public int inputIdMaxBytes() {
    return getInt(INPUT_ID_MAX_BYTES_CONFIG);
  }

  /** How long {@code run} waits for the cluster at start ({@value #STARTUP_TIMEOUT_MS_CONFIG}). */
  public long startupTimeoutMs() {
    return getLong(STARTUP_TIMEOUT_MS_CONFIG);
  }

  /** How long a clean stop may take ({@value #SHUTDOWN_TIMEOUT_MS_CONFIG}). */
  public long shutdownTimeoutMs() {
    return getLong(SHUTDOWN_TIMEOUT_MS_CONFIG);
  }

  public int inputDim() {
    return getInt(SAE_INPUT_DIM_CONFIG);
  }

  public String gemmBackend() {
    return getString(GEMM_BACKEND_CONFIG);
  }

  public int scoreBatchSize() {
    return getInt(SCORE_BATCH_SIZE_CONFIG);
  }

  public long scoreBatchMaxWaitMs() {
    return getLong(SCORE_BATCH_MAX_WAIT_MS_CONFIG);
  }

  public double sampleRate() {
    return getDouble(TRAIN_SAMPLE_RATE_CONFIG);
  }

  public long batchMaxWaitMs() {
    return getLong(TRAIN_BATCH_MAX_WAIT_MS_CONFIG);
  }

  public int checkpointIntervalSteps() {
    return getInt(TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG);
  }

  public long checkpointIntervalMs() {
    return getLong(TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG);
  }

  /** {@value #TRAIN_STATE_STORE_CONFIG}=auto keeps the training state in memory up to this many bytes. */
  public static final long STATE_IN_MEMORY_MAX_BYTES = 64L << 20;

  /** The bytes of one model's parameters, 4 (2dn + d + n). */
  static long parameterBytes(int inputDim, int latentDim) {
    return (long) Float.BYTES * (2L * inputDim * latentDim + inputDim + latentDim);
  }

  /** The bytes of one checkpoint as {@value #TRAIN_STATE_STORE_CONFIG}=auto estimates them: parameters and two moments. */
  public static long estimatedCheckpointBytes(int inputDim, int latentDim) {
    return 3L * parameterBytes(inputDim, latentDim);
  }

  /**
   * The heap the global model store takes for the model versions it keeps whole: {@code
   * train.sync.checkpoint.rounds} versions of 4 (2dn + d + n) bytes in data-parallel mode, the
   * newest one otherwise.
   */
  public long keptModelBytes() {
    return syncCheckpointRounds() * parameterBytes(getInt(SAE_INPUT_DIM_CONFIG), getInt(SAE_LATENT_DIM_CONFIG));
  }

  /**
   * A warning when the model versions the global store keeps ({@link #keptModelBytes}) would
   * take more than a quarter of {@code maxHeapBytes}, naming the key to lower; empty otherwise.
   */
  public java.util.Optional<String> keptModelsWarning(long maxHeapBytes) {
    long kept = keptModelBytes();
    if (!dataParallel() || syncCheckpointRounds() == 1 || kept <= maxHeapBytes / 4) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(String.format(java.util.Locale.ROOT,
        "the global model store keeps %d model versions (%s=%d) of %.1f MB each, %.1f MB in all, more than a"
            + " quarter of the %.1f MB heap; lower %s (more checkpoint bytes) or give the JVM more heap",
        syncCheckpointRounds(), TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG, syncCheckpointRounds(),
        kept / (double) syncCheckpointRounds() / 1e6, kept / 1e6, maxHeapBytes / 1e6,
        TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG));
  }

  /**
   * Whether the training state (checkpoints, and the aggregator's contributions) is kept in
   * in-memory stores rather than RocksDB ({@value #TRAIN_STATE_STORE_CONFIG}, auto resolved).
   */
  public boolean trainingStateInMemory() {
    return switch (getString(TRAIN_STATE_STORE_CONFIG)) {
      case "in_memory" -> true;
      case "rocksdb" -> false;
      default -> estimatedCheckpointBytes(getInt(SAE_INPUT_DIM_CONFIG), getInt(SAE_LATENT_DIM_CONFIG))
          <= STATE_IN_MEMORY_MAX_BYTES;
    };
  }

  public int publishIntervalSteps() {
    return getInt(MODEL_PUBLISH_INTERVAL_STEPS_CONFIG);
  }

  public int chunkBytes() {
    return getInt(MODEL_CHUNK_BYTES_CONFIG);
  }

  public boolean trainAsync() {
    return getBoolean(TRAIN_ASYNC_CONFIG);
  }

  /** Whether training runs data-parallel ({@value #TRAIN_MODE_CONFIG}=data-parallel). */
  public boolean dataParallel() {
    return getString(TRAIN_MODE_CONFIG).equals("data-parallel");
  }

  public int syncSteps() {
    return getInt(TRAIN_SYNC_STEPS_CONFIG);
  }

  /** train.sync.checkpoint.rounds; 1 outside data-parallel training. */
  public int syncCheckpointRounds() {
    return dataParallel() ? getInt(TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG) : 1;
  }

  /**
   * Steps of a round trained before the previous round's average is taken (0: synchronous), at
   * most {@link #syncSteps()}.
   */
  public int syncOverlapSteps() {
    return Math.min(getInt(TRAIN_SYNC_OVERLAP_STEPS_CONFIG), syncSteps());
  }

  public long syncMaxWaitMs() {
    return getLong(TRAIN_SYNC_MAX_WAIT_MS_CONFIG);
  }

  /** The replicas' learning rate as configured; 0 = train.learning.rate × replicas. */
  public double syncLearningRate() {
    return getDouble(TRAIN_SYNC_LEARNING_RATE_CONFIG);
  }

  /** Replicas per round as configured; 0 = the input topic's partition count. */
  public int syncPartitions() {
    return getInt(TRAIN_SYNC_PARTITIONS_CONFIG);
  }

  /** data-parallel: the training threads the replicas of this instance share (0 resolved). */
  public int syncThreads() {
    int threads = getInt(TRAIN_SYNC_THREADS_CONFIG);
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** A copy with {@code key} set to {@code value} (for settings resolved at start-up). */
  public AppConfig with(String key, Object value) {
    Map<String, Object> m = new HashMap<>(originals());
    m.put(key, value);
    return AppConfig.of(m);
  }

  public String metricsHost() {
    return getString(METRICS_HOST_CONFIG);
  }

  /** The metrics port; 0 = any free port, −1 = no endpoint. */
  public int metricsPort() {
    return getInt(METRICS_PORT_CONFIG);
  }

  public int metricsLatents() {
    return getInt(METRICS_LATENTS_CONFIG);
  }

  /** A float default as the decimal it was written as (0.99f, not 0.9900000095367432). */
  private static double exact(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  private static ConfigDef define() {
    SaeConfig m = SaeConfig.builder(1, 1).build();
    TrainerConfig t = TrainerConfig.defaults(m);
    ConfigDef def = new ConfigDef();
    def.define(APPLICATION_ID_CONFIG, Type.STRING, "sae-streams", new ConfigDef.NonEmptyString(), Importance.HIGH, APPLICATION_ID_DOC)
        .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
        .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
        .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, "exactly_once_v2", ValidString.in("at_least_once", "exactly_once_v2"), Importance.MEDIUM, PROCESSING_GUARANTEE_DOC)
        .define(STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1000), Importance.MEDIUM, STARTUP_TIMEOUT_MS_DOC)
        .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 8_000L, Range.between(100, 60_000), Importance.MEDIUM, SHUTDOWN_TIMEOUT_MS_DOC)
        .define(INPUT_TOPIC_CONFIG, Type.STRING, "sae-input", new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
        .define(CODES_TOPIC_CONFIG, Type.STRING, "sae-codes", new ConfigDef.NonEmptyString(), Importance.MEDIUM, CODES_TOPIC_DOC)
        .define(SCORES_TOPIC_CONFIG, Type.STRING, "sae-scores", new ConfigDef.NonEmptyString(), Importance.MEDIUM, SCORES_TOPIC_DOC)
        .define(ALERTS_TOPIC_CONFIG, Type.STRING, "sae-alerts", new ConfigDef.NonEmptyString(), Importance.MEDIUM, ALERTS_TOPIC_DOC)
        .define(DLQ_TOPIC_CONFIG, Type.STRING, "sae-dlq", new ConfigDef.NonEmptyString(), Importance.MEDIUM, DLQ_TOPIC_DOC)
        .define(MODEL_TOPIC_CONFIG, Type.STRING, "sae-model", new ConfigDef.NonEmptyString(), Importance.MEDIUM, MODEL_TOPIC_DOC)
        .define(INPUT_ID_MAX_BYTES_CONFIG, Type.INT, 1024, Range.between(1, MAX_INPUT_ID_BYTES), Importance.LOW, INPUT_ID_MAX_BYTES_DOC)
        .define(SAE_INPUT_DIM_CONFIG, Type.INT, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(1), Importance.HIGH, SAE_INPUT_DIM_DOC)
        .define(SAE_LATENT_DIM_CONFIG, Type.INT, 256, Range.atLeast(1), Importance.HIGH, SAE_LATENT_DIM_DOC)
        .define(SAE_ACTIVATION_CONFIG, Type.STRING, m.activation().configName(), Validators.oneOf(Activation.names()), Importance.HIGH, SAE_ACTIVATION_DOC)
        .define(SAE_K_CONFIG, Type.INT, m.k(), Range.atLeast(1), Importance.MEDIUM, SAE_K_DOC)
        .define(SAE_THRESHOLD_DECAY_CONFIG, Type.DOUBLE, exact(m.thresholdDecay()), Validators.closedOpen(0, 1), Importance.LOW, SAE_THRESHOLD_DECAY_DOC)
        .define(SAE_JUMP_THRESHOLD_CONFIG, Type.DOUBLE, exact(m.jumpThreshold()), Validators.above(0), Importance.LOW, SAE_JUMP_THRESHOLD_DOC)
        .define(SAE_JUMP_BANDWIDTH_CONFIG, Type.DOUBLE, exact(m.jumpBandwidth()), Validators.above(0), Importance.LOW, SAE_JUMP_BANDWIDTH_DOC)
        .define(SAE_SPARSITY_CONFIG, Type.STRING, m.sparsity().name().toLowerCase(java.util.Locale.ROOT), Validators.oneOf(Sparsity.names()), Importance.HIGH, SAE_SPARSITY_DOC)
        .define(SAE_L1_COEFFICIENT_CONFIG, Type.DOUBLE, exact(m.l1Coefficient()), Validators.atLeast(0), Importance.MEDIUM, SAE_L1_COEFFICIENT_DOC)
        .define(SAE_L1_DECODER_NORM_CONFIG, Type.BOOLEAN, m.l1DecoderNorm(), null, Importance.LOW, SAE_L1_DECODER_NORM_DOC)
        .define(SAE_KL_TARGET_CONFIG, Type.DOUBLE, exact(m.klTarget()), Validators.open(0, 1), Importance.MEDIUM, SAE_KL_TARGET_DOC)
        .define(SAE_KL_WEIGHT_CONFIG, Type.DOUBLE, exact(m.klWeight()), Validators.atLeast(0), Importance.MEDIUM, SAE_KL_WEIGHT_DOC)
        .define(SAE_KL_DECAY_CONFIG, Type.DOUBLE, exact(m.klDecay()), Validators.closedOpen(0, 1), Importance.LOW, SAE_KL_DECAY_DOC)
        .define(SAE_WEIGHT_DECAY_CONFIG, Type.DOUBLE, exact(m.weightDecay()), Validators.atLeast(0), Importance.LOW, SAE_WEIGHT_DECAY_DOC)
        .define(SAE_NOISE_CONFIG, Type.STRING, m.noise().name().toLowerCase(java.util.Locale.ROOT), Validators.oneOf(Noise.names()), Importance.LOW, SAE_NOISE_DOC)
        .define(SAE_NOISE_LEVEL_CONFIG, Type.DOUBLE, exact(m.noiseLevel()), Validators.atLeast(0), Importance.LOW, SAE_NOISE_LEVEL_DOC)
        .define(SAE_UNIT_NORM_DECODER_CONFIG, Type.BOOLEAN, m.unitNormDecoder(), null, Importance.LOW, SAE_UNIT_NORM_DECODER_DOC)
        .define(SAE_AUXK_COEFFICIENT_CONFIG, Type.DOUBLE, exact(m.auxKCoefficient()), Validators.atLeast(0), Importance.LOW, SAE_AUXK_COEFFICIENT_DOC)
        .define(SAE_AUXK_CONFIG, Type.INT, m.auxK(), Range.atLeast(1), Importance.LOW, SAE_AUXK_DOC)
        .define(SAE_TANH_L0_COEFFICIENT_CONFIG, Type.DOUBLE, exact(m.tanhL0Coefficient()), Validators.atLeast(0), Importance.MEDIUM, SAE_TANH_L0_COEFFICIENT_DOC)
        .define(SAE_TANH_L0_SCALE_CONFIG, Type.DOUBLE, exact(m.tanhL0Scale()), Validators.above(0), Importance.LOW, SAE_TANH_L0_SCALE_DOC)
        .define(SAE_PREACT_COEFFICIENT_CONFIG, Type.DOUBLE, exact(m.preActCoefficient()), Validators.atLeast(0), Importance.LOW, SAE_PREACT_COEFFICIENT_DOC)
        .define(SAE_MATRYOSHKA_PREFIXES_CONFIG, Type.LIST, "", null, Importance.MEDIUM, SAE_MATRYOSHKA_PREFIXES_DOC)
        .define(TRAIN_BATCH_SIZE_CONFIG, Type.INT, t.batchSize(), Range.atLeast(1), Importance.HIGH, TRAIN_BATCH_SIZE_DOC)
        .define(TRAIN_OPTIMIZER_CONFIG, Type.STRING, t.optimizer().kind().name().toLowerCase(java.util.Locale.ROOT), Validators.oneOf(OptimizerKind.names()), Importance.MEDIUM, TRAIN_OPTIMIZER_DOC)
        .define(TRAIN_LEARNING_RATE_CONFIG, Type.DOUBLE, exact(t.optimizer().learningRate()), Validators.above(0), Importance.HIGH, TRAIN_LEARNING_RATE_DOC)
        .define(TRAIN_WARMUP_STEPS_CONFIG, Type.INT, t.optimizer().warmupSteps(), Range.atLeast(0), Importance.LOW, TRAIN_WARMUP_STEPS_DOC)
        .define(TRAIN_CLIP_NORM_CONFIG, Type.DOUBLE, exact(t.optimizer().clipNorm()), Validators.atLeast(0), Importance.LOW, TRAIN_CLIP_NORM_DOC)
        .define(TRAIN_SEED_CONFIG, Type.LONG, t.seed(), null, Importance.MEDIUM, TRAIN_SEED_DOC)
        .define(TRAIN_TIED_INIT_CONFIG, Type.BOOLEAN, t.tiedInit(), null, Importance.LOW, TRAIN_TIED_INIT_DOC)
        .define(TRAIN_DECODER_BIAS_INIT_CONFIG, Type.STRING, t.decoderBiasInit().configName(), Validators.oneOf(DecoderBiasInit.names()), Importance.LOW, TRAIN_DECODER_BIAS_INIT_DOC)
        .define(TRAIN_DEAD_WINDOW_CONFIG, Type.INT, t.deadWindow(), Range.atLeast(1), Importance.LOW, TRAIN_DEAD_WINDOW_DOC)
        .define(TRAIN_REVIVAL_CONFIG, Type.STRING, t.revival().name().toLowerCase(java.util.Locale.ROOT), Validators.oneOf(Revival.names()), Importance.LOW, TRAIN_REVIVAL_DOC)
        .define(TRAIN_REVIVAL_INTERVAL_CONFIG, Type.INT, t.revivalInterval(), Range.atLeast(1), Importance.LOW, TRAIN_REVIVAL_INTERVAL_DOC)
        .define(TRAIN_DENSE_THRESHOLD_CONFIG, Type.DOUBLE, exact(t.denseThreshold()), Range.between(Double.MIN_VALUE, 1.0), Importance.LOW, TRAIN_DENSE_THRESHOLD_DOC)
        .define(TRAIN_NORMALISE_INPUT_CONFIG, Type.BOOLEAN, t.normaliseInput(), Importance.MEDIUM, TRAIN_NORMALISE_INPUT_DOC)
        .define(TRAIN_LR_SCHEDULE_CONFIG, Type.STRING, t.optimizer().schedule().kind().configName(), Validators.oneOf(LrSchedule.Kind.names()), Importance.MEDIUM, TRAIN_LR_SCHEDULE_DOC)
        .define(TRAIN_LR_DECAY_STEPS_CONFIG, Type.INT, t.optimizer().schedule().decaySteps(), Range.atLeast(0), Importance.MEDIUM, TRAIN_LR_DECAY_STEPS_DOC)
        .define(TRAIN_LR_FLOOR_CONFIG, Type.DOUBLE, exact(t.optimizer().schedule().floor()), Range.between(0.0, 1.0), Importance.LOW, TRAIN_LR_FLOOR_DOC)
        .define(SAE_SPARSITY_WARMUP_STEPS_CONFIG, Type.INT, t.sparsityWarmupSteps(), Range.atLeast(0), Importance.LOW, SAE_SPARSITY_WARMUP_STEPS_DOC)
        .define(TRAIN_SAMPLE_RATE_CONFIG, Type.DOUBLE, 1.0, Range.between(0.0, 1.0), Importance.HIGH, TRAIN_SAMPLE_RATE_DOC)
        .define(TRAIN_BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(1), Importance.MEDIUM, TRAIN_BATCH_MAX_WAIT_MS_DOC)
        .define(TRAIN_ASYNC_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TRAIN_ASYNC_DOC)
        .define(TRAIN_MODE_CONFIG, Type.STRING, "single", Validators.oneOf("single", "data-parallel"), Importance.HIGH, TRAIN_MODE_DOC)
        .define(TRAIN_SYNC_STEPS_CONFIG, Type.INT, 25, Range.atLeast(1), Importance.MEDIUM, TRAIN_SYNC_STEPS_DOC)
        .define(TRAIN_SYNC_OVERLAP_STEPS_CONFIG, Type.INT, TRAIN_SYNC_OVERLAP_STEPS_DEFAULT, Range.atLeast(0), Importance.MEDIUM, TRAIN_SYNC_OVERLAP_STEPS_DOC)
        .define(TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG, Type.INT, 4, Range.between(1, 1000), Importance.MEDIUM, TRAIN_SYNC_CHECKPOINT_ROUNDS_DOC)
        .define(TRAIN_SYNC_MAX_WAIT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.MEDIUM, TRAIN_SYNC_MAX_WAIT_MS_DOC)
        .define(TRAIN_SYNC_LEARNING_RATE_CONFIG, Type.DOUBLE, 0.0, Validators.atLeast(0), Importance.MEDIUM, TRAIN_SYNC_LEARNING_RATE_DOC)
        .define(TRAIN_SYNC_PARTITIONS_CONFIG, Type.INT, 0, Range.between(0, 100_000), Importance.LOW, TRAIN_SYNC_PARTITIONS_DOC)
        .define(TRAIN_SYNC_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1_024), Importance.LOW, TRAIN_SYNC_THREADS_DOC)
        .define(TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM, TRAIN_CHECKPOINT_INTERVAL_STEPS_DOC)
        .define(TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM, TRAIN_CHECKPOINT_INTERVAL_MS_DOC)
        .define(TRAIN_STATE_STORE_CONFIG, Type.STRING, "auto", Validators.oneOf("auto", "in_memory", "rocksdb"), Importance.LOW, TRAIN_STATE_STORE_DOC)
        .define(MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, Type.INT, 50, Range.atLeast(1), Importance.MEDIUM, MODEL_PUBLISH_INTERVAL_STEPS_DOC)
        .define(MODEL_CHUNK_BYTES_CONFIG, Type.INT, 512 * 1024, Range.between(1024, MAX_CHUNK_BYTES), Importance.LOW, MODEL_CHUNK_BYTES_DOC)
        .define(GEMM_BACKEND_CONFIG, Type.STRING, "auto", Validators.oneOf(Gemms.NAMES.toArray(new String[0])), Importance.LOW, GEMM_BACKEND_DOC)
        .define(SCORE_BATCH_SIZE_CONFIG, Type.INT, 64, Range.between(1, MAX_SCORE_BATCH), Importance.MEDIUM, SCORE_BATCH_SIZE_DOC)
        .define(SCORE_BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, 20L, Range.atLeast(1), Importance.MEDIUM, SCORE_BATCH_MAX_WAIT_MS_DOC)
        .define(ANOMALY_THRESHOLD_MODE_CONFIG, Type.STRING, AnomalySettings.DEFAULTS.mode().configName(), Validators.oneOf("false-alarm-rate", "sigmas"), Importance.HIGH, ANOMALY_THRESHOLD_MODE_DOC)
        .define(ANOMALY_FALSE_ALARM_RATE_CONFIG, Type.DOUBLE, AnomalySettings.DEFAULTS.falseAlarmRate(), Range.between(Double.MIN_VALUE, 0.25), Importance.HIGH, ANOMALY_FALSE_ALARM_RATE_DOC)
        .define(ANOMALY_WARMUP_RECORDS_CONFIG, Type.LONG, AnomalySettings.DEFAULTS.warmupRecords(), Range.atLeast(0), Importance.MEDIUM, ANOMALY_WARMUP_RECORDS_DOC)
        .define(ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, Type.LONG, AnomalySettings.DEFAULTS.minTrainedSamples(), Range.atLeast(0), Importance.MEDIUM, ANOMALY_MIN_TRAINED_SAMPLES_DOC)
        .define(ANOMALY_HANDOVER_RECORDS_CONFIG, Type.INT, AnomalySettings.DEFAULTS.handoverRecords(), Range.between(AnomalySettings.MIN_HANDOVER_RECORDS, 100_000), Importance.LOW, ANOMALY_HANDOVER_RECORDS_DOC)
        .define(ANOMALY_ALERT_MODE_CONFIG, Type.STRING, AnomalySettings.DEFAULTS.alertMode().configName(), Validators.oneOf("run", "record"), Importance.MEDIUM, ANOMALY_ALERT_MODE_DOC)
        .define(ANOMALY_THRESHOLD_SIGMAS_CONFIG, Type.DOUBLE, AnomalySettings.DEFAULTS.thresholdSigmas(), Validators.above(0), Importance.MEDIUM, ANOMALY_THRESHOLD_SIGMAS_DOC)
        .define(ANOMALY_WINDOW_DECAY_CONFIG, Type.DOUBLE, AnomalySettings.DEFAULTS.decay(), Validators.open(0, 1), Importance.MEDIUM, ANOMALY_WINDOW_DECAY_DOC)
        .define(ANOMALY_TOP_DIMENSIONS_CONFIG, Type.INT, AnomalySettings.DEFAULTS.topDimensions(), Range.atLeast(1), Importance.LOW, ANOMALY_TOP_DIMENSIONS_DOC)
        .define(TRAIN_SKIP_ANOMALIES_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TRAIN_SKIP_ANOMALIES_DOC)
        .define(METRICS_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.LOW, METRICS_HOST_DOC)
        .define(METRICS_PORT_CONFIG, Type.INT, 9404, Range.between(-1, 65535), Importance.MEDIUM, METRICS_PORT_DOC)
        .define(METRICS_LATENTS_CONFIG, Type.INT, 32, Range.between(0, 1024), Importance.LOW, METRICS_LATENTS_DOC);
    return def;
  }
}
