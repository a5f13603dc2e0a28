package io.saestreams.stream;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.InputVector;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroSerializer;
import io.saestreams.stream.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver around {@link SaeTopology#build} with typed input and output topics. */
public final class SaeDriver implements AutoCloseable {
  public final AppConfig config;
  public final SaeSerdes serdes;
  public final RecordingMetrics metrics = new RecordingMetrics();
  public final TopologyTestDriver driver;
  public final TestInputTopic<byte[], byte[]> input;
  public final TestInputTopic<String, ModelChunk> modelIn;
  public final TestInputTopic<String, byte[]> modelRawIn;
  public final TestOutputTopic<byte[], byte[]> dlq;
  public final TestOutputTopic<byte[], SparseCode> codes;
  public final TestOutputTopic<byte[], ReconstructionScore> scores;
  public final TestOutputTopic<byte[], AnomalyAlert> alerts;
  public final TestOutputTopic<String, ModelChunk> model;
  private final AvroSerializer<InputVector> vectors;

  /**
   * Small model: d = 16, n = 48, batch 4, publish every 2 steps, checkpoint every 3; each input
   * scored on arrival ({@code score.batch.size=1}) — {@code BatchedScoringTest} covers batching;
   * trained on the stream thread ({@code train.async=false}), so that steps, checkpoints and model
   * versions happen at known records — {@code TrainerProcessorTest} and the integration tests
   * cover training on a thread of its own.
   */
  public static Map<String, Object> settings(String registryUrl) {
    Map<String, Object> m = new HashMap<>();
    m.put(AppConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    m.put(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    m.put(AppConfig.APPLICATION_ID_CONFIG, "sae-test");
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, 16);
    m.put(AppConfig.SAE_LATENT_DIM_CONFIG, 48);
    m.put(AppConfig.TRAIN_BATCH_SIZE_CONFIG, 4);
    m.put(AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, 2);
    m.put(AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, 3);
    m.put(AppConfig.TRAIN_BATCH_MAX_WAIT_MS_CONFIG, 1_000L);
    m.put(AppConfig.MODEL_CHUNK_BYTES_CONFIG, 1024);
    m.put(AppConfig.GEMM_BACKEND_CONFIG, "java");
    m.put(AppConfig.ANOMALY_WARMUP_RECORDS_CONFIG, 20L);
    m.put(AppConfig.SCORE_BATCH_SIZE_CONFIG, 1);
    m.put(AppConfig.TRAIN_ASYNC_CONFIG, false);
    return m;
  }

  public SaeDriver(Map<String, Object> settings, SchemaRegistryClient client, Path stateDir) {
    this.config = AppConfig.of(settings);
    this.serdes = new SaeSerdes(client);
    Properties props = config.streamsProperties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    this.driver = new TopologyTestDriver(SaeTopology.build(config, metrics, serdes), props);
    this.vectors = new AvroSerializer<>(client, false, true);
    ByteArraySerializer bytes = new ByteArraySerializer();
    ByteArrayDeserializer unbytes = new ByteArrayDeserializer();
    input = driver.createInputTopic(config.inputTopic(), bytes, bytes);
    modelIn = driver.createInputTopic(config.modelTopic(), new StringSerializer(), serdes.modelChunk().serializer());
    modelRawIn = driver.createInputTopic(config.modelTopic(), new StringSerializer(), bytes);
    dlq = driver.createOutputTopic(config.dlqTopic(), unbytes, unbytes);
    codes = driver.createOutputTopic(config.codesTopic(), unbytes, serdes.sparseCode().deserializer());
    scores = driver.createOutputTopic(config.scoresTopic(), unbytes, serdes.reconstructionScore().deserializer());
    alerts = driver.createOutputTopic(config.alertsTopic(), unbytes, serdes.anomalyAlert().deserializer());
    model = driver.createOutputTopic(config.modelTopic(), new StringDeserializer(), serdes.modelChunk().deserializer());
  }

  public static InputVector vector(String id, long timestamp, float... values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return InputVector.newBuilder()
        .setId(id)
        .setTimestamp(Instant.ofEpochMilli(timestamp))
        .setValues(list)
        .setAttributes(Map.of("source", "test"))
        .build();
  }

  /** The Confluent-framed Avro bytes of a vector. */
  public byte[] encode(InputVector v) {
    return vectors.serialize(config.inputTopic(), v);
  }

  public static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends a vector keyed by its id. */
  public void send(String id, float... values) {
    input.pipeInput(key(id), encode(vector(id, 1_000L, values)));
  }

  public void sendRaw(byte[] key, byte[] value, Headers headers) {
    input.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(key, value, headers, Instant.ofEpochMilli(1_000L)));
  }

  @Override
  public void close() {
    driver.close();
  }
}
