package io.saestreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.stream.config.AppConfig;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example configurations in deploy/ are accepted by the application's validation. */
class DeployConfigTest {
  private static final Map<String, String> COMPOSE_ENV = Map.of(
      "SAE_BOOTSTRAP_SERVERS", "kafka:9092",
      "SAE_SCHEMA_REGISTRY_URL", "http://schema-registry:8081",
      "SAE_METRICS_PORT", "9404");

  @Test
  void composeAppPropertiesAreValid() throws Exception {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(Path.of("deploy/app.properties"))) {
      p.load(in);
    }
    AppConfig cfg = AppConfig.load(p, COMPOSE_ENV);
    assertThat(cfg.inputDim()).isEqualTo(784);
    assertThat(cfg.metricsPort()).isEqualTo(9404);
  }

  @Test
  void kubernetesConfigMapPropertiesAreValid() throws Exception {
    String yaml = Files.readString(Path.of("deploy/k8s/configmap.yaml"));
    Matcher m = Pattern.compile("app\\.properties: \\|\\n((?: {4}.*\\n|\\n)+)").matcher(yaml);
    assertThat(m.find()).as("app.properties block in the ConfigMap").isTrue();
    Properties p = new Properties();
    p.load(new StringReader(m.group(1).replaceAll("(?m)^ {4}", "")));
    assertThat(AppConfig.load(p, COMPOSE_ENV).inputDim()).isPositive();
  }
}
