package io.saestreams.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.saestreams.model.Activation;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.train.TrainerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppConfigTest {
  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "broker:9092");
    m.put("schema.registry.url", "http://registry:8081");
    m.put("sae.input.dim", "16");
    return m;
  }

  @Test
  void defaultsMatchTheDocumentedValuesAndTheEngineDefaults() {
    AppConfig c = AppConfig.of(minimal());
    assertThat(c.inputTopic()).isEqualTo("sae-input");
    assertThat(c.codesTopic()).isEqualTo("sae-codes");
    assertThat(c.scoresTopic()).isEqualTo("sae-scores");
    assertThat(c.alertsTopic()).isEqualTo("sae-alerts");
    assertThat(c.dlqTopic()).isEqualTo("sae-dlq");
    assertThat(c.modelTopic()).isEqualTo("sae-model");
    assertThat(c.chunkBytes()).isEqualTo(512 * 1024);
    assertThat(c.sampleRate()).isEqualTo(1.0);
    SaeConfig engineDefaults = SaeConfig.builder(16, 256).build();
    assertThat(c.saeConfig()).isEqualTo(engineDefaults);
    assertThat(c.trainerConfig()).isEqualTo(TrainerConfig.defaults(engineDefaults));
    Properties p = c.streamsProperties();
    assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(p.getProperty(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isEqualTo("true");
    assertThat(p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("sae-streams");
    assertThat(p.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("broker:9092");
  }

  @Test
  void scoringBatchesDefaultTo64Within20MsAndAreValidated() {
    AppConfig c = AppConfig.of(minimal());
    assertThat(c.scoreBatchSize()).isEqualTo(64);
    assertThat(c.scoreBatchMaxWaitMs()).isEqualTo(20L);
    Map<String, Object> m = minimal();
    m.put(AppConfig.SCORE_BATCH_SIZE_CONFIG, "1");
    m.put(AppConfig.SCORE_BATCH_MAX_WAIT_MS_CONFIG, "5");
    assertThat(AppConfig.of(m).scoreBatchSize()).isEqualTo(1);
    assertThat(AppConfig.of(m).scoreBatchMaxWaitMs()).isEqualTo(5L);
    for (Object bad : new Object[] {"0", "-3", Integer.toString(AppConfig.MAX_SCORE_BATCH + 1)}) {
      Map<String, Object> b = minimal();
      b.put(AppConfig.SCORE_BATCH_SIZE_CONFIG, bad);
      assertThatThrownBy(() -> AppConfig.of(b)).isInstanceOf(ConfigException.class)
          .hasMessageContaining(AppConfig.SCORE_BATCH_SIZE_CONFIG);
    }
    Map<String, Object> w = minimal();
    w.put(AppConfig.SCORE_BATCH_MAX_WAIT_MS_CONFIG, "0");
    assertThatThrownBy(() -> AppConfig.of(w)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(AppConfig.SCORE_BATCH_MAX_WAIT_MS_CONFIG);
  }

  @Test
  void producerBatchSizeHasALargeDefaultThatEitherStreamsKeyOverrides() {
    String prefixed = StreamsConfig.producerPrefix("batch.size");
    assertThat(AppConfig.of(minimal()).streamsProperties().get(prefixed)).isEqualTo(512 * 1024);
    Map<String, Object> plain = minimal();
    plain.put("streams.batch.size", "65536");
    Properties p = AppConfig.of(plain).streamsProperties();
    assertThat(p).doesNotContainKey(prefixed);
    assertThat(p.get("batch.size")).isEqualTo("65536");
    Map<String, Object> producer = minimal();
    producer.put("streams.producer.batch.size", "32768");
    assertThat(AppConfig.of(producer).streamsProperties().get(prefixed)).isEqualTo("32768");
  }

  @Test
  void taskIdlingIsDisabledUnlessAStreamsKeySetsIt() {
    assertThat(AppConfig.of(minimal()).streamsProperties().get("max.task.idle.ms")).isEqualTo(-1L);
    Map<String, Object> m = minimal();
    m.put("streams.max.task.idle.ms", "100");
    assertThat(AppConfig.of(m).streamsProperties().get("max.task.idle.ms")).isEqualTo("100");
  }

  @ParameterizedTest
  @ValueSource(strings = {"max.partition.fetch.bytes", "fetch.max.bytes"})
  void fetchSizesHaveA4MibDefaultThatAnyStreamsConsumerKeyOverrides(String fetchKey) {
    String prefixed = StreamsConfig.consumerPrefix(fetchKey);
    assertThat(AppConfig.of(minimal()).streamsProperties().get(prefixed)).isEqualTo(4 * 1024 * 1024);
    for (String key : List.of(fetchKey, "consumer." + fetchKey, "main.consumer." + fetchKey,
        "restore.consumer." + fetchKey, "global.consumer." + fetchKey)) {
      Map<String, Object> m = minimal();
      m.put("streams." + key, "2097152");
      Properties p = AppConfig.of(m).streamsProperties();
      assertThat(p.get(key)).as(key).isEqualTo("2097152");
      if (!key.equals(prefixed)) {
        assertThat(p).as(key).doesNotContainKey(prefixed);
      }
    }
  }

  @Test
  void settingsReachTheEngineAndStreamsPassThroughWithoutPrefix() {
    Map<String, Object> m = minimal();
    m.put("sae.activation", "TopK");
    m.put("sae.k", "4");
    m.put("sae.latent.dim", "32");
    m.put("train.optimizer", "sgd");
    m.put("train.learning.rate", "0.05");
    m.put("train.batch.size", "8");
    m.put("streams.num.stream.threads", "3");
    m.put("registry.basic.auth.user.info", "u:p");
    AppConfig c = AppConfig.of(m);
    assertThat(c.saeConfig().activation()).isEqualTo(Activation.TOPK);
    assertThat(c.saeConfig().k()).isEqualTo(4);
    assertThat(c.trainerConfig().optimizer().kind()).isEqualTo(OptimizerKind.SGD);
    assertThat(c.trainerConfig().optimizer().learningRate()).isEqualTo(0.05f);
    assertThat(c.trainerConfig().batchSize()).isEqualTo(8);
    assertThat(c.streamsProperties().get("num.stream.threads")).isEqualTo("3");
    assertThat(c.streamsProperties()).doesNotContainKey("streams.num.stream.threads");
    assertThat(c.registryProperties())
        .containsEntry("basic.auth.user.info", "u:p")
        .containsEntry("schema.registry.url", "http://registry:8081");
  }

  @Test
  void environmentOverridesProperties() {
    Map<String, Object> m = minimal();
    m.put("input.topic", "from-file");
    Map<String, String> env = Map.of(
        "SAE_INPUT_TOPIC", "from-env",
        "SAE_SAE_LATENT_DIM", "64",
        "SAE_STREAMS_COMMIT_INTERVAL_MS", "250",
        "PATH", "/usr/bin");
    AppConfig c = AppConfig.load(m, env);
    assertThat(c.inputTopic()).isEqualTo("from-env");
    assertThat(c.saeConfig().latentDim()).isEqualTo(64);
    assertThat(c.streamsProperties().get("commit.interval.ms")).isEqualTo("250");
  }

  @Test
  void envNameUpperCasesAndReplacesDotsAndDashes() {
    assertThat(ConfigSources.envName("input.topic")).isEqualTo("SAE_INPUT_TOPIC");
    assertThat(ConfigSources.envName("a-b.c")).isEqualTo("SAE_A_B_C");
  }

  @Test
  void unknownPropertyFailsNamingTheKeyAndWhereToLook() {
    Map<String, Object> m = minimal();
    m.put("sae.latent.dims", "8");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sae.latent.dims'")
        .hasMessageContaining("README.md")
        .hasMessageContaining("streams.");
  }

  @Test
  void unknownEnvironmentVariableFailsNamingIt() {
    assertThatThrownBy(() -> AppConfig.load(minimal(), Map.of("SAE_INPUT_TOPICS", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SAE_INPUT_TOPICS");
  }

  @Test
  void invalidEnumValueNamesKeyValueAndAllowedValues() {
    Map<String, Object> m = minimal();
    m.put("sae.activation", "tanh");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sae.activation")
        .hasMessageContaining("tanh")
        .hasMessageContaining("relu")
        .hasMessageContaining("batch-topk");
  }

  @Test
  void replicaTrainingThreadsDefaultToTheProcessorsAndAreValidated() {
    assertThat(AppConfig.of(minimal()).syncThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    Map<String, Object> m = minimal();
    m.put("train.sync.threads", "3");
    assertThat(AppConfig.of(m).syncThreads()).isEqualTo(3);
    Map<String, Object> bad = minimal();
    bad.put("train.sync.threads", "-1");
    assertThatThrownBy(() -> AppConfig.of(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.sync.threads").hasMessageContaining("-1").hasMessageContaining("at least 0");
  }

  @Test
  void overlapStepsDefaultToTenAreAtMostTheSyncStepsAndAreValidated() {
    assertThat(AppConfig.of(minimal()).syncOverlapSteps()).isEqualTo(10);
    Map<String, Object> m = minimal();
    m.put("train.sync.overlap.steps", "0");
    assertThat(AppConfig.of(m).syncOverlapSteps()).isZero();
    m.put("train.sync.overlap.steps", "40");
    assertThat(AppConfig.of(m).syncOverlapSteps()).as("the round's end").isEqualTo(25);
    m.put("train.sync.steps", "5");
    m.remove("train.sync.overlap.steps");
    assertThat(AppConfig.of(m).syncOverlapSteps()).isEqualTo(5);
    Map<String, Object> bad = minimal();
    bad.put("train.sync.overlap.steps", "-2");
    assertThatThrownBy(() -> AppConfig.of(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.sync.overlap.steps").hasMessageContaining("-2").hasMessageContaining("at least 0");
  }

  @Test
  void invalidNumberNamesKeyValueAndRange() {
    Map<String, Object> m = minimal();
    m.put("train.sample.rate", "1.5");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.sample.rate")
        .hasMessageContaining("1.5")
        .hasMessageContaining("no more than 1.0");
    Map<String, Object> k = minimal();
    k.put("sae.kl.target", "1");
    assertThatThrownBy(() -> AppConfig.of(k))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sae.kl.target")
        .hasMessageContaining("(0.0, 1.0)");
    Map<String, Object> c = minimal();
    c.put("model.chunk.bytes", Integer.toString(2 * 1024 * 1024));
    assertThatThrownBy(() -> AppConfig.of(c)).hasMessageContaining("model.chunk.bytes");
  }

  @Test
  void missingRequiredKeyIsNamed() {
    Map<String, Object> m = minimal();
    m.remove("sae.input.dim");
    assertThatThrownBy(() -> AppConfig.of(m)).isInstanceOf(ConfigException.class).hasMessageContaining("sae.input.dim");
  }

  @Test
  void tanhL0AndMatryoshkaSettingsReachTheEngine() {
    Map<String, Object> m = minimal();
    m.put("sae.activation", "batch-topk");
    m.put("sae.latent.dim", "64");
    m.put("sae.matryoshka.prefixes", "8, 32");
    assertThat(AppConfig.of(m).saeConfig().matryoshkaPrefixes()).containsExactly(8, 32, 64);
    m.put("sae.matryoshka.prefixes", "32,8");
    assertThatThrownBy(() -> AppConfig.of(m)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("matryoshka-prefixes must be strictly increasing");
    Map<String, Object> t = minimal();
    t.put("sae.activation", "jumprelu");
    t.put("sae.sparsity", "tanh-l0");
    t.put("sae.tanh.l0.coefficient", "0.5");
    t.put("sae.tanh.l0.scale", "2");
    SaeConfig sae = AppConfig.of(t).saeConfig();
    assertThat(sae.sparsity()).isEqualTo(io.saestreams.model.Sparsity.TANH_L0);
    assertThat(sae.tanhL0Coefficient()).isEqualTo(0.5f);
    assertThat(sae.tanhL0Scale()).isEqualTo(2f);
  }

  @Test
  void inconsistentModelSettingsFailAtLoad() {
    Map<String, Object> m = minimal();
    m.put("sae.sparsity", "kl");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sae.*")
        .hasMessageContaining("sigmoid");
  }

  @Test
  void recipeKeysReachTheTrainerAndAreCheckedTogether() {
    TrainerConfig plain = AppConfig.of(minimal()).trainerConfig();
    assertThat(plain.normaliseInput()).isFalse();
    assertThat(plain.sparsityWarmupSteps()).isZero();
    assertThat(plain.optimizer().schedule()).isEqualTo(io.saestreams.model.LrSchedule.CONSTANT);
    Map<String, Object> m = minimal();
    m.put("train.normalise.input", "true");
    m.put("train.lr.schedule", "cosine");
    m.put("train.lr.decay.steps", "5000");
    m.put("train.lr.floor", "0.1");
    m.put("sae.sparsity.warmup.steps", "300");
    TrainerConfig t = AppConfig.of(m).trainerConfig();
    assertThat(t.normaliseInput()).isTrue();
    assertThat(t.sparsityWarmupSteps()).isEqualTo(300);
    assertThat(t.optimizer().schedule()).isEqualTo(new io.saestreams.model.LrSchedule(
        io.saestreams.model.LrSchedule.Kind.COSINE, 5000, 0.1f));
    Map<String, Object> noSteps = minimal();
    noSteps.put("train.lr.schedule", "linear");
    assertThatThrownBy(() -> AppConfig.of(noSteps)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.*").hasMessageContaining("lr-decay-steps >= 1");
    Map<String, Object> parallel = minimal();
    parallel.put("train.normalise.input", "true");
    parallel.put("train.mode", "data-parallel");
    // the replicas merge their input statistics at every round's end
    assertThat(AppConfig.of(parallel).trainerConfig().normaliseInput()).isTrue();
  }

  @Test
  void streamsPrefixMayNotShadowTopLevelKeys() {
    Map<String, Object> m = minimal();
    m.put("streams.application.id", "other");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.application.id")
        .hasMessageContaining("top-level");
  }

  @Test
  void trainingStateStoreAutoKeepsSmallModelsInMemoryAndLargeOnesInRocksDb() {
    // d784·n256: 12 (2·784·256 + 784 + 256) = 4.8 MB; d4096·n16384: 1.6 GB
    assertThat(AppConfig.estimatedCheckpointBytes(784, 256)).isEqualTo(12L * (2L * 784 * 256 + 784 + 256));
    Map<String, Object> small = with("sae.input.dim", "784");
    assertThat(AppConfig.of(small).trainingStateInMemory()).isTrue();
    Map<String, Object> large = with("sae.input.dim", "4096");
    large.put("sae.latent.dim", "16384");
    assertThat(AppConfig.of(large).trainingStateInMemory()).isFalse();
    // the bound itself: 12 (2dn + d + n) <= 64 MiB, for d = 1 just in and just out
    int n = (int) ((AppConfig.STATE_IN_MEMORY_MAX_BYTES / 12 - 1) / 3);
    Map<String, Object> edge = with("sae.input.dim", "1");
    edge.put("sae.latent.dim", Integer.toString(n));
    assertThat(AppConfig.estimatedCheckpointBytes(1, n)).isLessThanOrEqualTo(AppConfig.STATE_IN_MEMORY_MAX_BYTES);
    assertThat(AppConfig.of(edge).trainingStateInMemory()).isTrue();
    edge.put("sae.latent.dim", Integer.toString(n + 1));
    assertThat(AppConfig.estimatedCheckpointBytes(1, n + 1)).isGreaterThan(AppConfig.STATE_IN_MEMORY_MAX_BYTES);
    assertThat(AppConfig.of(edge).trainingStateInMemory()).isFalse();
    // explicit choices win either way
    large.put("train.state.store", "in_memory");
    assertThat(AppConfig.of(large).trainingStateInMemory()).isTrue();
    small.put("train.state.store", "rocksdb");
    assertThat(AppConfig.of(small).trainingStateInMemory()).isFalse();
    assertThatThrownBy(() -> AppConfig.of(with("train.state.store", "memory")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.state.store")
        .hasMessageContaining("memory")
        .hasMessageContaining("in_memory")
        .hasMessageContaining("rocksdb");
  }

  private static Map<String, Object> with(String key, Object value) {
    Map<String, Object> m = minimal();
    m.put(key, value);
    return m;
  }

  private static String failure(Map<?, ?> properties, Map<String, String> env) {
    Throwable t = catchThrowable(() -> AppConfig.load(properties, env));
    assertThat(t).isInstanceOf(ConfigException.class);
    return t.getMessage();
  }

  private static String failure(Map<?, ?> properties) {
    return failure(properties, Map.of());
  }

  @Test
  void misspeltStreamsKeyIsNamedAsWrittenWithTheClosestKnownKey() {
    assertThat(failure(with("streams.num.stream.threadz", "2")))
        .contains("'streams.num.stream.threadz'")
        .contains("did you mean 'streams.num.stream.threads'?");
    assertThat(failure(with("streams.comit.interval.ms", "100")))
        .contains("'streams.comit.interval.ms'")
        .contains("did you mean 'streams.commit.interval.ms'?");
    assertThat(failure(with("streams.completely.unheard.of", "1")))
        .contains("'streams.completely.unheard.of'")
        .doesNotContain("did you mean");
  }

  @Test
  void misspeltClientPrefixedKeyIsNamedAsWrittenWithTheClosestKnownKey() {
    assertThat(failure(with("streams.consumer.session.timeout.msx", "6000")))
        .contains("'streams.consumer.session.timeout.msx'")
        .contains("did you mean 'streams.consumer.session.timeout.ms'?");
    assertThat(failure(with("streams.consumr.session.timeout.ms", "6000")))
        .contains("'streams.consumr.session.timeout.ms'")
        .contains("did you mean 'streams.consumer.session.timeout.ms'?");
    // a producer setting is no consumer setting, and a client setting is no topic setting
    assertThat(failure(with("streams.consumer.linger.ms", "5")))
        .contains("'streams.consumer.linger.ms'");
    assertThat(failure(with("streams.topic.session.timeout.ms", "5")))
        .contains("'streams.topic.session.timeout.ms'");
    assertThat(failure(with("streams.topic.retention.msec", "5")))
        .contains("'streams.topic.retention.msec'")
        .contains("did you mean 'streams.topic.retention.ms'?");
  }

  @Test
  void validClientPrefixedAndTopicKeysAreAcceptedAndPassThrough() {
    Map<String, Object> m = minimal();
    m.put("streams.consumer.session.timeout.ms", "6000");
    m.put("streams.main.consumer.max.poll.records", "200");
    m.put("streams.restore.consumer.max.poll.records", "2000");
    m.put("streams.global.consumer.fetch.max.bytes", "1048576");
    m.put("streams.producer.linger.ms", "10");
    m.put("streams.admin.retries", "5");
    m.put("streams.topic.segment.bytes", "104857600");
    m.put("streams.session.timeout.ms", "7000");
    m.put("streams.linger.ms", 20);
    m.put("streams.sasl.mechanism", "PLAIN");
    m.put("streams.state.dir", "/var/lib/sae");
    Properties p = AppConfig.of(m).streamsProperties();
    assertThat(p)
        .containsEntry("consumer.session.timeout.ms", "6000")
        .containsEntry("main.consumer.max.poll.records", "200")
        .containsEntry("restore.consumer.max.poll.records", "2000")
        .containsEntry("global.consumer.fetch.max.bytes", "1048576")
        .containsEntry("producer.linger.ms", "10")
        .containsEntry("admin.retries", "5")
        .containsEntry("topic.segment.bytes", "104857600")
        .containsEntry("session.timeout.ms", "7000")
        .containsEntry("linger.ms", 20)
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("state.dir", "/var/lib/sae");
  }

  @Test
  void invalidStreamsValueNamesKeyValueAndWhatIsAllowed() {
    assertThat(failure(with("streams.num.stream.threads", "abc")))
        .contains("streams.num.stream.threads")
        .contains("abc")
        .contains("32-bit integer");
    assertThat(failure(with("streams.commit.interval.ms", "-5")))
        .contains("streams.commit.interval.ms")
        .contains("-5")
        .contains("at least 0");
    assertThat(failure(with("streams.consumer.session.timeout.ms", "soon")))
        .contains("streams.consumer.session.timeout.ms")
        .contains("soon");
    assertThat(failure(with("streams.auto.offset.reset", "sometimes")))
        .contains("streams.auto.offset.reset")
        .contains("sometimes")
        .contains("earliest");
    assertThat(failure(with("streams.producer.enable.idempotence", "maybe")))
        .contains("streams.producer.enable.idempotence")
        .contains("true or false");
  }

  @Test
  void invalidCombinationOfStreamsSettingsFailsAtLoad() {
    Map<String, Object> m = minimal();
    m.put("streams.commit.interval.ms", "20000");
    m.put("streams.producer.transaction.timeout.ms", "10000");
    assertThat(failure(m)).contains("streams.*").contains("Transaction timeout 10000");
    m.put(AppConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once");
    assertThat(AppConfig.of(m).streamsProperties()).containsEntry("commit.interval.ms", "20000");
  }

  @Test
  void settingsFromTheEnvironmentAreNamedByTheirVariable() {
    assertThat(failure(minimal(), Map.of("SAE_STREAMS_NUM_STREAM_THREADX", "2")))
        .contains("SAE_STREAMS_NUM_STREAM_THREADX")
        .contains("did you mean 'SAE_STREAMS_NUM_STREAM_THREADS (streams.num.stream.threads)'?");
    assertThat(failure(minimal(), Map.of("SAE_STREAMS_NUM_STREAM_THREADS", "abc")))
        .contains("SAE_STREAMS_NUM_STREAM_THREADS")
        .contains("abc");
    assertThat(failure(minimal(), Map.of("SAE_SAE_LATENT_DIM", "many")))
        .contains("SAE_SAE_LATENT_DIM")
        .contains("many");
    assertThat(failure(minimal(), Map.of("SAE_REGISTRY_MAX_RETRYS", "2")))
        .contains("SAE_REGISTRY_MAX_RETRYS")
        .contains("SAE_REGISTRY_MAX_RETRIES");
    assertThat(failure(minimal(), Map.of("SAE_SCHEMA_REGISTRY_URL", "registry:8081")))
        .contains("SAE_SCHEMA_REGISTRY_URL")
        .contains("registry:8081");
    assertThat(failure(minimal(), Map.of("SAE_INPUT_TOPICS", "x")))
        .contains("SAE_INPUT_TOPICS")
        .contains("did you mean SAE_INPUT_TOPIC (input.topic)?");
  }

  @Test
  void misspeltRegistryKeyIsNamedAsWrittenWithTheClosestKnownKey() {
    assertThat(failure(with("registry.max.retrys", "2")))
        .contains("'registry.max.retrys'")
        .contains("did you mean 'registry.max.retries'?");
    assertThat(failure(with("registry.basic.auth.user", "u:p")))
        .contains("'registry.basic.auth.user'");
    assertThat(failure(with("registry.schema.registry.url", "http://other:8081")))
        .contains("registry.schema.registry.url")
        .contains("top-level");
  }

  @Test
  void invalidRegistryValueNamesTheKeyAndHidesSecrets() {
    assertThat(failure(with("registry.max.retries", "lots")))
        .contains("registry.max.retries")
        .contains("lots");
    assertThat(failure(with("registry.http.connect.timeout.ms", "0")))
        .contains("registry.http.connect.timeout.ms");
    assertThat(failure(with("registry.basic.auth.user.info", "secretwithoutcolon")))
        .contains("registry.basic.auth.user.info")
        .contains("user:password")
        .doesNotContain("secretwithoutcolon");
    assertThat(failure(with("registry.retries.wait.ms", "10000")))
        .contains("registry.retries.wait.ms");
  }

  @Test
  void registrySettingsAreCheckedTogether() {
    Map<String, Object> ok = minimal();
    ok.put("registry.retries.wait.ms", "10000");
    ok.put("registry.retries.max.wait.ms", "20000");
    ok.put("registry.max.retries", "5");
    assertThat(AppConfig.of(ok).registryProperties()).containsEntry("retries.wait.ms", "10000");
    Map<String, Object> bad = minimal();
    bad.put("registry.retries.wait.ms", "3000");
    bad.put("registry.retries.max.wait.ms", "1000");
    assertThat(failure(bad))
        .contains("registry.retries.max.wait.ms")
        .contains("registry.retries.wait.ms");
  }

  @Test
  void malformedRegistryUrlIsAConfigErrorNamingTheKey() {
    for (String bad : new String[] {"registry:8081", "ftp://registry:8081", "http://", "http://a b:8081",
        "http://user:pw@registry:8081", " , "}) {
      assertThat(failure(with(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, bad)))
          .as(bad)
          .contains(AppConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }
    assertThat(AppConfig.of(with(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://a:1, https://b:2/"))
            .registryProperties())
        .containsEntry(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://a:1, https://b:2/");
  }

  @Test
  void topLevelKeyThatBelongsUnderAPrefixSaysSo() {
    assertThat(failure(with("num.stream.threads", "2")))
        .contains("'num.stream.threads'")
        .contains("'streams.num.stream.threads'");
    assertThat(failure(with("max.retries", "2")))
        .contains("'max.retries'")
        .contains("'registry.max.retries'");
  }

  @Test
  void globalThreadExceptionHandlerIsOnUnlessTheUserTurnsItOff() {
    String key = StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;
    Properties on = AppConfig.of(minimal()).streamsProperties();
    assertThat(on.get(key)).isEqualTo("true");
    // Kafka Streams' partition assignor reads it from the main consumer's settings
    assertThat(on.get(StreamsConfig.mainConsumerPrefix(key))).isEqualTo("true");
    Properties off = AppConfig.of(with("streams." + key, "false")).streamsProperties();
    assertThat(off.get(key)).isEqualTo("false");
    assertThat(off.get(StreamsConfig.mainConsumerPrefix(key))).isEqualTo("false");
  }

  @Test
  void newKeysHaveTheirDefaultsAndBounds() {
    AppConfig c = AppConfig.of(minimal());
    assertThat(c.inputIdMaxBytes()).isEqualTo(1024);
    assertThat(c.startupTimeoutMs()).isEqualTo(60_000L);
    assertThat(c.shutdownTimeoutMs()).isEqualTo(8_000L);
    assertThat(AppConfig.of(with(AppConfig.INPUT_ID_MAX_BYTES_CONFIG, "1")).inputIdMaxBytes()).isEqualTo(1);
    assertThat(AppConfig.of(with(AppConfig.INPUT_ID_MAX_BYTES_CONFIG, "65536")).inputIdMaxBytes())
        .isEqualTo(65_536);
    assertThat(AppConfig.of(with(AppConfig.STARTUP_TIMEOUT_MS_CONFIG, "1000")).startupTimeoutMs())
        .isEqualTo(1000L);
    assertThat(AppConfig.of(with(AppConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "100")).shutdownTimeoutMs())
        .isEqualTo(100L);
    assertThat(AppConfig.of(with(AppConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "60000")).shutdownTimeoutMs())
        .isEqualTo(60_000L);
    Object[][] bad = {
      {AppConfig.INPUT_ID_MAX_BYTES_CONFIG, "0"},
      {AppConfig.INPUT_ID_MAX_BYTES_CONFIG, "65537"},
      {AppConfig.STARTUP_TIMEOUT_MS_CONFIG, "999"},
      {AppConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "99"},
      {AppConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "60001"},
      {AppConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "soon"},
    };
    for (Object[] b : bad) {
      assertThat(failure(with((String) b[0], b[1]))).as(b[0] + "=" + b[1])
          .contains("configuration " + b[0])
          .contains((String) b[1]);
    }
  }

  @Test
  void closestKeyIsWithinASmallEditDistance() {
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("same", "same")).isZero();
    java.util.List<String> keys = java.util.List.of("input.topic", "codes.topic", "alerts.topic");
    assertThat(Suggestions.closest("input.topix", keys)).contains("input.topic");
    assertThat(Suggestions.closest("inptu.topic", keys)).contains("input.topic");
    assertThat(Suggestions.closest("output.topic", keys)).isEmpty();
  }

  @Test
  void markdownDocumentsEveryKeyWithItsEnvironmentVariable() {
    String md = AppConfig.toMarkdown();
    for (String key : AppConfig.configDef().names()) {
      assertThat(md).contains("| `" + key + "` | `" + ConfigSources.envName(key) + "` |");
    }
    assertThat(md).contains("(required)").contains("`streams.*`");
    assertThat(md.lines().filter(l -> l.startsWith("| `")).count())
        .isEqualTo(AppConfig.configDef().names().size() + 2);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}, rounds {1}, heap {2} MB: warns {3}")
  @org.junit.jupiter.params.provider.CsvSource({
      "data-parallel, 4, 4000, false",
      "data-parallel, 4, 20, true",
      "data-parallel, 1, 20, false",
      "single, 4, 20, false"})
  void theVersionsTheGlobalStoreKeepsAreCountedAgainstTheHeap(String mode, int rounds, long heapMb, boolean warns) {
    Map<String, Object> m = minimal();
    m.put(AppConfig.TRAIN_MODE_CONFIG, mode);
    m.put(AppConfig.TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG, rounds);
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, 784);
    m.put(AppConfig.SAE_LATENT_DIM_CONFIG, 1024);
    AppConfig c = AppConfig.of(m);
    long version = 4L * (2L * 784 * 1024 + 784 + 1024);
    assertThat(c.keptModelBytes()).isEqualTo(mode.equals("single") ? version : rounds * version);
    java.util.Optional<String> w = c.keptModelsWarning(heapMb * 1_000_000L);
    assertThat(w.isPresent()).isEqualTo(warns);
    w.ifPresent(text -> assertThat(text).contains("train.sync.checkpoint.rounds=4").contains("25.7 MB in all"));
  }
}
