/**
 * The training path: deterministic sampling of valid inputs, the compact binary form they take
 * through the single-partition {@code training} topic, and the {@link
 * io.saestreams.stream.training.TrainerProcessor} that trains one model in arrival order, keeps its
 * state in changelogged stores (a chunked checkpoint plus the samples accepted since), resumes
 * exactly after a restart, and publishes model versions as chunks.
 */
package io.saestreams.stream.training;
