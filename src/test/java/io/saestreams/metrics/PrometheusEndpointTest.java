package io.saestreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MutableClock clock;
  private MicrometerSaeMetrics sink;
  private PrometheusMeterRegistry registry;
  private PrometheusEndpoint endpoint;

  @BeforeEach
  void setUp() throws IOException {
    clock = new MutableClock(T0);
    sink = new MicrometerSaeMetrics(new SaeMetricsConfig(3, clock));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    sink.bindTo(registry);
    endpoint = PrometheusEndpoint.start(registry, "127.0.0.1", 0);
  }

  @AfterEach
  void tearDown() {
    endpoint.close();
    registry.close();
  }

  static HttpResponse<String> send(String method, URI uri) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(URI uri) throws Exception {
    return send("GET", uri);
  }

  /** Metric family name → type, from the {@code # TYPE} lines. */
  static Map<String, String> families(String exposition) {
    Map<String, String> types = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(exposition);
    while (m.find()) {
      types.put(m.group(1), m.group(2));
    }
    return types;
  }

  /** The value of the sample line {@code series} (name and labels exactly as exposed). */
  static double sample(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
    if (!m.find()) {
      throw new AssertionError("no sample " + series + " in\n" + exposition);
    }
    return Double.parseDouble(m.group(1));
  }

  @Test
  void metricsAreServedInTheTextFormat() throws Exception {
    sink.recordIn();
    sink.recordIn();
    sink.recordIn();
    sink.recordOut("scores");
    sink.recordInvalid("bad_dimension");
    sink.trainingStep(Fixtures.step(1, 64, 2.0, 0.001f));
    sink.trainingStats(Fixtures.stats(5, 0.25, 0), 3, 1, 20);
    sink.modelVersion("trainer", 9);
    sink.checkpoint(2048, T0);
    clock.advance(Duration.ofSeconds(42));
    sink.reconstructionError(0.004);
    sink.endToEndLatency(40);
    sink.anomalyThreshold(2, 0.05);
    sink.scorerVersion(2, 8);
    sink.judged(true);
    sink.falseAlarmRateTarget(0.01);
    sink.latentDrift(0.004);
    sink.anomaly();

    assertThat(endpoint.port()).isPositive();
    assertThat(endpoint.url()).isEqualTo(URI.create("http://127.0.0.1:" + endpoint.port() + "/"));
    HttpResponse<String> r = get(endpoint.metricsUrl());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    String body = r.body();

    assertThat(families(body))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("sae_records_in_total", "counter"),
                Map.entry("sae_records_invalid_total", "counter"),
                Map.entry("sae_records_out_total", "counter"),
                Map.entry("sae_train_steps_total", "counter"),
                Map.entry("sae_train_skipped_batches_total", "counter"),
                Map.entry("sae_train_samples_total", "counter"),
                Map.entry("sae_anomalies_total", "counter"),
                Map.entry("sae_train_replayed_samples_total", "counter"),
                Map.entry("sae_train_replay_missing_total", "counter"),
                Map.entry("sae_records_judged_total", "counter"),
                Map.entry("sae_records_anomalous_total", "counter"),
                Map.entry("sae_anomaly_false_alarm_rate_target", "gauge"),
                Map.entry("sae_latent_drift", "gauge"),
                Map.entry("sae_train_cosine_similarity", "gauge"),
                Map.entry("sae_train_decoder_max_cosine", "gauge"),
                Map.entry("sae_train_l2_ratio", "gauge"),
                Map.entry("sae_train_latents_firing_above", "gauge"),
                Map.entry("sae_train_log10_density", "gauge"),
                Map.entry("sae_train_log10_density_mean", "gauge"),
                Map.entry("sae_train_relative_reconstruction_bias", "gauge"),
                Map.entry("sae_sync_rounds_total", "counter"),
                Map.entry("sae_sync_contributions", "gauge"),
                Map.entry("sae_sync_contributions_trained", "gauge"),
                Map.entry("sae_sync_round_duration_seconds", "summary"),
                Map.entry("sae_sync_round_duration_seconds_max", "gauge"),
                Map.entry("sae_sync_wait_seconds", "summary"),
                Map.entry("sae_sync_wait_seconds_max", "gauge"),
                Map.entry("sae_scorer_model_version", "gauge"),
                Map.entry("sae_train_loss", "gauge"),
                Map.entry("sae_train_fvu", "gauge"),
                Map.entry("sae_train_explained_variance", "gauge"),
                Map.entry("sae_train_l0", "gauge"),
                Map.entry("sae_train_l0_target", "gauge"),
                Map.entry("sae_latents_dead", "gauge"),
                Map.entry("sae_latents_dense", "gauge"),
                Map.entry("sae_latents_dead_fraction", "gauge"),
                Map.entry("sae_train_kl_to_target", "gauge"),
                Map.entry("sae_train_gradient_norm", "gauge"),
                Map.entry("sae_train_learning_rate", "gauge"),
                Map.entry("sae_model_version", "gauge"),
                Map.entry("sae_checkpoint_age_seconds", "gauge"),
                Map.entry("sae_checkpoint_size_bytes", "gauge"),
                Map.entry("sae_anomaly_threshold", "gauge"),
                Map.entry("sae_latent_mean_activation", "gauge"),
                Map.entry("sae_latent_firing_frequency", "gauge"),
                Map.entry("sae_reconstruction_error_ppm", "histogram"),
                Map.entry("sae_reconstruction_error_ppm_max", "gauge"),
                Map.entry("sae_latency_end_to_end_seconds", "histogram"),
                Map.entry("sae_latency_end_to_end_seconds_max", "gauge")));

    assertThat(sample(body, "sae_records_in_total")).isEqualTo(3);
    assertThat(sample(body, "sae_records_out_total{output=\"scores\"}")).isEqualTo(1);
    assertThat(sample(body, "sae_records_out_total{output=\"codes\"}")).isZero();
    assertThat(sample(body, "sae_records_invalid_total{reason=\"bad_dimension\"}")).isEqualTo(1);
    assertThat(sample(body, "sae_train_steps_total")).isEqualTo(1);
    assertThat(sample(body, "sae_train_samples_total")).isEqualTo(64);
    assertThat(sample(body, "sae_anomalies_total")).isEqualTo(1);
    assertThat(sample(body, "sae_train_fvu")).isEqualTo(0.25);
    assertThat(sample(body, "sae_train_explained_variance")).isEqualTo(0.75);
    assertThat(sample(body, "sae_train_loss{component=\"weight_decay\"}")).isEqualTo(0.002);
    assertThat(sample(body, "sae_train_l0_target")).isEqualTo(20);
    assertThat(sample(body, "sae_train_learning_rate")).isEqualTo(0.001);
    assertThat(sample(body, "sae_latents_dead")).isEqualTo(3);
    assertThat(sample(body, "sae_model_version{role=\"trainer\"}")).isEqualTo(9);
    assertThat(sample(body, "sae_model_version{role=\"scorer\"}")).isEqualTo(8);
    assertThat(sample(body, "sae_scorer_model_version{partition=\"2\"}")).isEqualTo(8);
    assertThat(sample(body, "sae_records_judged_total")).isEqualTo(1);
    assertThat(sample(body, "sae_records_anomalous_total")).isEqualTo(1);
    assertThat(sample(body, "sae_anomaly_false_alarm_rate_target")).isEqualTo(0.01);
    assertThat(sample(body, "sae_latent_drift")).isEqualTo(0.004);
    assertThat(sample(body, "sae_checkpoint_age_seconds")).isEqualTo(42);
    assertThat(sample(body, "sae_checkpoint_size_bytes")).isEqualTo(2048);
    assertThat(sample(body, "sae_anomaly_threshold{partition=\"2\"}")).isEqualTo(0.05);
    assertThat(sample(body, "sae_latent_mean_activation{latent=\"2\"}")).isEqualTo(0.2);
    assertThat(body).doesNotContain("latent=\"3\"");
    // 0.004 = 4000 ppm: not in the 2500 bucket, in the 5000 one.
    assertThat(sample(body, "sae_reconstruction_error_ppm_bucket{le=\"2500.0\"}")).isZero();
    assertThat(sample(body, "sae_reconstruction_error_ppm_bucket{le=\"5000.0\"}")).isEqualTo(1);
    assertThat(sample(body, "sae_reconstruction_error_ppm_bucket{le=\"+Inf\"}")).isEqualTo(1);
    assertThat(sample(body, "sae_reconstruction_error_ppm_sum")).isEqualTo(4000);
    assertThat(sample(body, "sae_latency_end_to_end_seconds_bucket{le=\"0.02\"}")).isZero();
    assertThat(sample(body, "sae_latency_end_to_end_seconds_bucket{le=\"0.05\"}")).isEqualTo(1);
    assertThat(sample(body, "sae_latency_end_to_end_seconds_count")).isEqualTo(1);
    assertThat(sample(body, "sae_latency_end_to_end_seconds_sum")).isEqualTo(0.04);
  }

  @Test
  void scrapesSeeNewValues() throws Exception {
    assertThat(sample(get(endpoint.metricsUrl()).body(), "sae_records_in_total")).isZero();
    sink.recordIn();
    assertThat(sample(get(endpoint.metricsUrl()).body(), "sae_records_in_total")).isEqualTo(1);
  }

  @Test
  void healthAnswersOk() throws Exception {
    HttpResponse<String> r = get(endpoint.url().resolve("/health"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
  }

  @Test
  void liveAndReadyAnswerWhatTheHealthCheckSays() throws Exception {
    AtomicReference<HealthCheck.Health> ready =
        new AtomicReference<>(HealthCheck.Health.notOk("Kafka Streams client in state REBALANCING"));
    HealthCheck check = new HealthCheck() {
      @Override
      public Health live() {
        return Health.OK;
      }

      @Override
      public Health ready() {
        Health h = ready.get();
        if (h == null) {
          throw new IllegalStateException("boom");
        }
        return h;
      }
    };
    try (PrometheusEndpoint e = PrometheusEndpoint.start(registry, "127.0.0.1", 0, check)) {
      HttpResponse<String> live = get(e.url().resolve("/health/live"));
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("ok\n");
      HttpResponse<String> notReady = get(e.url().resolve("/health/ready"));
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready: Kafka Streams client in state REBALANCING\n");
      ready.set(HealthCheck.Health.OK);
      assertThat(get(e.url().resolve("/health/ready")).statusCode()).isEqualTo(200);
      ready.set(null);
      HttpResponse<String> failing = get(e.url().resolve("/health/ready"));
      assertThat(failing.statusCode()).isEqualTo(503);
      assertThat(failing.body()).startsWith("not ready: health check failed").contains("boom");
      assertThat(send("POST", e.url().resolve("/health/ready")).statusCode()).isEqualTo(405);
      assertThat(get(e.url().resolve("/health/other")).statusCode()).isEqualTo(404);
    }
    // the endpoint without a check is always live and ready
    assertThat(get(endpoint.url().resolve("/health/ready")).statusCode()).isEqualTo(200);
  }

  @Test
  void otherPathsAre404AndOtherMethods405() throws Exception {
    for (String path : new String[] {"/", "/nope", "/metrics/x", "/metricsx", "/healthz"}) {
      assertThat(get(endpoint.url().resolve(path)).statusCode()).as(path).isEqualTo(404);
    }
    HttpResponse<String> post = send("POST", endpoint.metricsUrl());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> head = send("HEAD", endpoint.metricsUrl());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).hasValue(PrometheusEndpoint.CONTENT_TYPE);
  }

  @Test
  void closeStopsServing() throws Exception {
    URI health = endpoint.url().resolve("/health");
    assertThat(get(health).statusCode()).isEqualTo(200);
    endpoint.close();
    endpoint.close(); // idempotent
    assertThatThrownBy(() -> get(health)).isInstanceOf(IOException.class);
  }

  @Test
  void wildcardBindShowsLocalhostAndNodelayIsOn() throws Exception {
    try (PrometheusEndpoint any = PrometheusEndpoint.start(registry, "0.0.0.0", 0)) {
      assertThat(any.url()).isEqualTo(URI.create("http://localhost:" + any.port() + "/"));
      assertThat(get(any.url().resolve("/health")).statusCode()).isEqualTo(200);
    }
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
  }
}
