package io.saestreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PrometheusEndpoint#route}: other resources beside the endpoint's own, never over them. */
@Timeout(20)
class PrometheusEndpointRouteTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aRoutedPathIsServedByItsHandlerAndTheEndpointsOwnPathsStayItsOwn() throws Exception {
    try (PrometheusEndpoint endpoint =
        PrometheusEndpoint.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", 0)) {
      assertThat(get(endpoint, "/extra").statusCode()).as("before routing").isEqualTo(404);
      endpoint.route("/extra", exchange -> {
        byte[] body = "routed".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      assertThat(get(endpoint, "/extra").body()).isEqualTo("routed");
      assertThat(get(endpoint, "/metrics").statusCode()).isEqualTo(200);
      assertThat(get(endpoint, "/health/live").body()).isEqualTo("ok\n");

      for (String taken : new String[] {"/metrics", "/health", "/health/", "/h", "/me", "relative"}) {
        assertThatThrownBy(() -> endpoint.route(taken, exchange -> { }))
            .as(taken).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  private static HttpResponse<String> get(PrometheusEndpoint endpoint, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
