package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
  static final Schema V1 =
      SchemaIdentity.parse(
          "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");
  /** V1 plus a field with a default: backward and forward compatible. */
  static final Schema V2 =
      SchemaIdentity.parse(
          "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
              + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"none\"}]}");
  /** V1 plus a field without default: not backward compatible. */
  static final Schema V3_BREAKING =
      SchemaIdentity.parse(
          "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
              + "{\"name\":\"age\",\"type\":\"int\"}]}");

  EmbeddedSchemaRegistry server;
  SchemaRegistryClient client;

  @BeforeEach
  void start() {
    server = new EmbeddedSchemaRegistry().start();
    client = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void registersAndReadsBack() {
    int id = client.register("users-value", V1);
    assertThat(id).isEqualTo(1);
    RegisteredSchema latest = client.getLatest("users-value");
    assertThat(latest).isEqualTo(new RegisteredSchema("users-value", 1, 1, V1));
    assertThat(client.getVersion("users-value", 1)).isEqualTo(latest);
    assertThat(client.lookup("users-value", V1)).isEqualTo(latest);
    assertThat(client.subjects()).containsExactly("users-value");
    assertThat(client.versions("users-value")).containsExactly(1);

    SchemaRegistryClient fresh = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
    assertThat(fresh.getById(id)).isEqualTo(V1);
    assertThat(SchemaIdentity.canonicalForm(fresh.getById(id))).isEqualTo(SchemaIdentity.canonicalForm(V1));
  }

  @Test
  void evolvesWithCompatibleSchemaAndRejectsIncompatibleOneWith409() {
    int id1 = client.register("users-value", V1);
    assertThat(client.testCompatibility("users-value", V2)).isTrue();
    assertThat(client.testCompatibility("users-value", V3_BREAKING)).isFalse();
    int id2 = client.register("users-value", V2);
    assertThat(id2).isEqualTo(id1 + 1);
    assertThat(client.getLatest("users-value").version()).isEqualTo(2);

    assertThatThrownBy(() -> client.register("users-value", V3_BREAKING))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("incompatible").contains("age");
            });
    assertThat(client.versions("users-value")).containsExactly(1, 2);
  }

  @Test
  void deduplicatesWithinAndAcrossSubjects() {
    int id = client.register("a-value", V1);
    String reformatted = V1.toString().replace(",", ",\n  "); // same schema, different whitespace
    SchemaRegistryClient other = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
    assertThat(other.register("a-value", SchemaIdentity.parse(reformatted))).isEqualTo(id);
    assertThat(other.versions("a-value")).containsExactly(1);
    assertThat(other.register("b-value", V1)).isEqualTo(id);
    assertThat(other.getLatest("b-value").version()).isEqualTo(1);
    assertThat(other.register("b-value", V2)).isEqualTo(id + 1);
  }

  @Test
  void mapsErrorCodes() {
    assertThatThrownBy(() -> client.getLatest("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
              assertThat(e.isNotFound()).isTrue();
              assertThat(e.getMessage())
                  .contains("GET " + server.url() + "/subjects/nope/versions/latest")
                  .contains("40401")
                  .contains("not found");
            });
    client.register("s", V1);
    assertThatThrownBy(() -> client.getVersion("s", 7))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
    SchemaRegistryClient brief =
        new SchemaRegistryClient(RegistryClientConfig.builder(server.url()).retryBudget(Duration.ofMillis(50)).build());
    assertThatThrownBy(() -> brief.getById(999))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(40403);
              assertThat(e.confirmed()).isFalse();
            });
    assertThatThrownBy(() -> client.lookup("s", V2))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> client.lookup("other", V1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
  }

  @Test
  void readsAndWritesCompatibilityConfig() {
    assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(client.setCompatibility("s", CompatibilityLevel.NONE)).isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);

    client.register("s", V1);
    assertThat(client.register("s", V3_BREAKING)).isPositive(); // allowed under NONE
    assertThat(client.setCompatibility(CompatibilityLevel.FULL_TRANSITIVE)).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(client.getCompatibility("other")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
  }

  @Test
  void forwardLevelRejectsSchemaTheOldOneCannotRead() {
    client.setCompatibility("f", CompatibilityLevel.FORWARD);
    client.register("f", V2);
    // Removing a field that has no default in the old schema: the old reader cannot fill it.
    Schema dropName =
        SchemaIdentity.parse(
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\",\"default\":\"x\"}]}");
    assertThat(client.testCompatibility("f", dropName)).isFalse();
    // Removing the field that has a default is fine for FORWARD.
    assertThat(client.testCompatibility("f", V1)).isTrue();
  }

  @Test
  void highestKnownIdCountsEverySubjectAndSoftDeletedOnes() {
    assertThat(client.highestKnownId()).isZero();
    client.register("a-value", V1);
    int id2 = client.register("b-value", V2);
    assertThat(client.highestKnownId()).isEqualTo(id2);
    client.deleteSubject("b-value");
    assertThat(client.highestKnownId()).as("soft-deleted schemas count").isEqualTo(id2);
  }

  @Test
  void unknownIdBelowTheHighestKnownIsConfirmedBogusAtOnce() {
    client.register("a-value", V1);
    client.register("a-value", V2);
    long before = server.requestCount();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.getById(0))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.confirmed()).isTrue();
              assertThat(e.isUnavailable()).isFalse();
              assertThat(e.isNotFound()).isTrue();
              assertThat(e.highestKnownId()).isEqualTo(2);
              assertThat(e.getMessage()).contains("knows ids up to 2").contains(server.url());
            });
    // default budget of minutes: a confirmed id does not wait for it
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(server.requestCount() - before).isLessThan(10);
  }

  @Test
  void subjectCompatibilityIsEmptyUntilConfigured() {
    assertThat(client.getSubjectCompatibility("in-value")).isEmpty();
    client.setCompatibility("in-value", CompatibilityLevel.FULL);
    assertThat(client.getSubjectCompatibility("in-value")).contains(CompatibilityLevel.FULL);
    assertThat(client.getSubjectCompatibility("other-value")).isEmpty();
  }

  @Test
  void ensureCompatibilitySetsForwardTransitiveSoProducersCannotBreakAFixedReader() {
    Schema dropName =
        SchemaIdentity.parse(
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"}]}");
    // under the registry's default (BACKWARD) a producer may drop a field the reader needs
    client.register("loose-value", V1);
    assertThat(client.register("loose-value", dropName)).isPositive();

    client.register("in-value", V1);
    SchemaRegistryClient.SubjectCompatibility ensured =
        client.ensureCompatibility("in-value", CompatibilityLevel.FORWARD_TRANSITIVE);
    assertThat(ensured)
        .isEqualTo(new SchemaRegistryClient.SubjectCompatibility("in-value", CompatibilityLevel.FORWARD_TRANSITIVE, true));
    assertThat(client.getSubjectCompatibility("in-value")).contains(CompatibilityLevel.FORWARD_TRANSITIVE);
    assertThatThrownBy(() -> client.register("in-value", dropName))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
    assertThat(client.register("in-value", V2)).as("adding a field with a default stays allowed").isPositive();

    // a second call finds the level it set and leaves it
    assertThat(client.ensureCompatibility("in-value", CompatibilityLevel.FORWARD_TRANSITIVE).setByThisCall()).isFalse();
    assertThat(server.requestCount("PUT /config/in-value")).isEqualTo(1);
  }

  @Test
  void ensureCompatibilityKeepsALevelTheUserConfigured() {
    client.setCompatibility("in-value", CompatibilityLevel.NONE);
    assertThat(client.ensureCompatibility("in-value", CompatibilityLevel.FORWARD_TRANSITIVE))
        .isEqualTo(new SchemaRegistryClient.SubjectCompatibility("in-value", CompatibilityLevel.NONE, false));
    assertThat(client.getSubjectCompatibility("in-value")).contains(CompatibilityLevel.NONE);
    // a subject that does not exist yet gets its level before the first schema arrives
    assertThat(client.ensureCompatibility("new-value", CompatibilityLevel.FORWARD_TRANSITIVE).setByThisCall()).isTrue();
    assertThat(client.getCompatibility("new-value")).isEqualTo(CompatibilityLevel.FORWARD_TRANSITIVE);
    assertThat(client.getCompatibility()).as("the global level is untouched").isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void cachesSoTheHotPathCallsHttpOnce() {
    int id = client.register("c-value", V1);
    long afterRegister = server.requestCount();
    for (int i = 0; i < 5; i++) {
      assertThat(client.register("c-value", V1)).isEqualTo(id);
      assertThat(client.register("c-value", SchemaIdentity.parse(V1.toString().replace(",", ",\n  ")))).isEqualTo(id);
      assertThat(client.getById(id)).isEqualTo(V1); // filled by register
    }
    assertThat(server.requestCount()).isEqualTo(afterRegister);

    SchemaRegistryClient reader = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
    for (int i = 0; i < 5; i++) {
      reader.getById(id);
      reader.lookup("c-value", V1);
      reader.getVersion("c-value", 1);
    }
    assertThat(server.requestCount("GET /schemas/ids/" + id)).isEqualTo(1);
    assertThat(server.requestCount("POST /subjects/c-value")).isEqualTo(1);
    assertThat(server.requestCount("GET /subjects/c-value/versions/1")).isEqualTo(1);
    assertThat(server.requestCount("POST /subjects/c-value/versions")).isEqualTo(1);
  }

  @Test
  void softDeleteHidesSubjectButKeepsIds() {
    int id = client.register("d", V1);
    assertThat(client.deleteSubject("d")).containsExactly(1);
    assertThat(client.subjects()).isEmpty();
    assertThatThrownBy(() -> client.getLatest("d"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    client.clearCaches();
    assertThat(client.getById(id)).isEqualTo(V1);
    assertThat(client.register("d", V1)).isEqualTo(id);
    assertThat(client.getLatest("d").version()).isEqualTo(2);
  }

  @Test
  void encodesSubjectNamesInPaths() {
    String subject = "odd name/with+chars-value";
    int id = client.register(subject, V1);
    assertThat(client.getLatest(subject).subject()).isEqualTo(subject);
    assertThat(client.subjects()).containsExactly(subject);
    assertThat(client.lookup(subject, V1).id()).isEqualTo(id);
  }

  @Test
  void sendsBasicAuthAndMapsRejection() {
    server.requireBasicAuth("alice:s3cret");
    assertThatThrownBy(() -> client.subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.isUnavailable()).isFalse();
            });
    SchemaRegistryClient wrong =
        new SchemaRegistryClient(RegistryClientConfig.builder(server.url()).basicAuthUserInfo("alice:nope").build());
    assertThatThrownBy(wrong::subjects).isInstanceOf(SchemaRegistryException.class).hasMessageContaining("401");
    SchemaRegistryClient right =
        new SchemaRegistryClient(RegistryClientConfig.builder(server.url()).basicAuthUserInfo("alice:s3cret").build());
    assertThat(right.register("auth-value", V1)).isEqualTo(1);
    assertThat(right.subjects()).containsExactly("auth-value");
  }

  @Test
  void topicNameStrategy() {
    assertThat(TopicNameStrategy.subject("events", false)).isEqualTo("events-value");
    assertThat(TopicNameStrategy.subject("events", true)).isEqualTo("events-key");
    assertThat(TopicNameStrategy.valueSubject("t")).isEqualTo("t-value");
    assertThat(TopicNameStrategy.keySubject("t")).isEqualTo("t-key");
    assertThatThrownBy(() -> TopicNameStrategy.subject(" ", false)).hasMessageContaining("blank");
  }
}
