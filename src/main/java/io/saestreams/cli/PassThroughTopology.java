package io.saestreams.cli;

import io.saestreams.avro.InputVector;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.config.AppConfig;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The pipeline benchmark's reference: the same input, serdes and outputs as {@code SaeTopology}
 * — decode every InputVector, write a SparseCode and a ReconstructionScore per record — with no
 * model: the code is empty and the error 0. What it costs is the streaming floor.
 */
final class PassThroughTopology {
  private PassThroughTopology() {}

  static Topology build(AppConfig config, SaeSerdes serdes) {
    StreamsBuilder builder = new StreamsBuilder();
    var decoder = serdes.inputVector();
    KStream<byte[], InputVector> input = builder
        .stream(config.inputTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("input-source"))
        .mapValues((k, v) -> decoder.deserialize(config.inputTopic(), v), Named.as("decode"));
    input.mapValues(v -> SparseCode.newBuilder().setId(v.getId()).setTimestamp(v.getTimestamp())
            .setModelVersion(0).setDimension(config.saeConfig().latentDim())
            .setIndices(List.of()).setValues(List.of()).build(), Named.as("to-sparse-code"))
        .to(config.codesTopic(), Produced.with(Serdes.ByteArray(), serdes.sparseCode())
            .withName("codes-sink"));
    input.mapValues(v -> ReconstructionScore.newBuilder().setId(v.getId())
            .setTimestamp(v.getTimestamp()).setModelVersion(0).setError(0).setScore(0)
            .setThreshold(Double.NaN).setAnomaly(false).build(), Named.as("to-score"))
        .to(config.scoresTopic(), Produced.with(Serdes.ByteArray(), serdes.reconstructionScore())
            .withName("scores-sink"));
    return builder.build(config.streamsProperties());
  }
}
