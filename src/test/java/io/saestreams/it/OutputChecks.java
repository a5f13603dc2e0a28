package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.model.SaeModel;
import io.saestreams.stream.modelstore.Chunks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Assertions on what the application wrote, shared by the integration tests. */
final class OutputChecks {
  private OutputChecks() {}

  /**
   * Exactly one code and one score per input (none missing, none duplicated, none for anything
   * else), each keyed by the input's key, carrying the input's id and event time (in the record
   * and as its Kafka timestamp), code and score of one input from the same model version, codes
   * of at most k of the n latents.
   *
   * @return the scores by id
   */
  static Map<String, ConsumerRecord<byte[], ReconstructionScore>> assertOneCodeAndScorePerInput(
      Collection<InputVector> inputs,
      List<ConsumerRecord<byte[], SparseCode>> codes,
      List<ConsumerRecord<byte[], ReconstructionScore>> scores) {
    return assertOneCodeAndScorePerInput(inputs, codes, scores, AppUnderTest.LATENT_DIM, AppUnderTest.K);
  }

  /** The same, for a model of {@code latentDim} latents and codes of at most {@code k}. */
  static Map<String, ConsumerRecord<byte[], ReconstructionScore>> assertOneCodeAndScorePerInput(
      Collection<InputVector> inputs,
      List<ConsumerRecord<byte[], SparseCode>> codes,
      List<ConsumerRecord<byte[], ReconstructionScore>> scores,
      int latentDim,
      int k) {
    Map<String, InputVector> byId = new HashMap<>();
    inputs.forEach(v -> assertThat(byId.put(v.getId(), v)).as("input ids are distinct").isNull());
    Map<String, ConsumerRecord<byte[], SparseCode>> codeById = unique("code", codes, SparseCode::getId);
    Map<String, ConsumerRecord<byte[], ReconstructionScore>> scoreById = unique("score", scores, ReconstructionScore::getId);
    assertThat(codeById.keySet()).as("ids with a code").isEqualTo(byId.keySet());
    assertThat(scoreById.keySet()).as("ids with a score").isEqualTo(byId.keySet());
    byId.forEach((id, in) -> {
      long ts = in.getTimestamp().toEpochMilli();
      ConsumerRecord<byte[], SparseCode> c = codeById.get(id);
      ConsumerRecord<byte[], ReconstructionScore> s = scoreById.get(id);
      assertThat(Outputs.keyText(c)).as("key of the code of %s", id).isEqualTo(id);
      assertThat(Outputs.keyText(s)).as("key of the score of %s", id).isEqualTo(id);
      assertThat(c.value().getTimestamp().toEpochMilli()).as("event time in the code of %s", id).isEqualTo(ts);
      assertThat(s.value().getTimestamp().toEpochMilli()).as("event time in the score of %s", id).isEqualTo(ts);
      assertThat(c.timestamp()).as("record timestamp of the code of %s", id).isEqualTo(ts);
      assertThat(s.timestamp()).as("record timestamp of the score of %s", id).isEqualTo(ts);
      assertThat(c.value().getModelVersion()).as("model version of code and score of %s", id)
          .isEqualTo(s.value().getModelVersion());
      SparseCode code = c.value();
      assertThat(code.getDimension()).isEqualTo(latentDim);
      assertThat(code.getIndices()).hasSameSizeAs(code.getValues()).hasSizeLessThanOrEqualTo(k)
          .doesNotHaveDuplicates().allMatch(i -> i >= 0 && i < latentDim);
      assertThat(s.value().getError()).as("error of %s", id).isFinite().isGreaterThanOrEqualTo(0.0);
    });
    return scoreById;
  }

  private static <V> Map<String, ConsumerRecord<byte[], V>> unique(
      String what, List<ConsumerRecord<byte[], V>> records, Function<V, String> id) {
    Map<String, List<ConsumerRecord<byte[], V>>> grouped =
        records.stream().collect(Collectors.groupingBy(r -> id.apply(r.value())));
    Map<String, Integer> duplicated = new TreeMap<>();
    grouped.forEach((k, v) -> {
      if (v.size() > 1) {
        duplicated.put(k, v.size());
      }
    });
    assertThat(duplicated).as("ids with more than one " + what).isEmpty();
    Map<String, ConsumerRecord<byte[], V>> out = new HashMap<>();
    grouped.forEach((k, v) -> out.put(k, v.get(0)));
    return out;
  }

