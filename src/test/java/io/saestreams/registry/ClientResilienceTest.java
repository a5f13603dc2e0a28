package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, fail-over, timeouts and headers, against a scripted stand-in server. */
class ClientResilienceTest {
  private static final String SCHEMA_BODY =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}";

  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private ExecutorService executor;

  interface Script {
    void answer(int requestNumber, HttpExchange exchange) throws IOException, InterruptedException;
  }

  private String serve(Script script) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          int n = requests.incrementAndGet();
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "<none>" : auth);
          exchange.getRequestBody().readAllBytes();
          try {
            script.answer(n, exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static RegistryClientConfig.Builder fast(String urls) {
    return RegistryClientConfig.builder(urls)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(4))
        .requestTimeout(Duration.ofSeconds(5));
  }

  @Test
  void retriesServerErrorsThenSucceeds() throws IOException {
    String url =
        serve(
            (n, ex) -> {
              if (n <= 2) {
                respond(ex, 503, "{\"error_code\":50001,\"message\":\"store unavailable\"}");
              } else {
                respond(ex, 200, SCHEMA_BODY);
              }
            });
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).maxRetries(3).build());
    assertThat(client.getById(5).getName()).isEqualTo("R");
    assertThat(requests.get()).isEqualTo(3);
    client.getById(5);
    assertThat(requests.get()).isEqualTo(3);
  }

  @Test
  void givesUpAfterBoundedRetries() throws IOException {
    String url = serve((n, ex) -> respond(ex, 500, "{\"error_code\":50001,\"message\":\"store unavailable\"}"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).maxRetries(2).build());
    assertThatThrownBy(() -> client.getById(5))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.isUnavailable()).isTrue();
              assertThat(e.getMessage()).contains("gave up after 3 request(s)").contains("store unavailable");
            });
    assertThat(requests.get()).isEqualTo(3);
  }

  @Test
  void doesNotRetryClientErrors() throws IOException {
    String url = serve((n, ex) -> respond(ex, 404, "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).maxRetries(3).build());
    assertThatThrownBy(() -> client.getById(5))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void reportsNonJsonErrorBodies() throws IOException {
    String url = serve((n, ex) -> respond(ex, 403, "<html>forbidden by proxy</html>"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).maxRetries(0).build());
    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(403);
              assertThat(e.errorCode()).isZero();
              assertThat(e.getMessage()).contains("HTTP 403").contains("forbidden by proxy");
            });
  }

  @Test
  void failsOverToTheNextUrlOnConnectionErrors() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      deadPort = socket.getLocalPort();
    }
    String url = serve((n, ex) -> respond(ex, 200, "[\"a-value\"]"));
    SchemaRegistryClient client =
        new SchemaRegistryClient(fast("http://127.0.0.1:" + deadPort + " , " + url).maxRetries(0).build());
    assertThat(client.subjects()).containsExactly("a-value");
    assertThat(client.subjects()).containsExactly("a-value");
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void connectionRefusedIsReportedWithStatusZero() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      deadPort = socket.getLocalPort();
    }
    SchemaRegistryClient client = new SchemaRegistryClient(fast("http://127.0.0.1:" + deadPort).maxRetries(1).build());
    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.isUnavailable()).isTrue();
              assertThat(e.getMessage()).contains("gave up after 2 request(s)").contains(String.valueOf(deadPort));
            });
  }

  @Test
  void timesOutSlowResponses() throws IOException {
    String url =
        serve(
            (n, ex) -> {
              release.await(30, TimeUnit.SECONDS);
              respond(ex, 200, "[]");
            });
    SchemaRegistryClient client =
        new SchemaRegistryClient(fast(url).requestTimeout(Duration.ofMillis(300)).maxRetries(0).build());
    long start = System.nanoTime();
    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.getMessage()).contains("timed out");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void sendsBasicAuthAndContentTypeHeaders() throws IOException {
    List<String> contentTypes = new CopyOnWriteArrayList<>();
    String url =
        serve(
            (n, ex) -> {
              contentTypes.add(String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
              respond(ex, 200, "{\"id\":7}");
            });
    SchemaRegistryClient client =
        new SchemaRegistryClient(fast(url).basicAuthUserInfo("alice:pa:ss").build());
    assertThat(client.register("x-value", SchemaRegistryClientTest.V1)).isEqualTo(7);
    assertThat(authorizations)
        .containsExactly(
            "Basic " + Base64.getEncoder().encodeToString("alice:pa:ss".getBytes(StandardCharsets.UTF_8)));
    assertThat(contentTypes).containsExactly("application/vnd.schemaregistry.v1+json");
  }

  @Test
  void rejectsMalformedSuccessBodies() throws IOException {
    String url = serve((n, ex) -> respond(ex, 200, "{\"identifier\":7}"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).build());
    assertThatThrownBy(() -> client.register("x-value", SchemaRegistryClientTest.V1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("expected an integer field 'id'")
        .hasMessageContaining("identifier");
  }
}
