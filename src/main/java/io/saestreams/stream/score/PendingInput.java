package io.saestreams.stream.score;

import io.saestreams.stream.state.WriteBackStore;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.validate.ValidInput;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A valid input waiting in the scoring buffer: everything its output records need — the input
 * record's key, timestamp and headers, the validated input, and where it is in the input topic
 * (the training path downstream of the scorer records it in the replay log; a batch encoded by
 * the punctuator or by a later record has no record metadata of its own).
 *
 * <p>The stored form (big-endian): format byte 3; sequence number; key (length −1 = null);
 * timestamp; header count, then per header its UTF-8 name and value (length −1 = null); id; event
 * timestamp; value count and float32 values; attribute count (−1 = null), then UTF-8 name and
 * value per attribute; source partition (−1 = unknown) and offset. Formats 2 (no sequence number:
 * the store key was the sequence number) and 1 (no source either, read as unknown) are still
 * read.
 *
 * @param seq position in the task's arrival order
 * @param source the input's record in the input topic, or null when unknown
 */
record PendingInput(long seq, byte[] key, long timestamp, Headers headers, ValidInput input, InputRef source) {
  static final byte FORMAT = 3;
  static final byte FORMAT_KEYED_BY_SEQ = 2;
  static final byte FORMAT_WITHOUT_SOURCE = 1;

  /** How the scoring buffer's store keeps it. */
  static final WriteBackStore.Codec<Long, PendingInput> CODEC = new WriteBackStore.Codec<>() {
    @Override
    public byte[] encode(PendingInput value) {
      return value.encode();
    }

    @Override
    public PendingInput decode(Long key, byte[] bytes) {
      return PendingInput.decode(key, bytes);
    }
  };

  static PendingInput of(long seq, Record<byte[], ValidInput> record, InputRef source) {
    return new PendingInput(seq, record.key(), record.timestamp(), record.headers(), record.value(), source);
  }

  byte[] encode() {
    Header[] hs = headers.toArray();
    byte[][] attrs = attributeBytes(input.attributes());
    byte[] id = utf8(input.id());
    int size = 1 + 8 + len(key) + 8 + 4 + len(id) + 8 + 4 + 4 * input.values().length + 4 + 4 + 8;
    byte[][] headerBytes = new byte[2 * hs.length][];
    for (int i = 0; i < hs.length; i++) {
      headerBytes[2 * i] = utf8(hs[i].key());
      headerBytes[2 * i + 1] = hs[i].value();
      size += len(headerBytes[2 * i]) + len(headerBytes[2 * i + 1]);
    }
    for (byte[] a : attrs) {
      size += len(a);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(FORMAT);
    b.putLong(seq);
    put(b, key);
    b.putLong(timestamp);
    b.putInt(hs.length);
    for (byte[] h : headerBytes) {
      put(b, h);
    }
    put(b, id);
    b.putLong(input.timestamp());
    b.putInt(input.values().length);
    b.asFloatBuffer().put(input.values());
    b.position(b.position() + 4 * input.values().length);
    b.putInt(input.attributes() == null ? -1 : attrs.length / 2);
    for (byte[] a : attrs) {
      put(b, a);
    }
    b.putInt(source == null ? -1 : source.partition());
    b.putLong(source == null ? -1 : source.offset());
    return b.array();
  }

  /**
   * @param storeKey the entry's key in the store: its sequence number in formats 1 and 2 (format 3
   *     carries its own)
   */
  static PendingInput decode(long storeKey, byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT && format != FORMAT_KEYED_BY_SEQ && format != FORMAT_WITHOUT_SOURCE) {
        throw new SerializationException("buffered input of format " + format + "; expected "
            + FORMAT_WITHOUT_SOURCE + ", " + FORMAT_KEYED_BY_SEQ + " or " + FORMAT);
      }
      long seq = format == FORMAT ? b.getLong() : storeKey;
      byte[] key = get(b);
      long timestamp = b.getLong();
      int headerCount = count(b);
      RecordHeaders headers = new RecordHeaders();
      for (int i = 0; i < headerCount; i++) {
        headers.add(string(get(b)), get(b));
      }
      String id = string(get(b));
      long eventTime = b.getLong();
      float[] values = new float[count(b)];
      b.asFloatBuffer().get(values);
      b.position(b.position() + 4 * values.length);
      int attrCount = b.getInt();
      Map<String, String> attributes = null;
      if (attrCount >= 0) {
        attributes = new LinkedHashMap<>();
        for (int i = 0; i < attrCount; i++) {
          attributes.put(string(get(b)), string(get(b)));
        }
      }
      InputRef source = null;
      if (format != FORMAT_WITHOUT_SOURCE) {
        int partition = b.getInt();
        long offset = b.getLong();
        source = partition >= 0 && offset >= 0 ? new InputRef(partition, offset) : null;
      }
      if (b.hasRemaining()) {
        throw new SerializationException("buffered input has " + b.remaining() + " trailing bytes");
      }
      return new PendingInput(seq, key, timestamp, headers, new ValidInput(id, eventTime, values, attributes), source);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("truncated or corrupt buffered input of " + bytes.length + " bytes", e);
    }
  }

  private static byte[][] attributeBytes(Map<String, String> attributes) {
    if (attributes == null) {
      return new byte[0][];
    }
    byte[][] out = new byte[2 * attributes.size()][];
    int i = 0;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      out[i++] = utf8(e.getKey());
      out[i++] = e.getValue() == null ? null : utf8(e.getValue());
    }
    return out;
  }

  private static int len(byte[] a) {
    return 4 + (a == null ? 0 : a.length);
  }

  private static void put(ByteBuffer b, byte[] a) {
    if (a == null) {
      b.putInt(-1);
    } else {
      b.putInt(a.length).put(a);
    }
  }

  private static byte[] get(ByteBuffer b) {
    int n = b.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new SerializationException("corrupt buffered input: length " + n + " with " + b.remaining() + " bytes left");
    }
    byte[] a = new byte[n];
    b.get(a);
    return a;
  }

  private static int count(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new SerializationException("corrupt buffered input: count " + n + " with " + b.remaining() + " bytes left");
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] a) {
    return a == null ? null : new String(a, StandardCharsets.UTF_8);
  }
}
