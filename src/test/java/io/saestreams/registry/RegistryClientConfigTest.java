package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {
  @Test
  void parsesCommaSeparatedUrlsAndDefaults() {
    RegistryClientConfig c = RegistryClientConfig.of(" http://a:8081/ ,https://b:8082");
    assertThat(c.baseUrls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8082"));
    assertThat(c.maxRetries()).isEqualTo(RegistryClientConfig.DEFAULT_MAX_RETRIES);
    assertThat(c.requestTimeout()).isEqualTo(RegistryClientConfig.DEFAULT_REQUEST_TIMEOUT);
  }

  @Test
  void retriesAreBoundedByTheBudgetByDefaultWhichStaysBelowKafkasPollInterval() {
    RegistryClientConfig c = RegistryClientConfig.of("http://a");
    assertThat(c.maxRetries()).isEqualTo(RegistryClientConfig.UNLIMITED_RETRIES);
    assertThat(c.retryBudget()).isEqualTo(Duration.ofMinutes(4));
    // a stream thread blocked for the whole budget plus one request must still poll within the
    // consumer's default max.poll.interval.ms
    int maxPollIntervalMs =
        (Integer) org.apache.kafka.clients.consumer.ConsumerConfig.configDef()
            .defaultValues()
            .get(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    assertThat(c.retryBudget().plus(c.requestTimeout())).isLessThan(Duration.ofMillis(maxPollIntervalMs));
    assertThat(c.toString()).contains("retryBudget=PT4M");
  }

  @Test
  void rejectsInvalidSettingsWithClearMessages() {
    assertThatThrownBy(() -> RegistryClientConfig.of(" , "))
        .hasMessageContaining("at least one schema registry URL");
    assertThatThrownBy(() -> RegistryClientConfig.of("ftp://a"))
        .hasMessageContaining("must use http or https, found 'ftp://a'");
    assertThatThrownBy(() -> RegistryClientConfig.of("http://u:p@a:1"))
        .hasMessageContaining("basicAuthUserInfo");
    assertThatThrownBy(() -> RegistryClientConfig.builder("http://a").maxRetries(-1).build())
        .hasMessageContaining("maxRetries must be >= 0, was -1");
    assertThatThrownBy(() -> RegistryClientConfig.builder("http://a").requestTimeout(Duration.ZERO).build())
        .hasMessageContaining("requestTimeout must be positive");
    assertThatThrownBy(
            () -> RegistryClientConfig.builder("http://a").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> RegistryClientConfig.builder("http://a").basicAuthUserInfo("nopassword").build())
        .hasMessageContaining("'user:password'");
    assertThatThrownBy(() -> RegistryClientConfig.builder("http://a").retryBudget(Duration.ofMillis(-1)).build())
        .hasMessageContaining("retryBudget must be >= 0, was PT-0.001S");
  }

  @Test
  void readsConfluentStyleProperties() {
    RegistryClientConfig c =
        RegistryClientConfig.fromProperties(
            Map.of(
                "schema.registry.url", "http://r1:8081,http://r2:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "bob:pw",
                "max.retries", 5,
                "retries.wait.ms", "10",
                "retries.max.wait.ms", "100",
                "retry.budget.ms", "7000",
                "http.read.timeout.ms", "2500"));
    assertThat(c.baseUrls()).hasSize(2);
    assertThat(c.basicAuthUserInfo()).isEqualTo("bob:pw");
    assertThat(c.maxRetries()).isEqualTo(5);
    assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.retryBudget()).isEqualTo(Duration.ofMillis(7000));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.toString()).contains("bob:***").doesNotContain("pw");

    RegistryClientConfig defaults = RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a"));
    assertThat(defaults).isEqualTo(RegistryClientConfig.of("http://a"));
    assertThat(
            RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", "http://a", "schema.registry.basic.auth.user.info", "ann:pw"))
                .basicAuthUserInfo())
        .isEqualTo("ann:pw");

    assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing required schema registry client setting 'schema.registry.url'");
    assertThatThrownBy(
            () -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a", "max.retries", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lots")
        .hasMessageContaining("max.retries");
    assertThatThrownBy(
            () -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a", "retry.budget.ms", "-5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.budget.ms")
        .hasMessageContaining("at least 0");
    assertThatThrownBy(
            () ->
                RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", "http://a", "retries.wait.ms", "500", "retries.max.wait.ms", "100")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retries.max.wait.ms")
        .hasMessageContaining("must not be smaller than retries.wait.ms (500)");
    assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "ftp://a")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must use http or https, found 'ftp://a'");
    assertThatThrownBy(
            () ->
                RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", "http://a", "basic.auth.credentials.source", "URL")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic.auth.credentials.source");
  }

  @Test
  void unknownKeysAreRejectedNamingThemAndTheKnownOnes() {
    assertThatThrownBy(
            () ->
                RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", "http://a", "max.retry", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown schema registry client setting 'max.retry'; the known settings are ")
        .hasMessageContaining("max.retries")
        .hasMessageContaining("retry.budget.ms")
        .hasMessageContaining("schema.registry.ssl.truststore.location");
    assertThatThrownBy(
            () ->
                RegistryClientConfig.fromProperties(
                    new TreeMap<>(Map.of("schema.registry.url", "http://a", "b.x", "1", "a.y", "2"))))
        .hasMessageStartingWith("unknown schema registry client settings 'a.y', 'b.x';");
  }

  @Test
  void serdeConfigsMayCarryEveryOtherKafkaSetting() {
    RegistryClientConfig c =
        RegistryClientConfig.fromSerdeConfigs(
            Map.of(
                "schema.registry.url", "http://a",
                "bootstrap.servers", "broker:9092",
                "auto.register.schemas", "false",
                "retry.budget.ms", 1234L));
    assertThat(c.retryBudget()).isEqualTo(Duration.ofMillis(1234));
    assertThatThrownBy(() -> RegistryClientConfig.fromSerdeConfigs(Map.of("bootstrap.servers", "b:9092")))
        .hasMessageContaining("'schema.registry.url'");
  }

  @Test
  void theConfigDefIsTheOneListOfKeysWithTheRecordsDefaults() {
    ConfigDef def = RegistryClientConfig.configDef();
    assertThat(new TreeSet<>(def.names())).isEqualTo(RegistryClientConfig.KNOWN_KEYS);
    assertThat(RegistryClientConfig.KNOWN_KEYS)
        .contains(
            RegistryClientConfig.URL,
            RegistryClientConfig.MAX_RETRIES,
            RegistryClientConfig.RETRIES_WAIT_MS,
            RegistryClientConfig.RETRIES_MAX_WAIT_MS,
            RegistryClientConfig.RETRY_BUDGET_MS,
            RegistryClientConfig.CONNECT_TIMEOUT_MS,
            RegistryClientConfig.REQUEST_TIMEOUT_MS,
            RegistryClientConfig.BASIC_AUTH_USER_INFO,
            RegistryClientConfig.SSL_KEY_PASSWORD);
    for (ConfigDef.ConfigKey k : def.configKeys().values()) {
      assertThat(k.documentation).as("documentation of %s", k.name).isNotBlank();
    }
    assertThat(def.configKeys().get(RegistryClientConfig.URL).hasDefault()).isFalse();
    Map<String, Object> defaults = def.defaultValues();
    RegistryClientConfig c = RegistryClientConfig.of("http://a");
    assertThat(defaults.get(RegistryClientConfig.MAX_RETRIES)).isEqualTo(c.maxRetries());
    assertThat(defaults.get(RegistryClientConfig.RETRIES_WAIT_MS)).isEqualTo(c.initialBackoff().toMillis());
    assertThat(defaults.get(RegistryClientConfig.RETRIES_MAX_WAIT_MS)).isEqualTo(c.maxBackoff().toMillis());
    assertThat(defaults.get(RegistryClientConfig.RETRY_BUDGET_MS)).isEqualTo(c.retryBudget().toMillis());
    assertThat(defaults.get(RegistryClientConfig.CONNECT_TIMEOUT_MS)).isEqualTo(c.connectTimeout().toMillis());
    assertThat(defaults.get(RegistryClientConfig.REQUEST_TIMEOUT_MS)).isEqualTo(c.requestTimeout().toMillis());
    // a copy: changing it changes nothing here
    def.define("extra", ConfigDef.Type.STRING, "x", ConfigDef.Importance.LOW, "doc");
    assertThat(RegistryClientConfig.configDef().names()).doesNotContain("extra");
  }

  @Test
  void tlsNeedsReadableStoresAndAnHttpsUrl() {
    assertThatThrownBy(() -> RegistryClientConfig.Tls.truststore(java.nio.file.Path.of("/nonexistent/ts.p12"), null, null))
        .hasMessageContaining("truststore is not a readable file: /nonexistent/ts.p12");
  }
}
