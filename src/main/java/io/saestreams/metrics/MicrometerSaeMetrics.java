package io.saestreams.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer implementation of {@link SaeMetricsSink}.
 *
 * <p>The sink methods only update holders owned by this object ({@link LongAdder}s for counts,
 * volatile immutable snapshots for everything gauged), so they are cheap, lock-free after the first
 * use of a tag value, and safe to call from any number of stream threads while a scrape reads the
 * meters from another thread. Counters are {@link FunctionCounter}s and gauges are {@link Gauge}s
 * over those holders, so binding to several registries (or binding late) shows the same values
 * everywhere. The two distributions are real meters, one per bound registry; values recorded before
 * the first {@link #bindTo} are not kept.
 *
 * <p>Dimensionless meters have no base unit on purpose: the Prometheus naming convention appends a
 * counter's, gauge's or summary's base unit to its name ({@code sae_records_in_records_total}).
 * Gauges read NaN until their first report.
 *
 * <p>Tag values are bounded: {@code reason}, {@code output} and {@code role} keep at most {@link
 * #MAX_TAG_VALUES} distinct (normalised) values each and fold the rest into {@code "other"}; {@code
 * latent} exists for the first {@link SaeMetricsConfig#maxLatentsExported()} latents only, and
 * {@code component} is a fixed set.
 */
public final class MicrometerSaeMetrics implements SaeMetricsSink, MeterBinder {
  /** Distinct values kept per open-ended tag before folding into {@code "other"}. */
  public static final int MAX_TAG_VALUES = 16;

  /** Outputs registered up front, so that their counters read 0 before the first record. */
  public static final List<String> KNOWN_OUTPUTS = List.of("codes", "scores", "alerts");

  /** Roles registered up front. */
  public static final List<String> KNOWN_ROLES = List.of("trainer", "scorer");

  /**
   * Every reason a record can be dead-lettered for: the decode failures the payload is at fault
   * for, in lower-kebab case, then the validation rejections. Each {@code sae.records.invalid}
   * series exists at 0 from the start, so that {@code rate()} sees a reason's first burst. (Kept
   * here, not derived, so that the metrics package does not depend on the stream code; a test there
   * checks it against the real set.)
   */
  public static final List<String> KNOWN_INVALID_REASONS =
      List.of(
          "empty",
          "bad-magic",
          "truncated-header",
          "unknown-schema-id",
          "incompatible-schema",
          "truncated-avro",
          "malformed-avro",
          "trailing-bytes",
          "wrong-dimension",
          "non-finite",
          "empty-vector",
          "null-value",
          "id-too-long",
          "record-too-large");

  /**
   * Input partitions with series of their own ({@code sae.anomaly.threshold}, {@code
   * sae.scorer.model.version}); partitions beyond share the {@code "other"} series.
   */
  public static final int MAX_PARTITIONS = 256;

  /** Values of the {@code component} tag of {@code sae.train.loss}. */
  public static final List<String> LOSS_COMPONENTS =
      List.of("reconstruction", "sparsity", "weight_decay", "auxiliary", "total");

  /**
   * {@code sae.reconstruction.error} is recorded in parts per million of the error (base unit
   * {@value #ERROR_UNIT}): Micrometer's fixed-boundary histograms count {@code ceil(value)}, so
   * buckets below 1 would all be empty. Error 0.004 is recorded as 4000 ppm.
   */
  public static final double ERROR_SCALE = 1e6;

  public static final String ERROR_UNIT = "ppm";

  /** Histogram bounds of {@code sae.reconstruction.error} in ppm: 1, 2.5, 5 × 10^k, 1 … 10^9. */
  static final double[] ERROR_BUCKETS_PPM = decades(1, 1e9, 1, 2.5, 5);

  /** Histogram bounds of {@code sae.latency.end.to.end} in milliseconds, 1 ms … 500 s. */
  static final double[] LATENCY_BUCKETS_MS = decades(1, 5e5, 1, 2, 5);

  private static final String THRESHOLD = "sae.anomaly.threshold";
  private static final String SCORER_VERSION = "sae.scorer.model.version";
  private static final String DIVERGENCE = "sae.sync.divergence";
  private static final String CONTRIBUTION_LAG = "sae.sync.contribution.lag.seconds";
  private static final String SCORER = "scorer";
  private static final String TRAINER = "trainer";

  private final SaeMetricsConfig config;
  private final Object lock = new Object();

  // counts
  private final LongAdder recordsIn = new LongAdder();
  private final LongAdder steps = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final LongAdder anomalies = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder replayMissing = new LongAdder();
  private final LongAdder judged = new LongAdder();
  private final LongAdder anomalous = new LongAdder();
  private final LongAdder syncRounds = new LongAdder();
  private final BoundedTagValues<LongAdder> invalid;
  private final BoundedTagValues<LongAdder> out;

  // gauged state
  private volatile StepResult lastStep;
  private volatile Window window;
  private final BoundedTagValues<DoubleCell> versions;
  private volatile Checkpoint lastCheckpoint;
  private final BoundedTagValues<DoubleCell> thresholds;
  private final BoundedTagValues<DoubleCell> scorerVersions;
  private volatile double falseAlarmRateTarget = Double.NaN;
  private volatile double drift = Double.NaN;
  private volatile double syncContributions = Double.NaN;
  private volatile double syncTrained = Double.NaN;
  private final BoundedTagValues<DoubleCell> divergences;
  private final BoundedTagValues<DoubleCell> contributionLags;

  // registries and per-registry meters; guarded by lock, read lock-free
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final Set<MeterRegistry> bound = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<DistributionSummary> errorSummaries = new CopyOnWriteArrayList<>();
  private final List<Timer> latencyTimers = new CopyOnWriteArrayList<>();
  private final List<Timer> roundTimers = new CopyOnWriteArrayList<>();
  private final List<Timer> waitTimers = new CopyOnWriteArrayList<>();
  private volatile int latentsRegistered;

  public MicrometerSaeMetrics(SaeMetricsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    // the known reasons, plus room for MAX_TAG_VALUES others
    invalid =
        new BoundedTagValues<>(
            KNOWN_INVALID_REASONS.size() + MAX_TAG_VALUES,
            LongAdder::new,
            (v, c) -> forEachRegistry(r -> invalid(r, v, c)),
            lock);
    out =
        new BoundedTagValues<>(
            MAX_TAG_VALUES, LongAdder::new, (v, c) -> forEachRegistry(r -> out(r, v, c)), lock);
    versions =
        new BoundedTagValues<>(
            MAX_TAG_VALUES,
            DoubleCell::new,
            (v, c) -> forEachRegistry(r -> version(r, v, c)),
            lock);
    thresholds = partitionCells(THRESHOLD);
    scorerVersions = partitionCells(SCORER_VERSION);
    divergences = partitionCells(DIVERGENCE);
    contributionLags = partitionCells(CONTRIBUTION_LAG);
    KNOWN_INVALID_REASONS.forEach(invalid::get);
    KNOWN_OUTPUTS.forEach(out::get);
    KNOWN_ROLES.forEach(versions::get);
  }

  /** One cell per input partition, each gauged as {@code name{partition}} once it exists. */
  private BoundedTagValues<DoubleCell> partitionCells(String name) {
    return new BoundedTagValues<>(
        MAX_PARTITIONS,
        DoubleCell::new,
        (v, c) -> forEachRegistry(r -> partitionGauge(r, name, v, c)),
        lock);
  }

  public MicrometerSaeMetrics() {
    this(SaeMetricsConfig.defaults());
  }

  public SaeMetricsConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ sink

  @Override
  public void recordIn() {
    recordsIn.increment();
  }

  @Override
  public void recordInvalid(String reason) {
    invalid.get(reason).increment();
  }

  @Override
  public void recordOut(String output) {
    out.get(output).increment();
  }

  /** Completed steps count their rows and update gradient norm and learning rate; skips count. */
  @Override
  public void trainingStep(StepResult step) {
    Objects.requireNonNull(step, "step");
    if (step.skipped()) {
      skipped.increment();
      return;
    }
    steps.increment();
    samples.add(step.rows());
    lastStep = step;
  }

  @Override
  public void trainingStats(
      StatsSnapshot stats, int deadLatents, int denseLatents, double l0Target) {
    Objects.requireNonNull(stats, "stats");
    Window last = window;
    if (Double.isNaN(stats.maxDecoderCosine()) && last != null
        && !Double.isNaN(last.stats().maxDecoderCosine())) {
      // not taken for this report: the last one taken stays
      stats = stats.withMaxDecoderCosine(last.stats().maxDecoderCosine());
    }
    int n = config.maxLatentsExported();
    double[] firing = head(stats.firingFrequency(), n);
    double[] mean = head(stats.meanActivation(), n);
    window = new Window(stats, deadLatents, denseLatents, l0Target, firing, mean);
    int latents = Math.max(firing.length, mean.length);
    if (latents > latentsRegistered) {
      synchronized (lock) {
        int from = latentsRegistered;
        if (latents > from) {
          for (MeterRegistry r : registries) {
            latentGauges(r, from, latents);
          }
          latentsRegistered = latents;
        }
      }
    }
  }

  @Override
  public void modelVersion(String role, long version) {
    versions.get(role).value = version;
  }

  /**
   * Also sets {@code sae.model.version{role="scorer"}} to the oldest version a scoring task of this
   * instance uses.
   */
  @Override
  public void scorerVersion(int partition, long version) {
    scorerVersions.get(Integer.toString(partition)).value = version;
    updateOldestScorerVersion();
  }

  @Override
  public void partitionClosed(int partition) {
    String p = Integer.toString(partition);
    thresholds.get(p).value = Double.NaN;
    scorerVersions.get(p).value = Double.NaN;
    updateOldestScorerVersion();
  }

  private void updateOldestScorerVersion() {
    synchronized (lock) {
      double oldest = Double.NaN;
      for (Map.Entry<String, DoubleCell> e : scorerVersions.entries()) {
        double v = e.getValue().value;
        if (!Double.isNaN(v) && !(v >= oldest)) {
          oldest = v;
        }
      }
      versions.get(SCORER).value = oldest;
    }
  }

  @Override
  public void replayed(long samples, long missing) {
    replayed.add(samples);
    replayMissing.add(missing);
  }

  @Override
  public void checkpoint(long bytes, long epochMillis) {
    lastCheckpoint = new Checkpoint(bytes, epochMillis);
  }

  /**
   * Records {@code error × }{@link #ERROR_SCALE}; negative and non-finite errors are ignored (an
   * infinity would make the histogram's sum infinite for good).
   */
  @Override
  public void reconstructionError(double error) {
    if (!(error >= 0) || error == Double.POSITIVE_INFINITY) {
      return;
    }
    for (DistributionSummary s : errorSummaries) {
      s.record(error);
    }
  }

  @Override
  public void anomalyThreshold(int partition, double threshold) {
    thresholds.get(Integer.toString(partition)).value = threshold;
  }

  @Override
  public void judged(boolean flagged) {
    judged.increment();
    if (flagged) {
      anomalous.increment();
    }
  }

  @Override
  public void falseAlarmRateTarget(double rate) {
    falseAlarmRateTarget = rate;
  }

  @Override
  public void latentDrift(double drift) {
    this.drift = drift;
  }

  @Override
  public void syncRound(int partition, double divergence, long roundMillis, long waitMillis) {
    divergences.get(Integer.toString(partition)).value = divergence;
    long ms = Math.max(0, roundMillis);
    for (Timer t : roundTimers) {
      t.record(ms, TimeUnit.MILLISECONDS);
    }
    long waited = Math.max(0, waitMillis);
    for (Timer t : waitTimers) {
      t.record(waited, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void syncContributed(int partition, long lagMillis) {
    contributionLags.get(Integer.toString(partition)).value = Math.max(0, lagMillis) / 1000.0;
  }

  @Override
  public void syncAggregated(int contributions, int trained) {
    syncContributions = contributions;
    syncTrained = trained;
    syncRounds.increment();
  }

  @Override
  public void anomaly() {
    anomalies.increment();
  }

  /** A negative latency (the producer's clock ahead of ours) is recorded as zero. */
  @Override
  public void endToEndLatency(long millis) {
    long ms = Math.max(0, millis);
    for (Timer t : latencyTimers) {
      t.record(ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The trainer's latest report in this process (the version it last published, with the
   * statistics it reported with it), or null while it has reported none here. Read without a lock:
   * for the instant between a publication's two reports the version may already be the new one.
   */
  public TrainerReport lastTrainerReport() {
    Window w = window;
    double version = versions.get(TRAINER).value;
    if (w == null || Double.isNaN(version)) {
      return null;
    }
    return new TrainerReport((long) version, w.stats(), w.dead());
  }

  // ------------------------------------------------------------------ binding

  /** Registers every meter; binding the same registry twice has no further effect. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (lock) {
      if (!bound.add(registry)) {
        return;
      }
      counters(registry);
      for (Map.Entry<String, LongAdder> e : invalid.entries()) {
        invalid(registry, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, LongAdder> e : out.entries()) {
        out(registry, e.getKey(), e.getValue());
      }
      trainingGauges(registry);
      for (Map.Entry<String, DoubleCell> e : versions.entries()) {
        version(registry, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, DoubleCell> e : thresholds.entries()) {
        partitionGauge(registry, THRESHOLD, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, DoubleCell> e : scorerVersions.entries()) {
        partitionGauge(registry, SCORER_VERSION, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, DoubleCell> e : divergences.entries()) {
        partitionGauge(registry, DIVERGENCE, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, DoubleCell> e : contributionLags.entries()) {
        partitionGauge(registry, CONTRIBUTION_LAG, e.getKey(), e.getValue());
      }
      otherGauges(registry);
      latentGauges(registry, 0, latentsRegistered);
      distributions(registry);
      registries.add(registry);
    }
  }

  private void forEachRegistry(java.util.function.Consumer<MeterRegistry> action) {
    for (MeterRegistry r : registries) {
      action.accept(r);
    }
  }

  private void counters(MeterRegistry r) {
    counter(r, "sae.records.in", "Records read from the input topic", recordsIn);
    counter(r, "sae.train.steps", "Training steps that updated the model", steps);
    counter(
        r,
        "sae.train.skipped.batches",
        "Mini-batches skipped because the loss or gradient was not finite",
        skipped);
    counter(r, "sae.train.samples", "Samples in training steps that updated the model", samples);
    counter(r, "sae.anomalies", "Anomaly alerts raised", anomalies);
    counter(r, "sae.train.replayed.samples",
        "Samples trained again after a restart, read back from the input topic", replayed);
    counter(r, "sae.train.replay.missing",
        "Samples to train again after a restart that were no longer in the input topic", replayMissing);
    counter(r, "sae.records.judged",
        "Scores judged by a mature detector (a threshold in force)", judged);
    counter(r, "sae.sync.rounds", "Data-parallel training: rounds averaged and published", syncRounds);
    counter(r, "sae.records.anomalous",
        "Scores flagged anomalous (every flagged record, whatever the alert mode)", anomalous);
  }

  private static void counter(MeterRegistry r, String name, String description, LongAdder a) {
    FunctionCounter.builder(name, a, LongAdder::doubleValue).description(description).register(r);
  }

  private static void invalid(MeterRegistry r, String reason, LongAdder a) {
    FunctionCounter.builder("sae.records.invalid", a, LongAdder::doubleValue)
        .description("Records sent to the dead-letter topic, by reason")
        .tag("reason", reason)
        .register(r);
  }

  private static void out(MeterRegistry r, String output, LongAdder a) {
    FunctionCounter.builder("sae.records.out", a, LongAdder::doubleValue)
        .description("Records written to an output topic, by output")
        .tag("output", output)
        .register(r);
  }

  private static void version(MeterRegistry r, String role, DoubleCell c) {
    Gauge.builder("sae.model.version", c, cell -> cell.value)
        .description("Model version the trainer last published, or the oldest this instance's"
            + " scorers use")
        .tag("role", role)
        .strongReference(true)
        .register(r);
  }

  private void trainingGauges(MeterRegistry r) {
    String lossHelp = "Mean training loss per sample over the latest statistics window";
    windowGauge(r, "sae.train.loss", lossHelp, "reconstruction", s -> s.reconstructionLoss());
    windowGauge(r, "sae.train.loss", lossHelp, "sparsity", s -> s.sparsityLoss());
    windowGauge(r, "sae.train.loss", lossHelp, "weight_decay", s -> s.weightDecayLoss());
    windowGauge(r, "sae.train.loss", lossHelp, "auxiliary", s -> s.auxLoss());
    windowGauge(r, "sae.train.loss", lossHelp, "total", s -> s.totalLoss());
    windowGauge(
        r, "sae.train.fvu", "Fraction of variance unexplained over the window", null, s -> s.fvu());
    windowGauge(
        r,
        "sae.train.explained.variance",
        "Explained variance (1 - FVU) over the window",
        null,
        s -> s.explainedVariance());
    windowGauge(
        r,
        "sae.train.l0",
        "Mean number of active latents per sample over the window",
        null,
        s -> s.l0());
    windowGauge(
        r,
        "sae.latents.dead.fraction",
        "Fraction of latents that have not fired within the dead window",
        null,
        s -> s.deadFraction());
    windowGauge(
        r,
        "sae.train.kl.to.target",
        "Mean KL divergence of latent firing rates from the target (NaN when not a KL model)",
        null,
        s -> s.klToTarget());
    gauge(
        r,
        "sae.train.l0.target",
        "Target L0 of the model (NaN when it has none)",
        m -> m.window == null ? Double.NaN : m.window.l0Target());
    gauge(
        r,
        "sae.latents.dead",
        "Latents that have not fired within the dead window",
        m -> m.window == null ? Double.NaN : m.window.dead());
    gauge(
        r,
        "sae.latents.dense",
        "Latents firing on more than the dense threshold of samples",
        m -> m.window == null ? Double.NaN : m.window.dense());
    gauge(
        r,
        "sae.train.gradient.norm",
        "Global gradient norm before clipping, of the latest completed step",
        m -> m.lastStep == null ? Double.NaN : m.lastStep.gradientNorm());
    gauge(
        r,
        "sae.train.learning.rate",
        "Learning rate of the latest completed step",
        m -> m.lastStep == null ? Double.NaN : decimal(m.lastStep.learningRate()));
    coreGauges(r);
  }

  /** SAEBench's core reconstruction and density metrics over the window (bounded tags). */
  private void coreGauges(MeterRegistry r) {
    windowGauge(r, "sae.train.cosine.similarity",
        "Mean over samples of the cosine similarity of input and reconstruction", null,
        s -> s.cosineSimilarity());
    windowGauge(r, "sae.train.l2.ratio",
        "Mean over samples of ||reconstruction|| / ||input||", null, s -> s.l2Ratio());
    windowGauge(r, "sae.train.relative.reconstruction.bias",
        "Sum of ||reconstruction||^2 over sum of <reconstruction, input> (1 = unbiased, < 1"
            + " shrinkage)", null, s -> s.relativeReconstructionBias());
    taggedWindowGauge(r, "sae.train.latents.firing.above",
        "Fraction of latents firing on more than the threshold fraction of samples",
        "threshold", "0.01", s -> s.firingAbove1Percent());
    taggedWindowGauge(r, "sae.train.latents.firing.above",
        "Fraction of latents firing on more than the threshold fraction of samples",
        "threshold", "0.1", s -> s.firingAbove10Percent());
    windowGauge(r, "sae.train.log10.density.mean",
        "Mean log10 firing density of the latents that fired", null,
        s -> s.meanLog10Density());
    String[] bins = io.saestreams.train.TrainingStats.LOG10_DENSITY_BINS;
    for (int i = 0; i < bins.length; i++) {
      int bin = i;
      taggedWindowGauge(r, "sae.train.log10.density",
          "Fraction of latents per bin of log10 firing density (dead = never fired)", "bin",
          bins[i].replace(' ', '_'),
          s -> s.log10DensityHistogram().length > bin ? s.log10DensityHistogram()[bin]
              : Double.NaN);
    }
    windowGauge(r, "sae.train.decoder.max.cosine",
        "Max cosine similarity of two distinct decoder directions of the published model, taken while it"
            + " costs at most 5 % of the training time (data-parallel: of one replica's decoder at a round's"
            + " end, the replicas taking it in turns)", null,
        s -> s.maxDecoderCosine());
  }

  private void taggedWindowGauge(MeterRegistry r, String name, String description, String tag,
      String value, ToDoubleFunction<StatsSnapshot> f) {
    Gauge.builder(
            name, this, m -> m.window == null ? Double.NaN : f.applyAsDouble(m.window.stats()))
        .description(description)
        .tag(tag, value)
        .strongReference(true)
        .register(r);
  }

  private void windowGauge(
      MeterRegistry r,
      String name,
      String description,
      String component,
      ToDoubleFunction<StatsSnapshot> f) {
    Gauge.Builder<MicrometerSaeMetrics> b =
        Gauge.builder(
                name, this, m -> m.window == null ? Double.NaN : f.applyAsDouble(m.window.stats()))
            .description(description)
            .strongReference(true);
    if (component != null) {
      b.tag("component", component);
    }
    b.register(r);
  }

  private void gauge(
      MeterRegistry r, String name, String description, ToDoubleFunction<MicrometerSaeMetrics> f) {
    Gauge.builder(name, this, f).description(description).strongReference(true).register(r);
  }

  private void otherGauges(MeterRegistry r) {
    TimeGauge.builder(
            "sae.checkpoint.age", this, TimeUnit.MILLISECONDS, m -> m.checkpointAgeMillis())
        .description("Time since the last checkpoint was written (NaN before the first)")
        .strongReference(true)
        .register(r);
    Gauge.builder(
            "sae.checkpoint.size",
            this,
            m -> m.lastCheckpoint == null ? Double.NaN : m.lastCheckpoint.bytes())
        .description("Size of the last checkpoint")
        .baseUnit(BaseUnits.BYTES)
        .strongReference(true)
        .register(r);
    gauge(r, "sae.anomaly.false.alarm.rate.target",
        "False-alarm rate the anomaly threshold aims at", m -> m.falseAlarmRateTarget);
    gauge(r, "sae.sync.contributions",
        "Data-parallel training: replicas averaged in the latest round (NaN before the first)",
        m -> m.syncContributions);
    gauge(r, "sae.sync.contributions.trained",
        "Data-parallel training: replicas of the latest round that trained on at least one sample",
        m -> m.syncTrained);
    gauge(r, "sae.latent.drift",
        "Jensen-Shannon divergence (bits) of the latest window's latent firing histogram from the"
            + " reference (NaN until measured)",
        m -> m.drift);
  }

  /** A gauge of one input partition's cell: {@link #THRESHOLD} or {@link #SCORER_VERSION}. */
  private static void partitionGauge(MeterRegistry r, String name, String partition, DoubleCell c) {
    Gauge.builder(name, c, cell -> cell.value)
        .description(switch (name) {
          case THRESHOLD -> "Anomaly threshold in force for an input partition (NaN while none)";
          case DIVERGENCE -> "Data-parallel training: L2 norm of the difference between an input partition's"
              + " replica and the average of its latest round";
          case CONTRIBUTION_LAG -> "Data-parallel training: how long after its round's first contribution"
              + " the aggregator had an input partition's replica's latest one (0 for the first)";
          default -> "Model version the scoring task of an input partition uses";
        })
        .tag("partition", partition)
        .strongReference(true)
        .register(r);
  }

  private double checkpointAgeMillis() {
    Checkpoint c = lastCheckpoint;
    if (c == null) {
      return Double.NaN;
    }
    return Math.max(0, config.clock().millis() - c.epochMillis());
  }

  /** Registers per-latent gauges for latents {@code [from, to)}; call with the lock held. */
  private void latentGauges(MeterRegistry r, int from, int to) {
    for (int j = from; j < to; j++) {
      final int latent = j;
      String tag = Integer.toString(j);
      Gauge.builder("sae.latent.mean.activation", this, m -> m.latentValue(latent, false))
          .description("Mean activation of a latent over the window (first latents only)")
          .tag("latent", tag)
          .strongReference(true)
          .register(r);
      Gauge.builder("sae.latent.firing.frequency", this, m -> m.latentValue(latent, true))
          .description("Fraction of samples a latent fired on over the window (first latents only)")
          .tag("latent", tag)
          .strongReference(true)
          .register(r);
    }
  }

  private double latentValue(int latent, boolean firing) {
    Window w = window;
    if (w == null) {
      return Double.NaN;
    }
    double[] a = firing ? w.firing() : w.mean();
    return latent < a.length ? a[latent] : Double.NaN;
  }

  private void distributions(MeterRegistry r) {
    errorSummaries.add(
        DistributionSummary.builder("sae.reconstruction.error")
            .description(
                "Reconstruction error (mean squared error per coordinate) of scored inputs,"
                    + " in millionths")
            .baseUnit(ERROR_UNIT)
            .scale(ERROR_SCALE)
            .serviceLevelObjectives(ERROR_BUCKETS_PPM)
            .register(r));
    Duration[] slo = new Duration[LATENCY_BUCKETS_MS.length];
    for (int i = 0; i < slo.length; i++) {
      slo[i] = Duration.ofMillis((long) LATENCY_BUCKETS_MS[i]);
    }
    latencyTimers.add(
        Timer.builder("sae.latency.end.to.end")
            .description("Time from an input record's timestamp to its score being emitted")
            .serviceLevelObjectives(slo)
            .register(r));
    roundTimers.add(
        Timer.builder("sae.sync.round.duration")
            .description("Data-parallel training: a replica's round, from its start to its average's arrival")
            .register(r));
    waitTimers.add(
        Timer.builder("sae.sync.wait")
            .description("Data-parallel training: how long a replica's training waited for a round's average"
                + " (0 when it had arrived by the time the replica needed it)")
            .register(r));
  }

  // ------------------------------------------------------------------ helpers

  /** The double with the float's shortest decimal form: 0.1f reads 0.1, not 0.10000000149. */
  private static double decimal(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  private static double[] head(double[] a, int n) {
    return a == null ? new double[0] : Arrays.copyOf(a, Math.min(n, a.length));
  }

  /** {@code m × 10^k} for each multiplier m and k ≥ 0, within {@code [lo, hi]}, ascending. */
  static double[] decades(double lo, double hi, double... multipliers) {
    if (lo < 1 || hi < lo) {
      throw new IllegalArgumentException("need 1 <= lo <= hi: " + lo + ", " + hi);
    }
    List<Double> out = new ArrayList<>();
    for (int k = 0; k <= (int) Math.ceil(Math.log10(hi)); k++) {
      for (double m : multipliers) {
        double v = m * Math.pow(10, k);
        if (v >= lo && v <= hi) {
          out.add(v);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  /** What {@link #trainingStats} reported, with the exported latents' values copied. */
  private record Window(
      StatsSnapshot stats, int dead, int dense, double l0Target, double[] firing, double[] mean) {}

  private record Checkpoint(long bytes, long epochMillis) {}

  /** A double that one thread writes and others read. */
  private static final class DoubleCell {
    volatile double value = Double.NaN;
  }
}
