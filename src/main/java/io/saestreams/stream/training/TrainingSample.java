package io.saestreams.stream.training;

import io.saestreams.stream.validate.ValidInput;

/**
 * One sample on its way to the trainer.
 *
 * @param id the input's id
 * @param timestamp the input's event time, epoch milliseconds
 * @param values the vector; do not modify
 */
public record TrainingSample(String id, long timestamp, float[] values) {
  public static TrainingSample of(ValidInput input) {
    return new TrainingSample(input.id(), input.timestamp(), input.values());
  }
}
