package io.saestreams.train;

import io.saestreams.model.Activation;
import io.saestreams.model.InputNormaliser;
import io.saestreams.model.LossParts;
import io.saestreams.model.Noise;
import io.saestreams.model.Optimizer;
import io.saestreams.model.Rng;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeEngine;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.model.linalg.VectorOps;
import java.util.Arrays;

/**
 * Trains a sparse autoencoder online, one mini-batch at a time, in the order the samples arrive.
 *
 * <p>A step: initialise b_dec from the first batch if asked; corrupt the input (denoising);
 * forward; update the running average activation ρ̂ (KL); backward; project the decoder gradient
 * to keep unit-norm directions; skip the batch if the loss or gradient is not finite; update with
 * the optimiser; renormalise the decoder; track firing for dead-latent detection and revive dead
 * latents. All randomness comes from one {@link Rng} seeded by the configuration and saved in
 * checkpoints, so N steps, a checkpoint, a restore and M steps equal N + M steps bit for bit.
 *
 * <p>Not thread-safe.
 */
public final class OnlineTrainer {
  /** Default share of the training time the decoder-geometry statistic may take. */
  public static final double GEOMETRY_BUDGET = 0.05;

  /** A revived latent's encoder norm, relative to the mean encoder norm of live latents. */
  static final double REVIVED_ENCODER_SCALE = 0.2;
  private static final long REPLICA_SALT = 0x7265706C69636173L;
  private static final long REPLICA_STRIDE = 0x9E3779B97F4A7C15L;

  private final TrainerConfig cfg;
  private final SaeConfig model;
  private final int d;
  private final int n;
  private final SaeEngine engine;
  final SaeParameters params;
  private final SaeParameters grad;
  final Optimizer optimizer;
  Rng rng;
  final float[] rhoHat;
  private final float[] rhoNext;
  /** samples seen when latent j last fired. */
  final long[] lastFired;
  private final boolean[] dead;
  private final float[] noisy;
  private final float[] buffer;
  int buffered;
  long steps;
  long samplesSeen;
  long skippedBatches;
  long revivedLatents;
  boolean decoderBiasInitialised;
  private final TrainingStats stats;
  private final long[] firedBefore;
  private final float[] ones;
  private final float[] columnSums;
  /** Input normalisation (null when off); its statistics travel with checkpoints and models. */
  InputNormaliser normaliser;
  private final float[] normalised;
  private final float[] row;
  // the decoder-geometry statistic's cost against training's (wall clock; metrics only, not state)
  private double geometryBudget = GEOMETRY_BUDGET;
  private long trainingNanos;
  private long geometryNanos = -1; // -1: never taken

  /** A fresh model initialised from the configuration's seed. */
  public OnlineTrainer(TrainerConfig cfg, Gemm gemm) {
    this(cfg, gemm, true);
  }

  OnlineTrainer(TrainerConfig cfg, Gemm gemm, boolean initialise) {
    this.cfg = cfg;
    this.model = cfg.model();
    this.d = model.inputDim();
    this.n = model.latentDim();
    this.engine = new SaeEngine(model, gemm, cfg.batchSize());
    this.params = new SaeParameters(d, n);
    this.grad = new SaeParameters(d, n);
    int[] sizes = Arrays.stream(params.tensors()).mapToInt(t -> t.length).toArray();
    this.optimizer = new Optimizer(cfg.optimizer(), sizes);
    this.rhoHat = new float[n];
    this.rhoNext = new float[n];
    this.lastFired = new long[n];
    this.dead = new boolean[n];
    this.noisy = model.noise() == Noise.NONE ? null : new float[cfg.batchSize() * d];
    this.buffer = new float[cfg.batchSize() * d];
    this.stats = new TrainingStats(d, n);
    this.firedBefore = new long[n];
    this.ones = new float[cfg.batchSize()];
    Arrays.fill(ones, 1f);
    this.columnSums = new float[d];
    this.normaliser = cfg.normaliseInput() ? new InputNormaliser(d) : null;
    this.normalised = cfg.normaliseInput() ? new float[cfg.batchSize() * d] : null;
    this.row = new float[d];
    this.rng = new Rng(cfg.seed());
    if (initialise) {
      initialise();
    }
  }

