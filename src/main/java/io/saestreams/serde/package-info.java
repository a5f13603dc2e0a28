/**
 * Kafka serializers and deserializers for Avro records in the Confluent wire format: one magic
 * byte {@code 0}, the writer schema's registry id as a 4-byte big-endian integer, then the Avro
 * binary encoding. {@link io.saestreams.serde.AvroSerializer} registers (or looks up) the writer
 * schema under the topic's subject and caches the id; {@link io.saestreams.serde.AvroDeserializer}
 * fetches writer schemas by id and resolves them against the reader schema, so records written
 * with an evolved, compatible schema still decode. Every decoding failure is an
 * {@link io.saestreams.serde.AvroDecodeException} carrying a stable
 * {@link io.saestreams.serde.DecodeFailure} code meant for dead-letter routing; only the codes
 * whose {@code isPoisonPayload()} is true blame the bytes. A schema id the registry does not know
 * blames them only when the registry, healthy, knows a higher id; an empty, reset, wrong or
 * unreachable registry is a registry fault ({@code UNCONFIRMED_SCHEMA_ID},
 * {@code REGISTRY_UNAVAILABLE}) after the client's retry budget, on which processing stops.
 */
package io.saestreams.serde;
