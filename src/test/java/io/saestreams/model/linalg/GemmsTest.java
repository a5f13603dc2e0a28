package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void autoPicksNativeWhenAvailableElseJava() {
    Gemm auto = Gemms.create("auto");
    assertThat(auto.name()).isEqualTo(NativeGemm.isAvailable() ? "native" : "java");
    assertThat(Gemms.describe()).startsWith("auto -> " + auto.name());
  }

  @Test
  void nativeFailsClearlyWhenUnavailable() {
    if (NativeGemm.isAvailable()) {
      assertThat(Gemms.create("native").name()).isEqualTo("native");
    } else {
      assertThatThrownBy(() -> Gemms.create("native")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("native BLAS");
    }
  }

  @Test
  void unknownNameIsRejectedWithAllowedValues() {
    assertThatThrownBy(() -> Gemms.create("cuda"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cuda'")
        .hasMessageContaining("auto, native, java, ejml, naive");
    assertThatThrownBy(() -> Gemms.create(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed");
    assertThatThrownBy(() -> Gemms.create(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'null'");
  }
}
