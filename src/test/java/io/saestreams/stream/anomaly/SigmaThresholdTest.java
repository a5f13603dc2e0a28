package io.saestreams.stream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sigmas threshold mode, on its own (maturity, runs and grades are the detector's). */
class SigmaThresholdTest {
  private static final AnomalySettings SETTINGS = AnomalySettings.sigmas(50, 4.0, 0.98, 3);

  /** Log-normal errors around {@code level} with 20% spread. */
  private static double error(Random r, double level) {
    return level * Math.exp(0.2 * r.nextGaussian());
  }

  @Test
  void raisesNoAlertAndReportsNoThresholdDuringWarmUp() {
    SigmaThreshold d = new SigmaThreshold(SETTINGS);
    Random r = new Random(1);
    for (int i = 0; i < 50; i++) {
      Judgement v = d.observe(i == 30 ? 1e6 : error(r, 1.0));
      assertThat(v.anomaly()).isFalse();
      assertThat(v.threshold()).isNaN();
    }
    assertThat(d.isWarm()).isTrue();
    assertThat(d.observe(1.0).threshold()).isFinite();
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 17, 123})
  void flagsOutliersButFewNormalErrors(long seed) {
    SigmaThreshold d = new SigmaThreshold(SETTINGS);
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
    Judgement outlier = d.observe(0.5 * 20);
    assertThat(outlier.anomaly()).isTrue();
    assertThat(0.5 * 20).isGreaterThan(outlier.threshold());
    assertThat(outlier.score()).isGreaterThan(SETTINGS.thresholdSigmas());
  }

  @Test
  void singleOutliersBarelyMoveTheThreshold() {
    SigmaThreshold d = new SigmaThreshold(SETTINGS);
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
    SigmaThreshold d = new SigmaThreshold(SETTINGS);
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
    SigmaThreshold a = new SigmaThreshold(SETTINGS);
    Random r = new Random(9);
    for (int i = 0; i < 120; i++) {
      a.observe(error(r, 2.0));
    }
    SigmaThreshold b = new SigmaThreshold(SETTINGS, AnomalyState.fromBytes(a.state().toBytes()));
    assertThat(b.state()).isEqualTo(a.state());
    for (int i = 0; i < 50; i++) {
      double e = i == 25 ? 500 : error(r, 2.0);
      assertThat(b.observe(e)).isEqualTo(a.observe(e));
    }
  }

  @Test
  void nonFiniteErrorIsAlwaysAnomalousAndLeavesTheStateAlone() {
    SigmaThreshold d = new SigmaThreshold(SETTINGS);
    d.observe(1.0);
    AnomalyState before = d.state();
    assertThat(d.observe(Double.NaN).anomaly()).isTrue();
    assertThat(d.observe(Double.POSITIVE_INFINITY).anomaly()).isTrue();
    assertThat(d.state()).isEqualTo(before);
  }

  @Test
  void zeroErrorIsHandled() {
    SigmaThreshold d = new SigmaThreshold(AnomalySettings.sigmas(0, 3.0, 0.9, 1));
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
