package io.saestreams.metrics;

import static io.saestreams.metrics.Fixtures.stats;
import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.train.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MicrometerSaeMetrics#lastTrainerReport()}: what live queries read of the trainer. */
@Timeout(10)
class TrainerReportTest {
  @Test
  void noReportUntilTheTrainerPublishedHereThenItsLatestWithAllLatents() {
    MicrometerSaeMetrics sink = new MicrometerSaeMetrics(SaeMetricsConfig.defaults().withMaxLatentsExported(2));
    assertThat(sink.lastTrainerReport()).isNull();
    sink.scorerVersion(0, 15);
    assertThat(sink.lastTrainerReport()).as("a scorer's version is not a trainer report").isNull();

    StatsSnapshot first = stats(8, 0.5, 0);
    sink.modelVersion("trainer", 5);
    sink.trainingStats(first, 1, 0, 4);
    StatsSnapshot second = stats(8, 0.25, 1);
    sink.modelVersion("trainer", 10);
    sink.trainingStats(second, 3, 0, 4);

    TrainerReport r = sink.lastTrainerReport();
    assertThat(r.version()).isEqualTo(10);
    assertThat(r.stats()).isSameAs(second);
    assertThat(r.deadLatents()).isEqualTo(3);
    assertThat(r.stats().firingFrequency()).as("every latent, not only the exported ones").hasSize(8);
  }
}
