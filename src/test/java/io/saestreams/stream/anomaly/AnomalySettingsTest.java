package io.saestreams.stream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnomalySettingsTest {
  /** Reference values of 1 − Φ(z) (standard normal tables, to 6 significant digits). */
  @ParameterizedTest
  @CsvSource({
    "0, 0.5",
    "1, 0.158655",
    "2, 0.0227501",
    "3, 0.00134990",
    "4, 3.16712e-5",
    "6, 9.86588e-10",
    "-1, 0.841345"
  })
  void theGaussianUpperTailMatchesTheTables(double z, double expected) {
    assertThat(AnomalySettings.gaussianUpperTail(z)).isCloseTo(expected, within(expected * 1e-5));
  }

  @ParameterizedTest
  @CsvSource({"0.001", "0.01", "0.05"})
  void theTargetRateIsQInFalseAlarmRateMode(double q) {
    assertThat(AnomalySettings.falseAlarmRate(q).targetRate()).isEqualTo(q);
  }

  @ParameterizedTest
  @CsvSource({"2, 0.0227501", "4, 3.16712e-5"})
  void theTargetRateIsTheTailOfKSigmasInSigmasMode(double k, double expected) {
    assertThat(AnomalySettings.sigmas(100, k, 0.99, 3).targetRate()).isCloseTo(expected, within(expected * 1e-5));
  }
}
