package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineMedianTest {
  private static PipelineBenchmark.Result run(String name, int round, double seconds) {
    return new PipelineBenchmark.Result(name, round, 1_000, seconds, seconds, 1, 0, Map.of(), Map.of());
  }

  @Test
  void mediansCountRoundsFromTheThirdOnPerTopology() {
    List<PipelineBenchmark.Result> results = new ArrayList<>();
    // rounds 1 and 2 are slow (JIT) and must not count
    double[] full = {100, 50, 4, 2, 5, 1};
    double[] pass = {10, 5, 1, 0.5, 0.25, 2};
    for (int i = 0; i < full.length; i++) {
      results.add(run(PipelineBenchmark.PASS_THROUGH, i + 1, pass[i]));
      results.add(run(PipelineBenchmark.FULL, i + 1, full[i]));
    }
    // full rounds 3-6: 250, 500, 200, 1000 records/s → median of 4 = (250 + 500) / 2
    assertThat(BenchCommand.median(results, PipelineBenchmark.FULL)).isEqualTo(375);
    // pass rounds 3-6: 1000, 2000, 4000, 500 → (1000 + 2000) / 2
    assertThat(BenchCommand.median(results, PipelineBenchmark.PASS_THROUGH)).isEqualTo(1500);
    assertThat(BenchCommand.median(results.subList(0, 10), PipelineBenchmark.FULL))
        .as("rounds 3-5: 250, 500, 200").isEqualTo(250);
    assertThat(BenchCommand.median(results.subList(0, 4), PipelineBenchmark.FULL)).isNaN();
  }

  @Test
  void theDataParallelPipelineWaitsOneSecondForARoundUnlessSetOtherwise() {
    Map<String, String> m = Map.of("bootstrap.servers", "broker:9092", "schema.registry.url", "http://registry:8081",
        "sae.input.dim", "16");
    var dp = PipelineBenchmark.dataParallel(io.saestreams.stream.config.AppConfig.of(m), 4, Map.of());
    assertThat(dp.syncMaxWaitMs()).isEqualTo(PipelineBenchmark.DATA_PARALLEL_MAX_WAIT_MS);
    assertThat(dp.syncPartitions()).isEqualTo(4);
    Map<String, String> set = Map.of("train.sync.max.wait.ms", "10000");
    Map<String, String> withSet = new java.util.HashMap<>(m);
    withSet.putAll(set);
    assertThat(PipelineBenchmark.dataParallel(io.saestreams.stream.config.AppConfig.of(withSet), 4, set).syncMaxWaitMs())
        .isEqualTo(10_000);
  }

  @Test
  void cpuWithoutJitSubtractsTheCompilersTimeAndNeverGoesNegative() {
    var r = new PipelineBenchmark.Result(PipelineBenchmark.FLOOR, 3, 100_000, 5, 5, 7.5, 500,
        Map.of(), Map.of());
    assertThat(r.cpuMicrosPerRecord()).isEqualTo(75.0);
    assertThat(r.cpuMicrosPerRecordWithoutJit()).isEqualTo(70.0);
    var jitOnly = new PipelineBenchmark.Result(PipelineBenchmark.FLOOR, 3, 1_000, 1, 1, 0.2, 400,
        Map.of(), Map.of());
    assertThat(jitOnly.cpuMicrosPerRecordWithoutJit()).isZero();
  }

  @Test
  void coresNeededScaleWithTheTargetRateAndTheCostPerRecord() {
    // 0.8 × 30,000 records/s × (70 + 25 + 5) µs = 2.4 cores
    assertThat(PipelineBenchmark.coresNeeded(0.8, 30_000, 70, 25, 5))
        .isCloseTo(2.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(PipelineBenchmark.coresNeeded(0.4, 30_000, 70, 25, 5))
        .isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(PipelineBenchmark.coresNeeded(0.8, 30_000, 0, 0, 0)).isZero();
  }
}