  /**
   * Checks the model topic, in offset order: each version's chunks are contiguous, keyed by chunk
   * index, numbered 0..count-1, agree on count, length and CRC-32, and join into a model of that
   * version and of the configured shape; each version appears once, in increasing order.
   *
   * @return the versions in the order they were published
   */
  static List<Long> assertCompleteVersions(List<ConsumerRecord<String, ModelChunk>> records) {
    return assertCompleteVersions(records, AppUnderTest.INPUT_DIM, AppUnderTest.LATENT_DIM);
  }

  /** The same, for models of input dimension {@code inputDim} and {@code latentDim} latents. */
  static List<Long> assertCompleteVersions(
      List<ConsumerRecord<String, ModelChunk>> records, int inputDim, int latentDim) {
    return assertCompleteVersions(records, inputDim, latentDim, 1);
  }

  /**
   * The same for data-parallel training that keeps {@code keptVersions} versions
   * (train.sync.checkpoint.rounds): with more than one, version v's chunk i is keyed {@code <v mod
   * keptVersions>/<i>}.
   */
  static List<Long> assertCompleteVersions(
      List<ConsumerRecord<String, ModelChunk>> records, int inputDim, int latentDim, int keptVersions) {
    List<Long> versions = new ArrayList<>();
    List<ModelChunk> current = new ArrayList<>();
    for (ConsumerRecord<String, ModelChunk> r : records) {
      ModelChunk c = r.value();
      assertThat(r.key()).as("key of chunk %s of version %s", c.getChunkIndex(), c.getModelVersion())
          .isEqualTo(keptVersions == 1 ? Integer.toString(c.getChunkIndex())
              : (c.getModelVersion() % keptVersions) + "/" + c.getChunkIndex());
      if (!current.isEmpty() && current.get(0).getModelVersion() != c.getModelVersion()) {
        versions.add(checkVersion(current, inputDim, latentDim));
        current.clear();
      }
      current.add(c);
    }
    if (!current.isEmpty()) {
      versions.add(checkVersion(current, inputDim, latentDim));
    }
    assertThat(versions).as("model versions in publication order").isSorted().doesNotHaveDuplicates();
    return versions;
  }

  private static long checkVersion(List<ModelChunk> chunks, int inputDim, int latentDim) {
    ModelChunk first = chunks.get(0);
    long version = first.getModelVersion();
    assertThat(chunks).as("chunks of version %s", version).hasSize(first.getChunkCount());
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      ModelChunk c = chunks.get(i);
      assertThat(c.getChunkIndex()).as("index of chunk %s of version %s", i, version).isEqualTo(i);
      assertThat(List.of(c.getChunkCount(), c.getTotalBytes())).isEqualTo(List.of(first.getChunkCount(), first.getTotalBytes()));
      assertThat(c.getChecksum()).isEqualTo(first.getChecksum());
      ByteBuffer b = c.getPayload().duplicate();
      byte[] p = new byte[b.remaining()];
      b.get(p);
      payloads.add(p);
    }
    byte[] joined = Chunks.join(payloads);
    assertThat(joined).as("bytes of version %s", version).hasSize(first.getTotalBytes());
    assertThat(Chunks.crc32(joined)).as("CRC-32 of version %s", version).isEqualTo(first.getChecksum());
    SaeModel model = SaeModel.fromBytes(joined);
    assertThat(List.of(model.version(), (long) model.inputDim(), (long) model.latentDim()))
        .as("version, input and latent dimension of the model in version %s", version)
        .isEqualTo(List.of(version, (long) inputDim, (long) latentDim));
    return version;
  }

  /** The model versions used by scores, per output partition, in offset order. */
  static Map<Integer, List<Long>> versionsByPartition(List<ConsumerRecord<byte[], ReconstructionScore>> scores) {
    Map<Integer, List<Long>> out = new TreeMap<>();
    scores.stream()
        .sorted((a, b) -> a.partition() != b.partition()
            ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()))
        .forEach(r -> out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value().getModelVersion()));
    return out;
  }

  /** The serialised model of {@code version}: its chunks on the model topic, in index order, joined. */
  static byte[] modelBytes(List<ConsumerRecord<String, ModelChunk>> records, long version) {
    List<byte[]> parts = records.stream().map(ConsumerRecord::value)
        .filter(c -> c.getModelVersion() == version)
        .sorted(java.util.Comparator.comparingInt(ModelChunk::getChunkIndex))
        .map(c -> {
          ByteBuffer b = c.getPayload().duplicate();
          byte[] a = new byte[b.remaining()];
          b.get(a);
          return a;
        })
        .toList();
    return Chunks.join(parts);
  }

  static Set<String> ids(Collection<InputVector> inputs) {
    Set<String> out = new HashSet<>();
    inputs.forEach(v -> out.add(v.getId()));
    return out;
  }
}
