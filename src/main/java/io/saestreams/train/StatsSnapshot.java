package io.saestreams.train;

/**
 * Statistics over a window of training, computed from running sums.
 *
 * @param samples samples in the window
 * @param batches mini-batches in the window
 * @param fvu Σ‖x − x̂‖² / Σ‖x − x̄‖² (explained variance = 1 − fvu)
 * @param mse mean squared error per coordinate
 * @param l0 mean number of active latents per sample
 * @param deadFraction latents that have not fired within the dead window
 * @param denseFraction latents firing on more than the dense threshold of samples
 * @param klToTarget mean over latents of KL(ρ ‖ ρ̂_j) (NaN when not a KL model)
 * @param reconstructionLoss mean reconstruction loss per sample
 * @param sparsityLoss mean sparsity penalty
 * @param weightDecayLoss mean weight-decay term
 * @param auxLoss mean AuxK loss
 * @param firingFrequency per latent
 * @param meanActivation per latent
 * @param cosineSimilarity mean over samples of cos(x, x̂) (SAEBench cossim)
 * @param l2Ratio mean over samples of ‖x̂‖/‖x‖ (SAEBench l2_ratio)
 * @param relativeReconstructionBias Σ‖x̂‖² / Σ⟨x̂, x⟩ (SAEBench relative_reconstruction_bias)
 * @param firingAbove1Percent fraction of latents firing on more than 1 % of samples
 * @param firingAbove10Percent fraction of latents firing on more than 10 % of samples
 * @param log10DensityHistogram fraction of latents per bin of log10 firing density (bins {@link
 *     TrainingStats#LOG10_DENSITY_BINS})
 * @param meanLog10Density mean log10 firing density of the latents that fired
 * @param maxDecoderCosine max cosine similarity of two distinct decoder directions (NaN unless
 *     taken: when a model is published, or by one data-parallel replica a round)
 */
public record StatsSnapshot(
    long samples,
    long batches,
    double fvu,
    double mse,
    double l0,
    double deadFraction,
    double denseFraction,
    double klToTarget,
    double reconstructionLoss,
    double sparsityLoss,
    double weightDecayLoss,
    double auxLoss,
    double[] firingFrequency,
    double[] meanActivation,
    double cosineSimilarity,
    double l2Ratio,
    double relativeReconstructionBias,
    double firingAbove1Percent,
    double firingAbove10Percent,
    double[] log10DensityHistogram,
    double meanLog10Density,
    double maxDecoderCosine) {

  /** Without the SAEBench reconstruction and density metrics (NaN). */
  public StatsSnapshot(long samples, long batches, double fvu, double mse, double l0,
      double deadFraction, double denseFraction, double klToTarget, double reconstructionLoss,
      double sparsityLoss, double weightDecayLoss, double auxLoss, double[] firingFrequency,
      double[] meanActivation) {
    this(samples, batches, fvu, mse, l0, deadFraction, denseFraction, klToTarget,
        reconstructionLoss, sparsityLoss, weightDecayLoss, auxLoss, firingFrequency,
        meanActivation, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        new double[TrainingStats.LOG10_DENSITY_BINS.length], Double.NaN, Double.NaN);
  }

  /** This snapshot with the decoder's max pairwise cosine similarity. */
  public StatsSnapshot withMaxDecoderCosine(double value) {
    return new StatsSnapshot(samples, batches, fvu, mse, l0, deadFraction, denseFraction,
        klToTarget, reconstructionLoss, sparsityLoss, weightDecayLoss, auxLoss, firingFrequency,
        meanActivation, cosineSimilarity, l2Ratio, relativeReconstructionBias,
        firingAbove1Percent, firingAbove10Percent, log10DensityHistogram, meanLog10Density,
        value);
  }

  public double explainedVariance() {
    return 1 - fvu;
  }

  public double totalLoss() {
    return reconstructionLoss + sparsityLoss + weightDecayLoss + auxLoss;
  }
}
