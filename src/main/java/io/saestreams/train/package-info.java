/**
 * Online training: {@link io.saestreams.train.OnlineTrainer} learns from mini-batches in arrival
 * order with the SAE hygiene of current practice (tied initialisation, unit-norm decoder, data
 * initialised decoder bias, dead-latent detection and revival), skips non-finite batches,
 * computes statistics from running sums, and saves its whole state in versioned checkpoints that
 * resume bit for bit. Imports only the JDK, EJML and {@code model}.
 */
package io.saestreams.train;
