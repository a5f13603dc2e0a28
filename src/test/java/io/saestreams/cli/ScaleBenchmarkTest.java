package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {
  @Test
  void addsUpTheWaitTimersOfEveryInstanceAndOnlyThem() {
    String one = String.join("\n",
        "# HELP sae_sync_wait_seconds Data-parallel training: how long a replica's training waited",
        "# TYPE sae_sync_wait_seconds summary",
        "sae_sync_wait_seconds_count{application=\"a\"} 12.0",
        "sae_sync_wait_seconds_sum{application=\"a\"} 3.5",
        "sae_sync_wait_seconds_max{application=\"a\"} 0.9",
        "sae_sync_round_duration_seconds_count{application=\"a\"} 99.0",
        "sae_sync_round_duration_seconds_sum{application=\"a\"} 77.0",
        "");
    String two = "sae_sync_wait_seconds_count 8\nsae_sync_wait_seconds_sum 0.5\n";
    ScaleBenchmark.Waits w = ScaleBenchmark.parseWaits(List.of(one, two));
    assertThat(w.averages()).isEqualTo(20);
    assertThat(w.seconds()).isCloseTo(4.0, within(1e-12));
    assertThat(w.millisEach()).isCloseTo(200.0, within(1e-9));
    assertThat(ScaleBenchmark.parseWaits(List.of("sae_train_samples_total 5\n")).millisEach()).isNaN();
  }
}
