package io.saestreams.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API (Avro schemas only).
 *
 * <p>Results that cannot change are cached: schemas by id, ids by (subject, schema), lookups and
 * explicit versions; so on the serializer/deserializer hot path each distinct question goes over
 * HTTP once. Connection failures, timeouts and HTTP 5xx answers are retried with exponential
 * backoff, trying every configured base URL in turn; 4xx answers are final and raised as
 * {@link SchemaRegistryException} with the registry's {@code error_code}. Instances are
 * thread-safe and meant to be shared.
 */
public final class SchemaRegistryClient implements AutoCloseable {
  /** The content type of the Schema Registry API, version 1. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final String authorization;
  private final AtomicInteger preferredUrl = new AtomicInteger();
  private final OnceCache<Integer, Schema> schemasById = new OnceCache<>();
  private final OnceCache<SubjectSchema, Integer> idsBySubjectSchema = new OnceCache<>();
  private final OnceCache<SubjectSchema, RegisteredSchema> lookups = new OnceCache<>();
  private final OnceCache<SubjectVersion, RegisteredSchema> versions = new OnceCache<>();

  private record SubjectSchema(String subject, String schemaKey) {}

  private record SubjectVersion(String subject, int version) {}

  public SchemaRegistryClient(RegistryClientConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.connectTimeout());
    if (config.tls() != null) {
      builder.sslContext(SslContexts.create(config.tls()));
    }
    this.http = builder.build();
    this.authorization =
        config.basicAuthUserInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
  }

  /** A client with default settings for the given comma-separated base URLs. */
  public static SchemaRegistryClient create(String commaSeparatedUrls) {
    return new SchemaRegistryClient(RegistryClientConfig.of(commaSeparatedUrls));
  }

  public RegistryClientConfig config() {
    return config;
  }

  /**
   * Registers a schema under a subject, or returns the id it already has there.
   * {@code POST /subjects/{subject}/versions}.
   *
   * @return the global schema id
   */
  public int register(String subject, Schema schema) {
    requireSubject(subject);
    Objects.requireNonNull(schema, "schema");
    SubjectSchema key = new SubjectSchema(subject, SchemaIdentity.key(schema));
    return idsBySubjectSchema.get(
        key,
        () -> {
          String path = "/subjects/" + segment(subject) + "/versions";
          JsonNode response = call("POST", path, schemaBody(schema));
          int id = intField(response, "id", "POST " + path);
          schemasById.put(id, schema);
          LOG.debug("registered schema {} under subject '{}' as id {}", schema.getFullName(), subject, id);
          return id;
        });
  }

  /** The schema with the given global id. {@code GET /schemas/ids/{id}}. */
  public Schema getById(int id) {
    return schemasById.get(
        id,
        () -> {
          String path = "/schemas/ids/" + id;
          JsonNode response = call("GET", path, null);
          return schemaField(response, "GET " + path);
        });
  }

