package io.saestreams.cli;

import io.saestreams.avro.InputVector;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.serde.FloatList;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.training.TrainingSample;
import io.saestreams.stream.training.TrainingSampleSerde;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The pipeline benchmark's references, with no model.
 *
 * <ul>
 *   <li>Pass-through: the same input, serdes and outputs as {@code SaeTopology} — decode every
 *       InputVector, write a SparseCode and a ReconstructionScore per record — with an empty code
 *       and error 0. What it costs is the streaming floor of scoring.
 *   <li>Floor (with a counter): the pass-through plus the Kafka work of the training path — every
 *       record, as the same {@link TrainingSample} bytes the full pipeline writes, through the
 *       single-partition training topic to one task, which only counts it. Whatever trains every
 *       record on one trainer task does at least this.
 * </ul>
 */
final class PassThroughTopology {
  private PassThroughTopology() {}

  static Topology build(AppConfig config, SaeSerdes serdes) {
    return build(config, serdes, null);
  }

  /** @param received when not null, the training path is added and counts its samples here */
  static Topology build(AppConfig config, SaeSerdes serdes, LongAdder received) {
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
    if (received != null) {
      input.process(ToSample::new, Named.as("to-training-sample"))
          .repartition(Repartitioned.<String, TrainingSample>as(SaeTopology.TRAINING_TOPIC)
              .withNumberOfPartitions(1)
              .withKeySerde(Serdes.String())
              .withValueSerde(new TrainingSampleSerde()))
          .foreach((k, v) -> received.increment(), Named.as("count-samples"));
    }
    return builder.build(config.streamsProperties());
  }

  /** Keys by id and records the input's position, as the full pipeline's training path does. */
  private static final class ToSample
      extends ContextualProcessor<byte[], InputVector, String, TrainingSample> {
    @Override
    public void process(Record<byte[], InputVector> record) {
      InputVector v = record.value();
      InputRef source = context().recordMetadata()
          .map(m -> new InputRef(m.partition(), m.offset()))
          .orElse(null);
      context().forward(record.withKey(v.getId()).withValue(new TrainingSample(v.getId(),
          v.getTimestamp().toEpochMilli(), FloatList.toArray(v.getValues()), source)));
    }
  }
}
