/**
 * The embedded Confluent-API schema registry behind {@link
 * io.saestreams.registry.EmbeddedSchemaRegistry}: {@link io.saestreams.registry.server.RegistryServer}
 * does the HTTP (authentication, body limit, routing, error JSON), one handler per resource —
 * subjects, schemas, config, compatibility, as in Confluent's own API — translates requests, and
 * {@code RegistryStore} holds the state and Confluent's rules for ids, versions, deletes,
 * references and compatibility. Only {@code RegistryServer} is public.
 */
package io.saestreams.registry.server;
