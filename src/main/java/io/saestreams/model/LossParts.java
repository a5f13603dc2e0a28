package io.saestreams.model;

/**
 * The loss of one mini-batch by component.
 *
 * @param reconstruction (1/B)·Σ_b ‖x̂_b − x_b‖² (with Matryoshka prefixes: its mean over the
 *     prefixes)
 * @param sparsity the L1, KL or tanh-L0 penalty (already weighted)
 * @param weightDecay (λ/2)(‖W_enc‖² + ‖W_dec‖²)
 * @param auxiliary the weighted AuxK loss
 */
public record LossParts(double reconstruction, double sparsity, double weightDecay, double auxiliary) {
  public static final LossParts ZERO = new LossParts(0, 0, 0, 0);

  public double total() {
    return reconstruction + sparsity + weightDecay + auxiliary;
  }

  public boolean isFinite() {
    return Double.isFinite(total());
  }
}
