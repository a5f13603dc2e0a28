package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A wrong, reset or unreachable registry is a registry fault, never a poison payload: valid
 * records decode once the right registry answers within the retry budget, and when it does not,
 * the failure is one the stream layer stops on instead of dead-lettering.
 */
@Timeout(30)
class RegistryFaultDecodeTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<EmbeddedSchemaRegistry> registries = new CopyOnWriteArrayList<>();
  private EmbeddedSchemaRegistry original;
  private byte[] valid;

  @BeforeEach
  void writeARecordAgainstTheOriginalRegistry() {
    original = started(new EmbeddedSchemaRegistry());
    SchemaRegistryClient writer = SchemaRegistryClient.create(original.url());
    GenericRecord r = new GenericData.Record(TestSchemas.USER_V1);
    r.put("id", 7L);
    r.put("name", "seven");
    valid = new AvroSerializer<GenericRecord>(writer, false, true).serialize("users", r);
  }

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
    registries.forEach(EmbeddedSchemaRegistry::close);
  }

  private EmbeddedSchemaRegistry started(EmbeddedSchemaRegistry r) {
    registries.add(r);
    return r.start();
  }

  /** The original registry again, on {@code port} after {@code delay}, with the same schema. */
  private CompletableFuture<EmbeddedSchemaRegistry> rightRegistryLater(int port, Duration delay) {
    CompletableFuture<EmbeddedSchemaRegistry> back = new CompletableFuture<>();
    scheduler.schedule(
        () -> {
          try {
            EmbeddedSchemaRegistry r = started(new EmbeddedSchemaRegistry(port));
            SchemaRegistryClient.create(r.url()).register("users-value", TestSchemas.USER_V1);
            back.complete(r);
          } catch (RuntimeException e) {
            back.completeExceptionally(e);
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
    return back;
  }

  private static AvroDeserializer<GenericRecord> reader(String url, Duration budget) {
    return AvroDeserializer.generic(
        new SchemaRegistryClient(RegistryClientConfig.builder(url).retryBudget(budget).build()), TestSchemas.USER_V1);
  }

  private AvroDecodeException failure(AvroDeserializer<GenericRecord> d) {
    AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> d.deserialize("users", valid));
    assertThat(e).as("decoding fails").isNotNull();
    return e;
  }

  @Test
  void anEmptyRegistryIsARegistryFaultNotAPoisonPayload() {
    EmbeddedSchemaRegistry empty = started(new EmbeddedSchemaRegistry());
    AvroDecodeException e = failure(reader(empty.url(), Duration.ofMillis(300)));
    assertThat(e.failure()).isEqualTo(DecodeFailure.UNCONFIRMED_SCHEMA_ID);
    assertThat(e.failure().isPoisonPayload()).isFalse();
    assertThat(e.getMessage()).contains(empty.url()).contains("knows no schema at all");
  }

  @Test
  void aSwappedRegistryIsWaitedOutUntilTheRightOneIsBack() throws Exception {
    int port = original.port();
    original.close();
    EmbeddedSchemaRegistry wrong = started(new EmbeddedSchemaRegistry(port));
    AvroDeserializer<GenericRecord> d = reader(wrong.url(), Duration.ofSeconds(20));
    scheduler.schedule(wrong::close, 1, TimeUnit.SECONDS);
    CompletableFuture<EmbeddedSchemaRegistry> right = rightRegistryLater(port, Duration.ofMillis(1200));
    assertThat(d.deserialize("users", valid).get("name")).hasToString("seven");
    // at least once: a look-up between the right registry's start and its registration of the
    // schema (the test's helper does the two in turn) is answered "unknown" and asked again
    assertThat(right.get(5, TimeUnit.SECONDS).requestCount("GET /schemas/ids/1")).isGreaterThanOrEqualTo(1);
    assertThat(wrong.requestCount("GET /schemas/ids/1")).as("asked the wrong registry again").isGreaterThan(1);
  }

  @Test
  void aRegistryDownForSecondsDelaysDecodingButLosesNothing() throws Exception {
    int port = original.port();
    AvroDeserializer<GenericRecord> d = reader(original.url(), Duration.ofSeconds(10));
    original.close();
    CompletableFuture<EmbeddedSchemaRegistry> back = rightRegistryLater(port, Duration.ofSeconds(2));
    long start = System.nanoTime();
    assertThat(d.deserialize("users", valid).get("id")).isEqualTo(7L);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    assertThat(back.get(5, TimeUnit.SECONDS).requestCount("GET /schemas/ids/1")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anOutageLongerThanTheBudgetIsARegistryFault() {
    String url = original.url();
    original.close();
    long start = System.nanoTime();
    AvroDecodeException e = failure(reader(url, Duration.ofMillis(500)));
    assertThat(e.failure()).isEqualTo(DecodeFailure.REGISTRY_UNAVAILABLE);
    assertThat(e.failure().isPoisonPayload()).isFalse();
    assertThat(e.getMessage()).contains(url).contains("retry.budget.ms 500").contains("ConnectException");
    // within the budget (plus one request); how early it stops depends on the jittered waits
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aBogusIdUnderAHealthyRegistryIsPoisonAtOnce() {
    SchemaRegistryClient.create(original.url()).register("other-value", TestSchemas.METRIC);
    byte[] bogus = valid.clone();
    bogus[4] = 0; // id 0: below both ids the registry handed out
    AvroDeserializer<GenericRecord> d = reader(original.url(), RegistryClientConfig.DEFAULT_RETRY_BUDGET);
    long start = System.nanoTime();
    AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> d.deserialize("users", bogus));
    assertThat(e.failure()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA_ID);
    assertThat(e.failure().isPoisonPayload()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(d.deserialize("users", valid).get("id")).isEqualTo(7L);
  }

  @Test
  void aConfiguredDeserializerReadsTheBudgetAndIgnoresOtherKafkaSettings() {
    EmbeddedSchemaRegistry empty = started(new EmbeddedSchemaRegistry());
    AvroDeserializer<GenericRecord> d = new AvroDeserializer<>();
    d.configure(
        Map.of(
            RegistryClientConfig.URL, empty.url(),
            RegistryClientConfig.RETRY_BUDGET_MS, "300",
            "bootstrap.servers", "localhost:9092",
            "group.id", "g"),
        false);
    long start = System.nanoTime();
    assertThat(failure(d).failure()).isEqualTo(DecodeFailure.UNCONFIRMED_SCHEMA_ID);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    d.close();
  }
}
