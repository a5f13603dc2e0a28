package io.saestreams.metrics;

import static io.saestreams.metrics.PrometheusEndpointTest.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Stream threads report while another thread scrapes: nothing is lost or counted twice. */
class MicrometerSaeMetricsConcurrencyTest {
  private static final int WRITERS = 4;
  private static final int ITERATIONS = 20_000;
  private static final int LATENTS = 32;

  @Test
  void countsAddUpExactlyUnderConcurrentScrapes() throws Exception {
    MicrometerSaeMetrics sink =
        new MicrometerSaeMetrics(new SaeMetricsConfig(LATENTS, Clock.systemUTC()));
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    sink.bindTo(prometheus);
    sink.bindTo(simple);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < WRITERS; t++) {
        final int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < ITERATIONS; i++) {
                    sink.recordIn();
                    sink.recordOut(i % 2 == 0 ? "codes" : "scores");
                    if (i % 10 == 0) {
                      sink.recordInvalid("reason" + (i / 10) % 3);
                      sink.trainingStep(Fixtures.step(i, 8, 1.0, 0.01f));
                    }
                    if (i % 100 == 0) {
                      sink.anomaly();
                      sink.trainingStep(Fixtures.skippedStep(i, 8));
                    }
                    sink.reconstructionError((i % 1000) * 1e-5);
                    sink.endToEndLatency(i % 500);
                    sink.modelVersion(thread % 2 == 0 ? "trainer" : "scorer", i);
                  }
                  return null;
                }));
      }
      // Statistics with a growing number of latents: per-latent gauges are registered while
      // scrapes iterate the registry.
      Future<?> stats =
          pool.submit(
              () -> {
                start.await();
                for (int n = 1; n <= 2 * LATENTS; n++) {
                  sink.trainingStats(Fixtures.stats(n, 0.5, 0), 0, 0, Double.NaN);
                }
                return null;
              });
      Future<Integer> scraper =
          pool.submit(
              () -> {
                start.await();
                int scrapes = 0;
                double previous = 0;
                while (writing.get() || scrapes == 0) {
                  double in = sample(prometheus.scrape(), "sae_records_in_total");
                  assertThat(in).isGreaterThanOrEqualTo(previous);
                  previous = in;
                  scrapes++;
                }
                return scrapes;
              });

      start.countDown();
      for (Future<?> w : writers) {
        w.get(2, TimeUnit.MINUTES);
      }
      stats.get(2, TimeUnit.MINUTES);
      writing.set(false);
      assertThat(scraper.get(2, TimeUnit.MINUTES)).isPositive();
    } finally {
      writing.set(false);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }

    long total = (long) WRITERS * ITERATIONS;
    String body = prometheus.scrape();
    assertThat(sample(body, "sae_records_in_total")).isEqualTo(total);
    assertThat(sample(body, "sae_records_out_total{output=\"codes\"}")).isEqualTo(total / 2);
    assertThat(sample(body, "sae_records_out_total{output=\"scores\"}")).isEqualTo(total / 2);
    double invalid = 0;
    for (int r = 0; r < 3; r++) {
      invalid += sample(body, "sae_records_invalid_total{reason=\"reason" + r + "\"}");
    }
    assertThat(invalid).isEqualTo(total / 10);
    assertThat(sample(body, "sae_train_steps_total")).isEqualTo(total / 10);
    assertThat(sample(body, "sae_train_samples_total")).isEqualTo(8 * total / 10);
    assertThat(sample(body, "sae_train_skipped_batches_total")).isEqualTo(total / 100);
    assertThat(sample(body, "sae_anomalies_total")).isEqualTo(total / 100);
    assertThat(sample(body, "sae_reconstruction_error_ppm_count")).isEqualTo(total);
    assertThat(sample(body, "sae_latency_end_to_end_seconds_count")).isEqualTo(total);
    assertThat(sample(body, "sae_model_version{role=\"trainer\"}")).isEqualTo(ITERATIONS - 1);

    assertThat(simple.get("sae.records.in").functionCounter().count()).isEqualTo(total);
    assertThat(simple.get("sae.reconstruction.error").summary().count()).isEqualTo(total);
    assertThat(simple.get("sae.latency.end.to.end").timer().count()).isEqualTo(total);
    assertThat(simple.get("sae.latent.mean.activation").gauges()).hasSize(LATENTS);
    assertThat(prometheus.get("sae.latent.firing.frequency").gauges()).hasSize(LATENTS);
    for (int j = 0; j < LATENTS; j++) {
      assertThat(sample(body, "sae_latent_firing_frequency{latent=\"" + j + "\"}"))
          .isEqualTo(j / 100.0);
    }
  }
}
