package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench --scale}, small: one instance, then two, each a JVM of its own, to the end of training. */
class BenchScaleIntegrationTest {
  @Test
  @Timeout(300)
  void measuresOneInstanceThenTwoOverTheSameInput() throws Exception {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "bench", "--scale",
        "--records", "6000", "--partitions", "2", "--rounds", "1", "--json",
        // rounds of 2 steps: a replica cannot train its last full batch (its 11th) without having
        // taken the averages of its first rounds, so every measurement counts some
        "--set", "train.sync.steps=2");
    assertThat(code).as(stderr.toString()).isEqualTo(ExitCodes.OK);
    JsonNode runs = new ObjectMapper().readTree(stdout.toString());
    assertThat(runs).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode r = runs.get(i);
      assertThat(r.get("instances").asInt()).isEqualTo(i + 1);
      assertThat(r.get("samples").asLong()).isPositive().isLessThanOrEqualTo(6000);
      assertThat(r.get("samples_per_second").asDouble())
          .isEqualTo(r.get("samples").asDouble() / r.get("seconds").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(r.get("cpu_seconds").asDouble()).isPositive();
      // the replicas took averages (see train.sync.steps above), each instance's counted
      assertThat(r.get("averages_taken").asLong()).isPositive();
      assertThat(r.get("average_wait_ms").asDouble()).isNotNegative();
      // fresh JVMs compile: part, not all, of their CPU time
      assertThat(r.get("jit_cpu_seconds").asDouble()).isPositive().isLessThan(r.get("cpu_seconds").asDouble());
      assertThat(r.get("samples_per_cpu_second_without_jit").asDouble()).isEqualTo(r.get("samples").asDouble()
          / (r.get("cpu_seconds").asDouble() - r.get("jit_cpu_seconds").asDouble()),
          org.assertj.core.data.Offset.offset(1e-6));
      // the steady window is the tail of the whole one
      assertThat(r.get("steady_samples").asLong()).isPositive().isLessThan(r.get("samples").asLong());
      assertThat(r.get("steady_seconds").asDouble()).isPositive().isLessThanOrEqualTo(r.get("seconds").asDouble());
      assertThat(r.get("steady_samples_per_second").asDouble()).isEqualTo(
          r.get("steady_samples").asDouble() / r.get("steady_seconds").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void refusesASinglePartition() {
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(stderr, true),
        "bench", "--scale", "--partitions", "1");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(stderr.toString()).contains("--partitions");
  }
}
