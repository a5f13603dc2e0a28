package io.saestreams.serde;

import io.saestreams.avro.InputVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Reads an {@link InputVector} written with exactly the reader's schema (same parsing canonical
 * form, hence the same binary layout) straight off the decoder: the values go into a
 * {@code float[]} behind a {@link FloatList} instead of through Avro's resolving grammar and one
 * boxed {@code Float} per element. Writers with any other schema take Avro's resolving reader.
 */
public final class InputVectorReader implements DatumReader<InputVector> {
  /** Fingerprint of the schema this reader decodes. */
  private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(InputVector.getClassSchema());

  private static final int MAX_VALUES = Integer.MAX_VALUE - 8;
  /** Floats read in one bulk copy. */
  private static final int CHUNK = 1024;
  /** The bytes of one chunk, per thread (deserializers are shared by the stream threads). */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK * Float.BYTES]);

  /** Whether records written with {@code writer} can be read by this reader. */
  public static boolean reads(Schema writer) {
    return SchemaNormalization.parsingFingerprint64(writer) == FINGERPRINT;
  }

  @Override
  public void setSchema(Schema schema) {
    if (!reads(schema)) {
      throw new IllegalArgumentException("InputVectorReader reads only the InputVector schema, not " + schema);
    }
  }

  @Override
  public InputVector read(InputVector reuse, Decoder in) throws IOException {
    String id = in.readString();
    Instant timestamp = Instant.ofEpochMilli(in.readLong());
    FloatList values = readFloats(in);
    Map<String, String> attributes = null;
    int branch = in.readIndex();
    if (branch == 1) {
      attributes = readStringMap(in);
    } else if (branch != 0) {
      throw new AvroRuntimeException("union index " + branch + " out of range for attributes [null, map]");
    }
    return new InputVector(id, timestamp, values, attributes);
  }

  private static FloatList readFloats(Decoder in) throws IOException {
    long block = in.readArrayStart();
    // a corrupt count must not allocate: start small and grow with what is actually read
    float[] values = new float[(int) Math.max(0, Math.min(block, 1 << 12))];
    byte[] bytes = SCRATCH.get();
    int size = 0;
    while (block > 0) {
      // Avro writes a float as its 4 IEEE 754 bytes, little-endian: read them in bulk, at most
      // CHUNK floats at a time (the decoder fails on missing bytes before more is allocated)
      for (long left = block; left > 0; ) {
        int n = (int) Math.min(left, CHUNK);
        if (values.length - size < n) {
          if (size > MAX_VALUES - n) {
            throw new AvroRuntimeException("array of more than " + MAX_VALUES + " floats");
          }
          values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(size + (long) n, 2L * size)));
        }
        in.readFixed(bytes, 0, n * Float.BYTES);
        ByteBuffer.wrap(bytes, 0, n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, size, n);
        size += n;
        left -= n;
      }
      block = in.arrayNext();
    }
    return new FloatList(values, size);
  }

  private static Map<String, String> readStringMap(Decoder in) throws IOException {
    Map<String, String> map = new HashMap<>();
    for (long block = in.readMapStart(); block > 0; block = in.mapNext()) {
      for (long i = 0; i < block; i++) {
        String key = in.readString();
        map.put(key, in.readString());
      }
    }
    return map;
  }
}
