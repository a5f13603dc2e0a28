package io.saestreams.stream.query;

import static io.saestreams.stream.query.QueryFixture.D;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.model.SaeModel;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeDriver;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.training.ModelPublisher;
import io.saestreams.stream.validate.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /encode} against the real topology ({@link SaeDriver}): for the same vector under
 * the same model version in the global store, the answer's code and error are exactly what the
 * scoring path writes to the codes and scores topics, and a vector the stream dead-letters is
 * refused with the reason code of its dead-letter header.
 */
@Timeout(60)
class LiveQueriesTopologyTest {
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @TempDir Path stateDir;
  private SaeDriver sae;
  private QueryAnswers answers;

  @BeforeAll
  static void startRegistry() {
    registry = new EmbeddedSchemaRegistry().start();
    client = SchemaRegistryClient.create(registry.url());
  }

  @AfterAll
  static void stopRegistry() {
    client.close();
    registry.close();
  }

  @BeforeEach
  void open() {
    // no training in the driver: the only versions are the ones this test publishes
    sae = new SaeDriver(QueryFixture.settings(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0)), client, stateDir);
    answers = LiveQueries.answers(sae.config, () -> sae.driver.getKeyValueStore(SaeTopology.MODEL_STORE),
        () -> null, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    sae.close();
  }

  @Test
  void encodeAnswersWhatTheScoringPathWritesForTheSameVector() {
    assertSameAsTheStream(0L, 1L);
    SaeModel trained = QueryFixture.trained(sae.config, 21L, 120);
    assertThat(trained.version()).isPositive();
    for (ModelChunk c : ModelPublisher.chunks(trained, sae.config.chunkBytes(), 0L, trained.version())) {
      sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c);
    }
    assertSameAsTheStream(trained.version(), 2L);
  }

  private void assertSameAsTheStream(long version, long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < 10; i++) {
      float[] x = QueryFixture.vector(r);
      String id = "s" + seed + "-" + i;
      sae.send(id, x);
      SparseCode code = sae.codes.readValue();
      ReconstructionScore score = sae.scores.readValue();
      ObjectNode a = answers.encode(json(id, x), false);

      assertThat(code.getModelVersion()).isEqualTo(version);
      assertThat(a.get("model_version").asLong()).isEqualTo(code.getModelVersion());
      assertThat(a.get("latents").asInt()).isEqualTo(code.getDimension());
      assertThat(ints(a.get("indices"))).isEqualTo(code.getIndices());
      assertThat(floats(a.get("values"))).isEqualTo(code.getValues());
      assertThat(a.get("error").asDouble()).as("error of %s", id).isEqualTo(score.getError());
    }
  }

  @Test
  void aVectorTheStreamDeadLettersIsRefusedWithTheSameReason() {
    float[] nan = new float[D];
    nan[3] = Float.NaN;
    List<float[]> bad = List.of(new float[D - 1], new float[0], nan);
    for (float[] x : bad) {
      sae.send("bad", x);
      TestRecord<byte[], byte[]> dead = sae.dlq.readRecord();
      String reason = new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8);
      String detail = new String(dead.headers().lastHeader(DeadLetterHeaders.DETAIL).value(), StandardCharsets.UTF_8);
      assertThatThrownBy(() -> answers.encode(json("bad", x), false))
          .isInstanceOfSatisfying(QueryException.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.reason).isEqualTo(reason);
            assertThat(e.getMessage()).isEqualTo(detail);
          });
    }
  }

  /** The vector as a user writes it; NaN as the bare JSON token the reader accepts. */
  private static byte[] json(String id, float[] x) {
    String values = IntStream.range(0, x.length).mapToObj(i -> Float.toString(x[i])).collect(Collectors.joining(","));
    return ("{\"id\":\"" + id + "\",\"values\":[" + values + "]}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<Integer> ints(JsonNode a) {
    return IntStream.range(0, a.size()).mapToObj(i -> a.get(i).asInt()).toList();
  }

  private static List<Float> floats(JsonNode a) {
    return IntStream.range(0, a.size()).mapToObj(i -> Float.parseFloat(a.get(i).asText())).toList();
  }
}
