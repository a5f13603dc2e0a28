package io.saestreams.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Schema Registry speaking the Confluent REST API (Avro only), bound to
 * {@code 127.0.0.1}. State lives in memory and is lost on {@link #close()}.
 *
 * <p>Supported: {@code GET /subjects}, {@code GET|POST /subjects/{s}/versions},
 * {@code POST|DELETE /subjects/{s}}, {@code GET|DELETE /subjects/{s}/versions/{v|latest}},
 * {@code GET /subjects/{s}/versions/{v}/schema}, {@code GET /schemas/ids/{id}} (and
 * {@code /schema}, {@code /versions}, {@code /subjects} below it), {@code GET /schemas/types},
 * {@code GET|PUT /config}, {@code GET|PUT|DELETE /config/{s}},
 * {@code POST /compatibility/subjects/{s}/versions[/{v|latest}]}. Schemas are de-duplicated by
 * {@link SchemaIdentity#key}: one id per distinct schema across all subjects, ids global and
 * increasing from 1; registering a schema a subject already holds returns its id without a new
 * version. Deletes are soft unless {@code ?permanent=true} follows a soft delete. All state
 * changes happen under one lock, so the server is safe for concurrent clients.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = SchemaRegistryClient.CONTENT_TYPE;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  static {
    // The JDK server writes response headers and body separately; without TCP_NODELAY every
    // exchange waits for the peer's delayed ACK (~40 ms). The property is read once, when the
    // JDK server's configuration is first loaded, and only affects com.sun.net.httpserver.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final int requestedPort;
  private final Object lock = new Object();
  private final Map<String, Integer> idByKey = new HashMap<>();
  private final Map<Integer, Schema> schemaById = new HashMap<>();
  private final Map<String, SubjectState> subjects = new TreeMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

  private final LongAdder requestTotal = new LongAdder();
  private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();
  private volatile byte[] expectedAuthorization;
  private HttpServer server;
  private ExecutorService executor;

  private static final class SubjectState {
    final List<Version> versions = new ArrayList<>();
    CompatibilityLevel level;

    List<Version> live() {
      return versions.stream().filter(v -> !v.deleted).toList();
    }

    int nextVersion() {
      return versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version + 1;
    }
  }

  private static final class Version {
    final int version;
    final int id;
    boolean deleted;

    Version(int version, int id) {
      this.version = version;
      this.id = id;
    }
  }

  /** An API error, answered as Confluent's {@code {"error_code": ..., "message": ...}}. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;

    ApiError(int status, int code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** A registry on a free port. */
  public EmbeddedSchemaRegistry() {
    this(0);
  }

  /** A registry on the given port; 0 picks a free one. */
  public EmbeddedSchemaRegistry(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    this.requestedPort = port;
  }

  /**
   * Requires HTTP basic authentication with the given {@code "user:password"}; requests without
   * it get HTTP 401. Call before or after {@link #start()}; {@code null} turns the check off.
   */
  public EmbeddedSchemaRegistry requireBasicAuth(String userInfo) {
    this.expectedAuthorization =
        userInfo == null
            ? null
            : ("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /** Binds and starts serving. */
  public synchronized EmbeddedSchemaRegistry start() {
    if (server != null) {
      throw new IllegalStateException("registry already started at " + url());
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), requestedPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind schema registry to 127.0.0.1:" + requestedPort, e);
    }
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "embedded-schema-registry-" + instance + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.debug("embedded schema registry listening on {}", url());
    return this;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public synchronized String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The bound port. */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("registry not started; call start() first");
    }
    return server.getAddress().getPort();
  }

  /** Number of HTTP requests received so far. */
  public long requestCount() {
    return requestTotal.sum();
  }

  /** Number of requests received for one method and raw path, e.g. {@code "GET /schemas/ids/1"}. */
  public long requestCount(String methodAndPath) {
    LongAdder adder = requestCounts.get(methodAndPath);
    return adder == null ? 0 : adder.sum();
  }

  /** Stops the server and waits briefly for running exchanges. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LOG.debug("embedded schema registry on port {} stopped", server.getAddress().getPort());
      server = null;
    }
  }

  // ---------------------------------------------------------------- dispatch

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    requestTotal.increment();
    requestCounts.computeIfAbsent(method + " " + rawPath, k -> new LongAdder()).increment();
    int status;
    String body;
    try {
      byte[] requestBody;
      try (InputStream in = exchange.getRequestBody()) {
        requestBody = in.readAllBytes();
      }
      checkAuth(exchange);
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      JsonNode result = route(method, segments(rawPath), query, requestBody);
      status = 200;
      body = JSON.writeValueAsString(result);
    } catch (ApiError e) {
      status = e.status;
      body = JSON.writeValueAsString(JSON.createObjectNode().put("error_code", e.code).put("message", e.getMessage()));
      LOG.debug("{} {} -> {} {}", method, rawPath, e.code, e.getMessage());
    } catch (RuntimeException e) {
      status = 500;
      body = JSON.writeValueAsString(
          JSON.createObjectNode().put("error_code", 50001).put("message", "Internal error: " + e));
      LOG.warn("embedded schema registry failed on {} {}", method, rawPath, e);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    if (status == 401) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void checkAuth(HttpExchange exchange) {
    byte[] expected = expectedAuthorization;
    if (expected == null) {
      return;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiError(401, 401, "Unauthorized");
    }
  }

  private JsonNode route(String method, List<String> p, Map<String, String> q, byte[] body) {
    int n = p.size();
    if (n == 0) {
      return only(method, "GET", JSON.createObjectNode());
    }
    switch (p.get(0)) {
      case "subjects":
        if (n == 1) {
          only(method, "GET", null);
          return listSubjects(flag(q, "deleted"));
        }
        String subject = p.get(1);
        if (n == 2) {
          if (method.equals("POST")) {
            return lookup(subject, requestSchema(body), flag(q, "deleted"));
          }
          only(method, "DELETE", null);
          return deleteSubject(subject, flag(q, "permanent"));
        }
        if (!p.get(2).equals("versions")) {
          break;
        }
        if (n == 3) {
          if (method.equals("POST")) {
            return register(subject, requestSchema(body));
          }
          only(method, "GET", null);
          return listVersions(subject, flag(q, "deleted"));
        }
        if (n == 4) {
          if (method.equals("DELETE")) {
            return deleteVersion(subject, p.get(3));
          }
          only(method, "GET", null);
          return versionJson(subject, p.get(3), flag(q, "deleted"));
        }
        if (n == 5 && p.get(4).equals("schema")) {
          only(method, "GET", null);
          return raw(versionSchema(subject, p.get(3), flag(q, "deleted")).toString());
        }
        if (n == 5 && p.get(4).equals("referencedby")) {
          only(method, "GET", null);
          versionSchema(subject, p.get(3), true);
          return JSON.createArrayNode();
        }
        break;
      case "schemas":
        if (n == 2 && p.get(1).equals("types")) {
          only(method, "GET", null);
          return JSON.createArrayNode().add("AVRO");
        }
        if (n >= 3 && n <= 4 && p.get(1).equals("ids")) {
          only(method, "GET", null);
          int id = parseId(p.get(2));
          if (n == 3) {
            return JSON.createObjectNode().put("schema", schemaOf(id).toString());
          }
          switch (p.get(3)) {
            case "schema":
              return raw(schemaOf(id).toString());
            case "versions":
              return idVersions(id, false);
            case "subjects":
              return idVersions(id, true);
            default:
              break;
          }
        }
        break;
      case "config":
        if (n == 1) {
          if (method.equals("PUT")) {
            return putConfig(null, body);
          }
          only(method, "GET", null);
          synchronized (lock) {
            return JSON.createObjectNode().put("compatibilityLevel", globalLevel.name());
          }
        }
        if (n == 2) {
          if (method.equals("PUT")) {
            return putConfig(p.get(1), body);
          }
          if (method.equals("DELETE")) {
            return deleteConfig(p.get(1));
          }
          only(method, "GET", null);
          return getConfig(p.get(1), flag(q, "defaultToGlobal"));
        }
        break;
      case "compatibility":
        if ((n == 4 || n == 5) && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
          only(method, "POST", null);
          return compatibility(p.get(2), n == 5 ? p.get(4) : null, requestSchema(body), flag(q, "verbose"));
        }
        break;
      default:
        break;
    }
    throw new ApiError(404, 404, "HTTP 404 Not Found");
  }

  private static JsonNode only(String method, String allowed, JsonNode result) {
    if (!method.equals(allowed)) {
      throw new ApiError(405, 405, "HTTP 405 Method Not Allowed");
    }
    return result;
  }

  /** The schema itself as the JSON body, for the {@code /schema} endpoints. */
  private static JsonNode raw(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("stored schema is not JSON", e);
    }
  }

  // ---------------------------------------------------------------- operations

  private JsonNode listSubjects(boolean includeDeleted) {
    ArrayNode out = JSON.createArrayNode();
    synchronized (lock) {
      subjects.forEach(
          (name, state) -> {
            if (includeDeleted ? !state.versions.isEmpty() : !state.live().isEmpty()) {
              out.add(name);
            }
          });
    }
    return out;
  }

  private JsonNode listVersions(String subject, boolean includeDeleted) {
    ArrayNode out = JSON.createArrayNode();
    synchronized (lock) {
      SubjectState state = existing(subject, includeDeleted);
      for (Version v : state.versions) {
        if (includeDeleted || !v.deleted) {
          out.add(v.version);
        }
      }
    }
    return out;
  }

  private JsonNode register(String subject, Schema schema) {
    synchronized (lock) {
      SubjectState state = subjects.computeIfAbsent(subject, s -> new SubjectState());
      String key = SchemaIdentity.key(schema);
      Integer knownId = idByKey.get(key);
      List<Version> live = state.live();
      if (knownId != null) {
        for (Version v : live) {
          if (v.id == knownId) {
            return JSON.createObjectNode().put("id", knownId);
          }
        }
      }
      CompatibilityLevel level = state.level != null ? state.level : globalLevel;
      List<Schema> existing = live.stream().map(v -> schemaById.get(v.id)).toList();
      List<String> problems = level.check(schema, existing);
      if (!problems.isEmpty()) {
        if (state.versions.isEmpty() && state.level == null) {
          subjects.remove(subject);
        }
        throw new ApiError(
            409,
            409,
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject
                + "\" under compatibility level "
                + level
                + ", details: "
                + problems);
      }
      int id;
      if (knownId != null) {
        id = knownId;
      } else {
        id = nextId++;
        idByKey.put(key, id);
        schemaById.put(id, schema);
      }
      Version created = new Version(state.nextVersion(), id);
      state.versions.add(created);
      LOG.debug("subject '{}' version {} -> schema id {}", subject, created.version, id);
      return JSON.createObjectNode().put("id", id);
    }
  }

  private JsonNode lookup(String subject, Schema schema, boolean includeDeleted) {
    synchronized (lock) {
      SubjectState state = existing(subject, includeDeleted);
      Integer id = idByKey.get(SchemaIdentity.key(schema));
      if (id != null) {
        for (Version v : state.versions) {
          if (v.id == id && (includeDeleted || !v.deleted)) {
            return registered(subject, v);
          }
        }
      }
      throw new ApiError(404, 40403, "Schema not found");
    }
  }

  private JsonNode deleteSubject(String subject, boolean permanent) {
    ArrayNode out = JSON.createArrayNode();
    synchronized (lock) {
      SubjectState state = subjects.get(subject);
      if (state == null || state.versions.isEmpty()) {
        throw subjectNotFound(subject);
      }
      if (permanent) {
        if (!state.live().isEmpty()) {
          throw new ApiError(
              404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
        }
        state.versions.forEach(v -> out.add(v.version));
        subjects.remove(subject);
        return out;
      }
      List<Version> live = state.live();
      if (live.isEmpty()) {
        throw new ApiError(404, 40404, "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
      }
      for (Version v : live) {
        v.deleted = true;
        out.add(v.version);
      }
    }
    return out;
  }

  private JsonNode deleteVersion(String subject, String versionText) {
    synchronized (lock) {
      Version v = version(subject, versionText, false);
      v.deleted = true;
      return JSON.getNodeFactory().numberNode(v.version);
    }
  }

  private JsonNode versionJson(String subject, String versionText, boolean includeDeleted) {
    synchronized (lock) {
      return registered(subject, version(subject, versionText, includeDeleted));
    }
  }

  private Schema versionSchema(String subject, String versionText, boolean includeDeleted) {
    synchronized (lock) {
      return schemaById.get(version(subject, versionText, includeDeleted).id);
    }
  }

  private JsonNode idVersions(int id, boolean subjectsOnly) {
    ArrayNode out = JSON.createArrayNode();
    synchronized (lock) {
      schemaOf(id);
      subjects.forEach(
          (name, state) -> {
            boolean added = false;
            for (Version v : state.versions) {
              if (v.id == id && !v.deleted) {
                if (subjectsOnly) {
                  if (!added) {
                    out.add(name);
                    added = true;
                  }
                } else {
                  out.addObject().put("subject", name).put("version", v.version);
                }
              }
            }
          });
    }
    return out;
  }

  private JsonNode getConfig(String subject, boolean defaultToGlobal) {
    synchronized (lock) {
      SubjectState state = subjects.get(subject);
      CompatibilityLevel level = state == null ? null : state.level;
      if (level == null) {
        if (!defaultToGlobal) {
          throw new ApiError(
              404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        level = globalLevel;
      }
      return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }
  }

  private JsonNode putConfig(String subject, byte[] body) {
    JsonNode request = jsonBody(body);
    JsonNode value = request.get("compatibility");
    CompatibilityLevel level;
    try {
      level = CompatibilityLevel.parse(value == null || !value.isTextual() ? null : value.textValue());
    } catch (IllegalArgumentException e) {
      throw new ApiError(
          422,
          42203,
          "Invalid compatibility level. Valid values are none, backward, forward, full, "
              + "backward_transitive, forward_transitive, and full_transitive; found "
              + (value == null ? "no 'compatibility' field" : value.toString()));
    }
    synchronized (lock) {
      if (subject == null) {
        globalLevel = level;
      } else {
        subjects.computeIfAbsent(subject, s -> new SubjectState()).level = level;
      }
    }
    return JSON.createObjectNode().put("compatibility", level.name());
  }

  private JsonNode deleteConfig(String subject) {
    synchronized (lock) {
      SubjectState state = subjects.get(subject);
      if (state == null || state.level == null) {
        throw subjectNotFound(subject);
      }
      CompatibilityLevel old = state.level;
      state.level = null;
      if (state.versions.isEmpty()) {
        subjects.remove(subject);
      }
      return JSON.createObjectNode().put("compatibilityLevel", old.name());
    }
  }

  private JsonNode compatibility(String subject, String versionText, Schema candidate, boolean verbose) {
    List<String> problems;
    synchronized (lock) {
      SubjectState state = subjects.get(subject);
      CompatibilityLevel level =
          state != null && state.level != null ? state.level : globalLevel;
      if (versionText == null) {
        List<Schema> existing =
            state == null ? List.of() : state.live().stream().map(v -> schemaById.get(v.id)).toList();
        problems = level.check(candidate, existing);
      } else {
        Version v = version(subject, versionText, false);
        problems = level.checkOne(candidate, schemaById.get(v.id));
      }
    }
    ObjectNode out = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
    if (verbose) {
      ArrayNode messages = out.putArray("messages");
      problems.forEach(messages::add);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers (call under lock)

  private SubjectState existing(String subject, boolean includeDeleted) {
    SubjectState state = subjects.get(subject);
    if (state == null || (includeDeleted ? state.versions.isEmpty() : state.live().isEmpty())) {
      throw subjectNotFound(subject);
    }
    return state;
  }

  private Version version(String subject, String versionText, boolean includeDeleted) {
    int wanted;
    if (versionText.equals("latest") || versionText.equals("-1")) {
      wanted = -1;
    } else {
      try {
        wanted = Integer.parseInt(versionText);
      } catch (NumberFormatException e) {
        wanted = 0;
      }
      if (wanted < 1) {
        throw new ApiError(
            422,
            42202,
            "The specified version '"
                + versionText
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
      }
    }
    SubjectState state = existing(subject, includeDeleted);
    List<Version> candidates = includeDeleted ? state.versions : state.live();
    if (wanted == -1) {
      return candidates.get(candidates.size() - 1);
    }
    for (Version v : candidates) {
      if (v.version == wanted) {
        return v;
      }
    }
    throw new ApiError(404, 40402, "Version " + wanted + " not found.");
  }

  private JsonNode registered(String subject, Version v) {
    return JSON.createObjectNode()
        .put("subject", subject)
        .put("version", v.version)
        .put("id", v.id)
        .put("schema", schemaById.get(v.id).toString());
  }

  private Schema schemaOf(int id) {
    synchronized (lock) {
      Schema schema = schemaById.get(id);
      if (schema == null) {
        throw new ApiError(404, 40403, "Schema " + id + " not found");
      }
      return schema;
    }
  }

  private static ApiError subjectNotFound(String subject) {
    return new ApiError(404, 40401, "Subject '" + subject + "' not found.");
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ApiError(404, 40403, "Schema " + text + " not found");
    }
  }

  private static Schema requestSchema(byte[] body) {
    JsonNode request = jsonBody(body);
    JsonNode type = request.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw new ApiError(422, 42201, "Invalid schema: schemaType " + type + " is not supported, only AVRO");
    }
    JsonNode references = request.get("references");
    if (references != null && !references.isNull() && !(references.isArray() && references.isEmpty())) {
      throw new ApiError(422, 42201, "Invalid schema: schema references are not supported");
    }
    JsonNode text = request.get("schema");
    if (text == null || !text.isTextual()) {
      throw new ApiError(
          422, 42201, "Invalid schema: expected a string field 'schema' in the request, found " + text);
    }
    try {
      return SchemaIdentity.parse(text.textValue());
    } catch (IllegalArgumentException e) {
      throw new ApiError(422, 42201, "Invalid schema " + abbreviate(text.textValue()) + ": " + e.getMessage());
    }
  }

  private static JsonNode jsonBody(byte[] body) {
    try {
      JsonNode node = body.length == 0 ? null : JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new ApiError(400, 400, "Bad request: expected a JSON object body, found " + abbreviate(new String(body, StandardCharsets.UTF_8)));
      }
      return node;
    } catch (IOException e) {
      throw new ApiError(400, 400, "Bad request: body is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    if (rawQuery == null) {
      return out;
    }
    Arrays.stream(rawQuery.split("&"))
        .filter(s -> !s.isEmpty())
        .forEach(
            pair -> {
              int eq = pair.indexOf('=');
              String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
              String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
              out.put(k, v);
            });
    return out;
  }

  private static boolean flag(Map<String, String> query, String name) {
    return "true".equalsIgnoreCase(query.get(name));
  }
}
