package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.linalg.Gemms;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

  /** Where the trainer under test trains. */
  enum Where { OWNER, OWN_THREAD, POOL }

  private static TrainerThread<Long> publishingEvenSteps(Where where, TrainerPool pool) {
    return switch (where) {
      case OWNER, OWN_THREAD -> new TrainerThread<>(fresh(), where == Where.OWN_THREAD, 3, "t", s -> s % 2 == 0,
          OnlineTrainer::steps);
      case POOL -> new TrainerThread<>(fresh(), pool, 3, "t", s -> s % 2 == 0, OnlineTrainer::steps);
    };
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Where.class)
  void trainsInOrderBitForBitAsOnTheCallersThread(Where where) {
    float[][] xs = samples(63, 1);
    OnlineTrainer reference = fresh();
    try (TrainerPool pool = new TrainerPool(1, "pool-");
        TrainerThread<Long> t = publishingEvenSteps(where, pool)) {
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
    try (TrainerThread<Void> t = new TrainerThread<>(fresh(), true, 2, "t", s -> false, x -> null)) {
      // the training thread is held inside a barrier, so nothing leaves the queue (room for 2)
      CountDownLatch hold = TrainingThreads.hold(t);
      assertThat(t.offer(xs[0])).isTrue();
      assertThat(t.offer(xs[1])).isTrue();
      assertThat(t.offer(xs[2])).as("a full queue").isFalse();
      hold.countDown();
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

  @ParameterizedTest(name = "{0} pool threads")
  @ValueSource(ints = {1, 2, 3})
  void trainersSharingAPoolEachTrainBitForBitAsAlone(int threads) {
    int trainers = 5;
    java.util.Random random = new java.util.Random(11);
    try (TrainerPool pool = new TrainerPool(threads, "pool-")) {
      List<TrainerThread<Void>> ts = new ArrayList<>();
      List<OnlineTrainer> references = new ArrayList<>();
      for (int i = 0; i < trainers; i++) {
        ts.add(new TrainerThread<>(fresh(), pool, 1 + random.nextInt(12), "t" + i, s -> false, x -> null));
        references.add(fresh());
      }
      float[][] xs = samples(400, 5);
      // one owner hands samples, flushes and barriers to the trainers in a seeded random order
      List<CompletableFuture<Long>> submitted = new ArrayList<>();
      List<Long> expected = new ArrayList<>();
      for (float[] x : xs) {
        int i = random.nextInt(trainers);
        if (random.nextInt(10) == 0) {
          ts.get(i).flush();
          references.get(i).flush();
        }
        if (random.nextBoolean()) {
          ts.get(i).accept(x);
        } else {
          while (!ts.get(i).offer(x)) {
            Thread.onSpinWait();
          }
        }
        references.get(i).accept(x);
        if (random.nextInt(25) == 0) {
          submitted.add(ts.get(i).submit(OnlineTrainer::steps));
          expected.add(references.get(i).steps());
        }
      }
      for (int i = 0; i < trainers; i++) {
        assertThat(ts.get(i).await(OnlineTrainer::checkpoint)).as("trainer %d", i)
            .isEqualTo(references.get(i).checkpoint());
        ts.get(i).close();
      }
      assertThat(submitted).extracting(CompletableFuture::join).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void onAPoolOfOneThreadATrainerWaitsAtMostATurnForAnotherWithMuchQueued() throws Exception {
    int batch = CONFIG.batchSize();
    int queued = 20;
    try (TrainerPool pool = new TrainerPool(1, "pool-")) {
      TrainerThread<Void> holder = new TrainerThread<>(fresh(), pool, 1, "holder", s -> false, x -> null);
      AtomicLong busySteps = new AtomicLong();
      TrainerThread<Void> busy = new TrainerThread<>(fresh(), pool, queued * batch, "busy", s -> {
        busySteps.set(s);
        return false;
      }, x -> null);
      TrainerThread<Void> light = new TrainerThread<>(fresh(), pool, 2 * batch, "light", s -> false, x -> null);
      CountDownLatch hold = TrainingThreads.hold(holder);
      for (float[] x : samples(queued * batch, 6)) {
        busy.accept(x);
      }
      for (float[] x : samples(batch, 7)) {
        light.accept(x);
      }
      CompletableFuture<Long> busyWhenLightTrained = light.submit(t -> busySteps.get());
      hold.countDown();
      assertThat(busyWhenLightTrained.get(10, TimeUnit.SECONDS)).as("busy's steps before light's turn")
          .isEqualTo(TrainerThread.QUANTUM_BATCHES);
      assertThat(busy.await(OnlineTrainer::steps)).isEqualTo(queued);
      for (TrainerThread<Void> t : List.of(holder, busy, light)) {
        t.close();
      }
    }
  }

  @Test
  void onAPoolOfferTakesASampleOnlyWhenTheQueueHasRoom() throws Exception {
    try (TrainerPool pool = new TrainerPool(1, "pool-")) {
      TrainerThread<Void> t = new TrainerThread<>(fresh(), pool, 2, "t", s -> false, x -> null);
      CountDownLatch hold = TrainingThreads.hold(t);
      float[][] xs = samples(3, 8);
      assertThat(t.offer(xs[0])).isTrue();
      assertThat(t.offer(xs[1])).isTrue();
      assertThat(t.offer(xs[2])).as("a full queue").isFalse();
      hold.countDown();
      assertThat(t.await(OnlineTrainer::buffered)).isEqualTo(2);
      t.close();
    }
  }

  @Test
  void onAPoolAFailureIsRethrownToTheOwnerAndTheOtherTrainersGoOn() {
    try (TrainerPool pool = new TrainerPool(1, "pool-")) {
      TrainerThread<Void> failing = new TrainerThread<>(fresh(), pool, 4, "failing", s -> false, x -> null);
      TrainerThread<Void> other = new TrainerThread<>(fresh(), pool, 4, "other", s -> false, x -> null);
      assertThatThrownBy(() -> {
        failing.accept(new float[D + 1]);
        failing.await(OnlineTrainer::steps);
      }).isInstanceOf(IllegalStateException.class).hasMessageContaining("training failed")
          .hasRootCauseInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> failing.accept(new float[D])).hasMessageContaining("training failed on thread failing");
      assertThatThrownBy(() -> failing.await(x -> {
        throw new ArithmeticException("unreached");
      })).hasMessageContaining("training failed");
      for (float[] x : samples(5, 9)) {
        other.accept(x);
      }
      assertThat(other.await(OnlineTrainer::steps)).isEqualTo(1);
      TrainerThread<Void> barrierFails = new TrainerThread<>(fresh(), pool, 4, "barrier", s -> false, x -> null);
      assertThatThrownBy(() -> barrierFails.await(x -> {
        throw new ArithmeticException("boom");
      })).hasRootCauseInstanceOf(ArithmeticException.class);
      assertThatThrownBy(() -> barrierFails.accept(new float[D])).hasMessageContaining("training failed");
      for (TrainerThread<Void> t : List.of(failing, other, barrierFails)) {
        t.close();
      }
    }
  }

  @Test
  void onAPoolCloseWaitsForTheTurnInProgressAndNothingIsTrainedAfterIt() throws Exception {
    try (TrainerPool pool = new TrainerPool(1, "pool-")) {
      AtomicLong trainedAfterClose = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
      TrainerThread<Void> t = new TrainerThread<>(fresh(), pool, 100, "t", s -> {
        if (closing.get()) {
          trainedAfterClose.incrementAndGet();
        }
        return false;
      }, x -> null);
      CountDownLatch hold = TrainingThreads.hold(t);
      for (float[] x : samples(50, 10)) {
        t.accept(x);
      }
      java.util.concurrent.FutureTask<Void> closed = new java.util.concurrent.FutureTask<>(() -> {
        closing.set(true);
        t.close();
      }, null);
      Thread closer = new Thread(closed, "closer");
      closer.start();
      TrainingThreads.awaitWaiting(closer);
      assertThat(closed).as("close waits for the turn in progress").isNotDone();
      hold.countDown();
      closed.get(10, TimeUnit.SECONDS);
      // a turn queued after close finds nothing to do: once another trainer's turn, queued after
      // it on the pool's one thread, has run, nothing more was trained
      try (TrainerThread<Void> after = new TrainerThread<>(fresh(), pool, 1, "after", s -> false, x -> null)) {
        after.await(OnlineTrainer::steps);
      }
      assertThat(trainedAfterClose).hasValue(0);
    }
  }

  @Test
  void aPoolNeedsAThread() {
    assertThatThrownBy(() -> new TrainerPool(0, "p")).hasMessageContaining("threads must be >= 1, got 0");
  }
}
