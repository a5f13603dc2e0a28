package io.saestreams.stream.score;

import io.saestreams.stream.anomaly.AnomalyVerdict;
import io.saestreams.stream.validate.ValidInput;

/**
 * One input after encoding: its sparse code, reconstruction and error, and (after the anomaly
 * step) the detector's verdict.
 *
 * @param input the validated input
 * @param modelVersion the version that encoded it
 * @param latentDim the model's number of latents
 * @param indices active latents
 * @param values their activations, aligned
 * @param reconstruction x̂
 * @param error ‖x − x̂‖² / d
 * @param verdict null until the anomaly step
 */
public record Scored(
    ValidInput input,
    long modelVersion,
    int latentDim,
    int[] indices,
    float[] values,
    float[] reconstruction,
    double error,
    AnomalyVerdict verdict) {

  public Scored withVerdict(AnomalyVerdict v) {
    return new Scored(input, modelVersion, latentDim, indices, values, reconstruction, error, v);
  }
}
