/**
 * Data-parallel training ({@code train.mode=data-parallel}): a replica of the trainer in the task
 * of every input partition ({@link io.saestreams.stream.sync.ReplicaProcessor}), synchronous
 * rounds of local steps, and one aggregator ({@link io.saestreams.stream.sync.SyncAggregator})
 * that averages each round's contributions and publishes the average as the next model version.
 */
package io.saestreams.stream.sync;
