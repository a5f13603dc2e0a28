package io.saestreams.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One input vector with what is known about it.
 *
 * <p>The {@code values} array is handed over, not copied: sources create a fresh array for every
 * vector, and consumers must not modify it if they share the vector. Equality, hash code and
 * {@code toString} look at the array's contents.
 *
 * @param id a name unique within its source, e.g. {@code "syn-000000123"}
 * @param values the coordinates, all finite
 * @param anomaly ground truth when the source knows it; {@code false} otherwise
 * @param label a class label (IDX label files, CSV label column), or {@code -1} when there is none
 */
public record LabelledVector(String id, float[] values, boolean anomaly, int label) {

  /** The label value meaning "no label". */
  public static final int NO_LABEL = -1;

  public LabelledVector {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(values, "values");
    if (label < NO_LABEL) {
      throw new IllegalArgumentException(
          "label of vector '" + id + "' must be >= -1 (-1 = no label), got " + label);
    }
  }

  /** A vector without anomaly flag and label. */
  public static LabelledVector of(String id, float[] values) {
    return new LabelledVector(id, values, false, NO_LABEL);
  }

  /** The number of coordinates. */
  public int dimension() {
    return values.length;
  }

  /** Whether a class label is present. */
  public boolean hasLabel() {
    return label != NO_LABEL;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelledVector v
        && id.equals(v.id)
        && anomaly == v.anomaly
        && label == v.label
        && Arrays.equals(values, v.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, anomaly, label) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    String shown;
    if (values.length <= 8) {
      shown = Arrays.toString(values);
    } else {
      shown = Arrays.toString(Arrays.copyOf(values, 8)).replace("]", ", ... (" + values.length + ")]");
    }
    return "LabelledVector[id=" + id + ", anomaly=" + anomaly + ", label=" + label + ", values="
        + shown + "]";
  }
}
