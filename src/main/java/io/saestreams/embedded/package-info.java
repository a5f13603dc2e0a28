/**
 * An in-process, single-node Apache Kafka cluster for the {@code demo} command and for integration
 * tests.
 *
 * <p>{@link io.saestreams.embedded.EmbeddedKafkaBroker} formats a fresh log directory in a temporary
 * folder the way {@code kafka-storage.sh format} does (a random cluster id, the latest production
 * {@code metadata.version} and the feature levels that belong to it), then runs Kafka's own
 * {@code kafka.server.KafkaRaftServer} in combined mode ({@code process.roles=broker,controller}) on
 * two free loopback ports. Every internal topic uses replication factor 1 and a minimum ISR of 1, so
 * consumer groups, transactions and Kafka Streams with {@code exactly_once_v2} all work on the single
 * node. {@code start()} only returns once an {@link org.apache.kafka.clients.admin.Admin} client sees
 * the node and a probe topic could be created with a leader; {@code close()} shuts the server down,
 * waits for it and deletes the temporary folder (a JVM shutdown hook does the same if {@code close()}
 * is never called). While a broker runs, Kafka's process-terminating fault handler cannot end the
 * host JVM. {@link io.saestreams.embedded.KnownKafkaNoiseFilter} keeps two harmless warnings of every
 * start and stop off the console.
 */
package io.saestreams.embedded;