  private void initialise() {
    Rng init = rng.split();
    // decoder directions: Gaussian, unit norm
    for (int j = 0; j < n; j++) {
      double s = 0;
      int o = j * d;
      for (int i = 0; i < d; i++) {
        float v = (float) init.nextGaussian();
        params.wDec[o + i] = v;
        s += (double) v * v;
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int i = 0; i < d; i++) {
        params.wDec[o + i] *= inv;
      }
    }
    if (cfg.tiedInit()) {
      System.arraycopy(params.wDec, 0, params.wEnc, 0, params.wEnc.length);
    } else {
      float scale = (float) (1 / Math.sqrt(d));
      for (int i = 0; i < params.wEnc.length; i++) {
        params.wEnc[i] = (float) init.nextGaussian() * scale;
      }
    }
    Arrays.fill(params.theta, model.jumpThreshold());
    Arrays.fill(rhoHat, model.klTarget());
    decoderBiasInitialised = cfg.decoderBiasInit() == DecoderBiasInit.ZERO;
  }

  public TrainerConfig config() {
    return cfg;
  }

  /**
   * Replica {@code replica} of a data-parallel group: the same seed-derived initial parameters as
   * every other replica (and as {@link #OnlineTrainer(TrainerConfig, Gemm)}), but, for replicas
   * other than 0, a random stream of its own for what happens after initialisation (denoising
   * masks, revival choices), so that replicas do not corrupt their inputs in lockstep. Replica 0
   * is the single trainer, bit for bit.
   */
  public static OnlineTrainer replica(TrainerConfig cfg, Gemm gemm, int replica) {
    if (replica < 0) {
      throw new IllegalArgumentException("replica must be >= 0, got " + replica);
    }
    OnlineTrainer t = new OnlineTrainer(cfg, gemm);
    if (replica > 0) {
      t.rng = new Rng(new Rng(cfg.seed() ^ REPLICA_SALT).split().nextLong() + replica * REPLICA_STRIDE);
    }
    return t;
  }

  /**
   * Takes the parameters of a synchronisation round's average in place of this replica's own;
   * everything else (optimiser moments, running activations, firing history, step count, random
   * state, a partial batch) stays local. A replica that has not initialised its decoder bias from
   * data yet counts it as initialised when the average differs from its own parameters: some other
   * replica has trained, so the average's b_dec is learnt from data.
   */
  public void adopt(SaeParameters average) {
    adopt(average, null);
  }

  /**
   * Takes a round's average, and with input normalisation also the replicas' merged input
   * statistics ({@code normaliser}, ignored when null or when this trainer does not normalise).
   */
  public void adopt(SaeParameters average, InputNormaliser merged) {
    if (!decoderBiasInitialised && !sameValues(params, average)) {
      decoderBiasInitialised = true;
    }
    params.copyFrom(average);
    if (normaliser != null && merged != null) {
      normaliser = merged.copy();
    }
  }

  /**
   * Takes a round's average late, keeping what this replica learnt since it contributed to that
   * round (overlapped rounds): parameters θ ← θ + (average − anchor), {@code anchor} being the
   * parameters it contributed, with decoder directions put back to unit norm when the model keeps
   * them so and JumpReLU thresholds kept at 0 or above; with input normalisation the statistics
   * move the same way ({@link InputNormaliser#rebase}). Optimiser moments and everything else stay local, as in {@link
   * #adopt}. With nothing trained since the contribution this is {@link #adopt} up to rounding.
   * An average equal to the anchor (one replica, or none trained) changes nothing, bit for bit;
   * so do statistics equal to the anchor's.
   *
   * @param anchorStatistics the input statistics contributed with {@code anchor} (null without
   *     normalisation)
   * @param merged the merged statistics published with {@code average} (null without)
   */
  public void rebase(SaeParameters anchor, SaeParameters average, InputNormaliser anchorStatistics,
      InputNormaliser merged) {
    if (anchor.inputDim() != params.inputDim() || anchor.latentDim() != params.latentDim()
        || average.inputDim() != params.inputDim() || average.latentDim() != params.latentDim()) {
      throw new IllegalArgumentException("the anchor and the average must have this trainer's shape d="
          + params.inputDim() + " n=" + params.latentDim());
    }
    if (normaliser != null && merged != null && anchorStatistics != null && !merged.equals(anchorStatistics)) {
      normaliser = normaliser.rebase(anchorStatistics, merged);
    }
    if (sameValues(anchor, average)) {
      return;
    }
    decoderBiasInitialised = true;
    float[][] p = params.tensors();
    float[][] a = average.tensors();
    float[][] c = anchor.tensors();
    for (int t = 0; t < p.length; t++) {
      float[] pt = p[t];
      float[] at = a[t];
      float[] ct = c[t];
      for (int i = 0; i < pt.length; i++) {
        pt[i] += at[i] - ct[i];
      }
    }
    params.inferenceThreshold += average.inferenceThreshold - anchor.inferenceThreshold;
    if (model.unitNormDecoder()) {
      normaliseDecoder(params);
    }
    if (model.activation() == Activation.JUMPRELU) {
      for (int j = 0; j < n; j++) {
        params.theta[j] = Math.max(params.theta[j], 0f);
      }
    }
  }

