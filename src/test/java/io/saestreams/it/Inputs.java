package io.saestreams.it;

import io.saestreams.avro.InputVector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Input vectors for the tests: a stream from a small random sparse dictionary (x = D·s + noise,
 * two active atoms per sample), reproducible from a seed, with distinct ids and increasing event
 * times close to now (so that log retention never deletes them).
 */
final class Inputs {
  private static final int ATOMS = 8;
  private static final double NOISE = 0.01;

  private final int dim;
  private final float[][] atoms;
  private final Random random;
  private final String idPrefix;
  private final long baseTime;
  private int next;

  Inputs(int dim, long seed, String idPrefix) {
    this.dim = dim;
    this.random = new Random(seed);
    this.idPrefix = idPrefix;
    this.baseTime = System.currentTimeMillis() - 3_600_000L;
    this.atoms = new float[ATOMS][dim];
    for (float[] atom : atoms) {
      double norm = 0;
      for (int i = 0; i < dim; i++) {
        atom[i] = (float) random.nextGaussian();
        norm += atom[i] * atom[i];
      }
      for (int i = 0; i < dim; i++) {
        atom[i] /= (float) Math.sqrt(norm);
      }
    }
  }

  /** The next sample of the stream, as values. */
  float[] nextValues() {
    float[] x = new float[dim];
    for (int a = 0; a < 2; a++) {
      float[] atom = atoms[random.nextInt(ATOMS)];
      float c = 0.5f + random.nextFloat();
      for (int i = 0; i < dim; i++) {
        x[i] += c * atom[i];
      }
    }
    for (int i = 0; i < dim; i++) {
      x[i] += (float) (NOISE * random.nextGaussian());
    }
    return x;
  }

  /** The id the next record gets; ids sort in the order they are issued. */
  String nextId() {
    return String.format(Locale.ROOT, "%s-%06d", idPrefix, next);
  }

  /** The next {@code n} records of the stream. */
  List<InputVector> next(int n) {
    List<InputVector> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next(nextValues()));
    }
    return out;
  }

  /** A record with the next id and event time and the given values. */
  InputVector next(float[] values) {
    InputVector v = vector(nextId(), baseTime + 7L * next, values);
    next++;
    return v;
  }

  /** An outlier far from everything the stream contains: every coordinate ±1000. */
  float[] outlierValues() {
    float[] x = new float[dim];
    for (int i = 0; i < dim; i++) {
      x[i] = (i + next) % 2 == 0 ? 1000f : -1000f;
    }
    return x;
  }

  static InputVector vector(String id, long timestamp, float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return InputVector.newBuilder()
        .setId(id)
        .setTimestamp(Instant.ofEpochMilli(timestamp))
        .setValues(list)
        .setAttributes(Map.of("source", "it"))
        .build();
  }
}
