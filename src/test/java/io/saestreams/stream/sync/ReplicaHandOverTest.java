package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.training.TrainingSample;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import io.saestreams.train.TrainerPool;
import io.saestreams.train.TrainerThread;
import io.saestreams.train.TrainingThreads;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a replica hands its pending samples to a training thread shared with other replicas: never
 * waiting while few are pending, and waiting for a single sample when many are, so that the
 * stream thread goes back to its other tasks (whose replicas the round also waits for).
 */
@Timeout(60)
class ReplicaHandOverTest {
  private static final int D = 8;
  private static final int BATCH = 4;
  private static final int CAPACITY = 3 * BATCH;
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 12).build()).withBatchSize(BATCH).withSeed(5);

  private static ArrayDeque<TrainingSample> pending(int n) {
    ArrayDeque<TrainingSample> q = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[D];
      x[i % D] = 1 + i;
      q.add(new TrainingSample("k" + i, i, x, null));
    }
    return q;
  }

  /** Holds the pool's only thread inside a barrier of another trainer until the latch opens. */
  private static CountDownLatch holdPool(TrainerPool pool) throws InterruptedException {
    return TrainingThreads.hold(new TrainerThread<>(new OnlineTrainer(CONFIG, Gemms.create("java")), pool, 1,
        "other", s -> false, t -> null));
  }

  private static TrainerThread<Void> replica(TrainerPool pool) {
    return new TrainerThread<>(new OnlineTrainer(CONFIG, Gemms.create("java")), pool, CAPACITY, "replica", s -> false,
        t -> null);
  }

  @Test
  void withFewPendingItHandsOverWhatFitsAndNeverWaits() throws Exception {
    try (TrainerPool pool = new TrainerPool(1, "pool-"); TrainerThread<Void> trainer = replica(pool)) {
      CountDownLatch hold = holdPool(pool);
      ArrayDeque<TrainingSample> q = pending(CAPACITY + 20);
      // the training thread is held: what fits in its queue goes, the rest stays (20 <= threshold 20)
      assertThat(ReplicaProcessor.handOver(q, 1_000, 20, trainer)).isEqualTo(CAPACITY);
      assertThat(q).hasSize(20);
      assertThat(ReplicaProcessor.handOver(q, 1_000, 20, trainer)).as("still full").isZero();
      // no more than the round's room
      hold.countDown();
      assertThat(trainer.await(OnlineTrainer::steps)).isEqualTo(CAPACITY / BATCH);
      assertThat(ReplicaProcessor.handOver(q, 5, 20, trainer)).isEqualTo(5);
      assertThat(q).hasSize(15);
    }
  }

  @Test
  void withManyPendingItWaitsForOneSampleOnlyAndReturns() throws Exception {
    try (TrainerPool pool = new TrainerPool(1, "pool-"); TrainerThread<Void> trainer = replica(pool)) {
      CountDownLatch hold = holdPool(pool);
      int threshold = 20;
      ArrayDeque<TrainingSample> q = pending(CAPACITY + threshold + 10);
      FutureTask<Long> handed = new FutureTask<>(() -> ReplicaProcessor.handOver(q, 1_000, threshold, trainer));
      Thread owner = new Thread(handed, "owner");
      owner.start();
      TrainingThreads.awaitWaiting(owner);
      assertThat(handed).as("waits for the held training thread").isNotDone();
      hold.countDown();
      // once the trainer takes samples again, the queue's worth plus the one waited for; then it
      // returns although more than the threshold is still pending (the old rule handed over 24)
      assertThat(handed.get(10, TimeUnit.SECONDS)).isEqualTo(CAPACITY + 1);
      assertThat(q).hasSize(threshold + 9);
      assertThat(trainer.await(OnlineTrainer::buffered) + BATCH * trainer.await(OnlineTrainer::steps))
          .isEqualTo(CAPACITY + 1);
    }
  }
}
