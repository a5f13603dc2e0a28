package io.saestreams.stream.score;

import io.saestreams.stream.anomaly.AnomalyVerdict;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.validate.ValidInput;
import java.util.function.Supplier;

/**
 * One input after encoding: its sparse code, reconstruction and error, and (after the anomaly
 * step) the detector's verdict.
 *
 * @param input the validated input
 * @param source its record in the input topic (for the training path's replay log), or null
 * @param modelVersion the version that encoded it
 * @param latentDim the model's number of latents
 * @param indices active latents
 * @param values their activations, aligned
 * @param reconstructionSource x̂, on demand (see {@link #reconstruction()})
 * @param error ‖x − x̂‖² / d
 * @param shadowVersion a newer version that scored the input alongside, during its handover; −1
 *     when none did
 * @param shadowError the error under {@code shadowVersion}; NaN when none
 * @param verdict null until the anomaly step
 * @param lastOfBatch whether it is the last input the scorer forwards in one go (one processing
 *     call: Kafka Streams commits only between such calls), so that the anomaly step saves its
 *     state once per batch rather than once per input
 */
public record Scored(
    ValidInput input,
    InputRef source,
    long modelVersion,
    int latentDim,
    int[] indices,
    float[] values,
    Supplier<float[]> reconstructionSource,
    double error,
    long shadowVersion,
    double shadowError,
    AnomalyVerdict verdict,
    boolean lastOfBatch) {

  public Scored withVerdict(AnomalyVerdict v) {
    return new Scored(input, source, modelVersion, latentDim, indices, values, reconstructionSource, error,
        shadowVersion, shadowError, v, lastOfBatch);
  }

  /**
   * x̂, in the input's units. The scorer computes it only when asked (an alert's explanation),
   * from its batch's results, so only while the input is being forwarded; later it throws {@link
   * IllegalStateException}.
   */
  public float[] reconstruction() {
    return reconstructionSource.get();
  }
}