  private static boolean sameValues(SaeParameters a, SaeParameters b) {
    float[][] x = a.tensors();
    float[][] y = b.tensors();
    for (int t = 0; t < x.length; t++) {
      if (!Arrays.equals(x[t], y[t])) {
        return false;
      }
    }
    return Float.compare(a.inferenceThreshold, b.inferenceThreshold) == 0;
  }


  /** The live parameters (copy them before handing them to another thread). */
  public SaeParameters parameters() {
    return params;
  }

  public SaeEngine engine() {
    return engine;
  }

  public long steps() {
    return steps;
  }

  public long samplesSeen() {
    return samplesSeen;
  }

  public long skippedBatches() {
    return skippedBatches;
  }

  public long revivedLatents() {
    return revivedLatents;
  }

  /** Samples waiting for the next mini-batch. */
  public int buffered() {
    return buffered;
  }

  public TrainingStats stats() {
    return stats;
  }

  /** Running average activation ρ̂ per latent (live). */
  public float[] runningActivation() {
    return rhoHat;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Buffers one sample and trains when a full batch has accumulated.
   *
   * @return the step's result, or null when no step ran
   */
  public StepResult accept(float[] x) {
    if (x.length != d) {
      throw new IllegalArgumentException("expected a vector of dimension " + d + ", got "
          + x.length);
    }
    System.arraycopy(x, 0, buffer, buffered * d, d);
    buffered++;
    if (buffered == cfg.batchSize()) {
      return flush();
    }
    return null;
  }

  /** Trains on the buffered samples, a short batch if need be; null when none are buffered. */
  public StepResult flush() {
    if (buffered == 0) {
      return null;
    }
    int rows = buffered;
    buffered = 0;
    return trainBatch(buffer, rows);
  }

  /**
   * One optimisation step on {@code rows} samples.
   *
   * @param x rows×d, row-major. Not modified.
   */
  public StepResult trainBatch(float[] x, int rows) {
    long start = System.nanoTime();
    try {
      return step(x, rows);
    } finally {
      trainingNanos += System.nanoTime() - start;
    }
  }

  private StepResult step(float[] x, int rows) {
    if (rows < 1 || rows > cfg.batchSize()) {
      throw new IllegalArgumentException("rows must be in [1, " + cfg.batchSize() + "], got "
          + rows);
    }
    float[] raw = x;
    if (normaliser != null) {
      if (!allFinite(x, rows * d)) {
        // a NaN/Inf batch must not enter the running statistics
        skippedBatches++;
        return new StepResult(steps, rows, new LossParts(Double.NaN, 0, 0, 0), Double.NaN, true,
            0f);
      }
      // x′ = (x − μ)·s with the statistics updated by this batch; the model sees only x′
      normaliser.update(x, rows);
      normaliser.normalise(x, rows, normalised);
      x = normalised;
    }
    if (!decoderBiasInitialised) {
      if (!allFinite(x, rows * d)) {
        // a NaN/Inf batch must not initialise b_dec; later ones are caught by the loss check
        skippedBatches++;
        return new StepResult(steps, rows, new LossParts(Double.NaN, 0, 0, 0), Double.NaN, true,
            0f);
      }
      initialiseDecoderBias(x, rows);
    }
    float[] input = corrupt(x, rows);
    engine.forward(params, input, x, rows, true);
    engine.sparsityScale(cfg.sparsityScale(steps));
    // per-sample cosine, ‖x̂‖/‖x‖, ‖x̂‖², ⟨x̂, x⟩ in the input's units, before backward reuses x̂
    double[] recon = reconstructionSums(raw, rows);
    float[] rho = null;
    if (model.sparsity() == Sparsity.KL) {
      engine.batchMeanActivation(rhoNext);
      float a = model.klDecay();
      for (int j = 0; j < n; j++) {
        rhoNext[j] = a * rhoHat[j] + (1 - a) * rhoNext[j];
      }
      rho = rhoNext;
    }
    boolean[] deadMask = null;
    if (model.auxKEnabled()) {
      markDead();
      deadMask = dead;
    }
    LossParts loss = engine.backward(params, x, rho, deadMask, grad, null);
    if (model.unitNormDecoder()) {
      removeParallelComponent();
    }
    float[][] g = grad.tensors();
    double gradNorm = Optimizer.globalNorm(g);
    if (!loss.isFinite() || !Double.isFinite(gradNorm)) {
      skippedBatches++;
      return new StepResult(steps, rows, loss, gradNorm, true, 0f);
    }
    float lr = optimizer.apply(params.tensors(), g, gradNorm);
    afterUpdate();
    if (rho != null) {
      System.arraycopy(rhoNext, 0, rhoHat, 0, n);
    }
    // statistics and firing
    // Σ_b x_b as a product with a row of ones; Σ‖x‖² in one reduction over the batch
    engine.gemm().gemm(false, false, 1, d, rows, 1f, ones, 0, rows, raw, 0, d, 0f, columnSums, 0,
        d);
    double errors = engine.sumRowErrors();
    stats.addBatch(rows, columnSums, VectorOps.sumOfSquares(raw, 0, rows * d),
        normaliser == null ? errors : normaliser.toInputUnits(errors));
    stats.addReconstruction((long) recon[0], recon[1], recon[2], recon[3], recon[4]);
    System.arraycopy(stats.firedCounts(), 0, firedBefore, 0, n);
    stats.addActivePairs(engine.accumulateActivity(stats.activationSums(), stats.firedCounts()));
    long[] firedNow = stats.firedCounts();
    samplesSeen += rows;
    for (int j = 0; j < n; j++) {
      if (firedNow[j] != firedBefore[j]) {
        lastFired[j] = samplesSeen;
      }
    }
    stats.addLoss(rows, loss.reconstruction(), loss.sparsity(), loss.weightDecay(),
        loss.auxiliary());
    steps++;
    if (cfg.revival() == Revival.REINIT && steps % cfg.revivalInterval() == 0) {
      reinitialiseDead(x, rows);
    }
    return new StepResult(steps, rows, loss, gradNorm, false, lr);
  }

  /**
   * {samples with ‖x‖ > 0, Σ cos(x, x̂), Σ ‖x̂‖/‖x‖, Σ ‖x̂‖², Σ ⟨x̂, x⟩} over the batch, with x the
   * raw (clean) input and x̂ mapped back to the input's units.
   */
  private double[] reconstructionSums(float[] raw, int rows) {
    double[] s = new double[5];
    for (int b = 0; b < rows; b++) {
      engine.reconstruction(b, row);
      if (normaliser != null) {
        normaliser.denormalise(row, 0, row);
      }
      TrainingStats.accumulateRow(s, raw, b * d, row, 0, d);
    }
    return s;
  }

  private static boolean allFinite(float[] x, int len) {
    for (int i = 0; i < len; i++) {
      if (!Float.isFinite(x[i])) {
        return false;
      }
    }
    return true;
  }

  private float[] corrupt(float[] x, int rows) {
    if (model.noise() == Noise.NONE || model.noiseLevel() == 0f) {
      return x;
    }
    int len = rows * d;
    float level = model.noiseLevel();
    if (model.noise() == Noise.MASK) {
      for (int i = 0; i < len; i++) {
        noisy[i] = rng.nextFloat() < level ? 0f : x[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        noisy[i] = x[i] + level * (float) rng.nextGaussian();
      }
    }
    return noisy;
  }

  /** g_j ← g_j − (g_j·w_j)·w_j for every decoder direction (w_j unit norm). */
  private void removeParallelComponent() {
    float[] w = params.wDec;
    float[] g = grad.wDec;
    for (int j = 0; j < n; j++) {
      int o = j * d;
      float dot = VectorOps.dot(g, o, w, o, d);
      for (int i = 0; i < d; i++) {
        g[o + i] -= dot * w[o + i];
      }
    }
  }

  private void afterUpdate() {
    if (model.unitNormDecoder()) {
      normaliseDecoder(params);
    }
    if (model.activation() == Activation.JUMPRELU) {
      for (int j = 0; j < n; j++) {
        if (params.theta[j] < 0f) {
          params.theta[j] = 0f;
        }
      }
    }
    if (model.activation() == Activation.BATCH_TOPK) {
      float thr = engine.lastBatchThreshold();
      if (steps == 0 || params.inferenceThreshold == 0f) {
        params.inferenceThreshold = thr;
      } else {
        float a = model.thresholdDecay();
        params.inferenceThreshold = a * params.inferenceThreshold + (1 - a) * thr;
      }
    }
  }

  static void normaliseDecoder(SaeParameters p) {
    int d = p.inputDim();
    for (int j = 0; j < p.latentDim(); j++) {
      double norm = p.decoderNorm(j);
      if (norm > 0) {
        float inv = (float) (1 / norm);
        int o = j * d;
        for (int i = 0; i < d; i++) {
          p.wDec[o + i] *= inv;
        }
      }
    }
  }

  private void markDead() {
    for (int j = 0; j < n; j++) {
      dead[j] = samplesSeen - lastFired[j] >= cfg.deadWindow();
    }
  }

  /** Number of latents that have not fired in the last dead-window samples. */
  public int deadCount() {
    if (samplesSeen < cfg.deadWindow()) {
      return 0;
    }
    int c = 0;
    for (int j = 0; j < n; j++) {
      if (samplesSeen - lastFired[j] >= cfg.deadWindow()) {
        c++;
      }
    }
    return c;
  }

  public double deadFraction() {
    return (double) deadCount() / n;
  }

  /** Mean over latents of KL(ρ ‖ ρ̂_j) (NaN unless the model uses the KL penalty). */
  public double klToTarget() {
    if (model.sparsity() != Sparsity.KL) {
      return Double.NaN;
    }
    double rho = model.klTarget();
    double s = 0;
    for (int j = 0; j < n; j++) {
      double r = Math.min(Math.max(rhoHat[j], 1e-6), 1 - 1e-6);
      s += rho * Math.log(rho / r) + (1 - rho) * Math.log((1 - rho) / (1 - r));
    }
    return s / n;
  }

  /**
   * Statistics of the window, with the decoder's maximum pairwise cosine similarity within the
   * geometry budget ({@link #snapshot(boolean)}); taken when a model is published, not per step.
   */
  public StatsSnapshot snapshot() {
    return snapshot(true);
  }

  /**
   * Statistics of the window, with the decoder's maximum pairwise cosine similarity if {@code
   * geometry} is asked for and the statistic has so far taken no more than {@link
   * #geometryBudget(double) its budget} of this trainer's training time; NaN otherwise (the first
   * one asked for is always taken). It is O(n²·d): about 3 ms at d784·n256 but 320 ms at
   * d784·n4096 here, where a model published every 50 steps of 64 samples would otherwise spend a
   * third of its training time on it.
   */
  public StatsSnapshot snapshot(boolean geometry) {
    StatsSnapshot s = stats.snapshot(deadFraction(), cfg.denseThreshold(), klToTarget());
    if (!geometry || (geometryNanos >= 0 && geometryNanos > geometryBudget * trainingNanos)) {
      return s;
    }
    long start = System.nanoTime();
    double maxCosine = DecoderGeometry.maxCosine(params, engine.gemm());
    geometryNanos = Math.max(geometryNanos, 0) + System.nanoTime() - start;
    return s.withMaxDecoderCosine(maxCosine);
  }

  /**
   * Sets the share of the training time (wall clock, in {@link #trainBatch}) the decoder-geometry
   * statistic may take over this trainer's life; default {@value #GEOMETRY_BUDGET}.
   *
   * @param share at least 0 (0: only the first; infinity: every time it is asked for)
   */
  public void geometryBudget(double share) {
    if (!(share >= 0)) {
      throw new IllegalArgumentException("the geometry budget must be >= 0, got " + share);
    }
    this.geometryBudget = share;
  }

  /** Input normalisation statistics in use (null when off). Live: copy before sharing. */
  public InputNormaliser normaliser() {
    return normaliser;
  }

  /** The model to publish: a copy of the parameters and the normalisation, version = steps. */
  public SaeModel model() {
    return SaeModel.of(model, params, steps, normaliser);
  }

  private void initialiseDecoderBias(float[] x, int rows) {
    double[] mean = new double[d];
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < d; i++) {
        mean[i] += x[b * d + i];
      }
    }
    for (int i = 0; i < d; i++) {
      mean[i] /= rows;
    }
    double[] centre =
        cfg.decoderBiasInit() == DecoderBiasInit.GEOMETRIC_MEDIAN
            ? GeometricMedian.of(x, rows, d, mean, 100, 1e-6)
            : mean;
    for (int i = 0; i < d; i++) {
      params.bDec[i] = (float) centre[i];
    }
    decoderBiasInitialised = true;
  }

