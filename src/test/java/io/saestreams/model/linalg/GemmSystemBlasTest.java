package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The system's native BLAS (backend native, netlib-java). Tagged system-blas: Maven runs these
 * in a JVM of their own (surefire execution system-blas), because the bundled OpenBLAS, which the
 * other tests load through auto, cannot share a process with it. Nothing here touches the bundled
 * library, so native loads whenever the machine has libblas.so.3 (Debian: libopenblas0).
 */
@Tag("system-blas")
class GemmSystemBlasTest {

  static void assumeNative() {
    assumeTrue(NativeGemm.isAvailable(), () -> "native BLAS: " + NativeGemm.unavailableReason());
  }

  static Stream<GemmTest.Case> cases() {
    return Stream.concat(GemmTest.cases().stream(), GemmTest.randomCases(17L, 120).stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nativeMatchesNaive(GemmTest.Case t) {
    assumeNative();
    GemmTest.check(Gemms.create("native"), t, new Random(t.hashCode()));
  }

  @Test
  void nativeReusesNothingStale() {
    assumeNative();
    Gemm gemm = Gemms.create("native");
    Random r = new Random(7);
    GemmTest.check(gemm, new GemmTest.Case(false, true, 9, 1500, 300, 1f, 0f, 0, 0, 0, 0, 0, 0), r);
    GemmTest.check(gemm, new GemmTest.Case(true, false, 4, 3, 5, 1f, 1f, 1, 1, 1, 1, 1, 1), r);
  }

  @Test
  void nativeAvailabilityNeverThrows() {
    if (NativeGemm.isAvailable()) {
      assertThat(NativeGemm.unavailableReason()).isNull();
      assertThat(Gemms.create("native").name()).isEqualTo("native");
    } else {
      assertThat(NativeGemm.unavailableReason()).isNotBlank();
      assertThatThrownBy(NativeGemm::new).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> Gemms.create("native")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("native BLAS");
    }
  }

  @Test
  void autoStaysOnTheSystemLibraryOnceItIsLoaded() {
    assumeNative();
    Gemms.create("native");
    // the bundled library is not loaded next to it: auto falls through to native
    assertThat(BundledGemm.isAvailable()).isFalse();
    assertThat(BundledGemm.unavailableReason()).contains("already loaded");
    assertThat(Gemms.create("auto").name()).isEqualTo("native");
    assertThat(Gemms.describe()).startsWith("auto -> native");
  }
}
