package io.saestreams.stream;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.InputVector;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroDeserializer;
import io.saestreams.serde.AvroSerde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Serde;

/**
 * The project's Avro serdes (Confluent wire format) for the topology's records, sharing one
 * schema registry client. Output serializers register their schemas on first use.
 *
 * <p>Avro 1.12 loads specific-record classes by name only if they are trusted; creating a
 * {@code SaeSerdes} adds the five generated record classes to Avro's global trusted set (once per
 * JVM), since the serializer looks its record classes up by schema name.
 */
public final class SaeSerdes {
  private static boolean trusted;

  private final SchemaRegistryClient client;

  public SaeSerdes(SchemaRegistryClient client) {
    this.client = client;
    trustGeneratedRecords();
  }

  private static synchronized void trustGeneratedRecords() {
    if (trusted) {
      return;
    }
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            ClassSecurityValidator.builder()
                .add(InputVector.class)
                .add(SparseCode.class)
                .add(ReconstructionScore.class)
                .add(AnomalyAlert.class)
                .add(ModelChunk.class)
                .build()));
    trusted = true;
  }

  public Deserializer<InputVector> inputVector() {
    return AvroDeserializer.specific(client, InputVector.class);
  }

  public Serde<SparseCode> sparseCode() {
    return AvroSerde.specific(client, SparseCode.class, false);
  }

  public Serde<ReconstructionScore> reconstructionScore() {
    return AvroSerde.specific(client, ReconstructionScore.class, false);
  }

  public Serde<AnomalyAlert> anomalyAlert() {
    return AvroSerde.specific(client, AnomalyAlert.class, false);
  }

  public Serde<ModelChunk> modelChunk() {
    return AvroSerde.specific(client, ModelChunk.class, false);
  }
}