  /**
   * Re-initialises dead latents toward the worst-reconstructed samples of the current batch: the
   * decoder direction becomes the normalised residual, the encoder row the same direction scaled
   * to the mean encoder norm of live latents, the bias 0, and the optimiser moments of those rows
   * are reset.
   */
  private void reinitialiseDead(float[] x, int rows) {
    markDead();
    int deadNow = 0;
    for (boolean b : dead) {
      if (b) {
        deadNow++;
      }
    }
    if (deadNow == 0) {
      return;
    }
    // recompute reconstructions of this batch with the updated parameters
    engine.forward(params, x, x, rows, false);
    Integer[] byError = new Integer[rows];
    for (int b = 0; b < rows; b++) {
      byError[b] = b;
    }
    Arrays.sort(byError, (p, q) -> Float.compare(engine.rowError(q), engine.rowError(p)));
    double encNorm = 0;
    int live = 0;
    for (int j = 0; j < n; j++) {
      if (!dead[j]) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += (double) params.wEnc[j * d + i] * params.wEnc[j * d + i];
        }
        encNorm += Math.sqrt(s);
        live++;
      }
    }
    // the encoder row starts small (0.2 × the mean live encoder norm, as in Bricken et al. 2023):
    // a revived latent must earn its place; at full scale it floods the top-k of many inputs
    float encScale = (float) (live > 0 ? REVIVED_ENCODER_SCALE * encNorm / live : 1.0);
    float[] rec = new float[d];
    int next = 0;
    for (int j = 0; j < n; j++) {
      if (!dead[j]) {
        continue;
      }
      int b = byError[next % rows];
      next++;
      engine.reconstruction(b, rec);
      double s = 0;
      for (int i = 0; i < d; i++) {
        rec[i] = x[b * d + i] - rec[i];
        s += (double) rec[i] * rec[i];
      }
      if (s == 0) {
        continue;
      }
      float inv = (float) (1 / Math.sqrt(s));
      int o = j * d;
      for (int i = 0; i < d; i++) {
        params.wDec[o + i] = rec[i] * inv;
        params.wEnc[o + i] = rec[i] * inv * encScale;
      }
      params.bEnc[j] = 0f;
      optimizer.resetRange(SaeParameters.W_ENC, o, d);
      optimizer.resetRange(SaeParameters.W_DEC, o, d);
      optimizer.resetRange(SaeParameters.B_ENC, j, 1);
      optimizer.resetRange(SaeParameters.THETA, j, 1);
      lastFired[j] = samplesSeen; // a fresh grace period
      revivedLatents++;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // checkpoints

  /** The whole trainer state as bytes (see {@link Checkpoints}). */
  public byte[] checkpoint() {
    return Checkpoints.write(this);
  }

  /** A trainer restored from {@link #checkpoint()} bytes, using the given GEMM backend. */
  public static OnlineTrainer restore(byte[] checkpoint, Gemm gemm) {
    return Checkpoints.read(checkpoint, gemm);
  }

  float[] bufferArray() {
    return buffer;
  }
}
