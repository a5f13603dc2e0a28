/**
 * The first step of the topology: decode each input record, check it (dimension, finite values,
 * non-empty), and either pass it on as a {@link io.saestreams.stream.validate.ValidInput} or send
 * its original bytes to the dead-letter topic with {@code sae.dlq.*} headers saying why. A
 * failure of the schema registry itself is not the record's fault and stops processing instead.
 */
package io.saestreams.stream.validate;
