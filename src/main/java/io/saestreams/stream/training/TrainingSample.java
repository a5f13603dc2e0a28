package io.saestreams.stream.training;

import io.saestreams.stream.validate.ValidInput;

/**
 * One sample on its way to the trainer.
 *
 * @param id the input's id
 * @param timestamp the input's event time, epoch milliseconds
 * @param values the vector; do not modify
 * @param source where the input is in the input topic, or {@code null} when unknown; the replay
 *     store keeps only this reference, and the sample itself when there is none
 */
public record TrainingSample(String id, long timestamp, float[] values, InputRef source) {
  public static TrainingSample of(ValidInput input, InputRef source) {
    return new TrainingSample(input.id(), input.timestamp(), input.values(), source);
  }
}
