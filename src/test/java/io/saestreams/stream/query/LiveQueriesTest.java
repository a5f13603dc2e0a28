package io.saestreams.stream.query;

import static io.saestreams.stream.query.QueryFixture.D;
import static io.saestreams.stream.query.QueryFixture.K;
import static io.saestreams.stream.query.QueryFixture.N;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.saestreams.metrics.HealthCheck;
import io.saestreams.metrics.PrometheusEndpoint;
import io.saestreams.metrics.TrainerReport;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.anomaly.AlertExplainer;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.train.StatsSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The live queries over real HTTP, against a fixed model trained on seeded data in a store laid
 * out as the global model store: every answer is checked against what the scoring code (the
 * model's {@link SaeModel.Scorer}) computes, and every refusal for its status and reason.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveQueriesTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-31T12:00:00Z"), ZoneOffset.UTC);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final AppConfig config = QueryFixture.config();
  private final SaeModel model = QueryFixture.trained(config, 7L, 200);
  private final QueryFixture.Store store = new QueryFixture.Store().publish(model);
  private final AtomicReference<TrainerReport> report = new AtomicReference<>();
  private volatile ModelStoreAccess access = () -> store;
  private PrometheusEndpoint endpoint;
  private LiveQueries queries;

  @BeforeEach
  void start() throws IOException {
    endpoint = PrometheusEndpoint.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", 0,
        HealthCheck.ALWAYS);
    queries = new LiveQueries(LiveQueries.answers(config, () -> access.open(), report::get, CLOCK));
    queries.routeOn(endpoint);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    queries.close();
  }

  // ------------------------------------------------------------------ POST /encode

  @Test
  void encodeAnswersTheScorersCodeAndErrorUnderTheCurrentVersion() throws Exception {
    assertThat(model.version()).as("the fixture's model is trained").isPositive();
    Random r = new Random(11);
    for (int i = 0; i < 5; i++) {
      float[] x = QueryFixture.vector(r);
      HttpResponse<String> res = post("/encode?reconstruction=true", body("v" + i, x));
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
      JsonNode a = JSON.readTree(res.body());

      SaeModel.Scorer scorer = model.scorer(Gemms.create(config.gemmBackend()), 1);
      scorer.score(x, 1);
      int[] idx = new int[N];
      float[] val = new float[N];
      int active = scorer.code(0, idx, val);
      float[] rec = new float[D];
      scorer.reconstruction(0, rec);
      double error = (double) scorer.squaredError(0) / D;

      assertThat(a.get("id").asText()).isEqualTo("v" + i);
      assertThat(a.get("model_version").asLong()).isEqualTo(model.version());
      assertThat(a.get("latents").asInt()).isEqualTo(N);
      assertThat(ints(a.get("indices"))).containsExactly(Arrays.copyOf(idx, active));
      assertThat(floats(a.get("values"))).containsExactly(Arrays.copyOf(val, active));
      assertThat(a.get("l0").asInt()).isEqualTo(active).isEqualTo(K);
      assertThat(a.get("error").asDouble()).isEqualTo(error).isPositive();
      assertThat(floats(a.get("reconstruction"))).containsExactly(rec);
      AlertExplainer.Explanation ex = AlertExplainer.explain(x, rec, config.anomalySettings().topDimensions());
      assertThat(a.get("top_dimensions")).hasSize(ex.dimensions().length);
      for (int j = 0; j < ex.dimensions().length; j++) {
        JsonNode d = a.get("top_dimensions").get(j);
        assertThat(d.get("dimension").asInt()).isEqualTo(ex.dimensions()[j]);
        assertThat(d.get("share").asDouble()).isEqualTo(ex.shares()[j]);
        assertThat(Float.parseFloat(d.get("actual").asText())).isEqualTo(x[ex.dimensions()[j]]);
      }
    }
  }

  @Test
  void withoutReconstructionTheAnswerLeavesItOut() throws Exception {
    JsonNode a = JSON.readTree(post("/encode", "{\"values\": " + Arrays.toString(new float[D]) + "}").body());
    assertThat(a.has("reconstruction")).isFalse();
    assertThat(a.get("id").asText()).isEmpty();
  }

  @Test
  void aNewlyCompletedVersionIsUsedAtTheNextQuery() throws Exception {
    String x = body("same", QueryFixture.vector(new Random(3)));
    JsonNode before = JSON.readTree(post("/encode", x).body());
    SaeModel newer = QueryFixture.trained(config, 8L, 400);
    assertThat(newer.version()).isGreaterThan(model.version());
    store.publish(newer);
    JsonNode after = JSON.readTree(post("/encode", x).body());
    assertThat(before.get("model_version").asLong()).isEqualTo(model.version());
    assertThat(after.get("model_version").asLong()).isEqualTo(newer.version());
    assertThat(JSON.readTree(get("/model").body()).get("version").asLong()).isEqualTo(newer.version());
  }

  @Test
  void beforeAnyVersionTheInitialModelAnswersAsVersionZero() throws Exception {
    access = QueryFixture.Store::new;
    JsonNode a = JSON.readTree(post("/encode", body("x", new float[D])).body());
    assertThat(a.get("model_version").asLong()).isZero();
  }

  /** The stream's validation, with its reason codes: what it would dead-letter is a 400 here. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "wrong-dimension | {\"id\": \"a\", \"values\": [1, 2, 3]}                   | the vector has 3 values; expected 16",
      "empty-vector    | {\"id\": \"a\", \"values\": []}                          | the vector has no values; expected 16",
      "non-finite      | {\"id\": \"a\", \"values\": [NaN, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]} | value 0 is NaN",
      "non-finite      | {\"id\": \"a\", \"values\": [0, -Infinity, 0,0,0,0,0,0,0,0,0,0,0,0,0,0]} | value 1 is -Infinity",
      "non-finite      | {\"id\": \"a\", \"values\": [0, 0, 1e39, 0,0,0,0,0,0,0,0,0,0,0,0,0]} | value 2 is Infinity",
  })
  void vectorsTheStreamWouldDeadLetterGet400WithTheReasonCode(String reason, String body, String detail)
      throws Exception {
    HttpResponse<String> res = post("/encode", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    JsonNode e = JSON.readTree(res.body());
    assertThat(e.get("reason").asText()).isEqualTo(reason);
    assertThat(e.get("error").asText()).startsWith(detail);
  }

  @Test
  void anIdLongerThanTheConfiguredLimitGets400() throws Exception {
    HttpResponse<String> res = post("/encode", body("x".repeat(65), new float[D]));
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(res.body()).get("reason").asText()).isEqualTo("id-too-long");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "malformed-json | {\"values\": [1, 2",
      "malformed-json | [1, 2, 3]",
      "malformed-json | ''",
      "invalid-field  | {\"id\": \"a\"}",
      "invalid-field  | {\"id\": \"a\", \"value\": [1]}",
      "invalid-field  | {\"id\": 5, \"values\": [1]}",
      "invalid-field  | {\"values\": \"1, 2\"}",
      "invalid-field  | {\"values\": [1, \"2\"]}",
      "invalid-field  | {\"values\": [1], \"timestamp\": \"yesterday\"}",
      "invalid-field  | {\"values\": [1], \"attributes\": {\"n\": 1}}",
  })
  void bodiesThatAreNotAnInputGet400NamingTheProblem(String reason, String body) throws Exception {
    HttpResponse<String> res = post("/encode", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    JsonNode e = JSON.readTree(res.body());
    assertThat(e.get("reason").asText()).isEqualTo(reason);
    assertThat(e.get("error").asText()).isNotBlank();
  }

  @Test
  void aBodyDeclaredLargerThanTheCapGets413BeforeItIsSent() throws Exception {
    try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      // announces 100 MiB and sends 10 bytes: the answer must not wait for the rest
      out.write(("POST /encode HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
          + "Content-Length: 104857600\r\n\r\n{\"values\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readResponse(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 413").contains("\"reason\":\"body-too-large\"")
          .contains("104857600");
    }
  }

  @Test
  void aChunkedBodyGets413OnceItPassesTheCap() throws Exception {
    try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /encode HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      String header = Integer.toHexString(chunk.length) + "\r\n";
      for (int sent = 0; sent <= LiveQueries.MAX_BODY_BYTES; sent += chunk.length) {
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 413")
          .contains("\"reason\":\"body-too-large\"");
    }
  }

  @Test
  void wrongMethodsGet405WithAllow() throws Exception {
    assertMethodNotAllowed(get("/encode"), "POST");
    assertMethodNotAllowed(send("PUT", "/encode", "{}"), "POST");
    assertMethodNotAllowed(post("/model", "{}"), "GET, HEAD");
    assertMethodNotAllowed(send("DELETE", "/latents/0", ""), "GET, HEAD");
  }

  @Test
  void unknownPathsGet404() throws Exception {
    for (String path : List.of("/encoder", "/encode/x", "/models", "/model/1", "/latentsx")) {
      HttpResponse<String> res = get(path);
      assertThat(res.statusCode()).as(path).isEqualTo(404);
      assertThat(JSON.readTree(res.body()).get("reason").asText()).isEqualTo("not-found");
    }
  }

  // ------------------------------------------------------------------ GET /model

  @Test
  void modelDescribesTheCurrentVersionWithUnknownFiguresAsNull() throws Exception {
    HttpResponse<String> res = get("/model");
    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode m = JSON.readTree(res.body());
    assertThat(m.get("version").asLong()).isEqualTo(model.version());
    assertThat(m.get("training_steps").asLong()).isEqualTo(model.version());
    assertThat(m.get("training_samples").isNull()).isTrue();
    assertThat(m.get("input_dim").asInt()).isEqualTo(D);
    assertThat(m.get("latents").asInt()).isEqualTo(N);
    assertThat(m.get("activation").asText()).isEqualTo("topk");
    assertThat(m.get("k").asInt()).isEqualTo(K);
    assertThat(m.get("config").get("activation").asText()).isEqualTo("topk");
    // not the trainer's instance: nothing known
    m.get("quality").forEach(v -> assertThat(v.isNull()).isTrue());
    assertThat(m.get("quality").has("fvu")).isTrue();
  }

  @Test
  void modelCarriesTheTrainersLastFiguresAndNeverNaN() throws Exception {
    report.set(new TrainerReport(model.version(), stats(0.25, 4.0, 0.125, Double.NaN), 6));
    HttpResponse<String> res = get("/model");
    assertThat(res.body()).doesNotContain("NaN").doesNotContain("Infinity");
    JsonNode q = JSON.readTree(res.body()).get("quality");
    assertThat(q.get("version").asLong()).isEqualTo(model.version());
    assertThat(q.get("fvu").asDouble()).isEqualTo(0.25);
    assertThat(q.get("explained_variance").asDouble()).isEqualTo(0.75);
    assertThat(q.get("l0").asDouble()).isEqualTo(4.0);
    assertThat(q.get("dead_fraction").asDouble()).isEqualTo(0.125);
    assertThat(q.get("dead_latents").asInt()).isEqualTo(6);

    report.set(new TrainerReport(model.version(), stats(Double.NaN, Double.POSITIVE_INFINITY, 0, 0), 0));
    JsonNode q2 = JSON.readTree(get("/model").body()).get("quality");
    assertThat(q2.get("fvu").isNull()).isTrue();
    assertThat(q2.get("explained_variance").isNull()).isTrue();
    assertThat(q2.get("l0").isNull()).isTrue();
  }

  // ------------------------------------------------------------------ GET /latents/{j}

  @Test
  void latentAnswersItsLargestDecoderWeightsSignedAndTheTrainersFigures() throws Exception {
    int j = 5;
    float[] row = Arrays.copyOfRange(model.parameters().wDec, j * D, (j + 1) * D);
    List<Integer> expected = IntStream.range(0, D).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(row[i]))).limit(3).toList();

    JsonNode a = JSON.readTree(get("/latents/" + j + "?top=3").body());
    assertThat(a.get("latent").asInt()).isEqualTo(j);
    assertThat(a.get("model_version").asLong()).isEqualTo(model.version());
    assertThat(a.get("firing_frequency").isNull()).isTrue();
    assertThat(a.get("mean_activation").isNull()).isTrue();
    JsonNode dims = a.get("top_dimensions");
    assertThat(dims).hasSize(3);
    for (int i = 0; i < 3; i++) {
      int dim = expected.get(i);
      assertThat(dims.get(i).get("dimension").asInt()).isEqualTo(dim);
      assertThat(Float.parseFloat(dims.get(i).get("weight").asText())).isEqualTo(row[dim]);
    }
    assertThat(a.get("decoder_norm").asDouble()).isEqualTo(model.parameters().decoderNorm(j));
    assertThat(JSON.readTree(get("/latents/" + j).body()).get("top_dimensions"))
        .as("default top").hasSize(10);
    assertThat(JSON.readTree(get("/latents/" + j + "?top=1024").body()).get("top_dimensions"))
        .as("at most d").hasSize(D);

    double[] firing = new double[N];
    double[] mean = new double[N];
    firing[j] = 0.03;
    mean[j] = 0.4;
    report.set(new TrainerReport(model.version(), stats(0.2, 4, 0, 0, firing, mean), 0));
    JsonNode b = JSON.readTree(get("/latents/" + j).body());
    assertThat(b.get("firing_frequency").asDouble()).isEqualTo(0.03);
    assertThat(b.get("mean_activation").asDouble()).isEqualTo(0.4);
    assertThat(b.get("stats_version").asLong()).isEqualTo(model.version());
  }

  @Test
  void headAnswersTheHeadersOfGet() throws Exception {
    HttpResponse<String> got = get("/latents/0");
    HttpResponse<String> head = send("HEAD", "/latents/0", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(got.body().getBytes(StandardCharsets.UTF_8).length));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/latents/x        | invalid-latent    | 'x' is not an integer",
      "/latents/1.5      | invalid-latent    | '1.5' is not an integer",
      "/latents/-1       | invalid-latent    | latent -1 is out of range [0, 48)",
      "/latents/48       | invalid-latent    | latent 48 is out of range [0, 48)",
      "/latents/0/1      | invalid-latent    | '0/1' is not an integer",
      "/latents          | invalid-latent    | no latent index",
      "/latents/         | invalid-latent    | no latent index",
      "/latents/0?top=0  | invalid-parameter | top must be in [1, 1024], got 0",
      "/latents/0?top=2000 | invalid-parameter | top must be in [1, 1024], got 2000",
      "/latents/0?top=ten | invalid-parameter | top 'ten' is not an integer",
  })
  void badLatentRequestsGet400WithTheReason(String path, String reason, String message) throws Exception {
    HttpResponse<String> res = get(path);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    JsonNode e = JSON.readTree(res.body());
    assertThat(e.get("reason").asText()).isEqualTo(reason);
    assertThat(e.get("error").asText()).contains(message);
  }

  // ------------------------------------------------------------------ readiness and load

  @Test
  void beforeTheClientRunsEveryQueryGets503WithTheReason() throws Exception {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("t", Consumed.with(Serdes.String(), Serdes.String()));
    java.util.Properties p = new java.util.Properties();
    p.put("application.id", "live-queries-not-started");
    p.put("bootstrap.servers", "127.0.0.1:1");
    try (KafkaStreams created = new KafkaStreams(b.build(), p)) {
      access = ModelStoreAccess.of(created);
      for (HttpResponse<String> res : List.of(get("/model"), get("/latents/0"), post("/encode", body("x", new float[D])))) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
        JsonNode e = JSON.readTree(res.body());
        assertThat(e.get("reason").asText()).isEqualTo("not-ready");
        assertThat(e.get("error").asText()).contains("CREATED");
      }
    }
  }

  /**
   * A query that takes long (here: blocked in the store) holds up neither {@code /metrics} nor
   * the health probes, and at most {@value LiveQueries#MAX_QUEUED} more wait behind it: the next
   * gets 503 at once. All waiting ones are answered once it ends.
   */
  @Test
  void aSlowQueryHoldsUpNeitherScrapesNorProbesAndTheQueueIsBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    access = () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return store;
    };
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i <= LiveQueries.MAX_QUEUED; i++) {
      waiting.add(HTTP.sendAsync(request("GET", "/model", null), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (queries.waiting() < LiveQueries.MAX_QUEUED) {
      assertThat(System.nanoTime() - deadline).as("queries queued in time").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = get("/model");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(refused.body()).get("reason").asText()).isEqualTo("busy");

    release.countDown();
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static StatsSnapshot stats(double fvu, double l0, double dead, double kl) {
    return stats(fvu, l0, dead, kl, new double[N], new double[N]);
  }

  private static StatsSnapshot stats(double fvu, double l0, double dead, double kl, double[] firing, double[] mean) {
    return new StatsSnapshot(160, 10, fvu, 0.01, l0, dead, 0, kl, 0.01, 0, 0, 0, firing, mean);
  }

  private static String body(String id, float[] x) {
    return "{\"id\": \"" + id + "\", \"values\": ["
        + IntStream.range(0, x.length).mapToObj(i -> Float.toString(x[i])).collect(Collectors.joining(", "))
        + "], \"attributes\": {\"source\": \"test\"}, \"timestamp\": 1700000000000}";
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  /** Floats as written (shortest decimal form), parsed back exactly. */
  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.parseFloat(a.get(i).asText());
    }
    return out;
  }

  private void assertMethodNotAllowed(HttpResponse<String> res, String allow) throws IOException {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(405);
    assertThat(res.headers().firstValue("Allow")).hasValue(allow);
    assertThat(JSON.readTree(res.body()).get("reason").asText()).isEqualTo("method-not-allowed");
  }

  private HttpRequest request(String method, String path, String body) {
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .timeout(WAIT).method(method, p).build();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", path, body);
  }

  /** The status line, headers and body of one response (read until the body's length is in). */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) > 0) {
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      String text = sb.toString();
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        String length = text.substring(0, end).lines()
            .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        if (length != null && text.length() - end - 4 >= Integer.parseInt(length)) {
          break;
        }
      }
    }
    return sb.toString();
  }
}
