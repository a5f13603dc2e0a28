package io.saestreams.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the embedded registry: binds the JDK server on {@code 127.0.0.1}, checks basic
 * authentication, bounds the request body, routes to one handler per resource ({@link
 * SubjectsHandler}, {@link SchemasHandler}, {@link ConfigHandler}, {@link CompatibilityHandler})
 * and writes Confluent's JSON, errors as {@code {"error_code": N, "message": "..."}}.
 * {@link io.saestreams.registry.EmbeddedSchemaRegistry} is the public face; use that.
 *
 * <p>Order per request: credentials first (401 without reading the body), then the body, at most
 * {@link #maxRequestBytes(long) the limit} (default {@value #DEFAULT_MAX_REQUEST_BYTES} bytes): a
 * declared {@code Content-Length} above it is refused with 413 before any byte is read, and a body
 * without a length (chunked) is read through a bound of limit + 1 bytes and refused with 413 as soon
 * as it passes the limit. A 413 closes the connection, so the rest of the upload is never read.
 */
public final class RegistryServer implements AutoCloseable {
  /** The default request body limit: 16 MiB, far above any real schema request. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
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
  private final RegistryStore store = new RegistryStore();
  private final SubjectsHandler subjects = new SubjectsHandler(store);
  private final SchemasHandler schemas = new SchemasHandler(store);
  private final ConfigHandler config = new ConfigHandler(store);
  private final CompatibilityHandler compatibility = new CompatibilityHandler(store);
  private final LongAdder requestTotal = new LongAdder();
  private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();
  private volatile byte[] expectedAuthorization;
  private volatile long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  private HttpServer server;
  private ExecutorService executor;

  /** A server for the given port; 0 picks a free one. Nothing is bound before {@link #start()}. */
  public RegistryServer(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    this.requestedPort = port;
  }

  /** Requires basic authentication with {@code "user:password"}; {@code null} turns it off. */
  public RegistryServer requireBasicAuth(String userInfo) {
    this.expectedAuthorization =
        userInfo == null
            ? null
            : ("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /**
   * Sets the largest request body accepted, in bytes; larger requests get HTTP 413. Call before or
   * after {@link #start()}.
   *
   * @throws IllegalArgumentException when {@code bytes} is below 1
   */
  public RegistryServer maxRequestBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 1, was " + bytes);
    }
    this.maxRequestBytes = bytes;
    return this;
  }

  /** The current request body limit in bytes. */
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** Binds and starts serving. */
  public synchronized RegistryServer start() {
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

  // ---------------------------------------------------------------- one exchange

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    requestTotal.increment();
    requestCounts.computeIfAbsent(method + " " + rawPath, k -> new LongAdder()).increment();
    int status;
    JsonNode body;
    try {
      checkAuth(exchange);
      byte[] requestBody = readBody(exchange);
      Request request = new Request(method, segments(rawPath), query(exchange.getRequestURI().getRawQuery()), requestBody);
      body = route(request);
      status = 200;
    } catch (ApiError e) {
      status = e.status;
      body = Json.object().put("error_code", e.code).put("message", e.getMessage());
      LOG.debug("{} {} -> {} {}", method, rawPath, e.code, e.getMessage());
    } catch (RuntimeException e) {
      status = 500;
      body = Json.object().put("error_code", 50001).put("message", "Internal error: " + e);
      LOG.warn("embedded schema registry failed on {} {}", method, rawPath, e);
    }
    respond(exchange, status, body);
  }

  private JsonNode route(Request r) {
    if (r.size() == 0) {
      r.require("GET");
      return Json.object();
    }
    switch (r.segment(0)) {
      case "subjects":
        return subjects.handle(r);
      case "schemas":
        return schemas.handle(r);
      case "config":
        return config.handle(r);
      case "compatibility":
        return compatibility.handle(r);
      default:
        throw Request.notFound();
    }
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = Request.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IOException("cannot render the response", e);
    }
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    if (status == 401) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
    }
    if (status == 413) {
      // The rest of the upload is never read; the connection cannot carry another request.
      exchange.getResponseHeaders().set("Connection", "close");
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

  /** The body, at most {@link #maxRequestBytes} of it; 413 beyond, without reading more than limit + 1. */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    long limit = maxRequestBytes;
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Bad request: Content-Length '" + declared + "' is not a number");
      }
      if (length > limit) {
        throw tooLarge("of " + length + " bytes", limit);
      }
    }
    InputStream in = exchange.getRequestBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 8192));
    byte[] buffer = new byte[8192];
    long total = 0;
    while (total <= limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1 - total));
      if (n < 0) {
        in.close();
        return out.toByteArray();
      }
      total += n;
      if (total <= limit) {
        out.write(buffer, 0, n);
      }
    }
    throw tooLarge("above " + limit + " bytes", limit);
  }

  private static ApiError tooLarge(String size, long limit) {
    return new ApiError(
        413, 413, "Request body " + size + " exceeds this registry's limit of " + limit + " bytes");
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
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }
}