  /** The latest version of a subject (never cached). {@code GET /subjects/{subject}/versions/latest}. */
  public RegisteredSchema getLatest(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject) + "/versions/latest";
    RegisteredSchema latest = registeredSchema(call("GET", path, null), "GET " + path);
    schemasById.put(latest.id(), latest.schema());
    return latest;
  }

  /** One version of a subject. {@code GET /subjects/{subject}/versions/{version}}. */
  public RegisteredSchema getVersion(String subject, int version) {
    requireSubject(subject);
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    return versions.get(
        new SubjectVersion(subject, version),
        () -> {
          String path = "/subjects/" + segment(subject) + "/versions/" + version;
          RegisteredSchema found = registeredSchema(call("GET", path, null), "GET " + path);
          schemasById.put(found.id(), found.schema());
          return found;
        });
  }

  /**
   * Finds the version of a subject that holds the given schema. {@code POST /subjects/{subject}}.
   *
   * @throws SchemaRegistryException with error code 40401 (subject not found) or 40403 (schema not
   *     found) when it is not registered there
   */
  public RegisteredSchema lookup(String subject, Schema schema) {
    requireSubject(subject);
    Objects.requireNonNull(schema, "schema");
    SubjectSchema key = new SubjectSchema(subject, SchemaIdentity.key(schema));
    return lookups.get(
        key,
        () -> {
          String path = "/subjects/" + segment(subject);
          RegisteredSchema found = registeredSchema(call("POST", path, schemaBody(schema)), "POST " + path);
          schemasById.put(found.id(), found.schema());
          idsBySubjectSchema.put(key, found.id());
          return found;
        });
  }

  /**
   * Whether the schema is compatible with the latest version of the subject under the subject's
   * compatibility level. {@code POST /compatibility/subjects/{subject}/versions/latest}.
   */
  public boolean testCompatibility(String subject, Schema schema) {
    requireSubject(subject);
    Objects.requireNonNull(schema, "schema");
    String path = "/compatibility/subjects/" + segment(subject) + "/versions/latest";
    JsonNode response = call("POST", path, schemaBody(schema));
    JsonNode flag = response.get("is_compatible");
    if (flag == null || !flag.isBoolean()) {
      throw unexpected("POST " + path, "a boolean field 'is_compatible'", response);
    }
    return flag.booleanValue();
  }

  /** All (not deleted) subjects. {@code GET /subjects}. */
  public List<String> subjects() {
    JsonNode response = call("GET", "/subjects", null);
    if (!response.isArray()) {
      throw unexpected("GET /subjects", "a JSON array of subject names", response);
    }
    List<String> out = new ArrayList<>();
    response.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The version numbers of a subject. {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject) + "/versions";
    return intArray(call("GET", path, null), "GET " + path);
  }

  /**
   * Soft-deletes a subject and forgets what is cached about it. {@code DELETE /subjects/{subject}}.
   *
   * @return the deleted version numbers
   */
  public List<Integer> deleteSubject(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject);
    List<Integer> deleted = intArray(call("DELETE", path, null), "DELETE " + path);
    idsBySubjectSchema.removeIf(k -> k.subject().equals(subject));
    lookups.removeIf(k -> k.subject().equals(subject));
    versions.removeIf(k -> k.subject().equals(subject));
    return deleted;
  }

  /** The global compatibility level. {@code GET /config}. */
  public CompatibilityLevel getCompatibility() {
    return compatibilityField(call("GET", "/config", null), "compatibilityLevel", "GET /config");
  }

  /**
   * The compatibility level in effect for a subject: its own level or, when it has none, the
   * global one. {@code GET /config/{subject}?defaultToGlobal=true}.
   */
  public CompatibilityLevel getCompatibility(String subject) {
    requireSubject(subject);
    String path = "/config/" + segment(subject) + "?defaultToGlobal=true";
    return compatibilityField(call("GET", path, null), "compatibilityLevel", "GET " + path);
  }

  /** Sets the global compatibility level. {@code PUT /config}. */
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    return putConfig("/config", level);
  }

  /** Sets a subject's compatibility level. {@code PUT /config/{subject}}. */
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    requireSubject(subject);
    return putConfig("/config/" + segment(subject), level);
  }

  /** Drops every cached answer. */
  public void clearCaches() {
    schemasById.clear();
    idsBySubjectSchema.clear();
    lookups.clear();
    versions.clear();
  }

  /** Drops the caches; the underlying JDK HTTP client releases its resources when unreferenced. */
  @Override
  public void close() {
    clearCaches();
  }

  private CompatibilityLevel putConfig(String path, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    return compatibilityField(call("PUT", path, body), "compatibility", "PUT " + path);
  }

  // ---------------------------------------------------------------- HTTP

  private JsonNode call(String method, String pathAndQuery, JsonNode body) {
    byte[] payload;
    try {
      payload = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new SchemaRegistryException(0, 0, "cannot encode request body: " + e.getMessage(), e);
    }
    List<URI> urls = config.baseUrls();
    SchemaRegistryException last = null;
    int requests = 0;
    for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
      if (attempt > 0) {
        pause(backoff(attempt));
      }
      int start = preferredUrl.get();
      for (int i = 0; i < urls.size(); i++) {
        int index = (start + i) % urls.size();
        URI base = urls.get(index);
        requests++;
        try {
          HttpResponse<byte[]> response =
              http.send(request(base, method, pathAndQuery, payload), HttpResponse.BodyHandlers.ofByteArray());
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            preferredUrl.set(index);
            return parseBody(response.body(), method + " " + pathAndQuery, status);
          }
          SchemaRegistryException error = errorFrom(method, pathAndQuery, base, status, response.body());
          if (status < 500) {
            preferredUrl.set(index);
            throw error;
          }
          LOG.debug("schema registry {} {} on {} answered HTTP {}; will retry", method, pathAndQuery, base, status);
          last = error;
        } catch (HttpTimeoutException e) {
          last = transportError(method, pathAndQuery, base, "timed out (" + e.getMessage() + ")", e);
          LOG.debug("{}", last.getMessage());
        } catch (IOException e) {
          last = transportError(method, pathAndQuery, base, "failed: " + e, e);
          LOG.debug("{}", last.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SchemaRegistryException(
              0, 0, "interrupted during schema registry call " + method + " " + pathAndQuery, e);
        }
      }
    }
    throw new SchemaRegistryException(
        last.httpStatus(),
        last.errorCode(),
        "schema registry call "
            + method
            + " "
            + pathAndQuery
            + " gave up after "
            + requests
            + " request(s) to "
            + urls.size()
            + " URL(s); last failure: "
            + last.getMessage(),
        last.getCause() != null ? last.getCause() : last);
  }

  private HttpRequest request(URI base, String method, String pathAndQuery, byte[] payload) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base.toString() + pathAndQuery))
            .timeout(config.requestTimeout())
            .header("Accept", ACCEPT);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (payload != null) {
      b.header("Content-Type", CONTENT_TYPE);
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(payload));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private Duration backoff(int attempt) {
    long initial = config.initialBackoff().toMillis();
    long max = config.maxBackoff().toMillis();
    long shift = Math.min(attempt - 1, 30);
    long wait = initial << shift;
    if (wait < 0 || wait > max) {
      wait = max;
    }
    return Duration.ofMillis(wait);
  }

  private static void pause(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(0, 0, "interrupted while waiting to retry a schema registry call", e);
    }
  }

  private static SchemaRegistryException transportError(
      String method, String path, URI base, String what, Throwable cause) {
    return new SchemaRegistryException(
        0, 0, "schema registry call " + method + " " + path + " to " + base + " " + what, cause);
  }

  private static SchemaRegistryException errorFrom(
      String method, String path, URI base, int status, byte[] body) {
    String where = "schema registry call " + method + " " + path + " to " + base;
    JsonNode json = null;
    try {
      json = body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    if (json != null && json.isObject() && json.has("error_code")) {
      int code = json.get("error_code").asInt();
      String message = json.hasNonNull("message") ? json.get("message").asText() : "(no message)";
      return new SchemaRegistryException(
          status, code, where + " failed: HTTP " + status + ", error_code " + code + ": " + message);
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new SchemaRegistryException(
        status,
        0,
        where
            + " failed: HTTP "
            + status
            + " without a Schema Registry error body"
            + (text.isBlank() ? "" : " (body: " + text.strip() + ")"));
  }

  private static JsonNode parseBody(byte[] body, String call, int status) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new SchemaRegistryException(status, 0, "empty response body to " + call + ", expected JSON");
      }
      return node;
    } catch (IOException e) {
      throw new SchemaRegistryException(
          status, 0, "response to " + call + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- JSON shapes

  private static ObjectNode schemaBody(Schema schema) {
    // schemaType is omitted: the registry defaults it to AVRO.
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private static RegisteredSchema registeredSchema(JsonNode response, String call) {
    String subject = textField(response, "subject", call);
    int id = intField(response, "id", call);
    int version = intField(response, "version", call);
    return new RegisteredSchema(subject, id, version, schemaField(response, call));
  }

  private static Schema schemaField(JsonNode response, String call) {
    JsonNode type = response.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw new SchemaRegistryException(
          200, 0, "response to " + call + " holds a " + type.asText() + " schema; only AVRO is supported");
    }
    String text = textField(response, "schema", call);
    try {
      return SchemaIdentity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(
          200, 0, "response to " + call + " holds an unparseable schema: " + e.getMessage(), e);
    }
  }

  private static String textField(JsonNode response, String field, String call) {
    JsonNode node = response.get(field);
    if (node == null || !node.isTextual()) {
      throw unexpected(call, "a string field '" + field + "'", response);
    }
    return node.textValue();
  }

  private static int intField(JsonNode response, String field, String call) {
    JsonNode node = response.get(field);
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw unexpected(call, "an integer field '" + field + "'", response);
    }
    return node.intValue();
  }

  private static List<Integer> intArray(JsonNode response, String call) {
    if (!response.isArray()) {
      throw unexpected(call, "a JSON array of integers", response);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode n : response) {
      if (!n.isIntegralNumber()) {
        throw unexpected(call, "a JSON array of integers", response);
      }
      out.add(n.intValue());
    }
    return out;
  }

  private static CompatibilityLevel compatibilityField(JsonNode response, String field, String call) {
    String text = textField(response, field, call);
    try {
      return CompatibilityLevel.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(200, 0, "response to " + call + ": " + e.getMessage(), e);
    }
  }

  private static SchemaRegistryException unexpected(String call, String expected, JsonNode found) {
    String text = found.toString();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new SchemaRegistryException(
        200, 0, "unexpected response to " + call + ": expected " + expected + ", found " + text);
  }

  private static void requireSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    if (subject.isEmpty()) {
      throw new IllegalArgumentException("subject must not be empty");
    }
  }

  /** Percent-encodes one path segment (unlike URLEncoder, a space becomes %20, not '+'). */
  static String segment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
