package io.saestreams.train;

import java.util.Arrays;

/**
 * Learning and sparsity statistics from running sums, never averages of per-sample ratios: FVU
 * is Σ‖x − x̂‖² / Σ‖x − x̄‖² over all samples seen since the last reset, L0 is active (sample,
 * latent) pairs over samples, firing frequency is firings over samples.
 *
 * <p>Not thread-safe; {@link #snapshot} gives an immutable copy.
 */
public final class TrainingStats {
  private final int inputDim;
  private final int latentDim;
  private long samples;
  private long batches;
  private double sumSquaredError;
  private double sumSquaredNorm;
  private final double[] sumX;
  private long activePairs;
  private final long[] fired;
  private final double[] activationSum;
  private double sumReconLoss;
  private double sumSparsityLoss;
  private double sumWeightDecayLoss;
  private double sumAuxLoss;
  // SAEBench core metrics: per-sample cosine and norm ratio (means over samples), Σ‖x̂‖², Σ⟨x̂, x⟩
  private long normSamples;
  private double sumCosine;
  private double sumL2Ratio;
  private double sumReconNormSq;
  private double sumReconDot;

  public TrainingStats(int inputDim, int latentDim) {
    this.inputDim = inputDim;
    this.latentDim = latentDim;
    sumX = new double[inputDim];
    fired = new long[latentDim];
    activationSum = new double[latentDim];
  }

  /** Adds one sample's input and squared reconstruction error. */
  public void addSample(float[] x, int offset, double squaredError) {
    samples++;
    sumSquaredError += squaredError;
    double sq = 0;
    for (int i = 0; i < inputDim; i++) {
      double v = x[offset + i];
      sumX[i] += v;
      sq += v * v;
    }
    sumSquaredNorm += sq;
  }

  /**
   * Adds a batch: {@code rows} samples with their coordinate sums, Σ‖x‖² and Σ‖x − x̂‖².
   *
   * @param columnSums Σ_b x_b, length d. Not modified.
   */
  public void addBatch(int rows, float[] columnSums, double squaredNorms, double squaredErrors) {
    samples += rows;
    sumSquaredError += squaredErrors;
    sumSquaredNorm += squaredNorms;
    for (int i = 0; i < inputDim; i++) {
      sumX[i] += columnSums[i];
    }
  }

  /**
   * Adds a batch's reconstruction sums: over its samples with ‖x‖ > 0 ({@code samples} of them)
   * Σ cos(x, x̂) (0 when x̂ = 0) and Σ ‖x̂‖/‖x‖; over all its samples Σ‖x̂‖² and Σ⟨x̂, x⟩.
   */
  public void addReconstruction(long samples, double cosines, double l2Ratios,
      double reconSquaredNorms, double reconDots) {
    normSamples += samples;
    sumCosine += cosines;
    sumL2Ratio += l2Ratios;
    sumReconNormSq += reconSquaredNorms;
    sumReconDot += reconDots;
  }

  /**
   * Adds one sample's reconstruction (both in the input's units) to the SAEBench sums.
   *
   * @param x the input, from {@code xOff}. Not modified.
   * @param xhat its reconstruction, from {@code hOff}. Not modified.
   */
  public void addReconstructionRow(float[] x, int xOff, float[] xhat, int hOff) {
    double[] sums = new double[5];
    accumulateRow(sums, x, xOff, xhat, hOff, inputDim);
    addReconstruction((long) sums[0], sums[1], sums[2], sums[3], sums[4]);
  }

  /**
   * Adds one sample to {@code sums} = {samples with ‖x‖ > 0, Σ cos(x, x̂) (0 when x̂ = 0),
   * Σ ‖x̂‖/‖x‖, Σ‖x̂‖², Σ⟨x̂, x⟩}, the arguments of {@link #addReconstruction}.
   */
  static void accumulateRow(double[] sums, float[] x, int xOff, float[] xhat, int hOff, int d) {
    double xx = 0;
    double hh = 0;
    double xh = 0;
    for (int i = 0; i < d; i++) {
      double xv = x[xOff + i];
      double hv = xhat[hOff + i];
      xx += xv * xv;
      hh += hv * hv;
      xh += xv * hv;
    }
    sums[3] += hh;
    sums[4] += xh;
    if (xx > 0) {
      sums[0]++;
      sums[1] += hh > 0 ? xh / Math.sqrt(xx * hh) : 0;
      sums[2] += Math.sqrt(hh / xx);
    }
  }

  /** Adds one sample's code: its {@code count} active latents and their values. */
  public void addCode(int[] latents, float[] values, int count) {
    activePairs += count;
    for (int t = 0; t < count; t++) {
      fired[latents[t]]++;
      activationSum[latents[t]] += values[t];
    }
  }

  /** Per-latent sums to add into; the caller also reports the active pairs. */
  double[] activationSums() {
    return activationSum;
  }

  long[] firedCounts() {
    return fired;
  }

  void addActivePairs(long n) {
    activePairs += n;
  }

  /** Adds one sample's number of active latents (for L0 when firing is not tracked per latent). */
  public void addActive(int count) {
    activePairs += count;
  }

  /** Adds one batch's loss components, each a mean over its {@code rows} samples. */
  public void addLoss(int rows, double recon, double sparsity, double weightDecay, double aux) {
    batches++;
    sumReconLoss += recon * rows;
    sumSparsityLoss += sparsity * rows;
    sumWeightDecayLoss += weightDecay * rows;
    sumAuxLoss += aux * rows;
  }

