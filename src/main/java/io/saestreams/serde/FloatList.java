package io.saestreams.serde;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An unmodifiable {@code List<Float>} over a {@code float[]}, so that an Avro {@code array<float>}
 * can be decoded without boxing every element and read back as the primitive array it is.
 */
public final class FloatList extends AbstractList<Float> implements RandomAccess {
  private final float[] values;
  private final int size;

  /** The first {@code size} elements of {@code values} (not copied; do not modify them). */
  public FloatList(float[] values, int size) {
    if (size < 0 || size > values.length) {
      throw new IllegalArgumentException("size " + size + " outside 0.." + values.length);
    }
    this.values = values;
    this.size = size;
  }

  @Override
  public Float get(int index) {
    return getFloat(index);
  }

  public float getFloat(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + ", size " + size);
    }
    return values[index];
  }

  @Override
  public int size() {
    return size;
  }

  /** The elements as an array of exactly {@link #size()} elements: the backing array when it fits. */
  public float[] toFloatArray() {
    return size == values.length ? values : Arrays.copyOf(values, size);
  }

  /** The values of any list of floats as an array: the backing array of a FloatList that fits. */
  public static float[] toArray(List<Float> values) {
    if (values instanceof FloatList direct) {
      return direct.toFloatArray();
    }
    float[] x = new float[values.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = values.get(i);
    }
    return x;
  }
}
