package io.saestreams.stream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.saestreams.avro.InputVector;
import io.saestreams.metrics.PrometheusEndpoint;
import io.saestreams.metrics.TrainerReport;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.validate.InputValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live queries over HTTP on the metrics endpoint's address (see {@link QueryAnswers} for what each
 * answers):
 *
 * <ul>
 *   <li>{@code POST /encode} (body: an input as JSON, at most {@value #MAX_BODY_BYTES} bytes;
 *       {@code ?reconstruction=true} adds x̂),
 *   <li>{@code GET /model},
 *   <li>{@code GET /latents/{j}} ({@code ?top=N}, 1 to {@value QueryAnswers#MAX_TOP}, default
 *       {@value QueryAnswers#DEFAULT_TOP}).
 * </ul>
 *
 * <p>Answers are JSON; errors are {@code {"error": ..., "reason": ...}} with 400 (a bad body,
 * index or parameter; an input the stream would dead-letter, with the same reason code), 404, 405
 * (with {@code Allow}), 413 (a body over the cap, refused on its {@code Content-Length} before it
 * is read, or once the cap is passed when it is chunked), or 503 (the model store is not ready,
 * or {@value #MAX_QUEUED} queries are already waiting). {@code HEAD} is accepted wherever {@code
 * GET} is.
 *
 * <p>The endpoint's thread only hands each request over: queries run one at a time on a thread of
 * their own, so that reading a large body or encoding never holds up {@code /metrics} or the
 * health probes.
 */
public final class LiveQueries implements HttpHandler, AutoCloseable {
  /** The largest {@code POST /encode} body accepted: 4 MiB. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  /** Paths routed here. */
  public static final List<String> PATHS = List.of("/encode", "/model", "/latents");

  static final int MAX_QUEUED = 16;

  private static final Logger LOG = LoggerFactory.getLogger(LiveQueries.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String LATENTS = "/latents/";
  private static final String GET = "GET, HEAD";

  private final QueryAnswers answers;
  private final ThreadPoolExecutor executor;

  LiveQueries(QueryAnswers answers) {
    this.answers = answers;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
          Thread t = new Thread(r, "sae-live-queries");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Serves the live queries of the application {@code streams} runs on {@code endpoint}'s
   * address, with {@code trainer} as the source of the trainer's figures.
   */
  public static LiveQueries attach(PrometheusEndpoint endpoint, AppConfig config, KafkaStreams streams,
      Supplier<TrainerReport> trainer) {
    LiveQueries q = new LiveQueries(answers(config, ModelStoreAccess.of(streams), trainer, Clock.systemUTC()));
    q.routeOn(endpoint);
    return q;
  }

  /** The answers for {@code config}: its scorers' model store, backend, validation and initial model. */
  static QueryAnswers answers(AppConfig config, ModelStoreAccess store, Supplier<TrainerReport> trainer,
      Clock clock) {
    LiveModel model = new LiveModel(store, () -> InitialModel.of(config.trainerConfig()),
        Gemms.create(config.gemmBackend()));
    // bodies are parsed from JSON, never decoded from Avro
    Deserializer<InputVector> none = (topic, data) -> {
      throw new UnsupportedOperationException("live queries parse JSON, not Avro");
    };
    InputValidator validator = new InputValidator(none, config.inputDim(), SaeTopology.limits(config));
    return new QueryAnswers(model, validator, trainer, config.anomalySettings().topDimensions(), clock);
  }

  void routeOn(PrometheusEndpoint endpoint) {
    PATHS.forEach(p -> endpoint.route(p, this));
  }

  /** Hands the request to the query thread; 503 at once when too many are waiting. */
  @Override
  public void handle(HttpExchange exchange) {
    try {
      executor.execute(() -> serve(exchange));
    } catch (RejectedExecutionException e) {
      QueryException q = executor.isShutdown()
          ? QueryException.notReady("the application is stopping")
          : QueryException.busy(MAX_QUEUED);
      try (exchange) {
        respond(exchange, q.status, QueryJson.error(q.reason, q.getMessage()), null, true);
      } catch (IOException io) {
        LOG.debug("could not answer a live query: {}", io.toString());
      }
    }
  }

  /** Answers one request and closes it. */
  void serve(HttpExchange exchange) {
    try (exchange) {
      JsonNode body;
      int status = 200;
      String allow = null;
      boolean close = false;
      try {
        body = answer(exchange);
      } catch (QueryException e) {
        status = e.status;
        allow = e.allow;
        // a refused body is left unread: the connection cannot be reused
        close = e.status == 413;
        body = QueryJson.error(e.reason, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("live query {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        status = 500;
        body = QueryJson.error("internal-error", "the query failed: " + e);
      }
      respond(exchange, status, body, allow, close);
    } catch (IOException e) {
      LOG.debug("could not answer a live query (the client left?): {}", e.toString());
    }
  }

  private JsonNode answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if ("/encode".equals(path)) {
      require(method, path, "POST");
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      return answers.encode(body(exchange), "true".equalsIgnoreCase(query.get("reconstruction")));
    }
    if ("/model".equals(path)) {
      require(method, path, GET);
      return answers.model();
    }
    if ("/latents".equals(path) || LATENTS.equals(path)) {
      require(method, path, GET);
      throw QueryException.badRequest(QueryException.INVALID_LATENT,
          "no latent index: ask for GET /latents/{j}, j in [0, latents)");
    }
    if (path.startsWith(LATENTS)) {
      require(method, path, GET);
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      return answers.latent(path.substring(LATENTS.length()), query.get("top"));
    }
    throw QueryException.notFound(path);
  }

  private static void require(String method, String path, String allow) {
    boolean ok = allow.equals(GET) ? "GET".equals(method) || "HEAD".equals(method) : allow.equals(method);
    if (!ok) {
      throw QueryException.methodNotAllowed(method, path, allow);
    }
  }

  /** The body, refused with 413 past {@link #MAX_BODY_BYTES} — on its length, before reading it. */
  private static byte[] body(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
      if (declared > MAX_BODY_BYTES) {
        throw QueryException.tooLarge("the body is " + declared + " bytes; at most " + MAX_BODY_BYTES
            + " are accepted");
      }
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw QueryException.tooLarge("the body is more than " + MAX_BODY_BYTES + " bytes, the most accepted");
    }
    return body;
  }

  /** The query parameters (the last of a repeated name wins). */
  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.put(name, value);
      } catch (IllegalArgumentException e) {
        throw QueryException.badRequest(QueryException.INVALID_PARAMETER,
            "the query string is not URL-encoded: " + e.getMessage());
      }
    }
    return out;
  }

  private static void respond(HttpExchange exchange, int status, JsonNode node, String allow, boolean close)
      throws IOException {
    byte[] bytes = QueryJson.bytes(node);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", JSON);
    headers.set("Cache-Control", "no-store");
    if (allow != null) {
      headers.set("Allow", allow);
    }
    if (close) {
      headers.set("Connection", "close");
    }
    if ("HEAD".equals(exchange.getRequestMethod())) {
      headers.set("Content-Length", Integer.toString(bytes.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  /** Requests waiting for the query thread. */
  int waiting() {
    return executor.getQueue().size();
  }

  /** Stops the query thread; requests still waiting are not answered. Idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("a live query was still running 5 s after the stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
