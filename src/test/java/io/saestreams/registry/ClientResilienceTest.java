package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.saestreams.embedded.Await;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, the retry budget, fail-over, timeouts, headers and the unknown-id rule, against a
 * scripted stand-in server and against the embedded registry stopped and started again.
 */
class ClientResilienceTest {
  private static final String SCHEMA_BODY =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}";

  private static final String R_SCHEMA = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[]}";
  private static final String SCHEMA_3_NOT_FOUND = "{\"error_code\":40403,\"message\":\"Schema 3 not found\"}";

  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeLater = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
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
          seen.add(exchange.getRequestMethod() + " " + request(exchange));
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

  private static String request(HttpExchange exchange) {
    String query = exchange.getRequestURI().getRawQuery();
    return exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
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
  void stop() throws Exception {
    release.countDown();
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
    for (AutoCloseable c : closeLater) {
      c.close();
    }
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
    String url = serve((n, ex) -> respond(ex, 404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found\"}"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).maxRetries(3).build());
    assertThatThrownBy(() -> client.getLatest("x"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
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

  // ---------------------------------------------------------------- the retry budget

  private static final String STORE_DOWN = "{\"error_code\":50001,\"message\":\"store unavailable\"}";

  @Test
  void byDefaultRetriesAreBoundedByTheBudgetNotByACount() throws IOException {
    String url = serve((n, ex) -> respond(ex, n <= 6 ? 503 : 200, n <= 6 ? STORE_DOWN : SCHEMA_BODY));
    // default max.retries: six failures in a row no longer exhaust the client (they used to: 3)
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).retryBudget(Duration.ofSeconds(20)).build());
    assertThat(client.getById(5).getName()).isEqualTo("R");
    assertThat(requests.get()).isEqualTo(7);
  }

  @Test
  void givesUpWhenTheBudgetIsSpent() throws IOException {
    String url = serve((n, ex) -> respond(ex, 503, STORE_DOWN));
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            fast(url).backoff(Duration.ofMillis(10), Duration.ofMillis(40)).retryBudget(Duration.ofMillis(400)).build());
    long start = System.nanoTime();
    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.isUnavailable()).isTrue();
              assertThat(e.getMessage())
                  .contains("GET /subjects")
                  .contains(url)
                  .contains("no time left for another retry (retry.budget.ms 400)")
                  .contains("store unavailable");
            });
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    assertThat(requests.get()).isGreaterThan(4);
  }

  @Test
  void aRetryNeverWaitsPastTheBudgetForAnAnswer() throws IOException {
    // the first request fails fast, every later one hangs: only the budget ends the call
    String url =
        serve(
            (n, ex) -> {
              if (n == 1) {
                respond(ex, 503, STORE_DOWN);
              } else {
                release.await(60, TimeUnit.SECONDS);
              }
            });
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            fast(url).requestTimeout(Duration.ofSeconds(30)).retryBudget(Duration.ofMillis(500)).build());
    long start = System.nanoTime();
    assertThatThrownBy(client::subjects)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("timed out after");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void zeroBudgetMeansOneRoundOfRequests() throws IOException {
    String url = serve((n, ex) -> respond(ex, 503, STORE_DOWN));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).retryBudget(Duration.ZERO).build());
    assertThatThrownBy(client::subjects).hasMessageContaining("gave up after 1 request(s)");
    assertThat(requests.get()).isEqualTo(1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /**
   * A registry started after an outage, with the number of look-ups of schema id 1 it had received
   * when its schemas were registered (it starts empty, then registers: a client retrying in between
   * is told the id is unknown and asks again).
   */
  private record Back(EmbeddedSchemaRegistry registry, long lookupsBeforeRegistered) {
    /**
     * Look-ups of id 1 received after it was known: at most one when the client stops at the first
     * answer (none when the answering look-up arrived just before the count was taken).
     */
    long lookupsOnceKnown() {
      return registry.requestCount("GET /schemas/ids/1") - lookupsBeforeRegistered;
    }
  }

  /** Starts a registry on {@code port} after {@code delay}: the end of an outage. */
  private CompletableFuture<Back> startLater(int port, Duration delay, Schema... schemas) {
    CompletableFuture<Back> started = new CompletableFuture<>();
    scheduler.schedule(
        () -> {
          try {
            EmbeddedSchemaRegistry r = new EmbeddedSchemaRegistry(port).start();
            closeLater.add(r);
            SchemaRegistryClient c = SchemaRegistryClient.create(r.url());
            for (Schema s : schemas) {
              c.register("v-value", s);
            }
            started.complete(new Back(r, r.requestCount("GET /schemas/ids/1")));
          } catch (RuntimeException e) {
            started.completeExceptionally(e);
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
    return started;
  }

  @Test
  void anOutageOfSecondsIsRiddenOutWithTheDefaultBackoff() throws Exception {
    int port = freePort();
    // down for 2.5 s: the former retries (3, 200 ms doubling) were over after 1.4 s
    CompletableFuture<Back> back = startLater(port, Duration.ofMillis(2500), SchemaRegistryClientTest.V1);
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistryClientConfig.builder("http://127.0.0.1:" + port).retryBudget(Duration.ofSeconds(20)).build());
    long start = System.nanoTime();
    assertThat(client.getById(1)).isEqualTo(SchemaRegistryClientTest.V1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2400));
    Back registry = back.get(5, TimeUnit.SECONDS);
    assertThat(registry.registry().requestCount("GET /schemas/ids/1")).isPositive();
    assertThat(registry.lookupsOnceKnown()).isLessThanOrEqualTo(1);
  }

  /**
   * A call waiting between retries of an outage shows in {@code waitingForRegistry()} (what a
   * readiness check reads) with the failure; nothing shows before the first failure or once the
   * registry answers again.
   */
  @Test
  void aCallRetryingThroughAnOutageShowsAsWaitingUntilTheRegistryIsBack() throws Exception {
    int port = freePort();
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistryClientConfig.builder("http://127.0.0.1:" + port)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .retryBudget(Duration.ofSeconds(30))
                .build());
    assertThat(client.waitingForRegistry()).isEmpty();
    CompletableFuture<Schema> lookup = CompletableFuture.supplyAsync(() -> client.getById(1));
    closeLater.add(() -> lookup.cancel(true));
    Await.until(Duration.ofSeconds(20), "a retrying call to show as waiting", () -> {
      assertThat(lookup).isNotDone();
      return client.waitingForRegistry().isPresent();
    });
    assertThat(client.waitingForRegistry().orElseThrow())
        .contains("1 schema registry call(s) retrying")
        .contains("GET http://127.0.0.1:" + port + "/schemas/ids/1")
        .contains("retry.budget.ms");
    EmbeddedSchemaRegistry back = new EmbeddedSchemaRegistry(port).start();
    closeLater.add(back);
    SchemaRegistryClient.create(back.url()).register("v-value", SchemaRegistryClientTest.V1);
    assertThat(lookup.get(20, TimeUnit.SECONDS)).isEqualTo(SchemaRegistryClientTest.V1);
    assertThat(client.waitingForRegistry()).isEmpty();
  }

  /** An id an empty registry does not know is retried as a fault, and shows as waiting. */
  @Test
  void anUnconfirmedUnknownIdShowsAsWaitingWhileItIsAskedAgain() throws Exception {
    EmbeddedSchemaRegistry empty = new EmbeddedSchemaRegistry().start();
    closeLater.add(empty);
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistryClientConfig.builder(empty.url())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .retryBudget(Duration.ofSeconds(30))
                .build());
    CompletableFuture<Schema> lookup = CompletableFuture.supplyAsync(() -> client.getById(1));
    Await.until(Duration.ofSeconds(20), "an unconfirmed id to show as waiting",
        () -> client.waitingForRegistry().isPresent());
    assertThat(client.waitingForRegistry().orElseThrow())
        .contains("schema id 1 is not known to the registry at " + empty.url());
    client.stopRetrying();
    assertThatThrownBy(() -> lookup.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(UnknownSchemaIdException.class);
    assertThat(client.waitingForRegistry()).isEmpty();
  }

  // ---------------------------------------------------------------- unknown schema ids

  @Test
  void anEmptyRegistryDoesNotMakeAnIdBogus() {
    EmbeddedSchemaRegistry empty = new EmbeddedSchemaRegistry().start();
    closeLater.add(empty);
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistryClientConfig.builder(empty.url())
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .retryBudget(Duration.ofMillis(400))
                .build());
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.getById(1))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.confirmed()).isFalse();
              assertThat(e.isUnavailable()).isTrue();
              assertThat(e.highestKnownId()).isZero();
              assertThat(e.schemaId()).isEqualTo(1);
              assertThat(e.getMessage())
                  .contains(empty.url())
                  .contains("does not know schema id 1 and knows no schema at all")
                  .contains("registry fault")
                  .contains("retry.budget.ms 400");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(empty.requestCount("GET /schemas/ids/1")).isGreaterThan(1);
  }

  @Test
  void anIdUnknownToAWrongRegistryDecodesOnceTheRightOneIsBack() throws Exception {
    EmbeddedSchemaRegistry wrong = new EmbeddedSchemaRegistry().start();
    int port = wrong.port();
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistryClientConfig.builder(wrong.url())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .retryBudget(Duration.ofSeconds(20))
                .build());
    scheduler.schedule(wrong::close, 800, TimeUnit.MILLISECONDS);
    CompletableFuture<Back> right = startLater(port, Duration.ofMillis(1000), SchemaRegistryClientTest.V1);
    assertThat(client.getById(1)).isEqualTo(SchemaRegistryClientTest.V1);
    Back registry = right.get(5, TimeUnit.SECONDS);
    assertThat(registry.registry().requestCount("GET /schemas/ids/1")).isPositive();
    assertThat(registry.lookupsOnceKnown()).isLessThanOrEqualTo(1);
  }

  @Test
  void maxRetriesAlsoCapsTheLookupsOfAnUnknownId() {
    EmbeddedSchemaRegistry empty = new EmbeddedSchemaRegistry().start();
    closeLater.add(empty);
    SchemaRegistryClient client = new SchemaRegistryClient(fast(empty.url()).maxRetries(2).build());
    assertThatThrownBy(() -> client.getById(9))
        .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.getMessage()).contains("after 3 look-up(s)"));
    assertThat(empty.requestCount("GET /schemas/ids/9")).isEqualTo(3);
  }

  private static String schemaEntry(String subject, int version, int id) {
    return "{\"subject\":\"" + subject + "\",\"version\":" + version + ",\"id\":" + id + ",\"schema\":\"" + R_SCHEMA + "\"}";
  }

  @Test
  void anIdBelowTheHighestListedOneIsBogusAtOnce() throws IOException {
    String url =
        serve(
            (n, ex) -> {
              switch (request(ex)) {
                case "/schemas?deleted=true" -> respond(ex, 200, "[" + schemaEntry("a", 1, 2) + "," + schemaEntry("b", 1, 5) + "]");
                default -> respond(ex, 404, SCHEMA_3_NOT_FOUND);
              }
            });
    SchemaRegistryClient client = new SchemaRegistryClient(RegistryClientConfig.builder(url).build());
    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.confirmed()).isTrue();
              assertThat(e.highestKnownId()).isEqualTo(5);
              assertThat(e.getMessage()).contains("knows ids up to 5: the id is bogus").contains("Schema 3 not found");
            });
    assertThat(seen).containsExactly("GET /schemas/ids/3", "GET /schemas?deleted=true");
  }

  @Test
  void withoutGetSchemasTheLatestVersionOfEverySubjectTellsTheHighestId() throws IOException {
    String url =
        serve(
            (n, ex) -> {
              switch (request(ex)) {
                case "/schemas?deleted=true" -> respond(ex, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
                case "/subjects?deleted=true" -> respond(ex, 200, "[\"a\",\"b\",\"gone\"]");
                case "/subjects/a/versions/latest?deleted=true" -> respond(ex, 200, schemaEntry("a", 2, 4));
                case "/subjects/b/versions/latest?deleted=true" -> respond(ex, 200, schemaEntry("b", 1, 7));
                case "/subjects/gone/versions/latest?deleted=true" ->
                    respond(ex, 404, "{\"error_code\":40401,\"message\":\"Subject 'gone' not found.\"}");
                default -> respond(ex, 404, SCHEMA_3_NOT_FOUND);
              }
            });
    SchemaRegistryClient client = new SchemaRegistryClient(RegistryClientConfig.builder(url).build());
    assertThat(client.highestKnownId()).isEqualTo(7);
    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.confirmed()).isTrue());
  }

  @Test
  void aRegistryThatCannotListItsSchemasConfirmsNothing() throws IOException {
    String url =
        serve(
            (n, ex) -> {
              if (request(ex).startsWith("/schemas?")) {
                respond(ex, 403, "{\"error_code\":40301,\"message\":\"User cannot access the resource.\"}");
              } else {
                respond(ex, 404, SCHEMA_3_NOT_FOUND);
              }
            });
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).retryBudget(Duration.ofMillis(200)).build());
    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.confirmed()).isFalse();
              assertThat(e.highestKnownId()).isEqualTo(-1);
              assertThat(e.getMessage()).contains("could not list its schemas").contains("40301");
            });
  }

  @Test
  void aReusedHighestIdIsCheckedBeforeItCondemnsAnId() throws IOException {
    AtomicBoolean reset = new AtomicBoolean();
    String url =
        serve(
            (n, ex) -> {
              String path = request(ex);
              if (path.equals("/schemas?deleted=true")) {
                respond(ex, 200, reset.get() ? "[]" : "[" + schemaEntry("a", 1, 5) + "]");
              } else if (path.equals("/schemas/ids/5") && !reset.get()) {
                respond(ex, 200, SCHEMA_BODY);
              } else {
                respond(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
              }
            });
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).retryBudget(Duration.ofMillis(200)).build());
    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.confirmed()).isTrue());
    seen.clear();
    // within the reuse period: one request to check that id 5 still exists, no new listing
    assertThatThrownBy(() -> client.getById(4))
        .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.confirmed()).isTrue());
    assertThat(seen).containsExactly("GET /schemas/ids/4", "GET /schemas/ids/5");
    // the registry is reset: the reused answer no longer holds, and id 2 is not condemned
    reset.set(true);
    seen.clear();
    assertThatThrownBy(() -> client.getById(2))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.confirmed()).isFalse();
              assertThat(e.highestKnownId()).isZero();
            });
    assertThat(seen).startsWith("GET /schemas/ids/2", "GET /schemas/ids/5", "GET /schemas?deleted=true");
  }

  // ---------------------------------------------------------------- messages

  @Test
  void everyFailureNamesTheUrlTheRequestAndTheCause() throws IOException {
    int deadPort = freePort();
    SchemaRegistryClient dead = new SchemaRegistryClient(fast("http://127.0.0.1:" + deadPort).maxRetries(0).build());
    assertThatThrownBy(() -> dead.getLatest("s-value"))
        .hasMessageContaining("GET /subjects/s-value/versions/latest")
        .hasMessageContaining("http://127.0.0.1:" + deadPort)
        .hasMessageContaining("java.net.ConnectException")
        .hasMessageNotContaining("null");

    String url = serve((n, ex) -> respond(ex, 200, "not json {"));
    SchemaRegistryClient client = new SchemaRegistryClient(fast(url).build());
    assertThatThrownBy(client::subjects)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("GET " + url + "/subjects")
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("JsonParseException");
  }

  @Test
  void describeNamesEveryCauseEvenWithoutMessages() {
    Exception e = new IOException(null, new java.net.ConnectException());
    assertThat(SchemaRegistryClient.describe(e))
        .isEqualTo("java.io.IOException; caused by java.net.ConnectException");
    assertThat(SchemaRegistryClient.describe(new java.net.ConnectException())).isEqualTo("java.net.ConnectException");
  }
}
