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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API (Avro schemas only).
 *
 * <p>Results that cannot change are cached: schemas by id, ids by (subject, schema), lookups and
 * explicit versions; so on the serializer/deserializer hot path each distinct question goes over
 * HTTP once. Connection failures, timeouts and HTTP 5xx answers are retried with exponential
 * backoff and jitter, trying every configured base URL in turn, for at most
 * {@link RegistryClientConfig#retryBudget()} (and {@link RegistryClientConfig#maxRetries()}
 * retries); other 4xx answers are final. Every failure is a {@link SchemaRegistryException} with
 * the registry's {@code error_code} and a message naming the request, the URL(s) and the cause.
 *
 * <p>An unknown schema id is not taken at its word: see {@link #getById}. Instances are
 * thread-safe and meant to be shared.
 */
public final class SchemaRegistryClient implements AutoCloseable {
  /** The content type of the Schema Registry API, version 1. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /**
   * How long the answer to "which is the highest schema id you know" is reused. Only a lower
   * answer than the truth can come from reusing it (a higher cached id is confirmed with the
   * registry before it marks an id as bogus), and that errs towards a registry fault.
   */
  static final Duration HIGHEST_ID_TTL = Duration.ofSeconds(30);

  /** The least time a retry request is given (when the budget has less left, none starts). */
  private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofMillis(50);

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final String authorization;
  private final Backoff backoff;
  private final AtomicInteger preferredUrl = new AtomicInteger();
  private final OnceCache<Integer, Schema> schemasById = new OnceCache<>();
  private final OnceCache<SubjectSchema, Integer> idsBySubjectSchema = new OnceCache<>();
  private final OnceCache<SubjectSchema, RegisteredSchema> lookups = new OnceCache<>();
  private final OnceCache<SubjectVersion, RegisteredSchema> versions = new OnceCache<>();
  /** Guards waits between retries; notified by {@link #stopRetrying()}. */
  private final Object retryWait = new Object();
  private volatile boolean retriesStopped;
  /** Calls now waiting to retry, since when the first of them did, and the newest reason. */
  private final AtomicInteger callsRetrying = new AtomicInteger();
  private volatile long retryingSinceNanos;
  private volatile String retryReason;
  private final Object highestIdLock = new Object();
  private volatile HighestId highestId;

  private record SubjectSchema(String subject, String schemaKey) {}

  private record SubjectVersion(String subject, int version) {}

  /** A highest schema id the registry reported, and until when it may be reused. */
  private record HighestId(int id, long expiresAtNanos) {
    boolean fresh() {
      return System.nanoTime() - expiresAtNanos < 0;
    }
  }

  /** A request the budget left no time for: it tells nothing about the registry. */
  private static final class NotSentException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    NotSentException(String message) {
      super(0, 0, message);
    }
  }

  /** A successful answer and where it came from ({@code "GET http://host:port/path"}). */
  private record Reply(JsonNode body, String where) {}

  /**
   * The retry budget of one client operation, shared by the requests it makes. The first request
   * of an operation always gets the full request timeout; later ones only what is left.
   */
  private static final class Attempts {
    final long startNanos = System.nanoTime();
    final long deadlineNanos;
    boolean requested;

    Attempts(Duration budget) {
      // saturating: a budget of centuries means "no limit", not an overflow
      long nanos = budget.compareTo(Duration.ofDays(365L * 100)) > 0 ? Long.MAX_VALUE / 4 : budget.toNanos();
      this.deadlineNanos = startNanos + nanos;
    }

    long remainingNanos() {
      return deadlineNanos - System.nanoTime();
    }

    /** Whether a wait of {@code wait} still leaves time for a useful request afterwards. */
    boolean fits(Duration wait) {
      return remainingNanos() - wait.toNanos() > MIN_REQUEST_TIMEOUT.toNanos();
    }

    String elapsed() {
      return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
  }

  /**
   * What {@link #ensureCompatibility} found or did.
   *
   * @param subject the subject
   * @param level the compatibility level the subject has now
   * @param setByThisCall true when the subject had no level of its own and this call set it;
   *     false when it kept the level someone had configured for it
   */
  public record SubjectCompatibility(String subject, CompatibilityLevel level, boolean setByThisCall) {}

  public SchemaRegistryClient(RegistryClientConfig config) {
    this(config, null);
  }

  /**
   * @param random source of the retry jitter (for reproducible tests), or {@code null} for
   *     {@link java.util.concurrent.ThreadLocalRandom}
   */
  SchemaRegistryClient(RegistryClientConfig config, RandomGenerator random) {
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
    this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), random);
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
          Reply response = call("POST", path, schemaBody(schema));
          int id = intField(response, "id");
          schemasById.put(id, schema);
          LOG.debug("registered schema {} under subject '{}' as id {}", schema.getFullName(), subject, id);
          return id;
        });
  }

  /**
   * The schema with the given global id. {@code GET /schemas/ids/{id}}.
   *
   * <p>When the registry answers that it does not know the id, that alone does not make the id
   * bogus: a registry that is empty, was reset, is not the one the data was written against, or
   * lags behind its peers gives the same answer for every id it has not seen yet. So the client
   * asks the registry for the highest id it knows ({@link #highestKnownId()}; the answer is reused
   * for {@link #HIGHEST_ID_TTL}, and a reused answer is checked again before it condemns an id):
   *
   * <ul>
   *   <li>if the registry answers, in good health, with a higher id than this one, it has handed
   *       out ids past this one and this one is not among them: the id is bogus, and an
   *       {@link UnknownSchemaIdException} with {@link UnknownSchemaIdException#confirmed()} true
   *       is thrown at once;
   *   <li>otherwise (it knows no higher id, or cannot list its schemas) the look-up is retried
   *       with backoff like an outage until the registry knows the id, or confirms it bogus, or
   *       the retry budget is spent; then an {@link UnknownSchemaIdException} that is not
   *       confirmed (and {@link SchemaRegistryException#isUnavailable() isUnavailable()}) is
   *       thrown: a registry fault, not a verdict on the data.
   * </ul>
   *
   * @throws UnknownSchemaIdException when the registry does not know the id (see above)
   * @throws SchemaRegistryException when the registry cannot be reached or fails
   */
  public Schema getById(int id) {
    return schemasById.get(id, () -> fetchById(id));
  }

  private Schema fetchById(int id) {
    Attempts attempts = new Attempts(config.retryBudget());
    String path = "/schemas/ids/" + id;
    SchemaRegistryException listingFailure = null;
    boolean retrying = false;
    try {
      for (int lookups = 1; ; lookups++) {
        SchemaRegistryException notFound;
        try {
          return schemaField(call("GET", path, null, attempts));
        } catch (SchemaRegistryException e) {
          if (e.errorCode() != SchemaRegistryException.SCHEMA_NOT_FOUND) {
            throw e;
          }
          notFound = e;
        }
        int highest;
        try {
          highest = confirmedHighestId(attempts);
          listingFailure = null;
        } catch (SchemaRegistryException e) {
          highest = -1;
          if (listingFailure == null || !(e instanceof NotSentException)) {
            listingFailure = e;
          }
        }
        if (highest > id) {
          throw new UnknownSchemaIdException(
              notFound.httpStatus(),
              id,
              highest,
              true,
              "schema id " + id + " is not known to the schema registry at " + urls()
                  + ", which knows ids up to " + highest + ": the id is bogus (" + notFound.getMessage() + ")",
              notFound);
        }
        Duration wait = backoff.delay(lookups);
        if (lookups > config.maxRetries() || !attempts.fits(wait) || retriesStopped) {
          throw unconfirmedId(id, highest, listingFailure, notFound, lookups, attempts);
        }
        LOG.debug("schema id {} is not known to the registry, which knows none above {}; asking again in {} ms",
            id, highest, wait.toMillis());
        String reason = "schema id " + id + " is not known to the registry at " + urls()
            + (listingFailure != null ? ", which cannot list its schemas" : ", which knows no id above " + highest);
        retrying = markRetrying(retrying, reason);
        pause(wait, "GET " + path);
      }
    } finally {
      if (retrying) {
        endRetrying();
      }
    }
  }

  private UnknownSchemaIdException unconfirmedId(
      int id, int highest, SchemaRegistryException listingFailure, SchemaRegistryException notFound,
      int lookups, Attempts attempts) {
    String why =
        listingFailure != null
            ? "could not list its schemas to tell whether the id is bogus (" + listingFailure.getMessage() + ")"
            : highest == 0 ? "knows no schema at all" : "knows no id above " + highest;
    return new UnknownSchemaIdException(
        notFound.httpStatus(),
        id,
        highest,
        false,
        "the schema registry at " + urls() + " does not know schema id " + id + " and " + why
            + "; taken as a registry fault (an empty, reset, wrong or lagging registry), not as a bad record;"
            + " gave up after " + lookups + " look-up(s) in " + attempts.elapsed() + " (" + budgetText()
            + "); last answer: " + notFound.getMessage(),
        listingFailure != null ? listingFailure : notFound);
  }

  /**
   * The highest schema id the registry knows, {@code 0} when it knows none; soft-deleted schemas
   * count. Asks {@code GET /schemas?deleted=true} (Confluent Platform 7 and later list every
   * schema with its id there); a registry without that resource answers 404, and then the
   * latest version of every subject ({@code GET /subjects?deleted=true}, then
   * {@code GET /subjects/{s}/versions/latest?deleted=true} each) gives the answer — a lower bound
   * when a subject's latest version reuses an older id, which errs on the safe side. Never cached.
   *
   * @throws SchemaRegistryException when the registry cannot answer
   */
  public int highestKnownId() {
    return refreshHighestId(new Attempts(config.retryBudget()));
  }

  /** A highest id the registry has just vouched for: fresh, or a reused one it still knows. */
  private int confirmedHighestId(Attempts attempts) {
    HighestId cached = highestId;
    if (cached != null && cached.fresh()) {
      if (cached.id() == 0) {
        return 0;
      }
      try {
        call("GET", "/schemas/ids/" + cached.id(), null, attempts);
        return cached.id();
      } catch (SchemaRegistryException e) {
        if (e.errorCode() != SchemaRegistryException.SCHEMA_NOT_FOUND) {
          throw e;
        }
        LOG.info("the schema registry at {} no longer knows schema id {}: it was reset or replaced", urls(), cached.id());
      }
    }
    return refreshHighestId(attempts);
  }

  private int refreshHighestId(Attempts attempts) {
    synchronized (highestIdLock) {
      int found = listHighestId(attempts);
      highestId = new HighestId(found, System.nanoTime() + HIGHEST_ID_TTL.toNanos());
      return found;
    }
  }

  private int listHighestId(Attempts attempts) {
    try {
      Reply all = call("GET", "/schemas?deleted=true", null, attempts);
      if (!all.body().isArray()) {
        throw unexpected(all, "a JSON array of schemas");
      }
      int max = 0;
      for (JsonNode schema : all.body()) {
        JsonNode id = schema.get("id");
        if (id == null || !id.isIntegralNumber()) {
          throw unexpected(all, "a JSON array of schemas, each with an integer field 'id'");
        }
        max = Math.max(max, id.intValue());
      }
      return max;
    } catch (SchemaRegistryException e) {
      boolean noSuchResource =
          (e.httpStatus() == 404 && (e.errorCode() == 404 || e.errorCode() == 0)) || e.httpStatus() == 405;
      if (!noSuchResource) {
        throw e;
      }
      LOG.debug("the schema registry has no GET /schemas ({}); reading the latest version of every subject", e.getMessage());
    }
    Reply subjects = call("GET", "/subjects?deleted=true", null, attempts);
    if (!subjects.body().isArray()) {
      throw unexpected(subjects, "a JSON array of subject names");
    }
    int max = 0;
    for (JsonNode subject : subjects.body()) {
      String path = "/subjects/" + segment(subject.asText()) + "/versions/latest?deleted=true";
      try {
        max = Math.max(max, intField(call("GET", path, null, attempts), "id"));
      } catch (SchemaRegistryException e) {
        if (!e.isNotFound()) {
          throw e;
        }
        // deleted since it was listed: it no longer vouches for any id
      }
    }
    return max;
  }

  /** The latest version of a subject (never cached). {@code GET /subjects/{subject}/versions/latest}. */
  public RegisteredSchema getLatest(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject) + "/versions/latest";
    RegisteredSchema latest = registeredSchema(call("GET", path, null));
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
          RegisteredSchema found = registeredSchema(call("GET", path, null));
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
          RegisteredSchema found = registeredSchema(call("POST", path, schemaBody(schema)));
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
    Reply response = call("POST", path, schemaBody(schema));
    JsonNode flag = response.body().get("is_compatible");
    if (flag == null || !flag.isBoolean()) {
      throw unexpected(response, "a boolean field 'is_compatible'");
    }
    return flag.booleanValue();
  }

  /** All (not deleted) subjects. {@code GET /subjects}. */
  public List<String> subjects() {
    Reply response = call("GET", "/subjects", null);
    if (!response.body().isArray()) {
      throw unexpected(response, "a JSON array of subject names");
    }
    List<String> out = new ArrayList<>();
    response.body().forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The version numbers of a subject. {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject) + "/versions";
    return intArray(call("GET", path, null));
  }

  /**
   * Soft-deletes a subject and forgets what is cached about it. {@code DELETE /subjects/{subject}}.
   *
   * @return the deleted version numbers
   */
  public List<Integer> deleteSubject(String subject) {
    requireSubject(subject);
    String path = "/subjects/" + segment(subject);
    List<Integer> deleted = intArray(call("DELETE", path, null));
    idsBySubjectSchema.removeIf(k -> k.subject().equals(subject));
    lookups.removeIf(k -> k.subject().equals(subject));
    versions.removeIf(k -> k.subject().equals(subject));
    return deleted;
  }

  /** The global compatibility level. {@code GET /config}. */
  public CompatibilityLevel getCompatibility() {
    return compatibilityField(call("GET", "/config", null), "compatibilityLevel");
  }

  /**
   * The compatibility level in effect for a subject: its own level or, when it has none, the
   * global one. {@code GET /config/{subject}?defaultToGlobal=true}.
   */
  public CompatibilityLevel getCompatibility(String subject) {
    requireSubject(subject);
    String path = "/config/" + segment(subject) + "?defaultToGlobal=true";
    return compatibilityField(call("GET", path, null), "compatibilityLevel");
  }

  /**
   * The compatibility level configured for the subject itself, if any: empty when the subject
   * follows the global level. {@code GET /config/{subject}}, where error code 40408 (Confluent
   * Platform 7 and later) or 40401 (earlier versions) means "none of its own".
   */
  public Optional<CompatibilityLevel> getSubjectCompatibility(String subject) {
    requireSubject(subject);
    String path = "/config/" + segment(subject);
    try {
      return Optional.of(compatibilityField(call("GET", path, null), "compatibilityLevel"));
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED
          || e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Makes sure a subject that is read with a fixed reader schema stays readable: sets the
   * subject's compatibility level to {@code level} (for the application's input subject,
   * {@link CompatibilityLevel#FORWARD_TRANSITIVE}: every schema registered later can be read by
   * every earlier one) unless someone configured a level for that subject already, which is then
   * kept — an explicit choice is not overridden, only logged when it does not protect readers.
   * The subject need not exist yet. {@code GET /config/{subject}}, then
   * {@code PUT /config/{subject}} when it has none.
   */
  public SubjectCompatibility ensureCompatibility(String subject, CompatibilityLevel level) {
    requireSubject(subject);
    Objects.requireNonNull(level, "level");
    Optional<CompatibilityLevel> own = getSubjectCompatibility(subject);
    if (own.isPresent()) {
      if (own.get() != CompatibilityLevel.FORWARD_TRANSITIVE && own.get() != CompatibilityLevel.FULL_TRANSITIVE) {
        LOG.warn("subject '{}' keeps its configured compatibility {} (not {}): producers may register schemas"
            + " that readers of the subject cannot read", subject, own.get(), level);
      }
      return new SubjectCompatibility(subject, own.get(), false);
    }
    CompatibilityLevel set = setCompatibility(subject, level);
    LOG.info("subject '{}' had no compatibility level of its own; set it to {}", subject, set);
    return new SubjectCompatibility(subject, set, true);
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

  /**
   * Whether a call is waiting for the registry right now — between retries of a request that
   * failed (an outage, HTTP 5xx) or of a schema id the registry does not know and cannot confirm
   * bogus — and if so, why and for how long. Empty while every call is answered at its first
   * request, or no call is under way: a registry that is down while nothing needs it (every
   * schema cached) stops nothing. Cheap and thread-safe, for health checks.
   */
  public Optional<String> waitingForRegistry() {
    String reason = retryReason;
    if (callsRetrying.get() <= 0 || reason == null) {
      return Optional.empty();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - retryingSinceNanos);
    return Optional.of(callsRetrying.get() + " schema registry call(s) retrying for " + seconds
        + " s (up to " + config.retryBudget().toMillis() + " ms, " + RegistryClientConfig.RETRY_BUDGET_MS
        + "): " + reason);
  }

  /**
   * A call waits to retry, for {@code reason}; the first time ({@code already} false) it is
   * counted, and {@link #endRetrying()} must follow, in a finally block. Returns true: the call is
   * now retrying.
   */
  private boolean markRetrying(boolean already, String reason) {
    retryReason = reason;
    if (!already && callsRetrying.getAndIncrement() == 0) {
      retryingSinceNanos = System.nanoTime();
    }
    return true;
  }

  private void endRetrying() {
    callsRetrying.decrementAndGet();
  }

  /**
   * From now on a failed request is not retried, and a call waiting to retry (for instance through
   * a registry outage) gives up at once with its last failure. An application that is stopping
   * calls this first, so that no thread stays blocked for the rest of the retry budget.
   */
  public void stopRetrying() {
    synchronized (retryWait) {
      retriesStopped = true;
      retryWait.notifyAll();
    }
  }

  /**
   * Stops retrying ({@link #stopRetrying()}) and drops the caches; the underlying JDK HTTP client
   * releases its resources when unreferenced.
   */
  @Override
  public void close() {
    stopRetrying();
    clearCaches();
  }

  private CompatibilityLevel putConfig(String path, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    return compatibilityField(call("PUT", path, body), "compatibility");
  }

  // ---------------------------------------------------------------- HTTP

  private Reply call(String method, String pathAndQuery, JsonNode body) {
    return call(method, pathAndQuery, body, new Attempts(config.retryBudget()));
  }

  /**
   * One request, retried on the transport or HTTP 5xx while {@code attempts} has budget and
   * {@code max.retries} is not reached; every retry tries each URL once, the last good one first.
   */
  private Reply call(String method, String pathAndQuery, JsonNode body, Attempts attempts) {
    String request = method + " " + pathAndQuery;
    byte[] payload;
    try {
      payload = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new SchemaRegistryException(
          0, 0, "cannot encode the body of schema registry request " + request + " to " + urls() + ": " + describe(e), e);
    }
    List<URI> urls = config.baseUrls();
    SchemaRegistryException last = null;
    int requests = 0;
    String stop;
    boolean retrying = false;
    try {
      for (int retry = 0; ; retry++) {
        if (retry > 0) {
          if (retry > config.maxRetries()) {
            stop = RegistryClientConfig.MAX_RETRIES + " (" + config.maxRetries() + ") reached";
            break;
          }
          if (retriesStopped) {
            stop = "the client is closing and retries no more";
            break;
          }
          Duration wait = backoff.delay(retry);
          if (!attempts.fits(wait)) {
            stop = "no time left for another retry (" + budgetText() + ")";
            break;
          }
          if (!retrying) {
            // visible once per call: the stream waits here, it has not hung
            LOG.warn("{}; retrying with backoff for up to {} ms ({})", last.getMessage(),
                config.retryBudget().toMillis(), RegistryClientConfig.RETRY_BUDGET_MS);
          }
          retrying = markRetrying(retrying, last.getMessage());
          pause(wait, request);
        }
        int start = preferredUrl.get();
        for (int i = 0; i < urls.size(); i++) {
          int index = (start + i) % urls.size();
          URI base = urls.get(index);
          String where = method + " " + base + pathAndQuery;
          Duration timeout = config.requestTimeout();
          if (attempts.requested) {
            long remaining = attempts.remainingNanos();
            if (remaining <= 0) {
              break;
            }
            timeout = Duration.ofNanos(Math.min(timeout.toNanos(), Math.max(remaining, MIN_REQUEST_TIMEOUT.toNanos())));
          }
          attempts.requested = true;
          requests++;
          try {
            HttpResponse<byte[]> response =
                http.send(request(base, method, pathAndQuery, payload, timeout), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
              preferredUrl.set(index);
              return new Reply(parseBody(response.body(), where, status), where);
            }
            SchemaRegistryException error = errorFrom(where, status, response.body());
            if (status < 500) {
              preferredUrl.set(index);
              throw error;
            }
            LOG.debug("{}; will retry", error.getMessage());
            last = error;
          } catch (HttpTimeoutException e) {
            last = transportError(where, "timed out after " + timeout.toMillis() + " ms", e);
            LOG.debug("{}", last.getMessage());
          } catch (IOException e) {
            last = transportError(where, "failed: " + describe(e), e);
            LOG.debug("{}", last.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, "interrupted during schema registry request " + where, e);
          }
        }
        if (attempts.remainingNanos() <= 0) {
          stop = "no time left for another retry (" + budgetText() + ")";
          break;
        }
      }
    } finally {
      if (retrying) {
        endRetrying();
      }
    }
    if (last == null) {
      throw new NotSentException("schema registry request " + request + " to " + urls() + " was not sent: " + stop);
    }
    throw new SchemaRegistryException(
        last.httpStatus(),
        last.errorCode(),
        "schema registry call "
            + request
            + " gave up after "
            + requests
            + " request(s) in "
            + attempts.elapsed()
            + " to "
            + urls()
            + ": "
            + stop
            + "; last failure: "
            + last.getMessage(),
        last.getCause() != null ? last.getCause() : last);
  }

  private HttpRequest request(URI base, String method, String pathAndQuery, byte[] payload, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base.toString() + pathAndQuery))
            .timeout(timeout)
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

  /** Waits {@code d} before a retry; returns early once {@link #stopRetrying()} is called. */
  private void pause(Duration d, String request) {
    if (d.isZero()) {
      return;
    }
    long until = System.nanoTime() + d.toNanos();
    try {
      synchronized (retryWait) {
        for (long left = d.toNanos(); left > 0 && !retriesStopped; left = until - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(retryWait, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          0, 0, "interrupted while waiting to retry schema registry request " + request, e);
    }
  }

  /** The configured base URLs, for messages. */
  private String urls() {
    List<URI> urls = config.baseUrls();
    return urls.size() == 1 ? urls.get(0).toString() : urls.toString();
  }

  private String budgetText() {
    return RegistryClientConfig.RETRY_BUDGET_MS + " " + config.retryBudget().toMillis();
  }

  /** An exception and its causes, each as its class and message (JDK exceptions often have none). */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 5; c = c.getCause() == c ? null : c.getCause(), depth++) {
      if (depth > 0) {
        sb.append("; caused by ");
      }
      sb.append(c.getClass().getName());
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private static SchemaRegistryException transportError(String where, String what, Throwable cause) {
    return new SchemaRegistryException(0, 0, "schema registry request " + where + " " + what, cause);
  }

  private static SchemaRegistryException errorFrom(String where, int status, byte[] body) {
    String prefix = "schema registry request " + where + " failed: HTTP " + status;
    JsonNode json = null;
    try {
      json = body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    if (json != null && json.isObject() && json.has("error_code")) {
      int code = json.get("error_code").asInt();
      String message = json.hasNonNull("message") ? json.get("message").asText() : "(no message)";
      return new SchemaRegistryException(status, code, prefix + ", error_code " + code + ": " + message);
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new SchemaRegistryException(
        status,
        0,
        prefix + " without a Schema Registry error body" + (text.isBlank() ? "" : " (body: " + text.strip() + ")"));
  }

  private static JsonNode parseBody(byte[] body, String where, int status) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new SchemaRegistryException(
            status, 0, "schema registry request " + where + " answered HTTP " + status + " with an empty body, expected JSON");
      }
      return node;
    } catch (IOException e) {
      throw new SchemaRegistryException(
          status, 0, "schema registry request " + where + " answered HTTP " + status + " with a body that is not valid JSON: "
              + describe(e), e);
    }
  }

  // ---------------------------------------------------------------- JSON shapes

  private static ObjectNode schemaBody(Schema schema) {
    // schemaType is omitted: the registry defaults it to AVRO.
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private static RegisteredSchema registeredSchema(Reply response) {
    String subject = textField(response, "subject");
    int id = intField(response, "id");
    int version = intField(response, "version");
    return new RegisteredSchema(subject, id, version, schemaField(response));
  }

  private static Schema schemaField(Reply response) {
    JsonNode type = response.body().get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw new SchemaRegistryException(
          200, 0, "response to " + response.where() + " holds a " + type.asText() + " schema; only AVRO is supported");
    }
    String text = textField(response, "schema");
    try {
      return SchemaIdentity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(
          200, 0, "response to " + response.where() + " holds an unparseable schema: " + describe(e), e);
    }
  }

  private static String textField(Reply response, String field) {
    JsonNode node = response.body().get(field);
    if (node == null || !node.isTextual()) {
      throw unexpected(response, "a string field '" + field + "'");
    }
    return node.textValue();
  }

  private static int intField(Reply response, String field) {
    JsonNode node = response.body().get(field);
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw unexpected(response, "an integer field '" + field + "'");
    }
    return node.intValue();
  }

  private static List<Integer> intArray(Reply response) {
    if (!response.body().isArray()) {
      throw unexpected(response, "a JSON array of integers");
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode n : response.body()) {
      if (!n.isIntegralNumber()) {
        throw unexpected(response, "a JSON array of integers");
      }
      out.add(n.intValue());
    }
    return out;
  }

  private static CompatibilityLevel compatibilityField(Reply response, String field) {
    String text = textField(response, field);
    try {
      return CompatibilityLevel.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(200, 0, "response to " + response.where() + ": " + e.getMessage(), e);
    }
  }

  private static SchemaRegistryException unexpected(Reply response, String expected) {
    String text = response.body().toString();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new SchemaRegistryException(
        200, 0, "unexpected response to " + response.where() + ": expected " + expected + ", found " + text);
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
