package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticConfigTest {
  @Test
  void defaultsMatchTheDocumentation() {
    SyntheticConfig c = SyntheticConfig.defaults(9);
    assertThat(c).isEqualTo(new SyntheticConfig(256, 512, 5.0, 0.5, 0.01f, 0.0, 1.0, 9));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "dimension       | 0     | dimension must be >= 1, got 0",
    "features        | -3    | features must be >= 1, got -3",
    "meanActive      | 0     | meanActive must be in (0, features=512], got 0.0",
    "meanActive      | 513   | meanActive must be in (0, features=512], got 513.0",
    "meanActive      | NaN   | meanActive must be in (0, features=512], got NaN",
    "decay           | -0.1  | decay must be finite and >= 0, got -0.1",
    "decay           | Infinity | decay must be finite and >= 0, got Infinity",
    "noiseStd        | -1    | noiseStd must be finite and >= 0, got -1.0",
    "anomalyFraction | 1.5   | anomalyFraction must be in [0, 1], got 1.5",
  })
  void invalidValuesAreRejectedWithRangeAndValue(String field, String value, String message) {
    SyntheticConfig base = SyntheticConfig.defaults(1);
    assertThatThrownBy(() -> {
      switch (field) {
        case "dimension" -> base.withDimension(Integer.parseInt(value));
        case "features" -> base.withFeatures(Integer.parseInt(value));
        case "meanActive" -> base.withMeanActive(Double.parseDouble(value));
        case "decay" -> base.withDecay(Double.parseDouble(value));
        case "noiseStd" -> base.withNoiseStd(Float.parseFloat(value));
        default -> base.withAnomalyFraction(Double.parseDouble(value));
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
