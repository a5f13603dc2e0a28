package io.saestreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class JvmMetersTest {
  @Test
  void bindsJvmAndProcessFamilies() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (JvmMeters meters = JvmMeters.bind(registry)) {
      System.gc();
      String scrape = registry.scrape();
      assertThat(scrape)
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_gc_")
          .contains("jvm_threads_live_threads ")
          .contains("jvm_classes_loaded_classes ")
          .contains("process_cpu_usage ")
          .contains("system_cpu_count ")
          .contains("process_uptime_seconds ")
          .contains("process_files_open_files ");
    } finally {
      registry.close();
    }
  }
}
