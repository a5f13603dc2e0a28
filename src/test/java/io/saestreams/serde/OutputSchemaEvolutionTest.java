package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.ReconstructionScore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The output schemas evolve so that a reader of the new schema reads what the old one wrote
 * (BACKWARD, the registry's default for the output subjects). Fixtures of the released schemas
 * are in {@code src/test/resources/schemas/}.
 */
class OutputSchemaEvolutionTest {
  private static Schema fixture(String name) throws IOException {
    try (InputStream in = OutputSchemaEvolutionTest.class.getResourceAsStream("/schemas/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }

  /** A score (threshold 0.75) written with the {@code writer} schema, read with {@code reader}. */
  private static GenericRecord scoreWrittenWith(Schema writer, Schema reader) throws IOException {
    GenericRecord r = new GenericData.Record(writer);
    r.put("id", "a");
    r.put("timestamp", 5L);
    r.put("modelVersion", 3L);
    r.put("error", 0.25);
    r.put("score", 1.5);
    r.put("threshold", 0.75);
    r.put("anomaly", false);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
    enc.flush();
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  @Test
  void theNullableThresholdReadsScoresWrittenWithTheFirstSchema() throws IOException {
    Schema old = fixture("ReconstructionScore-1.avsc");
    Schema now = ReconstructionScore.getClassSchema();
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);

    GenericRecord read = scoreWrittenWith(old, now);
    assertThat(read.get("threshold")).isEqualTo(0.75);
    assertThat(read.get("timestamp")).isEqualTo(5L);
  }

  @Test
  void theThresholdIsNullByDefaultNeverNaN() {
    ReconstructionScore s = ReconstructionScore.newBuilder().setId("a").setTimestamp(Instant.EPOCH)
        .setModelVersion(0L).setError(0.0).setScore(0.0).build();
    assertThat(s.getThreshold()).isNull();
    assertThat(ReconstructionScore.getClassSchema().getField("threshold").schema().getType())
        .isEqualTo(Schema.Type.UNION);
  }

  /**
   * Grades, expected and actual values and runs were added with defaults: readers of the current
   * schemas read records of the previous ones (BACKWARD) and readers of the previous ones read
   * current records (FORWARD), so producers and consumers can be updated in any order.
   */
  @Test
  void gradesAndRunsEvolveCompatiblyBothWays() throws IOException {
    Schema[][] pairs = {
      {fixture("ReconstructionScore-2.avsc"), ReconstructionScore.getClassSchema()},
      {fixture("AnomalyAlert-1.avsc"), io.saestreams.avro.AnomalyAlert.getClassSchema()},
    };
    for (Schema[] p : pairs) {
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(p[1], p[0]).getType())
          .as("%s: new reads old", p[1].getName()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(p[0], p[1]).getType())
          .as("%s: old reads new", p[1].getName()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
    GenericRecord read = scoreWrittenWith(pairs[0][0], pairs[0][1]);
    assertThat(read.get("grade")).isEqualTo(0.0);
  }
}
