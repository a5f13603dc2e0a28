package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench --pipeline}, small: the four topologies run to completion on a real broker. */
class BenchPipelineIntegrationTest {
  @Test
  @Timeout(240)
  void measuresPassThroughFloorFullAndDataParallelPipelinesOverTheSameInput() throws Exception {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "bench",
        "--pipeline", "--records", "1500", "--rounds", "1", "--json");
    assertThat(code).as(stderr.toString()).isEqualTo(ExitCodes.OK);
    JsonNode runs = new ObjectMapper().readTree(stdout.toString());
    assertThat(runs).hasSize(4);
    assertThat(runs.get(0).get("topology").asText()).isEqualTo(PipelineBenchmark.PASS_THROUGH);
    assertThat(runs.get(1).get("topology").asText()).isEqualTo(PipelineBenchmark.FLOOR);
    assertThat(runs.get(2).get("topology").asText()).isEqualTo(PipelineBenchmark.FULL);
    assertThat(runs.get(3).get("topology").asText()).isEqualTo(PipelineBenchmark.DATA_PARALLEL);
    for (JsonNode r : runs) {
      assertThat(r.get("round").asInt()).isEqualTo(1);
      assertThat(r.get("records").asLong()).isEqualTo(1500);
      assertThat(r.get("records_per_second").asDouble()).isPositive();
      assertThat(r.get("cpu_seconds").asDouble()).isPositive();
      assertThat(r.get("cpu_us_per_record_without_jit").asDouble())
          .isBetween(0.0, r.get("cpu_us_per_record").asDouble());
      assertThat(r.get("stream_thread_process_ratio").asDouble()).isBetween(0.0, 1.0);
      assertThat(r.get("model").asText()).isEqualTo("d784·n256 topk k=8");
      assertThat(r.get("training_alone_samples_per_second").asDouble()).isPositive();
      assertThat(r.get("scoring_alone_records_per_second").asDouble()).isPositive();
    }
    assertThat(runs.get(0).get("ratio_to_pass_through").asDouble()).isEqualTo(1.0);
    // the CPU split by threads adds up to the whole; only the pipelines have training threads, and
    // every topology's records pass through the broker and the stream threads
    for (int i = 0; i < runs.size(); i++) {
      JsonNode r = runs.get(i);
      double sum = 0;
      for (String g : ThreadCpu.GROUPS) {
        sum += r.get("cpu_us_per_record_" + BenchCommand.jsonName(g)).asDouble();
      }
      sum += r.get("cpu_us_per_record_" + BenchCommand.jsonName(ThreadCpu.JVM)).asDouble();
      assertThat(sum).isCloseTo(r.get("cpu_us_per_record").asDouble(), org.assertj.core.data.Offset.offset(1e-6 + 0.01 * sum));
      assertThat(r.get("cpu_us_per_record_stream_threads").asDouble()).isPositive();
      assertThat(r.get("cpu_us_per_record_broker").asDouble()).isPositive();
      if (i >= 2) {
        assertThat(r.get("cpu_us_per_record_training_threads").asDouble()).isPositive();
      } else {
        assertThat(r.get("cpu_us_per_record_training_threads").asDouble()).isZero();
      }
    }
    for (int i = 2; i <= 3; i++) {
      JsonNode r = runs.get(i);
      double work = runs.get(0).get("cpu_us_per_record").asDouble()
          + 1e6 / r.get("training_alone_samples_per_second").asDouble()
          + 1e6 / r.get("scoring_alone_records_per_second").asDouble();
      assertThat(r.get("pipeline_efficiency").asDouble())
          .isEqualTo(work / r.get("cpu_us_per_record").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }
    // bytes produced: a score (and a code) per record everywhere; the floor and the full pipeline
    // also send every 784-float sample through the training topic, the pass-through does not
    for (JsonNode r : runs) {
      assertThat(r.get("bytes_produced_per_record").asDouble()).as(r.get("topology").asText()).isGreaterThan(50.0);
    }
    assertThat(runs.get(0).get("bytes_produced_per_record").asDouble()).isLessThan(784 * 4);
    assertThat(runs.get(1).get("bytes_produced_per_record").asDouble()).isGreaterThan(784 * 4);
    assertThat(runs.get(2).get("bytes_produced_per_record").asDouble()).isGreaterThan(784 * 4);
    // the replicas' waits for averages: at most every replica waiting all the run long
    assertThat(runs.get(3).get("averages_taken").asLong()).isNotNegative();
    assertThat(runs.get(3).get("average_wait_ms").asLong())
        .isBetween(0L, (long) (4 * 1000 * runs.get(3).get("seconds").asDouble()));
    assertThat(runs.get(3).get("ratio_to_full_pipeline").asDouble())
        .isEqualTo(runs.get(3).get("records_per_second").asDouble() / runs.get(2).get("records_per_second").asDouble(),
            org.assertj.core.data.Offset.offset(1e-9));
    for (int i = 1; i <= 3; i++) {
      assertThat(runs.get(i).get("ratio_to_pass_through").asDouble())
          .isEqualTo(runs.get(i).get("records_per_second").asDouble()
              / runs.get(0).get("records_per_second").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void refusesZeroRounds() {
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(stderr, true),
        "bench", "--pipeline", "--rounds", "0");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(stderr.toString()).contains("--rounds");
  }
}
