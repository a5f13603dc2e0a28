package io.saestreams.registry;

import io.saestreams.registry.server.RegistryServer;

/**
 * An in-process Schema Registry speaking the Confluent REST API (Avro only), bound to
 * {@code 127.0.0.1}. State lives in memory and is lost on {@link #close()}. The implementation is
 * in {@link io.saestreams.registry.server}, one handler per resource as in Confluent's own layout.
 *
 * <p>Endpoints: {@code GET /subjects}, {@code GET|POST /subjects/{s}/versions},
 * {@code POST|DELETE /subjects/{s}}, {@code GET|DELETE /subjects/{s}/versions/{v|latest}},
 * {@code GET /subjects/{s}/versions/{v}/schema} and {@code /referencedby},
 * {@code GET /schemas/ids/{id}} (and {@code /schema}, {@code /versions}, {@code /subjects} below
 * it), {@code GET /schemas/types}, {@code GET|PUT|DELETE /config},
 * {@code GET|PUT|DELETE /config/{s}}, {@code POST /compatibility/subjects/{s}/versions[/{v|latest}]}.
 *
 * <p>Where a Confluent client can tell, the behaviour is Confluent's (6 and later):
 *
 * <ul>
 *   <li><b>Ids and versions.</b> One id per distinct schema (its text as Avro renders it, plus its
 *       references) across all subjects, global and increasing from 1; registering a schema the
 *       subject already holds returns its id without a new version. The registry is always in
 *       Confluent's READWRITE mode (there is no {@code /mode} and no IMPORT mode): an explicit
 *       {@code id} in a register request is honoured only when the subject already holds that schema
 *       under that id, and refused with 42205 otherwise; an explicit {@code version} must be the
 *       subject's next version number (or the version that already holds the schema), else 42201
 *       "Version is not one more than previous version".
 *   <li><b>Deletes.</b> {@code DELETE} of a version or subject is a soft delete; soft-deleted
 *       versions disappear from every read unless {@code ?deleted=true}. {@code ?permanent=true}
 *       removes what was soft-deleted first and refuses live data (40407 for a version, 40405 for a
 *       subject); soft-deleting twice is 40406 / 40404; deleting a version another live schema
 *       references is 42206. {@code GET /schemas/ids/{id}} keeps answering while any version, live or
 *       soft-deleted, holds the id, and 40403 after the last one is permanently deleted; the id
 *       stays reserved, so registering the same schema again gets it back.
 *   <li><b>Normalisation.</b> {@code ?normalize=true} on register and lookup stores and compares the
 *       schema in a normal form: Avro's rendering of the parsed schema (whitespace, attribute order
 *       and namespace style already fixed by it) with custom properties sorted by name, JSON objects
 *       in them and in defaults sorted by key, and aliases sorted. Field, enum-symbol and union-branch
 *       order are kept, as in Confluent's Avro normalisation, because they are part of the schema.
 *       Without it, texts that differ only in the order of custom properties get different ids.
 *   <li><b>References.</b> Supported for Avro: each {@code {"name", "subject", "version"}} must name
 *       a registered version (soft-deleted allowed; {@code -1} means the latest live one and is
 *       stored resolved), and the schema is parsed with every named type defined there known. The
 *       stored text names referenced types instead of inlining them, and the references are returned
 *       with the schema. An unknown reference or a conflicting definition is 42201.
 *   <li><b>Compatibility.</b> BACKWARD: the new schema reads data written with the old; FORWARD:
 *       the old schemas read data written with the new; FULL: both; {@code _TRANSITIVE} against
 *       every live version instead of the latest. {@code /compatibility/.../versions/latest} (or
 *       without a version) on a subject with no live versions is compatible; an explicit version
 *       number that does not exist is 40402.
 *   <li><b>Requests.</b> Credentials are checked before any body byte is read. Bodies are capped at
 *       {@link #maxRequestBytes(long)} (default {@value RegistryServer#DEFAULT_MAX_REQUEST_BYTES}
 *       bytes); beyond it the answer is 413 {@code {"error_code": 413, ...}} and the connection is
 *       closed, having read at most limit + 1 bytes (none when {@code Content-Length} says so).
 * </ul>
 *
 * <p>All state changes happen under one lock, so the server is safe for concurrent clients.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private final RegistryServer server;

  /** A registry on a free port. */
  public EmbeddedSchemaRegistry() {
    this(0);
  }

  /** A registry on the given port; 0 picks a free one. */
  public EmbeddedSchemaRegistry(int port) {
    this.server = new RegistryServer(port);
  }

  /**
   * Requires HTTP basic authentication with the given {@code "user:password"}; requests without
   * it get HTTP 401. Call before or after {@link #start()}; {@code null} turns the check off.
   */
  public EmbeddedSchemaRegistry requireBasicAuth(String userInfo) {
    server.requireBasicAuth(userInfo);
    return this;
  }

  /**
   * Sets the largest request body accepted, in bytes (default {@value
   * RegistryServer#DEFAULT_MAX_REQUEST_BYTES}); larger requests get HTTP 413. Call before or after
   * {@link #start()}.
   *
   * @throws IllegalArgumentException when {@code bytes} is below 1
   */
  public EmbeddedSchemaRegistry maxRequestBytes(long bytes) {
    server.maxRequestBytes(bytes);
    return this;
  }

  /** Binds and starts serving. */
  public EmbeddedSchemaRegistry start() {
    server.start();
    return this;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return server.url();
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** Number of HTTP requests received so far. */
  public long requestCount() {
    return server.requestCount();
  }

  /** Number of requests received for one method and raw path, e.g. {@code "GET /schemas/ids/1"}. */
  public long requestCount(String methodAndPath) {
    return server.requestCount(methodAndPath);
  }

  /** Stops the server and waits briefly for running exchanges. */
  @Override
  public void close() {
    server.close();
  }
}
