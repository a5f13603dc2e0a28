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
        freq, mean);
  }
}
