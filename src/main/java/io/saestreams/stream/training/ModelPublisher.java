package io.saestreams.stream.training;

import io.saestreams.avro.ModelChunk;
import io.saestreams.model.SaeModel;
import io.saestreams.stream.modelstore.Chunks;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns a model version into the {@link ModelChunk} records of the model topic. */
public final class ModelPublisher {
  private ModelPublisher() {}

  public static List<ModelChunk> chunks(SaeModel model, int chunkBytes, long createdAt, long trainingSteps) {
    byte[] bytes = model.toBytes();
    long crc = Chunks.crc32(bytes);
    List<byte[]> parts = Chunks.split(bytes, chunkBytes);
    List<ModelChunk> out = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      out.add(
          ModelChunk.newBuilder()
              .setModelVersion(model.version())
              .setChunkIndex(i)
              .setChunkCount(parts.size())
              .setTotalBytes(bytes.length)
              .setChecksum(crc)
              .setPayload(ByteBuffer.wrap(parts.get(i)))
              .setCreatedAt(Instant.ofEpochMilli(createdAt))
              .setTrainingSteps(trainingSteps)
              .build());
    }
    return out;
  }
}
