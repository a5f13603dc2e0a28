package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void threadsAreGroupedByWhatTheirNamesSayTheyDo() {
    assertThat(ThreadCpu.group("bench-dp4-0e5b2-StreamThread-1")).isEqualTo(ThreadCpu.STREAM);
    assertThat(ThreadCpu.group("kafka-producer-network-thread | bench-dp4-0e5b2-StreamThread-1-producer"))
        .isEqualTo(ThreadCpu.PRODUCER_IO);
    assertThat(ThreadCpu.group("bench-dp4-0e5b2-GlobalStreamThread")).isEqualTo(ThreadCpu.GLOBAL);
    assertThat(ThreadCpu.group("bench-dp4-0e5b2-StateUpdater-1")).isEqualTo(ThreadCpu.GLOBAL);
    assertThat(ThreadCpu.group("sae-replica-1_2")).isEqualTo(ThreadCpu.TRAINING);
    assertThat(ThreadCpu.group("sae-trainer-1_0")).isEqualTo(ThreadCpu.TRAINING);
    assertThat(ThreadCpu.group("data-plane-kafka-request-handler-3")).isEqualTo(ThreadCpu.BROKER);
    assertThat(ThreadCpu.group("kafka-1-raft-io-thread")).isEqualTo(ThreadCpu.BROKER);
    assertThat(ThreadCpu.group("main")).isEqualTo(ThreadCpu.BENCH_CLIENTS);
    assertThat(ThreadCpu.group("kafka-admin-client-thread | sae-embedded-admin")).isEqualTo(ThreadCpu.BENCH_CLIENTS);
    assertThat(ThreadCpu.group("sae-start")).isEqualTo(ThreadCpu.BROKER);
  }

  @Test
  void aBusyThreadsCpuLandsInItsGroup() throws Exception {
    assumeTrue(ThreadCpu.supported(), "this JVM does not measure threads' CPU time");
    ThreadCpu before = ThreadCpu.now();
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch measured = new CountDownLatch(1);
    Thread busy = new Thread(() -> {
      long until = System.nanoTime() + 300_000_000L;
      double x = 0;
      while (System.nanoTime() < until) {
        x += Math.sqrt(x + 1);
      }
      if (x > 0) {
        done.countDown();
      }
      // alive until measured: an ended thread's time is not counted
      try {
        measured.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sae-replica-0_7");
    busy.start();
    done.await();
    Map<String, Double> spent = ThreadCpu.now().since(before);
    measured.countDown();
    busy.join();
    assertThat(spent.keySet()).containsExactlyElementsOf(ThreadCpu.GROUPS);
    // at least a third of its 0.3 s of spinning, even on a busy machine
    assertThat(spent.get(ThreadCpu.TRAINING)).isGreaterThan(0.1).isLessThan(5);
  }

  @Test
  void aRecordsCpuIsSplitByGroupsAndTheRestGoesToTheJvm() {
    var r = new PipelineBenchmark.Result(PipelineBenchmark.DATA_PARALLEL, 3, 100_000, 5, 5, 8.0, 0,
        Map.of(), new java.util.LinkedHashMap<>(Map.of(ThreadCpu.BROKER, 3.0, ThreadCpu.TRAINING, 2.5)));
    Map<String, Double> micros = r.cpuMicrosPerRecordByThreads();
    assertThat(micros.get(ThreadCpu.BROKER)).isEqualTo(30.0);
    assertThat(micros.get(ThreadCpu.TRAINING)).isEqualTo(25.0);
    assertThat(micros.get(ThreadCpu.JVM)).isEqualTo(25.0);
    assertThat(BenchCommand.jsonName(ThreadCpu.PRODUCER_IO)).isEqualTo("stream_producers_io");
    assertThat(BenchCommand.jsonName(ThreadCpu.JVM)).isEqualTo("jvm_gc_jit_and_ended_threads");
  }
}
