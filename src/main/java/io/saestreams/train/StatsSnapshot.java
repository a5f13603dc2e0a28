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
    double[] meanActivation) {

  public double explainedVariance() {
    return 1 - fvu;
  }

  public double totalLoss() {
    return reconstructionLoss + sparsityLoss + weightDecayLoss + auxLoss;
  }
}
