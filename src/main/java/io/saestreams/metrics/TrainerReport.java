package io.saestreams.metrics;

import io.saestreams.train.StatsSnapshot;

/**
 * What the trainer running in this process last reported, when it published a model version: the
 * version, its statistics window at that version and its dead-latent count. Read by live queries
 * ({@code GET /model}, {@code GET /latents/{j}}); only the instance that runs (or ran) the trainer
 * task has one.
 *
 * @param version the model version the trainer published with these statistics
 * @param stats the statistics window (do not modify its arrays)
 * @param deadLatents latents that had not fired within the dead window
 */
public record TrainerReport(long version, StatsSnapshot stats, int deadLatents) {}
