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

  @Test
  void structureCountsRootsAndParents() {
    SyntheticConfig c = SyntheticConfig.defaults(1).withFeatures(1030).withHierarchy(3);
    assertThat(c.parents()).isEqualTo(257); // 1028 rows in blocks of 4, two free rows
    assertThat(c.roots()).isEqualTo(259);
    assertThat(c.maxMeanActive()).isCloseTo(259 + 257 * 0.75, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(SyntheticConfig.defaults(1).maxMeanActive()).isEqualTo(512);
    assertThat(SyntheticConfig.defaults(1).structure()).isEqualTo(SyntheticConfig.Structure.NONE);
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
    "hierarchy       | -1    | hierarchy must be >= 0, got -1",
    "hierarchy       | 512   | hierarchy=512 needs at least 513 features (one parent and its children), got 512",
    "hierarchy       | 200   | meanActive must be at most 113.99004975124379 with features=512 and hierarchy=200, got 114.0",
    "correlation     | 1.01  | correlation must be in [0, 1], got 1.01",
    "correlation     | -0.2  | correlation must be in [0, 1], got -0.2",
    "magnitudeSpread | NaN   | magnitudeSpread must be finite and >= 0, got NaN",
    "magnitudeSpread | -1    | magnitudeSpread must be finite and >= 0, got -1.0",
    "childCoupling   | -0.1  | childCoupling must be in [0, 1], got -0.1",
    "childCoupling   | 1.5   | childCoupling must be in [0, 1], got 1.5",
    "childCoupling   | NaN   | childCoupling must be in [0, 1], got NaN",
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
        // 512 features in blocks of 201: 2 parents and 110 free rows, 112 roots + 2 * 200/201
        case "hierarchy" -> base.withMeanActive(114).withHierarchy(Integer.parseInt(value));
        case "correlation" -> base.withCorrelation(Double.parseDouble(value));
        case "magnitudeSpread" -> base.withMagnitudeSpread(Double.parseDouble(value));
        case "childCoupling" -> base.withChildCoupling(Double.parseDouble(value));
        default -> base.withAnomalyFraction(Double.parseDouble(value));
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
