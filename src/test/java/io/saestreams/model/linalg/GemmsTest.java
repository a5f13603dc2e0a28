package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GemmsTest {

  @ParameterizedTest
  @ValueSource(strings = {"java", "ejml", "naive", "JAVA", " ejml "})
  void createsPureJavaBackends(String name) {
    assertThat(Gemms.create(name).name()).isEqualTo(name.trim().toLowerCase());
  }

  @Test
  void autoPicksBundledThenNativeThenJava() {
    Gemm auto = Gemms.create("auto");
    String expected = BundledGemm.isAvailable() ? "openblas-bundled"
        : NativeGemm.isAvailable() ? "native"
        : VectorKernel.isAvailable() ? "java-vector" : "java";
    assertThat(auto.name()).isEqualTo(expected);
    assertThat(Gemms.describe()).startsWith("auto -> " + auto.name());
  }

  @Test
  void theVectorKernelIsBuiltAndLinksWithItsModule() {
    // the build compiles VectorGemm on any JDK 17+ and the test JVMs get --add-modules
    // jdk.incubator.vector: so it must be there and link, or GemmTest would skip it unnoticed
    assertThat(ModuleLayer.boot().findModule(VectorKernel.MODULE)).isPresent();
    assertThat(VectorKernel.isAvailable()).as(VectorKernel.unavailableReason()).isTrue();
    assertThat(Gemms.create("java-vector").name()).isEqualTo("java-vector");
  }

  @Test
  void autoPicksBundledWhenItLoads() {
    assumeTrue(BundledGemm.isAvailable(), () -> "bundled: " + BundledGemm.unavailableReason());
    assertThat(Gemms.create("auto")).isInstanceOf(BundledGemm.class);
    assertThat(Gemms.create("AUTO").name()).isEqualTo("openblas-bundled");
  }

  @Test
  void bundledFailsClearlyWhenUnavailable() {
    if (BundledGemm.isAvailable()) {
      assertThat(Gemms.create("openblas-bundled").name()).isEqualTo("openblas-bundled");
    } else {
      assertThatThrownBy(() -> Gemms.create("openblas-bundled"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("bundled OpenBLAS");
    }
  }

  @Test
  void autoLoadsOnlyOneOpenBlas() {
    // this JVM runs the untagged tests: auto loads the bundled library, and native, asked for
    // afterwards, refuses to load the system's next to it (both in one process crash the JVM)
    Gemm auto = Gemms.create("auto");
    assumeTrue(auto.name().equals("openblas-bundled"), "bundled OpenBLAS not available here");
    assertThat(NativeGemm.isAvailable()).isFalse();
    assertThat(NativeGemm.unavailableReason()).contains("already loaded");
    assertThatThrownBy(() -> Gemms.create("native")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("openblas-bundled");
    assertThat(Gemms.describe()).startsWith("auto -> openblas-bundled: OpenBLAS")
        .doesNotContain("libblas");
  }

  @Test
  void unknownNameIsRejectedWithAllowedValues() {
    assertThatThrownBy(() -> Gemms.create("cuda"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cuda'")
        .hasMessageContaining("auto, openblas-bundled, native, java-vector, java, ejml, naive");
    assertThatThrownBy(() -> Gemms.create(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed");
    assertThatThrownBy(() -> Gemms.create(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'null'");
  }
}
