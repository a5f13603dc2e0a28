/**
 * The scoring path, on every partition of every instance: encode each valid input with the newest
 * complete model version from the global store ({@link io.saestreams.stream.score.ScoringProcessor}),
 * judge its reconstruction error with a per-partition adaptive threshold ({@link
 * io.saestreams.stream.score.AnomalyProcessor}), and map the result to the output records.
 */
package io.saestreams.stream.score;
