package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.registry.TopicNameStrategy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer moves to a newer, backward-compatible InputVector schema (one more field, with a
 * default) while the application runs: the registry holds both versions under {@code
 * <input>-value}, and the application decodes the new records (resolving them into the schema it
 * was built with) and scores them like the old ones.
 */
class SchemaEvolutionIntegrationTest {
  private static final int PER_SCHEMA = 150;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  /** InputVector as generated, plus {@code sensor: string = "unknown"}. */
  static Schema evolvedInputVector() {
    Schema base = InputVector.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("sensor", Schema.create(Schema.Type.STRING), "Which sensor produced the vector.", "unknown"));
    return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
  }

  /** A record of the evolved schema with the same content as {@code v}. */
  static GenericRecord evolved(Schema schema, InputVector v) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("id", v.getId());
    r.put("timestamp", v.getTimestamp().toEpochMilli());
    r.put("values", v.getValues());
    r.put("attributes", v.getAttributes());
    r.put("sensor", "lidar-3");
    return r;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void recordsOfANewerCompatibleSchemaAreReadAndScored(@TempDir Path stateDir) {
    try (AppUnderTest app = AppUnderTest.create(EMBEDDED.cluster(), "schema-evolution", 3, Map.of());
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      String subject = TopicNameStrategy.subject(app.config().inputTopic(), false);
      KafkaStreams streams = app.start(stateDir);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 5L, "evo");

      List<InputVector> old = source.next(PER_SCHEMA);
      producer.sendAll(old);
      out.awaitCodesAndScores(OutputChecks.ids(old), WAIT);
      assertThat(EMBEDDED.cluster().registry().versions(subject)).as("versions of %s before", subject).containsExactly(1);

      Schema schema = evolvedInputVector();
      List<InputVector> newer = source.next(PER_SCHEMA);
      for (InputVector v : newer) {
        producer.send(v.getId(), v.getTimestamp().toEpochMilli(), evolved(schema, v));
      }
      producer.flush();
      int newId = EMBEDDED.cluster().registry().lookup(subject, schema).id();
      int oldId = EMBEDDED.cluster().registry().lookup(subject, InputVector.getClassSchema()).id();
      assertThat(newId).isNotEqualTo(oldId);
      assertThat(ByteBuffer.wrap(producer.encode(evolved(schema, newer.get(0))), 1, 4).getInt())
          .as("schema id the new records are framed with").isEqualTo(newId);

      List<InputVector> all = new ArrayList<>(old);
      all.addAll(newer);
      out.awaitCodesAndScores(OutputChecks.ids(newer), WAIT);
      out.settle(EMBEDDED.cluster(), app, WAIT);

      OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());
      assertThat(EMBEDDED.cluster().registry().versions(subject)).as("versions of %s after", subject).containsExactly(1, 2);
      assertThat(EMBEDDED.cluster().registry().getLatest(subject).schema().getField("sensor")).isNotNull();
      assertThat(out.dlq.records()).as("dead-lettered records").isEmpty();
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }
}
