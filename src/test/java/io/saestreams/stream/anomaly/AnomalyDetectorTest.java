package io.saestreams.stream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnomalyDetectorTest {
  private static final AnomalySettings SETTINGS = new AnomalySettings(50, 4.0, 0.98, 3);

  /** Log-normal errors around {@code level} with 20% spread. */
  private static double error(Random r, double level) {
    return level * Math.exp(0.2 * r.nextGaussian());
  }

  @Test
  void raisesNoAlertAndReportsNoThresholdDuringWarmUp() {
    AnomalyDetector d = new AnomalyDetector(SETTINGS);
    Random r = new Random(1);
    for (int i = 0; i < 50; i++) {
      AnomalyVerdict v = d.observe(i == 30 ? 1e6 : error(r, 1.0));
      assertThat(v.anomaly()).isFalse();
      assertThat(v.threshold()).isNaN();
    }
    assertThat(d.isWarm()).isTrue();
    assertThat(d.observe(1.0).threshold()).isFinite();
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 17, 123})
  void flagsOutliersButFewNormalErrors(long seed) {
    AnomalyDetector d = new AnomalyDetector(SETTINGS);
    Random r = new Random(seed);
    for (int i = 0; i < 200; i++) {
      d.observe(error(r, 0.5));
    }
    int falseAlarms = 0;
    for (int i = 0; i < 1000; i++) {
      if (d.observe(error(r, 0.5)).anomaly()) {
        falseAlarms++;
      }
    }
    assertThat(falseAlarms).isLessThanOrEqualTo(2);
    AnomalyVerdict outlier = d.observe(0.5 * 20);
    assertThat(outlier.anomaly()).isTrue();
    assertThat(outlier.error()).isGreaterThan(outlier.threshold());
    assertThat(outlier.score()).isGreaterThan(SETTINGS.thresholdSigmas());
  }

  @Test
  void singleOutliersBarelyMoveTheThreshold() {
    AnomalyDetector d = new AnomalyDetector(SETTINGS);
    Random r = new Random(5);
    for (int i = 0; i < 300; i++) {
      d.observe(error(r, 1.0));
    }
    double before = d.threshold();
    d.observe(1e9);
    assertThat(d.threshold()).isLessThan(before * 1.5);
  }

  @Test
  void adaptsToALastingLevelShift() {
    AnomalyDetector d = new AnomalyDetector(SETTINGS);
    Random r = new Random(7);
    for (int i = 0; i < 300; i++) {
      d.observe(error(r, 1.0));
    }
    assertThat(d.observe(error(r, 10.0)).anomaly()).isTrue();
    int lastAlarm = 0;
    for (int i = 1; i <= 1000; i++) {
      if (d.observe(error(r, 10.0)).anomaly()) {
        lastAlarm = i;
      }
    }
    assertThat(lastAlarm).isBetween(1, 400);
    assertThat(d.threshold()).isGreaterThan(10.0);
  }

  @Test
  void restoredStateGivesIdenticalVerdicts() {
    AnomalyDetector a = new AnomalyDetector(SETTINGS);
    Random r = new Random(9);
    for (int i = 0; i < 120; i++) {
      a.observe(error(r, 2.0));
    }
    AnomalyDetector b = new AnomalyDetector(SETTINGS, AnomalyState.fromBytes(a.state().toBytes()));
    assertThat(b.state()).isEqualTo(a.state());
    for (int i = 0; i < 50; i++) {
      double e = i == 25 ? 500 : error(r, 2.0);
      assertThat(b.observe(e)).isEqualTo(a.observe(e));
    }
  }

  @Test
  void nonFiniteErrorIsAlwaysAnomalousAndLeavesTheStateAlone() {
    AnomalyDetector d = new AnomalyDetector(SETTINGS);
    d.observe(1.0);
    AnomalyState before = d.state();
    assertThat(d.observe(Double.NaN).anomaly()).isTrue();
    assertThat(d.observe(Double.POSITIVE_INFINITY).anomaly()).isTrue();
    assertThat(d.state()).isEqualTo(before);
  }

  @Test
  void zeroErrorIsHandled() {
    AnomalyDetector d = new AnomalyDetector(new AnomalySettings(0, 3.0, 0.9, 1));
    for (int i = 0; i < 10; i++) {
      assertThat(d.observe(0.0).anomaly()).isFalse();
    }
    assertThat(d.observe(1.0).anomaly()).isTrue();
  }

  @Test
  void corruptStateBytesAreRejected() {
    assertThatThrownBy(() -> AnomalyState.fromBytes(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    byte[] b = AnomalyState.EMPTY.toBytes();
    b[0] = 9;
    assertThatThrownBy(() -> AnomalyState.fromBytes(b)).hasMessageContaining("format");
  }
}
