package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.saestreams.avro.ModelChunk;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.Chunks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application ({@code run --config}, a process of its own) against the in-JVM KRaft
 * broker answers live queries on its metrics address: once the trainer has published a version,
 * {@code POST /encode} answers with that version (> 0), and its code and error are exactly what
 * the version read back from the model topic computes here; {@code GET /model} and {@code GET
 * /latents/0} describe the version, with the trainer's figures (this instance runs the trainer);
 * a bad request gets 400.
 */
class LiveQueriesIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern METRICS_URL = Pattern.compile("sae-streams running: .*, metrics (http://\\S+)/metrics");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int D = AppUnderTest.INPUT_DIM;

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void theRunningApplicationAnswersFromItsNewestTrainedVersion(@TempDir Path work) throws Exception {
    ItCluster cluster = EMBEDDED.cluster();
    try (AppUnderTest app = AppUnderTest.create(cluster, "live-queries", 1, Map.of());
        InputProducer producer = new InputProducer(cluster, app.config().inputTopic());
        Outputs out = new Outputs(cluster, app.config())) {
      // versions share chunk keys: keep compaction from removing a version the test reads back
      ConfigResource model = new ConfigResource(ConfigResource.Type.TOPIC, app.config().modelTopic());
      ItCluster.get(cluster.admin().incrementalAlterConfigs(Map.of(model, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "86400000"), AlterConfigOp.OpType.SET)))).all());
      Path config = app.writeProperties(work.resolve("app.properties"), work.resolve("state"),
          Map.of(AppConfig.METRICS_HOST_CONFIG, "127.0.0.1", AppConfig.METRICS_PORT_CONFIG, 0));
      try (AppProcess process = AppProcess.start(config, work, app.applicationId())) {
        process.awaitOutput("sae-streams running", WAIT);
        Matcher m = METRICS_URL.matcher(process.output());
        assertThat(m.find()).as("the metrics address in:\n%s", process.output()).isTrue();
        URI base = URI.create(m.group(1) + "/");

        Inputs inputs = new Inputs(D, 2026L, "live");
        // 10 batches of 32: the trainer publishes versions 5 and 10 (and a partial batch after)
        producer.sendAll(inputs.next(10 * AppUnderTest.BATCH));
        producer.flush();
        Poll.until(WAIT, "a trained model version in the live queries' store", () -> {
          process.assertAlive();
          HttpResponse<String> res = get(base, "model");
          return res.statusCode() == 200 && json(res).get("version").asLong() > 0;
        });

        float[] x = inputs.nextValues();
        HttpResponse<String> encoded = post(base, "encode", "{\"id\": \"probe\", \"values\": "
            + Arrays.toString(x) + "}");
        assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(200);
        JsonNode a = json(encoded);
        long version = a.get("model_version").asLong();
        assertThat(version).isPositive();
        SaeModel used = readBack(out, version);
        SaeModel.Scorer scorer = used.scorer(Gemms.create(app.config().gemmBackend()), 1);
        scorer.score(x, 1);
        int[] idx = new int[used.latentDim()];
        float[] val = new float[used.latentDim()];
        int active = scorer.code(0, idx, val);
        assertThat(a.get("error").asDouble()).as("error against version %s read back", version)
            .isEqualTo((double) scorer.squaredError(0) / D);
        assertThat(ints(a.get("indices"))).containsExactly(Arrays.copyOf(idx, active));
        assertThat(floats(a.get("values"))).containsExactly(Arrays.copyOf(val, active));
        assertThat(a.get("id").asText()).isEqualTo("probe");

        JsonNode desc = json(get(base, "model"));
        assertThat(desc.get("version").asLong()).isGreaterThanOrEqualTo(version);
        assertThat(desc.get("input_dim").asInt()).isEqualTo(D);
        assertThat(desc.get("latents").asInt()).isEqualTo(AppUnderTest.LATENT_DIM);
        assertThat(desc.get("activation").asText()).isEqualTo("topk");
        assertThat(desc.get("k").asInt()).isEqualTo(AppUnderTest.K);
        JsonNode quality = desc.get("quality");
        assertThat(quality.get("version").asLong()).as("this instance runs the trainer: %s", desc).isPositive();
        assertThat(quality.get("fvu").asDouble()).isBetween(0.0, 2.0);
        assertThat(quality.get("l0").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(AppUnderTest.K);
        assertThat(quality.get("dead_fraction").asDouble()).isBetween(0.0, 1.0);

        JsonNode latent = json(get(base, "latents/0"));
        SaeModel described = readBack(out, latent.get("model_version").asLong());
        float[] row = Arrays.copyOfRange(described.parameters().wDec, 0, D);
        List<Integer> top = IntStream.range(0, D).boxed()
            .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(row[i]))).limit(10).toList();
        assertThat(latent.get("top_dimensions")).hasSize(10);
        for (int i = 0; i < 10; i++) {
          JsonNode dim = latent.get("top_dimensions").get(i);
          assertThat(dim.get("dimension").asInt()).isEqualTo(top.get(i));
          assertThat(Float.parseFloat(dim.get("weight").asText())).isEqualTo(row[top.get(i)]);
        }
        assertThat(latent.get("firing_frequency").asDouble()).isBetween(0.0, 1.0);

        HttpResponse<String> bad = post(base, "encode", "{\"id\": \"short\", \"values\": [1, 2, 3]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("reason").asText()).isEqualTo("wrong-dimension");
        HttpResponse<String> outOfRange = get(base, "latents/" + AppUnderTest.LATENT_DIM);
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(json(outOfRange).get("reason").asText()).isEqualTo("invalid-latent");

        assertThat(out.dlq.readToEnd(WAIT)).as("a refused live query is not dead-lettered").isEmpty();
        process.assertAlive();
      }
    }
  }

  /** Model {@code version} as published on the model topic (waits until all its chunks are read). */
  private static SaeModel readBack(Outputs out, long version) {
    List<ConsumerRecord<String, ModelChunk>> records = out.model.readUntil(WAIT, "the chunks of version " + version,
        r -> {
          List<ModelChunk> chunks = r.stream().map(ConsumerRecord::value).filter(c -> c.getModelVersion() == version)
              .toList();
          return !chunks.isEmpty() && chunks.size() == chunks.get(0).getChunkCount();
        });
    List<byte[]> parts = records.stream().map(ConsumerRecord::value)
        .filter(c -> c.getModelVersion() == version)
        .sorted(Comparator.comparingInt(ModelChunk::getChunkIndex))
        .map(c -> {
          ByteBuffer b = c.getPayload().duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return bytes;
        })
        .collect(Collectors.toList());
    SaeModel m = SaeModel.fromBytes(Chunks.join(parts));
    assertThat(m.version()).isEqualTo(version);
    return m;
  }

  private static HttpResponse<String> get(URI base, String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  private static HttpResponse<String> post(URI base, String path, String body) {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JsonNode json(HttpResponse<String> res) {
    assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    try {
      return JSON.readTree(res.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + res.body(), e);
    }
  }

  private static int[] ints(JsonNode a) {
    return IntStream.range(0, a.size()).map(i -> a.get(i).asInt()).toArray();
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.parseFloat(a.get(i).asText());
    }
    return out;
  }
}