  public void reset() {
    samples = 0;
    batches = 0;
    sumSquaredError = 0;
    sumSquaredNorm = 0;
    Arrays.fill(sumX, 0);
    activePairs = 0;
    Arrays.fill(fired, 0);
    Arrays.fill(activationSum, 0);
    sumReconLoss = 0;
    sumSparsityLoss = 0;
    sumWeightDecayLoss = 0;
    sumAuxLoss = 0;
    normSamples = 0;
    sumCosine = 0;
    sumL2Ratio = 0;
    sumReconNormSq = 0;
    sumReconDot = 0;
  }

  public long samples() {
    return samples;
  }

  /** Fraction of variance unexplained; NaN before two distinct samples. */
  public double fvu() {
    if (samples == 0) {
      return Double.NaN;
    }
    double meanSq = 0;
    for (double s : sumX) {
      meanSq += s * s;
    }
    double totalVariance = sumSquaredNorm - meanSq / samples;
    return totalVariance > 0 ? sumSquaredError / totalVariance : Double.NaN;
  }

  public double mse() {
    return samples == 0 ? Double.NaN : sumSquaredError / ((double) samples * inputDim);
  }

  public double l0() {
    return samples == 0 ? Double.NaN : (double) activePairs / samples;
  }

  public double firingFrequency(int j) {
    return samples == 0 ? Double.NaN : (double) fired[j] / samples;
  }

  public double meanActivation(int j) {
    return samples == 0 ? Double.NaN : activationSum[j] / samples;
  }

  /** Fraction of latents firing on more than {@code threshold} of samples. */
  public double denseFraction(double threshold) {
    if (samples == 0) {
      return Double.NaN;
    }
    int c = 0;
    for (long f : fired) {
      if ((double) f / samples > threshold) {
        c++;
      }
    }
    return (double) c / latentDim;
  }

  /** SAEBench's cossim: the mean over samples of cos(x, x̂). */
  public double cosineSimilarity() {
    return normSamples == 0 ? Double.NaN : sumCosine / normSamples;
  }

  /** SAEBench's l2_ratio: the mean over samples of ‖x̂‖/‖x‖. */
  public double l2Ratio() {
    return normSamples == 0 ? Double.NaN : sumL2Ratio / normSamples;
  }

  /**
   * Relative reconstruction bias γ = argmin_γ Σ‖x̂/γ − x‖² = Σ‖x̂‖² / Σ⟨x̂, x⟩ (Rajamanoharan et
   * al. 2024, SAEBench's relative_reconstruction_bias): 1 unbiased, below 1 shrinkage.
   */
  public double relativeReconstructionBias() {
    return sumReconDot == 0 ? Double.NaN : sumReconNormSq / sumReconDot;
  }

  /** Lower edges of the log10 firing-density bins after the first (dead) bin. */
  public static final double[] LOG10_DENSITY_EDGES = {Double.NEGATIVE_INFINITY, -5, -4, -3, -2, -1};

  /** Names of the bins of {@link #log10DensityHistogram}: a dead bin, then by lower edge. */
  public static final String[] LOG10_DENSITY_BINS = {
    "dead", "below 1e-5", "1e-5 to 1e-4", "1e-4 to 1e-3", "1e-3 to 1e-2", "1e-2 to 1e-1",
    "1e-1 to 1"
  };

  /**
   * Fraction of latents per bin of log10(firing density): the first bin holds latents that never
   * fired in the window, the others (−∞, −5), [−5, −4), …, [−1, 0]. Sums to 1 (NaN before samples).
   */
  public double[] log10DensityHistogram() {
    double[] h = new double[LOG10_DENSITY_BINS.length];
    if (samples == 0) {
      Arrays.fill(h, Double.NaN);
      return h;
    }
    for (long f : fired) {
      if (f == 0) {
        h[0]++;
        continue;
      }
      double lg = Math.log10((double) f / samples);
      int bin = 1;
      for (int e = LOG10_DENSITY_EDGES.length - 1; e >= 1; e--) {
        if (lg >= LOG10_DENSITY_EDGES[e]) {
          bin = e + 1;
          break;
        }
      }
      h[bin]++;
    }
    for (int i = 0; i < h.length; i++) {
      h[i] /= latentDim;
    }
    return h;
  }

  /** Mean over latents that fired of log10(firing density); NaN when none fired. */
  public double meanLog10Density() {
    double s = 0;
    int c = 0;
    for (long f : fired) {
      if (f > 0) {
        s += Math.log10((double) f / samples);
        c++;
      }
    }
    return c == 0 ? Double.NaN : s / c;
  }

  public StatsSnapshot snapshot(double deadFraction, double denseThreshold, double klToTarget) {
    double[] freq = new double[latentDim];
    double[] mean = new double[latentDim];
    for (int j = 0; j < latentDim; j++) {
      freq[j] = firingFrequency(j);
      mean[j] = meanActivation(j);
    }
    double n = Math.max(samples, 1);
    return new StatsSnapshot(
        samples, batches, fvu(), mse(), l0(), deadFraction, denseFraction(denseThreshold),
        klToTarget, sumReconLoss / n, sumSparsityLoss / n, sumWeightDecayLoss / n, sumAuxLoss / n,
        freq, mean, cosineSimilarity(), l2Ratio(), relativeReconstructionBias(),
        denseFraction(0.01), denseFraction(0.1), log10DensityHistogram(), meanLog10Density(),
        Double.NaN);
  }
}
