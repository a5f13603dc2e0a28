package io.saestreams.stream;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.InputVector;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroDeserializer;
import io.saestreams.serde.AvroSerde;
import io.saestreams.serde.InputVectorReader;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The project's Avro serdes (Confluent wire format) for the topology's records, sharing one
 * schema registry client. Output serializers register their schemas on first use.
 */
public final class SaeSerdes {
  private final SchemaRegistryClient client;

  public SaeSerdes(SchemaRegistryClient client) {
    this.client = client;
  }

  public Deserializer<InputVector> inputVector() {
    // the direct reader skips Avro's per-element grammar and boxing for the usual writer schema
    return AvroDeserializer.specific(client, InputVector.class)
        .withDirectReader(InputVectorReader::reads, InputVectorReader::new);
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
