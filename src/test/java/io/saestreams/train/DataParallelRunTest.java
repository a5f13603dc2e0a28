package io.saestreams.train;

import static io.saestreams.train.DataParallelTest.BATCH;
import static io.saestreams.train.DataParallelTest.D;
import static io.saestreams.train.DataParallelTest.assertSameParameters;
import static io.saestreams.train.DataParallelTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.InputNormaliser;
import io.saestreams.model.Noise;
import io.saestreams.model.Optimizer;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.NaiveGemm;
import io.saestreams.train.DataParallelRun.Moments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class DataParallelRunTest {

  private static List<float[]> samples(int count, long seed) {
    float[] x = new TinyDictionary(D, 24, 3, seed).batch(count);
    List<float[]> out = new ArrayList<>(count);
    for (int s = 0; s < count; s++) {
      out.add(Arrays.copyOfRange(x, s * D, (s + 1) * D));
    }
    return out;
  }

  private static DataParallelRun feed(DataParallelRun run, List<float[]> xs) {
    xs.forEach(run::accept);
    return run;
  }

  @ParameterizedTest(name = "{0} moments, sync every {1} steps, overlap {2}")
  @CsvSource({"LOCAL, 1, 0", "LOCAL, 7, 0", "AVERAGE, 1, 0", "AVERAGE, 7, 0", "LOCAL, 1, 1", "LOCAL, 7, 1",
      "LOCAL, 7, 7"})
  void oneReplicaIsTheSingleTrainerBitForBit(Moments moments, int syncSteps, int overlapSteps) {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    List<float[]> xs = samples(37 * BATCH + 5, 1);
    OnlineTrainer single = new OnlineTrainer(cfg, new NaiveGemm());
    xs.forEach(single::accept);
    single.flush();
    DataParallelRun run = new DataParallelRun(cfg, new NaiveGemm(), 1, syncSteps, moments, overlapSteps);
    DataParallelRun.Result result = feed(run, xs).finish();
    assertSameParameters(result.parameters(), single.parameters());
    assertThat(run.replicas().get(0).checkpoint()).isEqualTo(single.checkpoint());
    assertThat(result.rounds()).hasSize((38 + syncSteps - 1) / syncSteps);
    assertThat(result.samples()).isEqualTo(xs.size());
    assertThat(result.meanDivergence()).isZero();
  }

  @Test
  void aRoundEndsWhenEveryReplicaHasDoneItsStepsAndWeighsTheirSamples() {
    int p = 3;
    int sync = 2;
    int round = p * sync * BATCH;
    List<float[]> xs = samples(2 * round + 5, 2);
    DataParallelRun run =
        new DataParallelRun(config(Noise.MASK, OptimizerKind.ADAM), new NaiveGemm(), p, sync,
            Moments.LOCAL);
    feed(run, xs.subList(0, round - 1));
    assertThat(run.roundCount()).as("the last replica's second batch is one sample short").isZero();
    run.accept(xs.get(round - 1));
    assertThat(run.roundCount()).isOne();
    feed(run, xs.subList(round, xs.size()));
    DataParallelRun.Result result = run.finish();

    assertThat(result.rounds()).hasSize(3);
    assertThat(result.rounds().get(0).samples()).containsExactly(16, 16, 16);
    assertThat(result.rounds().get(1).samples()).containsExactly(16, 16, 16);
    // samples 96..100 go to replicas 0, 1, 2, 0, 1
    assertThat(result.rounds().get(2).samples()).containsExactly(2, 2, 1);
    for (DataParallelRun.Round r : result.rounds()) {
      for (double dist : r.divergence()) {
        assertThat(dist).as("replicas trained on different samples").isPositive();
      }
    }
    assertThat(run.replicas()).extracting(OnlineTrainer::samplesSeen).containsExactly(34L, 34L,
        33L);
    for (OnlineTrainer t : run.replicas()) {
      assertSameParameters(t.parameters(), result.parameters());
    }
    assertThat(result.parameters()).isNotSameAs(run.replicas().get(0).parameters());
  }

  @Test
  void theRunIsTheRoundByRoundAverageOfReplicasTrainingOnEveryPthSample() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    int p = 2;
    int sync = 3;
    List<float[]> xs = samples(2 * p * sync * BATCH, 3);
    DataParallelRun.Result result =
        DataParallelRun.run(cfg, new NaiveGemm(), p, sync, Moments.LOCAL, xs.iterator());

    OnlineTrainer even = OnlineTrainer.replica(cfg, new NaiveGemm(), 0);
    OnlineTrainer odd = OnlineTrainer.replica(cfg, new NaiveGemm(), 1);
    for (int half = 0; half < 2; half++) {
      int from = half * p * sync * BATCH;
      for (int s = from; s < from + p * sync * BATCH; s++) {
        (s % 2 == 0 ? even : odd).accept(xs.get(s));
      }
      SaeParameters avg = ParameterAverage.ofRound(cfg.model(), List.of(even.parameters(), odd.parameters()),
          new long[] {sync * BATCH, sync * BATCH});
      even.adopt(avg);
      odd.adopt(avg);
    }
    assertSameParameters(result.parameters(), even.parameters());
    assertThat(result.rounds()).hasSize(2);
  }

  private static float[][] moments(OnlineTrainer t, Function<Optimizer, float[][]> kind) {
    return kind.apply(t.optimizer);
  }

  @ParameterizedTest
  @EnumSource(value = OptimizerKind.class, names = {"ADAM", "MOMENTUM", "RMSPROP"})
  void averagedMomentsAreTheWeightedMeanOfTheReplicasMoments(OptimizerKind kind) {
    TrainerConfig cfg = config(Noise.MASK, kind);
    int p = 3;
    List<float[]> xs = samples(p * 2 * BATCH, 4);
    DataParallelRun local = feed(new DataParallelRun(cfg, new NaiveGemm(), p, 2, Moments.LOCAL), xs);
    DataParallelRun avg = feed(new DataParallelRun(cfg, new NaiveGemm(), p, 2, Moments.AVERAGE), xs);
    assertThat(local.roundCount()).isOne();
    assertThat(avg.roundCount()).isOne();
    List<Function<Optimizer, float[][]>> kinds =
        List.of(Optimizer::firstMoments, Optimizer::secondMoments);
    int compared = 0;
    for (Function<Optimizer, float[][]> k : kinds) {
      if (moments(local.replicas().get(0), k) == null) {
        assertThat(moments(avg.replicas().get(0), k)).isNull();
        continue;
      }
      // the local run's moments are the replicas' own after the round; equal weights (16 each)
      float[][] m0 = moments(local.replicas().get(0), k);
      float[][] m1 = moments(local.replicas().get(1), k);
      float[][] m2 = moments(local.replicas().get(2), k);
      assertThat(m1[0]).as("replicas' own moments differ").isNotEqualTo(m0[0]);
      for (int r = 0; r < p; r++) {
        float[][] got = moments(avg.replicas().get(r), k);
        for (int t = 0; t < got.length; t++) {
          for (int i = 0; i < got[t].length; i++) {
            double want = ((double) m0[t][i] + m1[t][i] + m2[t][i]) / 3;
            assertThat((double) got[t][i])
                .isCloseTo(want, within(1e-6 * Math.max(1e-3, Math.abs(want))));
          }
        }
      }
      compared++;
    }
    assertThat(compared).isEqualTo(kind == OptimizerKind.ADAM ? 2 : 1);
    // the first round's parameters do not depend on the moments policy
    assertSameParameters(avg.replicas().get(1).parameters(),
        local.replicas().get(1).parameters());
  }

  @Test
  void withPlainSgdThereAreNoMomentsAndBothPoliciesAgree() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.SGD);
    List<float[]> xs = samples(5 * 4 * BATCH + 9, 5);
    SaeParameters local =
        DataParallelRun.run(cfg, new NaiveGemm(), 4, 1, Moments.LOCAL, xs.iterator()).parameters();
    SaeParameters avg =
        DataParallelRun.run(cfg, new NaiveGemm(), 4, 1, Moments.AVERAGE, xs.iterator())
            .parameters();
    assertSameParameters(avg, local);
  }

  @Test
  void averagingMomentsChangesLaterRounds() {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    List<float[]> xs = samples(6 * 2 * BATCH, 6);
    SaeParameters local =
        DataParallelRun.run(cfg, new NaiveGemm(), 2, 2, Moments.LOCAL, xs.iterator()).parameters();
    SaeParameters avg =
        DataParallelRun.run(cfg, new NaiveGemm(), 2, 2, Moments.AVERAGE, xs.iterator())
            .parameters();
    assertThat(ParameterAverage.distance(avg, local)).isPositive();
  }

  @ParameterizedTest(name = "overlap steps {0}")
  @CsvSource({"0", "3"})
  void fourReplicasLearnTheDictionaryAboutAsWellAsOneTrainer(int overlapSteps) {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM);
    TinyDictionary truth = new TinyDictionary(D, 24, 3, 7);
    List<float[]> xs = new ArrayList<>();
    float[] x = truth.batch(3000 * BATCH);
    for (int s = 0; s < 3000 * BATCH; s++) {
      xs.add(Arrays.copyOfRange(x, s * D, (s + 1) * D));
    }
    OnlineTrainer single = new OnlineTrainer(cfg, new NaiveGemm());
    xs.forEach(single::accept);
    DataParallelRun.Result dp =
        DataParallelRun.run(cfg, new NaiveGemm(), 4, 10, Moments.LOCAL, overlapSteps, xs.iterator());
    double singleMmcs = FeatureRecovery.of(truth.dict, single.parameters(), 0.9).mmcs();
    double dpMmcs = FeatureRecovery.of(truth.dict, dp.parameters(), 0.9).mmcs();
    double initialMmcs =
        FeatureRecovery.of(truth.dict, new OnlineTrainer(cfg, new NaiveGemm()).parameters(), 0.9)
            .mmcs();
    assertThat(singleMmcs).as("initial %s", initialMmcs).isGreaterThan(initialMmcs + 0.2);
    assertThat(dpMmcs).as("single %s", singleMmcs).isCloseTo(singleMmcs, within(0.05));
    assertThat(dp.meanDivergence()).isPositive();
  }

  /**
   * Input normalisation: after every round the replicas hold the same merged statistics, which
   * count every sample once, and the run learns the dictionary of shifted, scaled data about as
   * well as one normalising trainer.
   */
  @Test
  void withInputNormalisationReplicasShareTheMergedStatisticsOfEverySample() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM).withRecipe(true, 0);
    TinyDictionary truth = new TinyDictionary(D, 24, 3, 7);
    List<float[]> xs = new ArrayList<>();
    float[] x = truth.batch(3000 * BATCH);
    for (int s = 0; s < 3000 * BATCH; s++) {
      float[] row = Arrays.copyOfRange(x, s * D, (s + 1) * D);
      for (int i = 0; i < D; i++) {
        row[i] = 3f * row[i] + 2f; // an offset and a scale for the normaliser to remove
      }
      xs.add(row);
    }
    int partial = 5;
    DataParallelRun run = new DataParallelRun(cfg, new NaiveGemm(), 4, 10, Moments.LOCAL);
    xs.subList(0, xs.size() - partial).forEach(run::accept);
    DataParallelRun.Result dp = run.finish();
    InputNormaliser merged = run.replicas().get(0).normaliser();
    assertThat(merged.count()).isEqualTo(xs.size() - partial);
    for (OnlineTrainer replica : run.replicas()) {
      assertThat(replica.normaliser()).isEqualTo(merged);
    }
    assertThat((double) merged.mean()[0]).isCloseTo(2.0 + 3.0 * meanOf(xs, partial), within(0.05));
    OnlineTrainer single = new OnlineTrainer(cfg, new NaiveGemm());
    xs.forEach(single::accept);
    double singleMmcs = FeatureRecovery.of(truth.dict, single.parameters(), 0.9).mmcs();
    double dpMmcs = FeatureRecovery.of(truth.dict, dp.parameters(), 0.9).mmcs();
    assertThat(dpMmcs).as("single %s", singleMmcs).isCloseTo(singleMmcs, within(0.05));
  }

  /** The mean of the first coordinate before the shift and scale, over all but the last rows. */
  private static double meanOf(List<float[]> xs, int leaveOut) {
    double m = 0;
    int n = xs.size() - leaveOut;
    for (int s = 0; s < n; s++) {
      m += (xs.get(s)[0] - 2f) / 3f;
    }
    return m / n;
  }

  /**
   * Overlapped rounds, written out: each replica trains round 1 for {@code k} steps from its own
   * parameters, takes round 0's average late ({@link OnlineTrainer#rebase}), and trains on; the
   * run's result is round 1's average of those contributions.
   */
  @ParameterizedTest(name = "k = {0}")
  @CsvSource({"1", "2", "3"})
  void overlappedRoundsTakeEachAverageAfterKStepsOfTheNextRound(int k) {
    TrainerConfig cfg = config(Noise.MASK, OptimizerKind.ADAM);
    int p = 2;
    int sync = 3;
    int round = p * sync * BATCH;
    List<float[]> xs = samples(2 * round, 3);
    DataParallelRun.Result result =
        DataParallelRun.run(cfg, new NaiveGemm(), p, sync, Moments.LOCAL, k, xs.iterator());

    OnlineTrainer[] replicas = {OnlineTrainer.replica(cfg, new NaiveGemm(), 0),
        OnlineTrainer.replica(cfg, new NaiveGemm(), 1)};
    for (int s = 0; s < round; s++) {
      replicas[s % 2].accept(xs.get(s));
    }
    long[] weights = {sync * BATCH, sync * BATCH};
    SaeParameters avg0 = ParameterAverage.ofRound(cfg.model(),
        List.of(replicas[0].parameters(), replicas[1].parameters()), weights);
    SaeParameters[] anchors = {replicas[0].parameters().copy(), replicas[1].parameters().copy()};
    for (int r = 0; r < p; r++) {
      for (int s = round + r, i = 0; s < 2 * round; s += 2, i++) {
        if (i == k * BATCH) {
          replicas[r].rebase(anchors[r], avg0, null, null);
        }
        replicas[r].accept(xs.get(s));
      }
      if (k == sync) {
        replicas[r].rebase(anchors[r], avg0, null, null);
      }
    }
    SaeParameters avg1 = ParameterAverage.ofRound(cfg.model(),
        List.of(replicas[0].parameters(), replicas[1].parameters()), weights);
    assertSameParameters(result.parameters(), avg1);
    assertThat(result.rounds()).hasSize(2);
    // and it is not the synchronous schedule
    DataParallelRun.Result synchronous =
        DataParallelRun.run(cfg, new NaiveGemm(), p, sync, Moments.LOCAL, 0, xs.iterator());
    assertThat(ParameterAverage.distance(result.parameters(), synchronous.parameters())).isPositive();
  }

  /**
   * Input normalisation with overlapped rounds: each merge still counts every sample once, though
   * the replicas take each merge a round late.
   */
  @Test
  void withOverlappedRoundsTheMergedStatisticsStillCountEverySampleOnce() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM).withRecipe(true, 0);
    List<float[]> xs = samples(4 * 10 * BATCH * 5 + 7, 4);
    for (float[] row : xs) {
      for (int i = 0; i < D; i++) {
        row[i] = 3f * row[i] + 2f;
      }
    }
    DataParallelRun run = new DataParallelRun(cfg, new NaiveGemm(), 4, 10, Moments.LOCAL, 4);
    DataParallelRun.Result dp = feed(run, xs).finish();
    assertThat(dp.rounds()).hasSize(6);
    assertThat(dp.statistics().count()).isEqualTo(xs.size());
    assertThat((double) dp.statistics().mean()[0]).isCloseTo(2.0 + 3.0 * meanOf(xs, 0), within(0.05));
  }

  @Test
  void badArgumentsAndMisuseAreRejected() {
    TrainerConfig cfg = config(Noise.NONE, OptimizerKind.ADAM);
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 0, 5, Moments.LOCAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replicas must be >= 1, got 0");
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 2, 0, Moments.LOCAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("sync steps must be >= 1, got 0");
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 2, 5, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 2, 5, Moments.LOCAL, 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overlap steps must be in [0, 5] (the sync steps), got 6");
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 2, 5, Moments.LOCAL, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DataParallelRun(cfg, new NaiveGemm(), 2, 5, Moments.AVERAGE, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("moments local");
    DataParallelRun run = new DataParallelRun(cfg, new NaiveGemm(), 2, 5, Moments.LOCAL);
    DataParallelRun.Result empty = run.finish();
    assertThat(empty.rounds()).isEmpty();
    assertSameParameters(empty.parameters(), new OnlineTrainer(cfg, new NaiveGemm()).parameters());
    assertThatThrownBy(() -> run.accept(new float[D])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(run::finish).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void momentsPoliciesParseFromTheirNames() {
    assertThat(Moments.parse("local")).isEqualTo(Moments.LOCAL);
    assertThat(Moments.parse(" Average ")).isEqualTo(Moments.AVERAGE);
    assertThat(Moments.AVERAGE.configName()).isEqualTo("average");
    assertThatThrownBy(() -> Moments.parse("mean")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown moments policy 'mean'; allowed: [local, average]");
  }
}
