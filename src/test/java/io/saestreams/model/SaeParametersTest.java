package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bulk float encoding of parameters, checkpoints and models against one value at a time. */
class SaeParametersTest {
  private static float[] values(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    float[] special = {Float.NaN, -0f, 0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.intBitsToFloat(0x7fc01234)};
    for (int i = 0; i < n; i++) {
      a[i] = i < special.length ? special[i] : Float.intBitsToFloat(r.nextInt());
    }
    return a;
  }

  /**
   * Each value's raw bits, big-endian, one at a time (NaN payloads kept, unlike
   * DataOutput.writeFloat): the format every stored model and checkpoint has.
   */
  private static byte[] reference(float[] a) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(a.length);
    for (float v : a) {
      out.writeInt(Float.floatToRawIntBits(v));
    }
    return bytes.toByteArray();
  }

  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {0, 1, 7, 8191, 8192, 8193, 30_001})
  void writesTheBytesOfOneValueAtATimeAndReadsThemBackBitForBit(int n) throws IOException {
    float[] a = values(n, n);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SaeParameters.writeFloats(new DataOutputStream(bytes), a);
    assertThat(bytes.toByteArray()).isEqualTo(reference(a));

    float[] back = new float[n];
    SaeParameters.readFloats(new DataInputStream(new ByteArrayInputStream(reference(a))), back);
    for (int i = 0; i < n; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(a[i]));
    }
  }

  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {5, 9000})
  void aLengthThatDoesNotMatchOrTooFewBytesIsAnError(int n) throws IOException {
    byte[] stored = reference(values(n, 3));
    assertThatThrownBy(() -> SaeParameters.readFloats(new DataInputStream(new ByteArrayInputStream(stored)), new float[n + 1]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected " + (n + 1) + " values, found " + n);
    byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 1);
    assertThatThrownBy(() -> SaeParameters.readFloats(new DataInputStream(new ByteArrayInputStream(truncated)), new float[n]))
        .isInstanceOf(java.io.EOFException.class);
  }
}
