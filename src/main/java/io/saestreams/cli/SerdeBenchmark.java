package io.saestreams.cli;

import io.saestreams.avro.InputVector;
import io.saestreams.serde.InputVectorReader;
import io.saestreams.serde.ReaderClassData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Decoding InputVector records: the project's direct reader ({@link InputVectorReader}, floats
 * read in bulk into a {@code float[]}) next to Avro's own specific reader (one boxed Float per
 * value), over the same encoded records in the same run, one thread.
 */
final class SerdeBenchmark {
  /** Decoded records/s of both readers at one dimension. */
  record Result(int dimension, double directPerSecond, double avroPerSecond) {
    double speedUp() {
      return directPerSecond / avroPerSecond;
    }
  }

  /** Vector lengths measured: a small one, the pipeline's 784 and a long one. */
  static final List<Integer> DIMENSIONS = List.of(64, 784, 4096);
  private static final int DISTINCT = 256;

  private final double seconds;
  /** What the decoded records held, kept so that the decoding cannot be optimised away. */
  private volatile long sink;

  /** @param seconds least measuring time per reader and dimension (after a warm-up as long) */
  SerdeBenchmark(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
    }
    this.seconds = seconds;
  }

  Result run(int dimension) {
    List<byte[]> bodies = encoded(dimension);
    Schema schema = InputVector.getClassSchema();
    DatumReader<InputVector> avro =
        new SpecificDatumReader<>(schema, schema, new ReaderClassData(InputVector.class, schema));
    DatumReader<InputVector> direct = new InputVectorReader();
    // the same values from both, or the comparison means nothing
    for (byte[] b : bodies) {
      if (!decode(direct, decoder(b, null)).equals(decode(avro, decoder(b, null)))) {
        throw new IllegalStateException("the readers disagree at dimension " + dimension);
      }
    }
    double directRate = rate(direct, bodies);
    double avroRate = rate(avro, bodies);
    return new Result(dimension, directRate, avroRate);
  }

  /** Records/s, after a warm-up as long as the measurement. */
  private double rate(DatumReader<InputVector> reader, List<byte[]> bodies) {
    measure(reader, bodies);
    return measure(reader, bodies);
  }

  private double measure(DatumReader<InputVector> reader, List<byte[]> bodies) {
    long minNanos = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long count = 0;
    long values = 0;
    BinaryDecoder decoder = null;
    long elapsed;
    do {
      for (byte[] b : bodies) {
        decoder = decoder(b, decoder);
        values += decode(reader, decoder).getValues().size();
      }
      count += bodies.size();
      elapsed = System.nanoTime() - start;
    } while (elapsed < minNanos);
    sink = values;
    return count / (elapsed / 1e9);
  }

  /** A decoder over {@code body}, reusing {@code reuse}'s buffers when not null. */
  private static BinaryDecoder decoder(byte[] body, BinaryDecoder reuse) {
    return DecoderFactory.get().binaryDecoder(body, reuse);
  }

  private static InputVector decode(DatumReader<InputVector> reader, BinaryDecoder in) {
    try {
      return reader.read(null, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Seeded records of Gaussian values, encoded as Avro binary (no wire-format header). */
  private static List<byte[]> encoded(int dimension) {
    Random rnd = new Random(dimension);
    SpecificDatumWriter<InputVector> writer = new SpecificDatumWriter<>(InputVector.class);
    List<byte[]> out = new ArrayList<>();
    BinaryEncoder encoder = null;
    for (int i = 0; i < DISTINCT; i++) {
      List<Float> values = new ArrayList<>(dimension);
      for (int j = 0; j < dimension; j++) {
        values.add((float) rnd.nextGaussian());
      }
      InputVector v = new InputVector("v-" + i, Instant.ofEpochMilli(i), values, null);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
      try {
        writer.write(v, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(bytes.toByteArray());
    }
    return out;
  }
}
