package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.linalg.Gemms;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class TrainerThreadTest {
  private static final int D = 8;
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 12).build()).withBatchSize(5).withSeed(3);

  private static OnlineTrainer fresh() {
    return new OnlineTrainer(CONFIG, Gemms.create("java"));
  }

  private static float[][] samples(int n, long seed) {
    return GaussianRows.of(n, D, seed);
  }

  @ParameterizedTest(name = "background {0}")
  @ValueSource(booleans = {false, true})
  void trainsInOrderBitForBitAsOnTheCallersThread(boolean background) {
    float[][] xs = samples(63, 1);
    OnlineTrainer reference = fresh();
    try (TrainerThread<Long> t = new TrainerThread<>(fresh(), background, 3, "t", s -> s % 2 == 0, OnlineTrainer::steps)) {
      List<TrainerThread.Done<Long>> done = new ArrayList<>();
      for (int i = 0; i < xs.length; i++) {
        t.accept(xs[i]);
        reference.accept(xs[i]);
        if (i == 31) {
          t.flush();
          reference.flush();
        }
        done.addAll(t.drain());
      }
      byte[] checkpoint = t.await(OnlineTrainer::checkpoint);
      done.addAll(t.drain());
      assertThat(checkpoint).isEqualTo(reference.checkpoint());
      // steps 1..6 full (30 samples), 7 the flushed pair, then 8..13 full: published when even,
      // and after the flush
      assertThat(done).extracting(TrainerThread.Done::steps)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
      assertThat(done).filteredOn(d -> d.publication() != null).extracting(TrainerThread.Done::publication)
          .containsExactly(2L, 4L, 6L, 7L, 8L, 10L, 12L);
      assertThat(done.get(6).step().rows()).as("the flushed batch").isEqualTo(2);
    }
  }

  @Test
  void offerTakesASampleOnlyWhenTheQueueHasRoomAndTrainsLikeAccept() throws Exception {
    float[][] xs = samples(10, 4);
    OnlineTrainer reference = fresh();
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    try (TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 2, "t", s -> false, x -> null)) {
      // the training thread is held inside a barrier, so nothing leaves the queue (room for 2)
      java.util.concurrent.CompletableFuture<Void> held = java.util.concurrent.CompletableFuture.runAsync(
          () -> t.await(tr -> {
            entered.countDown();
            try {
              hold.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          }));
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(t.offer(xs[0])).isTrue();
      assertThat(t.offer(xs[1])).isTrue();
      assertThat(t.offer(xs[2])).as("a full queue").isFalse();
      hold.countDown();
      held.get(10, java.util.concurrent.TimeUnit.SECONDS);
      for (int i = 2; i < xs.length; i++) {
        while (!t.offer(xs[i])) {
          Thread.onSpinWait();
        }
      }
      for (float[] x : xs) {
        reference.accept(x);
      }
      assertThat(t.await(OnlineTrainer::checkpoint)).isEqualTo(reference.checkpoint());
    }
  }

  @Test
  void awaitSeesEverythingHandedOverBeforeIt() {
    try (TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 2, "t", s -> false, x -> null)) {
      float[][] xs = samples(23, 2);
      for (float[] x : xs) {
        t.accept(x);
      }
      assertThat(t.await(OnlineTrainer::steps)).isEqualTo(4);
      assertThat(t.await(OnlineTrainer::buffered)).isEqualTo(3);
      assertThat(t.drain()).hasSize(4);
      assertThat(t.drain()).isEmpty();
    }
  }

  @Test
  void aFailureOnTheTrainingThreadIsRethrownToTheOwner() {
    try (TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 1, "t", s -> false, x -> null)) {
      // the owner's next call rethrows: accept itself when the training thread failed before it
      // returned, else the await after it
      assertThatThrownBy(() -> {
        t.accept(new float[D + 1]);
        t.await(OnlineTrainer::steps);
      }).isInstanceOf(IllegalStateException.class).hasMessageContaining("training failed")
          .hasRootCauseInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> t.accept(new float[D])).hasMessageContaining("training failed");
      assertThatThrownBy(t::drain).hasMessageContaining("training failed");
    }
  }

  @Test
  void aFailingAwaitedFunctionFailsTheAwaitAndTheThread() {
    try (TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 1, "t", s -> false, x -> null)) {
      assertThatThrownBy(() -> t.await(x -> {
        throw new ArithmeticException("boom");
      })).hasRootCauseInstanceOf(ArithmeticException.class);
      assertThatThrownBy(() -> t.accept(new float[D])).hasMessageContaining("training failed");
    }
  }

  @Test
  void closeStopsTheThread() {
    TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 4, "trainer-under-test", s -> false, x -> null);
    t.accept(new float[D]);
    t.close(); // joins the thread
    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain("trainer-under-test");
    assertThatThrownBy(() -> new TrainerThread<>(fresh(), true, 0, "t", s -> false, x -> null))
        .hasMessageContaining("capacity must be >= 1");
  }
}
