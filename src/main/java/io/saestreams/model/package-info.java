/**
 * The sparse autoencoder as pure mathematics: configuration, parameters, the batched forward and
 * backward passes ({@link io.saestreams.model.SaeEngine}) for every activation (sigmoid, ReLU,
 * TopK, BatchTopK, JumpReLU) and penalty (L1, KL toward a target with running average
 * activations, weight decay, AuxK), the optimisers (SGD, momentum, RMSprop, Adam), and the
 * immutable, versioned {@link io.saestreams.model.SaeModel} used for inference. Imports only the
 * JDK, EJML and the BLAS library ({@code linalg}); no Kafka, Avro or Micrometer.
 */
package io.saestreams.model;
