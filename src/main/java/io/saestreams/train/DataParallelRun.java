package io.saestreams.train;

import io.saestreams.model.InputNormaliser;
import io.saestreams.model.Optimizer;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Data-parallel training (local SGD / federated averaging) simulated on one thread, to measure
 * what it costs in learning quality before partitions and topics come into it.
 *
 * <p>P replicas ({@link OnlineTrainer#replica}) share the initial parameters. Sample i goes to
 * replica {@code i mod P}, as keys hashed to P partitions would, and each replica trains on its own
 * samples with {@link OnlineTrainer#accept}. A round ends when every replica has done {@code
 * syncSteps} mini-batch steps since the last one; then the replicas' parameters are averaged
 * ({@link ParameterAverage#weighted}), each weighted by the samples it trained on in the round, and
 * every replica {@link OnlineTrainer#adopt adopts} the average. Under {@link Moments#AVERAGE} the
 * optimiser moments are averaged with the same weights; under {@link Moments#LOCAL} each replica
 * keeps its own. {@link #finish()} trains the partial batches left at the end of the stream and
 * ends a last round.
 *
 * <p>With one replica the result is the single trainer's parameters bit for bit: the average of one
 * contribution is that contribution.
 *
 * <p><b>Overlapped rounds</b> ({@code overlapSteps} k > 0): a replica does not wait for a round's
 * average. It goes on training the next round from its own parameters, and takes the average of
 * round r after its k-th step of round r + 1, or at the end of round r + 1 if that comes first
 * ({@link OnlineTrainer#rebase}: its parameters plus the average minus what it contributed to
 * round r). Its first k steps of a round are then trained from parameters one round stale. The
 * application runs the same schedule ({@code train.sync.overlap.steps}), where a replica's training
 * waits for a round trip through Kafka only when that takes longer than k steps.
 *
 * <p>Not thread-safe.
 */
public final class DataParallelRun {
  /** What happens to the optimiser moments at a synchronisation. */
  public enum Moments {
    /** Each replica keeps its own moments. */
    LOCAL,
    /** The moments (Adam m and v, RMSprop v, momentum) are averaged like the parameters. */
    AVERAGE;

    /** {@code local} or {@code average}, any case. */
    public static Moments parse(String s) {
      for (Moments m : values()) {
        if (m.name().equalsIgnoreCase(s.strip())) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown moments policy '" + s
          + "'; allowed: [local, average]");
    }

    /** The lower-case name {@link #parse} reads. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One synchronisation round.
   *
   * @param samples samples each replica trained on in the round: the averaging weights
   * @param divergence each replica's distance ‖θ_r − θ̄‖₂ from the round's average, before adopting
   *     it
   */
  public record Round(long[] samples, double[] divergence) {
    /** The sample-weighted mean of {@link #divergence()} (0 when no replica trained). */
    public double meanDivergence() {
      double s = 0;
      long total = 0;
      for (int r = 0; r < samples.length; r++) {
        s += samples[r] * divergence[r];
        total += samples[r];
      }
      return total == 0 ? 0 : s / total;
    }
  }

  /**
   * @param parameters the last round's average (which every replica holds at the end, unless the
   *     rounds overlap)
   * @param statistics with input normalisation, the last round's merged input statistics (else
   *     null)
   * @param rounds the rounds in order, the last one the round {@link #finish()} ended
   * @param samples samples accepted
   */
  public record Result(SaeParameters parameters, InputNormaliser statistics, List<Round> rounds,
      long samples) {
    /** The mean of the rounds' {@link Round#meanDivergence()} (0 without rounds). */
    public double meanDivergence() {
      return rounds.stream().mapToDouble(Round::meanDivergence).average().orElse(0);
    }
  }

  private final OnlineTrainer[] replicas;
  private final int syncSteps;
  private final Moments moments;
  /** Steps of a round trained before the previous round's average is taken (0: synchronous). */
  private final int overlapSteps;
  /** Overlapped rounds: whether each replica has still to take the last round's average. */
  private final boolean[] late;
  /** Overlapped rounds: what each replica contributed to the last round (null before the first). */
  private final SaeParameters[] anchors;
  private final InputNormaliser[] anchorStatistics;
  /** Overlapped rounds: the last round's average, not taken by the replicas yet (null before). */
  private SaeParameters lastAverage;
  private final int[] stepsInRound;
  private final long[] samplesBeforeRound;
  private final List<Round> rounds = new ArrayList<>();
  /** With input normalisation: the replicas' statistics at the start of the round (else null). */
  private InputNormaliser merged;
  private long accepted;
  private boolean finished;

  /**
   * @param replicas P, at least 1
   * @param syncSteps mini-batch steps every replica does in a round, at least 1
   */
  public DataParallelRun(TrainerConfig cfg, Gemm gemm, int replicas, int syncSteps,
      Moments moments) {
    this(cfg, gemm, replicas, syncSteps, moments, 0);
  }

  /**
   * @param overlapSteps steps of a round each replica trains before it takes the previous round's
   *     average, in [0, syncSteps]; 0 for synchronous rounds (see the class comment); above 0 not
   *     with {@link Moments#AVERAGE}
   */
  public DataParallelRun(TrainerConfig cfg, Gemm gemm, int replicas, int syncSteps,
      Moments moments, int overlapSteps) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
    }
    if (syncSteps < 1) {
      throw new IllegalArgumentException("sync steps must be >= 1, got " + syncSteps);
    }
    if (moments == null) {
      throw new IllegalArgumentException("a moments policy is required");
    }
    if (overlapSteps < 0 || overlapSteps > syncSteps) {
      throw new IllegalArgumentException("overlap steps must be in [0, " + syncSteps + "] (the sync steps), got "
          + overlapSteps);
    }
    if (overlapSteps > 0 && moments == Moments.AVERAGE) {
      throw new IllegalArgumentException("overlapped rounds keep the optimiser moments local;"
          + " averaging them is not available with overlap");
    }
    this.overlapSteps = overlapSteps;
    this.late = new boolean[replicas];
    this.anchors = new SaeParameters[replicas];
    this.anchorStatistics = new InputNormaliser[replicas];
    this.replicas = new OnlineTrainer[replicas];
    for (int r = 0; r < replicas; r++) {
      this.replicas[r] = OnlineTrainer.replica(cfg, gemm, r);
    }
    this.syncSteps = syncSteps;
    this.moments = moments;
    this.stepsInRound = new int[replicas];
    this.samplesBeforeRound = new long[replicas];
    InputNormaliser first = this.replicas[0].normaliser();
    this.merged = first == null ? null : first.copy();
  }

  /** Trains on every sample of {@code samples}, then {@link #finish()}es. */
  public static Result run(TrainerConfig cfg, Gemm gemm, int replicas, int syncSteps,
      Moments moments, Iterator<float[]> samples) {
    return run(cfg, gemm, replicas, syncSteps, moments, 0, samples);
  }

  /** Trains on every sample of {@code samples}, rounds overlapped or not, then {@link #finish()}es. */
  public static Result run(TrainerConfig cfg, Gemm gemm, int replicas, int syncSteps,
      Moments moments, int overlapSteps, Iterator<float[]> samples) {
    DataParallelRun run = new DataParallelRun(cfg, gemm, replicas, syncSteps, moments, overlapSteps);
    while (samples.hasNext()) {
      run.accept(samples.next());
    }
    return run.finish();
  }

  /** Hands the next sample to its replica; ends the round when that completes it. */
  public void accept(float[] x) {
    if (finished) {
      throw new IllegalStateException("the run has finished");
    }
    int r = (int) (accepted % replicas.length);
    accepted++;
    if (replicas[r].accept(x) != null) {
      stepsInRound[r]++;
      if (late[r] && stepsInRound[r] >= overlapSteps) {
        takeLate(r);
      }
      if (Arrays.stream(stepsInRound).allMatch(s -> s >= syncSteps)) {
        synchronise();
      }
    }
  }

  /**
   * Trains every replica's partial batch and ends the last round (when any replica stepped since
   * the previous one). Call once, after the last sample.
   */
  public Result finish() {
    if (finished) {
      throw new IllegalStateException("the run has finished");
    }
    finished = true;
    for (int r = 0; r < replicas.length; r++) {
      if (replicas[r].flush() != null) {
        stepsInRound[r]++;
      }
    }
    if (Arrays.stream(stepsInRound).anyMatch(s -> s > 0)) {
      synchronise();
    }
    // synchronous replicas hold the last average too; without a round, their shared start
    SaeParameters last = lastAverage != null ? lastAverage : replicas[0].parameters();
    return new Result(last.copy(), merged == null ? null : merged.copy(), List.copyOf(rounds), accepted);
  }

  /** The replicas, in partition order (live: for reading their statistics). */
  public List<OnlineTrainer> replicas() {
    return List.of(replicas);
  }

  /** Rounds ended so far. */
  public int roundCount() {
    return rounds.size();
  }

  private void synchronise() {
    int p = replicas.length;
    long[] weights = new long[p];
    List<SaeParameters> params = new ArrayList<>(p);
    for (int r = 0; r < p; r++) {
      if (late[r]) {
        takeLate(r);
      }
    }
    for (int r = 0; r < p; r++) {
      weights[r] = replicas[r].samplesSeen() - samplesBeforeRound[r];
      params.add(replicas[r].parameters());
    }
    SaeParameters average = ParameterAverage.ofRound(replicas[0].config().model(), params, weights);
    double[] divergence = new double[p];
    for (int r = 0; r < p; r++) {
      divergence[r] = ParameterAverage.distance(params.get(r), average);
    }
    if (moments == Moments.AVERAGE) {
      averageMoments(Optimizer::firstMoments, weights);
      averageMoments(Optimizer::secondMoments, weights);
    }
    if (merged != null) {
      List<InputNormaliser> statistics = new ArrayList<>(p);
      for (OnlineTrainer t : replicas) {
        statistics.add(t.normaliser());
      }
      merged = InputNormaliser.merge(merged, statistics);
    }
    for (int r = 0; r < p; r++) {
      if (overlapSteps > 0) {
        anchors[r] = replicas[r].parameters().copy();
        InputNormaliser s = replicas[r].normaliser();
        anchorStatistics[r] = s == null ? null : s.copy();
        late[r] = true;
      } else {
        replicas[r].adopt(average, merged);
      }
      samplesBeforeRound[r] = replicas[r].samplesSeen();
      stepsInRound[r] = 0;
    }
    lastAverage = average;
    rounds.add(new Round(weights, divergence));
  }

  /** Replica r takes the last round's average late, keeping its own update since it contributed. */
  private void takeLate(int r) {
    replicas[r].rebase(anchors[r], lastAverage, anchorStatistics[r], merged);
    late[r] = false;
  }

  /** Replaces one kind of moment in every replica by its weighted average (none kept: nothing). */
  private void averageMoments(Function<Optimizer, float[][]> kind, long[] weights) {
    List<float[][]> all = new ArrayList<>(replicas.length);
    for (OnlineTrainer t : replicas) {
      float[][] m = kind.apply(t.optimizer);
      if (m == null) {
        return;
      }
      all.add(m);
    }
    float[][] average = ParameterAverage.weightedTensors(all, weights);
    for (float[][] m : all) {
      for (int t = 0; t < m.length; t++) {
        System.arraycopy(average[t], 0, m[t], 0, m[t].length);
      }
    }
  }
}
