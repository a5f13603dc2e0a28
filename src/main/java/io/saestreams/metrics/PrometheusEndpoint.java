package io.saestreams.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server (the JDK's {@link HttpServer}) for Prometheus: {@code GET /metrics} answers
 * with the registry's scrape in the text exposition format 0.0.4, {@code GET /health} with {@code
 * ok}, {@code GET /health/live} and {@code GET /health/ready} with a {@link HealthCheck}'s
 * answer (200, or 503 with the reason), any other path with 404, any other method on those paths
 * with 405. {@code HEAD} is accepted wherever {@code GET} is. Other resources can be served on the
 * same address with {@link #route}.
 *
 * <p>Loading this class sets {@code sun.net.httpserver.nodelay=true} unless it is already set, so
 * that small responses are not held back by Nagle's algorithm against delayed ACKs (the JDK reads
 * the property once, when the first server of the process is created).
 */
public final class PrometheusEndpoint implements AutoCloseable {
  /** The content type of the Prometheus text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String NODELAY = "sun.net.httpserver.nodelay";
  private static final AtomicInteger SERVERS = new AtomicInteger();

  static {
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Set<String> PATHS = Set.of("/metrics", "/health", "/health/live", "/health/ready");

  private final PrometheusMeterRegistry registry;
  private final HealthCheck health;
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PrometheusEndpoint(
      PrometheusMeterRegistry registry,
      HealthCheck health,
      HttpServer server,
      ExecutorService executor) {
    this.registry = registry;
    this.health = health;
    this.server = server;
    this.executor = executor;
    InetSocketAddress a = server.getAddress();
    InetAddress ip = a.getAddress();
    String host =
        ip.isAnyLocalAddress()
            ? "localhost"
            : ip.getHostAddress().contains(":")
                ? "[" + ip.getHostAddress() + "]"
                : ip.getHostAddress();
    this.url = URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /**
   * Starts serving {@code registry} on {@code host:port}; port 0 picks a free port. The server's
   * single handler thread is a daemon.
   */
  public static PrometheusEndpoint start(PrometheusMeterRegistry registry, String host, int port)
      throws IOException {
    return start(registry, host, port, HealthCheck.ALWAYS);
  }

  /**
   * Starts serving {@code registry} on {@code host:port}, with {@code /health/live} and {@code
   * /health/ready} answered by {@code health} (200 when ok, 503 with the reason otherwise).
   */
  public static PrometheusEndpoint start(
      PrometheusMeterRegistry registry, String host, int port, HealthCheck health)
      throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    String threadName = "prometheus-endpoint-" + SERVERS.incrementAndGet();
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    PrometheusEndpoint endpoint = new PrometheusEndpoint(registry, health, server, executor);
    server.createContext("/", endpoint::handle);
    server.setExecutor(executor);
    server.start();
    return endpoint;
  }

  /** The base address, {@code http://host:port/}; a wildcard bind address shows as localhost. */
  public URI url() {
    return url;
  }

  /** {@link #url()} resolved against {@code metrics}. */
  public URI metricsUrl() {
    return url.resolve("metrics");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Serves {@code path} and every path that starts with it with {@code handler} instead of this
   * endpoint's own answers (404 for them until then). The handler runs on the server's single
   * thread, which also answers scrapes and health probes: it should hand slow work to a thread of
   * its own.
   */
  public void route(String path, HttpHandler handler) {
    Objects.requireNonNull(handler, "handler");
    // the JDK's server picks the longest context that is a plain string prefix of the path
    if (!path.startsWith("/") || PATHS.stream().anyMatch(p -> p.startsWith(path))) {
      throw new IllegalArgumentException(
          "cannot route " + path + ": it would take over one of " + PATHS + " or is not absolute");
    }
    server.createContext(path, handler);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!PATHS.contains(path)) {
        respond(exchange, 404, TEXT, "not found\n");
      } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, TEXT, "method not allowed\n");
      } else if ("/health".equals(path)) {
        respond(exchange, 200, TEXT, "ok");
      } else if (path.startsWith("/health/")) {
        respondHealth(exchange, "/health/live".equals(path));
      } else {
        String body;
        try {
          body = registry.scrape();
        } catch (RuntimeException e) {
          respond(exchange, 500, TEXT, "scrape failed: " + e + "\n");
          return;
        }
        respond(exchange, 200, CONTENT_TYPE, body);
      }
    }
  }

  /** 200 when the check says ok; 503 with its reason otherwise, also when the check throws. */
  private void respondHealth(HttpExchange exchange, boolean live) throws IOException {
    HealthCheck.Health h;
    try {
      h = live ? health.live() : health.ready();
    } catch (RuntimeException e) {
      h = HealthCheck.Health.notOk("health check failed: " + e);
    }
    if (h.ok()) {
      respond(exchange, 200, TEXT, "ok\n");
    } else {
      respond(exchange, 503, TEXT, (live ? "not live: " : "not ready: ") + h.reason() + "\n");
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
    }
    // -1: no body; a length of 0 would mean chunked.
    exchange.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(bytes);
      }
    }
  }

  /** Stops the server at once and its handler thread; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
