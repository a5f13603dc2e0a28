package io.saestreams.stream.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.stream.SaeDriver;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The finiteness check (one vectorised pass, then a scan only when that pass is not finite)
 * against the plain rule, value by value: rejected exactly when some value is NaN or infinite,
 * naming the first.
 */
class FiniteValuesTest {
  private static final int D = 300;

  private static Validated check(float[] x) {
    return new InputValidator((topic, bytes) -> null, D).validate(null, SaeDriver.vector("v", 1L, x), null);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void rejectedExactlyWhenAValueIsNotFiniteNamingTheFirst(long seed) {
    Random r = new Random(seed);
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
        -Float.MAX_VALUE, 3e19f, -1e30f, Float.MIN_VALUE, -0f};
    for (int trial = 0; trial < 200; trial++) {
      float[] x = new float[D];
      for (int i = 0; i < D; i++) {
        x[i] = (float) r.nextGaussian();
      }
      // a few special values at random places: huge finite ones overflow the sum of squares too
      int n = r.nextInt(4);
      for (int k = 0; k < n; k++) {
        x[r.nextInt(D)] = special[r.nextInt(special.length)];
      }
      int first = -1;
      for (int i = 0; i < D && first < 0; i++) {
        if (!Float.isFinite(x[i])) {
          first = i;
        }
      }
      Validated v = check(x);
      if (first < 0) {
        assertThat(v.isValid()).as("trial %d", trial).isTrue();
        assertThat(v.input().values()).isEqualTo(x);
      } else {
        assertThat(v.isValid()).as("trial %d", trial).isFalse();
        assertThat(v.rejection().reason()).isEqualTo(Rejection.NON_FINITE);
        assertThat(v.rejection().detail()).startsWith("value " + first + " is " + x[first]);
      }
    }
  }
}
