/**
 * A self-contained implementation of the Confluent Schema Registry REST API subset that the
 * streams application needs, for Avro schemas only. {@link io.saestreams.registry.SchemaRegistryClient}
 * talks to any Confluent-compatible registry over {@code java.net.http} with caching, retries
 * within a time budget (exponential backoff with jitter), a registry-fault reading of unknown
 * schema ids unless the registry confirms them bogus,
 * fail-over between several base URLs, basic authentication and TLS;
 * {@link io.saestreams.registry.EmbeddedSchemaRegistry} is an in-process server on the JDK's
 * HTTP server that speaks the same JSON dialect (field names, error codes, compatibility levels), so
 * that tests, demos and third-party Confluent clients can run without a separate registry process.
 * Schema identity throughout the package is decided by {@link io.saestreams.registry.SchemaIdentity}.
 */
package io.saestreams.registry;
