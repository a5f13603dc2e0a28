package io.saestreams.metrics;

import static io.saestreams.metrics.Fixtures.skippedStep;
import static io.saestreams.metrics.Fixtures.stats;
import static io.saestreams.metrics.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.saestreams.train.StatsSnapshot;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MicrometerSaeMetricsTest {
  private static final long T0 = 1_700_000_000_000L;

  private MutableClock clock;
  private MicrometerSaeMetrics sink;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    sink = new MicrometerSaeMetrics(new SaeMetricsConfig(4, clock));
    registry = new SimpleMeterRegistry();
    sink.bindTo(registry);
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void recordCountersCount() {
    assertThat(counter("sae.records.in")).isZero();
    for (String output : MicrometerSaeMetrics.KNOWN_OUTPUTS) {
      assertThat(counter("sae.records.out", "output", output)).isZero();
    }

    for (int i = 0; i < 5; i++) {
      sink.recordIn();
    }
    sink.recordOut("codes");
    sink.recordOut("codes");
    sink.recordOut("scores");
    sink.recordOut("alerts");
    sink.recordInvalid("bad_dimension");
    sink.recordInvalid("bad_dimension");
    sink.recordInvalid("not_avro");
    sink.anomaly();
    sink.anomaly();
    sink.replayed(40, 0);
    sink.replayed(7, 3);

    assertThat(counter("sae.records.in")).isEqualTo(5);
    assertThat(counter("sae.records.out", "output", "codes")).isEqualTo(2);
    assertThat(counter("sae.records.out", "output", "scores")).isEqualTo(1);
    assertThat(counter("sae.records.out", "output", "alerts")).isEqualTo(1);
    assertThat(counter("sae.records.invalid", "reason", "bad_dimension")).isEqualTo(2);
    assertThat(counter("sae.records.invalid", "reason", "not_avro")).isEqualTo(1);
    assertThat(counter("sae.anomalies")).isEqualTo(2);
    assertThat(counter("sae.train.replayed.samples")).isEqualTo(47);
    assertThat(counter("sae.train.replay.missing")).isEqualTo(3);
  }

  @Test
  void everyKnownDeadLetterReasonIsExportedAtZeroBeforeItsFirstRecord() {
    for (String reason : MicrometerSaeMetrics.KNOWN_INVALID_REASONS) {
      assertThat(counter("sae.records.invalid", "reason", reason)).as(reason).isZero();
    }
    sink.recordInvalid("record-too-large");
    assertThat(counter("sae.records.invalid", "reason", "record-too-large")).isEqualTo(1);
  }

  @Test
  void openEndedTagValuesAreNormalisedAndBounded() {
    sink.recordInvalid("Bad Dimension!");
    sink.recordInvalid(null);
    sink.recordInvalid("  ");
    assertThat(counter("sae.records.invalid", "reason", "bad_dimension_")).isEqualTo(1);
    assertThat(counter("sae.records.invalid", "reason", "unknown")).isEqualTo(2);

    for (int i = 0; i < 100; i++) {
      sink.recordInvalid("reason" + i);
    }
    Set<String> reasons = tagValues("sae.records.invalid", "reason");
    // Beside the known reasons: two values above, then 14 new ones fit under the limit of 16; the
    // other 86 share "other".
    assertThat(reasons)
        .hasSize(MicrometerSaeMetrics.KNOWN_INVALID_REASONS.size() + MicrometerSaeMetrics.MAX_TAG_VALUES + 1)
        .contains("other");
    assertThat(counter("sae.records.invalid", "reason", "reason13")).isEqualTo(1);
    assertThat(reasons).doesNotContain("reason14");
    assertThat(counter("sae.records.invalid", "reason", "other")).isEqualTo(86);
    sink.recordInvalid("reason99");
    assertThat(counter("sae.records.invalid", "reason", "other")).isEqualTo(87);
    double total =
        registry.get("sae.records.invalid").functionCounters().stream()
            .mapToDouble(c -> c.count())
            .sum();
    assertThat(total).isEqualTo(104);

    sink.recordOut("somewhere-else");
    assertThat(counter("sae.records.out", "output", "somewhere-else")).isEqualTo(1);
  }

  @Test
  void trainingStepsCountAndGaugeTheLatestCompletedStep() {
    assertThat(gauge("sae.train.gradient.norm")).isNaN();
    assertThat(gauge("sae.train.learning.rate")).isNaN();

    sink.trainingStep(step(1, 64, 2.5, 0.001f));
    sink.trainingStep(step(2, 32, 1.5, 0.0005f));
    sink.trainingStep(skippedStep(2, 64));

    assertThat(counter("sae.train.steps")).isEqualTo(2);
    assertThat(counter("sae.train.skipped.batches")).isEqualTo(1);
    assertThat(counter("sae.train.samples")).isEqualTo(96);
    assertThat(gauge("sae.train.gradient.norm")).isEqualTo(1.5);
    assertThat(gauge("sae.train.learning.rate")).isEqualTo(0.0005);
  }

  @Test
  void trainingStatsGaugesShowTheLatestWindow() {
    assertThat(gauge("sae.train.fvu")).isNaN();
    assertThat(gauge("sae.train.loss", "component", "total")).isNaN();

    sink.trainingStats(stats(3, 0.5, 0), 10, 2, 16);
    sink.trainingStats(stats(3, 0.25, 0), 7, 1, Double.NaN);

    assertThat(gauge("sae.train.fvu")).isEqualTo(0.25);
    assertThat(gauge("sae.train.explained.variance")).isEqualTo(0.75);
    assertThat(gauge("sae.train.l0")).isEqualTo(12.5);
    assertThat(gauge("sae.train.l0.target")).isNaN();
    assertThat(gauge("sae.latents.dead")).isEqualTo(7);
    assertThat(gauge("sae.latents.dense")).isEqualTo(1);
    assertThat(gauge("sae.latents.dead.fraction")).isEqualTo(0.125);
    assertThat(gauge("sae.train.kl.to.target")).isEqualTo(0.04);
    assertThat(gauge("sae.train.loss", "component", "reconstruction")).isEqualTo(0.3);
    assertThat(gauge("sae.train.loss", "component", "sparsity")).isEqualTo(0.05);
    assertThat(gauge("sae.train.loss", "component", "weight_decay")).isEqualTo(0.002);
    assertThat(gauge("sae.train.loss", "component", "auxiliary")).isEqualTo(0.007);
    assertThat(gauge("sae.train.loss", "component", "total"))
        .isCloseTo(0.3 + 0.05 + 0.002 + 0.007, within(1e-12));
    assertThat(tagValues("sae.train.loss", "component"))
        .containsExactlyInAnyOrderElementsOf(MicrometerSaeMetrics.LOSS_COMPONENTS);

    sink.trainingStats(stats(3, 0.25, 0), 7, 1, 32);
    assertThat(gauge("sae.train.l0.target")).isEqualTo(32);
  }

  @Test
  void perLatentGaugesExistOnlyForTheFirstLatents() {
    assertThat(registry.find("sae.latent.mean.activation").gauges()).isEmpty();

    sink.trainingStats(stats(2, 0.5, 0), 0, 0, Double.NaN);
    assertThat(tagValues("sae.latent.mean.activation", "latent")).containsExactly("0", "1");

    sink.trainingStats(stats(10, 0.5, 1), 0, 0, Double.NaN);
    assertThat(tagValues("sae.latent.mean.activation", "latent"))
        .containsExactlyInAnyOrder("0", "1", "2", "3");
    assertThat(tagValues("sae.latent.firing.frequency", "latent"))
        .containsExactlyInAnyOrder("0", "1", "2", "3");
    for (int j = 0; j < 4; j++) {
      String latent = Integer.toString(j);
      assertThat(gauge("sae.latent.mean.activation", "latent", latent)).isEqualTo(j / 10.0 + 1);
      assertThat(gauge("sae.latent.firing.frequency", "latent", latent)).isEqualTo(j / 100.0);
    }

    // A later, smaller model leaves the extra gauges reading NaN rather than stale values.
    sink.trainingStats(stats(3, 0.5, 2), 0, 0, Double.NaN);
    assertThat(gauge("sae.latent.mean.activation", "latent", "2")).isEqualTo(2.2);
    assertThat(gauge("sae.latent.mean.activation", "latent", "3")).isNaN();
  }

  @Test
  void registryBoundLaterSeesEverythingAlreadyReported() {
    sink.recordIn();
    sink.recordInvalid("late");
    sink.modelVersion("scorer", 4);
    sink.trainingStats(stats(8, 0.5, 0), 0, 0, Double.NaN);

    SimpleMeterRegistry late = new SimpleMeterRegistry();
    sink.bindTo(late);
    assertThat(late.get("sae.records.in").functionCounter().count()).isEqualTo(1);
    assertThat(late.get("sae.records.invalid").tag("reason", "late").functionCounter().count())
        .isEqualTo(1);
    assertThat(late.get("sae.model.version").tag("role", "scorer").gauge().value()).isEqualTo(4);
    assertThat(late.get("sae.latent.firing.frequency").gauges()).hasSize(4);

    sink.recordIn();
    sink.reconstructionError(0.5);
    assertThat(late.get("sae.records.in").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("sae.records.in").functionCounter().count()).isEqualTo(2);
    assertThat(late.get("sae.reconstruction.error").summary().count()).isEqualTo(1);
    assertThat(registry.get("sae.reconstruction.error").summary().count()).isEqualTo(1);
  }

  @Test
  void bindingTheSameRegistryTwiceDoesNotDoubleRecord() {
    sink.bindTo(registry);
    sink.reconstructionError(0.01);
    sink.endToEndLatency(20);
    assertThat(registry.get("sae.reconstruction.error").summary().count()).isEqualTo(1);
    assertThat(registry.get("sae.latency.end.to.end").timer().count()).isEqualTo(1);
  }

  @Test
  void noLatentGaugesWhenNoneAreExported() {
    MicrometerSaeMetrics none = new MicrometerSaeMetrics(new SaeMetricsConfig(0, clock));
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    none.bindTo(r);
    none.trainingStats(stats(5, 0.5, 0), 0, 0, Double.NaN);
    assertThat(r.find("sae.latent.mean.activation").gauges()).isEmpty();
    assertThat(r.find("sae.latent.firing.frequency").gauges()).isEmpty();
    assertThat(r.get("sae.train.fvu").gauge().value()).isEqualTo(0.5);
  }

  @Test
  void checkpointAgeAdvancesWithTheClock() {
    Gauge size = registry.get("sae.checkpoint.size").gauge();
    assertThat(size.value()).isNaN();
    assertThat(registry.get("sae.checkpoint.age").timeGauge().value(TimeUnit.SECONDS)).isNaN();

    clock.advance(Duration.ofSeconds(3));
    sink.checkpoint(123_456, T0);
    assertThat(registry.get("sae.checkpoint.age").timeGauge().value(TimeUnit.SECONDS))
        .isEqualTo(3.0);
    clock.advance(Duration.ofMillis(87_500));
    assertThat(registry.get("sae.checkpoint.age").timeGauge().value(TimeUnit.SECONDS))
        .isEqualTo(90.5);
    assertThat(size.value()).isEqualTo(123_456);
    assertThat(size.getId().getBaseUnit()).isEqualTo("bytes");

    sink.checkpoint(1000, clock.millis());
    assertThat(registry.get("sae.checkpoint.age").timeGauge().value(TimeUnit.SECONDS)).isZero();
    assertThat(size.value()).isEqualTo(1000);

    // A checkpoint stamped in the future (clock skew) reads as age 0, not negative.
    sink.checkpoint(1000, clock.millis() + 5000);
    assertThat(registry.get("sae.checkpoint.age").timeGauge().value(TimeUnit.SECONDS)).isZero();
  }

  @Test
  void modelVersionsAndThresholdsPerPartition() {
    assertThat(tagValues("sae.model.version", "role"))
        .containsExactlyInAnyOrder("trainer", "scorer");
    assertThat(gauge("sae.model.version", "role", "trainer")).isNaN();
    assertThat(gauge("sae.model.version", "role", "scorer")).isNaN();
    assertThat(registry.find("sae.anomaly.threshold").meters()).isEmpty();

    sink.modelVersion("trainer", 12);
    sink.scorerVersion(0, 11);
    sink.scorerVersion(3, 12);
    sink.modelVersion("trainer", 13);
    sink.anomalyThreshold(0, 0.042);
    sink.anomalyThreshold(3, 0.05);

    assertThat(gauge("sae.model.version", "role", "trainer")).isEqualTo(13);
    // the scorer role: the oldest version a scoring task of this instance uses
    assertThat(gauge("sae.model.version", "role", "scorer")).isEqualTo(11);
    assertThat(gauge("sae.scorer.model.version", "partition", "0")).isEqualTo(11);
    assertThat(gauge("sae.scorer.model.version", "partition", "3")).isEqualTo(12);
    assertThat(gauge("sae.anomaly.threshold", "partition", "0")).isEqualTo(0.042);
    assertThat(gauge("sae.anomaly.threshold", "partition", "3")).isEqualTo(0.05);

    // partition 0 moves to another instance: its series read NaN, the oldest is now 12
    sink.partitionClosed(0);
    assertThat(gauge("sae.anomaly.threshold", "partition", "0")).isNaN();
    assertThat(gauge("sae.scorer.model.version", "partition", "0")).isNaN();
    assertThat(gauge("sae.model.version", "role", "scorer")).isEqualTo(12);
    sink.partitionClosed(3);
    assertThat(gauge("sae.model.version", "role", "scorer")).isNaN();
  }

  @Test
  void partitionSeriesAreBounded() {
    for (int p = 0; p < MicrometerSaeMetrics.MAX_PARTITIONS + 50; p++) {
      sink.anomalyThreshold(p, p);
    }
    assertThat(registry.find("sae.anomaly.threshold").meters())
        .hasSize(MicrometerSaeMetrics.MAX_PARTITIONS + 1);
    assertThat(tagValues("sae.anomaly.threshold", "partition")).contains("other");
  }

  @Test
  void judgedAnomalousTargetAndDrift() {
    assertThat(counter("sae.records.judged")).isZero();
    assertThat(counter("sae.records.anomalous")).isZero();
    assertThat(gauge("sae.anomaly.false.alarm.rate.target")).isNaN();
    assertThat(gauge("sae.latent.drift")).isNaN();
    sink.judged(false);
    sink.judged(true);
    sink.judged(false);
    sink.falseAlarmRateTarget(0.01);
    sink.latentDrift(0.03);
    assertThat(counter("sae.records.judged")).isEqualTo(3);
    assertThat(counter("sae.records.anomalous")).isEqualTo(1);
    assertThat(gauge("sae.anomaly.false.alarm.rate.target")).isEqualTo(0.01);
    assertThat(gauge("sae.latent.drift")).isEqualTo(0.03);
  }

  @Test
  void reconstructionErrorHistogramResolvesErrorsBelowOne() {
    sink.reconstructionError(0.001);
    sink.reconstructionError(0.02);
    sink.reconstructionError(0.02);
    sink.reconstructionError(3);
    sink.reconstructionError(Double.NaN); // ignored
    sink.reconstructionError(-1); // ignored
    sink.reconstructionError(Double.POSITIVE_INFINITY); // ignored

    DistributionSummary s = registry.get("sae.reconstruction.error").summary();
    assertThat(s.getId().getBaseUnit()).isEqualTo("ppm");
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.totalAmount()).isCloseTo(3.041e6, within(1e-6));
    assertThat(s.max()).isEqualTo(3e6);
    // Bounds are in ppm: 1000 ppm = an error of 0.001.
    CountAtBucket[] buckets = s.takeSnapshot().histogramCounts();
    assertThat(bucket(buckets, 500)).isZero();
    assertThat(bucket(buckets, 1000)).isEqualTo(1);
    assertThat(bucket(buckets, 10_000)).isEqualTo(1);
    assertThat(bucket(buckets, 25_000)).isEqualTo(3);
    assertThat(bucket(buckets, 2_500_000)).isEqualTo(3);
    assertThat(bucket(buckets, 5_000_000)).isEqualTo(4);
  }

  private static double bucket(CountAtBucket[] buckets, double le) {
    for (CountAtBucket b : buckets) {
      if (b.bucket() == le) {
        return b.count();
      }
    }
    throw new AssertionError("no bucket " + le);
  }

  @Test
  void bucketBoundsAreDecadeSeries() {
    double[] b = MicrometerSaeMetrics.ERROR_BUCKETS_PPM;
    assertThat(b).hasSize(28).startsWith(1, 2.5, 5, 10, 25).endsWith(5e8, 1e9);
    for (int i = 1; i < b.length; i++) {
      assertThat(b[i]).isGreaterThan(b[i - 1]);
    }
    assertThat(MicrometerSaeMetrics.LATENCY_BUCKETS_MS)
        .hasSize(18)
        .startsWith(1, 2, 5, 10)
        .endsWith(200_000, 500_000);
    assertThatThrownBy(() -> MicrometerSaeMetrics.decades(0.5, 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void endToEndLatencyIsATimer() {
    sink.endToEndLatency(150);
    sink.endToEndLatency(-5);
    sink.endToEndLatency(2500);
    Timer t = registry.get("sae.latency.end.to.end").timer();
    assertThat(t.count()).isEqualTo(3);
    assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2650);
    assertThat(t.max(TimeUnit.MILLISECONDS)).isEqualTo(2500);
    CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
    assertThat(buckets).isNotEmpty();
    assertThat(buckets[0].bucket(TimeUnit.MILLISECONDS)).isEqualTo(1);
    assertThat(buckets[0].count()).isEqualTo(1); // the negative latency, as 0
  }

  @Test
  void everyMeterIsDescribedDottedAndUnitFree() {
    sink.trainingStats(stats(4, 0.5, 0), 0, 0, Double.NaN);
    sink.recordInvalid("x");
    sink.anomalyThreshold(0, 0.1);
    sink.scorerVersion(0, 1);
    Set<String> names = new TreeSet<>();
    for (Meter m : registry.getMeters()) {
      Meter.Id id = m.getId();
      if (id.getName().endsWith(".histogram")) {
        continue; // SimpleMeterRegistry's own view of histogram buckets
      }
      names.add(id.getName());
      assertThat(id.getName()).matches("sae(\\.[a-z0-9]+)+");
      assertThat(id.getName()).doesNotContainPattern("seconds|millis|bytes|percent|total");
      assertThat(id.getDescription()).as(id.getName()).isNotBlank();
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "sae.records.in",
            "sae.records.invalid",
            "sae.records.out",
            "sae.train.steps",
            "sae.train.skipped.batches",
            "sae.train.samples",
            "sae.anomalies",
            "sae.train.replayed.samples",
            "sae.train.replay.missing",
            "sae.records.judged",
            "sae.records.anomalous",
            "sae.anomaly.false.alarm.rate.target",
            "sae.latent.drift",
            "sae.scorer.model.version",
            "sae.train.loss",
            "sae.train.fvu",
            "sae.train.explained.variance",
            "sae.train.l0",
            "sae.train.l0.target",
            "sae.latents.dead",
            "sae.latents.dense",
            "sae.latents.dead.fraction",
            "sae.train.kl.to.target",
            "sae.train.gradient.norm",
            "sae.train.learning.rate",
            "sae.train.cosine.similarity",
            "sae.train.l2.ratio",
            "sae.train.relative.reconstruction.bias",
            "sae.train.latents.firing.above",
            "sae.train.log10.density",
            "sae.train.log10.density.mean",
            "sae.train.decoder.max.cosine",
            "sae.sync.rounds",
            "sae.sync.contributions",
            "sae.sync.contributions.trained",
            "sae.sync.round.duration",
            "sae.sync.wait",
            "sae.model.version",
            "sae.checkpoint.age",
            "sae.checkpoint.size",
            "sae.anomaly.threshold",
            "sae.latent.mean.activation",
            "sae.latent.firing.frequency",
            "sae.reconstruction.error",
            "sae.latency.end.to.end");
  }

  @Test
  void dataParallelRoundsAreGaugedPerPartitionTimedAndCounted() {
    assertThat(gauge("sae.sync.contributions")).isNaN();
    assertThat(registry.find("sae.sync.divergence").gauges()).isEmpty();
    sink.syncRound(3, 0.25, 1_500, 0);
    sink.syncRound(1, 0.5, 500, 120);
    sink.syncAggregated(4, 3);
    assertThat(registry.get("sae.sync.divergence").tag("partition", "3").gauge().value()).isEqualTo(0.25);
    assertThat(registry.get("sae.sync.divergence").tag("partition", "1").gauge().value()).isEqualTo(0.5);
    io.micrometer.core.instrument.Timer rounds = registry.get("sae.sync.round.duration").timer();
    assertThat(rounds.count()).isEqualTo(2);
    assertThat(rounds.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2_000.0);
    io.micrometer.core.instrument.Timer waits = registry.get("sae.sync.wait").timer();
    assertThat(waits.count()).isEqualTo(2);
    assertThat(waits.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(120.0);
    assertThat(waits.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(120.0);
    assertThat(gauge("sae.sync.contributions")).isEqualTo(4.0);
    assertThat(gauge("sae.sync.contributions.trained")).isEqualTo(3.0);
    assertThat(registry.find("sae.sync.contribution.lag.seconds").gauges()).isEmpty();
    sink.syncContributed(2, 0);
    sink.syncContributed(0, 1_250);
    sink.syncContributed(2, 40);
    assertThat(registry.get("sae.sync.contribution.lag.seconds").tag("partition", "0").gauge().value())
        .isEqualTo(1.25);
    assertThat(registry.get("sae.sync.contribution.lag.seconds").tag("partition", "2").gauge().value())
        .isEqualTo(0.04);
    assertThat(registry.get("sae.sync.rounds").functionCounter().count()).isEqualTo(1.0);
  }

  @Test
  void coreMetricsAreExportedWithBoundedTags() {
    assertThat(registry.get("sae.train.cosine.similarity").gauge().value()).isNaN();
    StatsSnapshot s = new StatsSnapshot(1000, 10, 0.2, 0.003, 12.5, 0.125, 0.0625, 0.04, 0.3,
        0.05, 0.002, 0.007, new double[4], new double[4], 0.93, 0.88, 0.91, 0.25, 0.05,
        new double[] {0.1, 0, 0, 0.2, 0.3, 0.3, 0.1}, -2.5, 0.4);
    sink.trainingStats(s, 0, 0, Double.NaN);
    assertThat(registry.get("sae.train.cosine.similarity").gauge().value()).isEqualTo(0.93);
    assertThat(registry.get("sae.train.l2.ratio").gauge().value()).isEqualTo(0.88);
    assertThat(registry.get("sae.train.relative.reconstruction.bias").gauge().value())
        .isEqualTo(0.91);
    assertThat(registry.get("sae.train.latents.firing.above").tag("threshold", "0.01").gauge()
        .value()).isEqualTo(0.25);
    assertThat(registry.get("sae.train.latents.firing.above").tag("threshold", "0.1").gauge()
        .value()).isEqualTo(0.05);
    assertThat(registry.get("sae.train.log10.density.mean").gauge().value()).isEqualTo(-2.5);
    assertThat(registry.get("sae.train.log10.density").tag("bin", "dead").gauge().value())
        .isEqualTo(0.1);
    assertThat(registry.get("sae.train.log10.density").tag("bin", "1e-3_to_1e-2").gauge().value())
        .isEqualTo(0.3);
    assertThat(tagValues("sae.train.log10.density", "bin")).hasSize(7);
    assertThat(registry.get("sae.train.decoder.max.cosine").gauge().value()).isEqualTo(0.4);
    // a report that did not take the decoder's geometry (a data-parallel replica out of turn)
    // keeps the last value taken; the rest of its window replaces the last one
    StatsSnapshot withoutGeometry = new StatsSnapshot(2000, 20, 0.1, 0.002, 11.0, 0.125, 0.0625, 0.04, 0.3,
        0.05, 0.002, 0.007, new double[4], new double[4], 0.95, 0.88, 0.91, 0.25, 0.05,
        new double[] {0.1, 0, 0, 0.2, 0.3, 0.3, 0.1}, -2.5, Double.NaN);
    sink.trainingStats(withoutGeometry, 0, 0, Double.NaN);
    assertThat(registry.get("sae.train.decoder.max.cosine").gauge().value()).isEqualTo(0.4);
    assertThat(registry.get("sae.train.cosine.similarity").gauge().value()).isEqualTo(0.95);
    sink.trainingStats(withoutGeometry.withMaxDecoderCosine(0.6), 0, 0, Double.NaN);
    assertThat(registry.get("sae.train.decoder.max.cosine").gauge().value()).isEqualTo(0.6);
  }

  @Test
  void configIsValidated() {
    assertThat(SaeMetricsConfig.defaults().maxLatentsExported()).isEqualTo(32);
    assertThat(SaeMetricsConfig.defaults().withMaxLatentsExported(8).maxLatentsExported())
        .isEqualTo(8);
    assertThatThrownBy(() -> new SaeMetricsConfig(-1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new SaeMetricsConfig(SaeMetricsConfig.MAX_LATENTS_EXPORTED_LIMIT + 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SaeMetricsConfig(4, null))
        .isInstanceOf(NullPointerException.class);
  }

  private Set<String> tagValues(String name, String key) {
    return registry.find(name).meters().stream()
        .map(m -> m.getId().getTag(key))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
