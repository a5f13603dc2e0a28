package io.saestreams.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.model.Activation;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.train.TrainerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

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
  void inconsistentModelSettingsFailAtLoad() {
    Map<String, Object> m = minimal();
    m.put("sae.sparsity", "kl");
    assertThatThrownBy(() -> AppConfig.of(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sae.*")
        .hasMessageContaining("sigmoid");
  }

  @Test
  void streamsPrefixMayNotShadowTopLevelKeys() {
    Map<String, Object> m = minimal();
    m.put("streams.application.id", "other");
    AppConfig c = AppConfig.of(m);
    assertThatThrownBy(c::streamsProperties)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.application.id");
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
}
