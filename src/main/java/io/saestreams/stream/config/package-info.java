/**
 * The application's configuration: every key defined once in a Kafka {@link
 * org.apache.kafka.common.config.ConfigDef} with its type, default, validator, importance and
 * documentation; loaded from properties plus {@code SAE_*} environment overrides, checked for
 * unknown keys, and turned into the Kafka Streams properties and the model and trainer settings.
 */
package io.saestreams.stream.config;
