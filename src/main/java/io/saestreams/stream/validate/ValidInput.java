package io.saestreams.stream.validate;

import java.util.Map;

/**
 * An input that passed validation.
 *
 * @param id the producer's id
 * @param timestamp event time, epoch milliseconds
 * @param values the vector (finite, of the model's dimension); do not modify
 * @param attributes the producer's attributes, or null
 */
public record ValidInput(String id, long timestamp, float[] values, Map<String, String> attributes) {}
