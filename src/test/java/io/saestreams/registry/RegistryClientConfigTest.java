package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
                "http.read.timeout.ms", "2500"));
    assertThat(c.baseUrls()).hasSize(2);
    assertThat(c.basicAuthUserInfo()).isEqualTo("bob:pw");
    assertThat(c.maxRetries()).isEqualTo(5);
    assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.toString()).contains("bob:***").doesNotContain("pw");

    assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of()))
        .hasMessageContaining("missing required property 'schema.registry.url'");
    assertThatThrownBy(
            () -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a", "max.retries", "lots")))
        .hasMessageContaining("'max.retries' must be an integer, found 'lots'");
  }

  @Test
  void tlsNeedsReadableStoresAndAnHttpsUrl() {
    assertThatThrownBy(() -> RegistryClientConfig.Tls.truststore(java.nio.file.Path.of("/nonexistent/ts.p12"), null, null))
        .hasMessageContaining("truststore is not a readable file: /nonexistent/ts.p12");
  }
}
