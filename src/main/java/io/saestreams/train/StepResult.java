package io.saestreams.train;

import io.saestreams.model.LossParts;

/**
 * What one training step did.
 *
 * @param step steps completed after this one (unchanged when skipped)
 * @param rows samples in the batch
 * @param loss loss by component, before the update
 * @param gradientNorm global gradient norm before clipping
 * @param skipped true when the loss or gradient was NaN/Inf and the model was left unchanged
 * @param learningRate the learning rate used (0 when skipped)
 */
public record StepResult(
    long step, int rows, LossParts loss, double gradientNorm, boolean skipped, float learningRate) {}
