package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's JSON, checked field by field as a Confluent client (or curl) would see it. */
class EmbeddedSchemaRegistryHttpTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String V1 = SchemaRegistryClientTest.V1.toString();
  static final String V2 = SchemaRegistryClientTest.V2.toString();
  static final String BREAKING = SchemaRegistryClientTest.V3_BREAKING.toString();

  EmbeddedSchemaRegistry server;
  HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Reply(int status, String contentType, JsonNode body) {}

  @BeforeEach
  void start() {
    server = new EmbeddedSchemaRegistry().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Reply call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Accept", "application/vnd.schemaregistry.v1+json");
    if (body != null) {
      b.header("Content-Type", "application/vnd.schemaregistry.v1+json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), JSON.readTree(r.body()));
  }

  static String schemaRequest(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  void assertError(Reply r, int status, int code) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(fieldNames(r.body())).containsExactlyInAnyOrder("error_code", "message");
    assertThat(r.body().get("error_code").isInt()).isTrue();
    assertThat(r.body().get("error_code").intValue()).isEqualTo(code);
    assertThat(r.body().get("message").isTextual()).isTrue();
  }

  @Test
  void registerAndReadShapes() throws Exception {
    Reply reg = call("POST", "/subjects/t-value/versions", schemaRequest(V1));
    assertThat(reg.status()).isEqualTo(200);
    assertThat(reg.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(reg.body().toString()).isEqualTo("{\"id\":1}");

    // schemaType AVRO and empty references are accepted, as Confluent clients send them.
    Reply again =
        call("POST", "/subjects/t-value/versions?normalize=false",
            JSON.createObjectNode().put("schema", V1).put("schemaType", "AVRO").set("references", JSON.createArrayNode()).toString());
    assertThat(again.body().toString()).isEqualTo("{\"id\":1}");

    Reply byId = call("GET", "/schemas/ids/1", null);
    assertThat(fieldNames(byId.body())).containsExactly("schema");
    assertThat(byId.body().get("schema").textValue()).isEqualTo(V1);

    Reply latest = call("GET", "/subjects/t-value/versions/latest", null);
    assertThat(fieldNames(latest.body())).containsExactlyInAnyOrder("subject", "version", "id", "schema");
    assertThat(latest.body().get("subject").textValue()).isEqualTo("t-value");
    assertThat(latest.body().get("version").intValue()).isEqualTo(1);
    assertThat(latest.body().get("id").intValue()).isEqualTo(1);
    assertThat(latest.body().get("schema").textValue()).isEqualTo(V1);
    assertThat(call("GET", "/subjects/t-value/versions/1", null).body()).isEqualTo(latest.body());
    assertThat(call("GET", "/subjects/t-value/versions/-1", null).body()).isEqualTo(latest.body());

    // /schema endpoints return the schema itself, not a string.
    assertThat(call("GET", "/subjects/t-value/versions/1/schema", null).body()).isEqualTo(JSON.readTree(V1));
    assertThat(call("GET", "/schemas/ids/1/schema", null).body()).isEqualTo(JSON.readTree(V1));

    Reply lookup = call("POST", "/subjects/t-value", schemaRequest(V1));
    assertThat(lookup.body()).isEqualTo(latest.body());

    call("POST", "/subjects/u-value/versions", schemaRequest(V1));
    assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[\"t-value\",\"u-value\"]");
    assertThat(call("GET", "/subjects/t-value/versions", null).body().toString()).isEqualTo("[1]");
    assertThat(call("GET", "/schemas/ids/1/versions", null).body().toString())
        .isEqualTo("[{\"subject\":\"t-value\",\"version\":1},{\"subject\":\"u-value\",\"version\":1}]");
    assertThat(call("GET", "/schemas/ids/1/subjects", null).body().toString()).isEqualTo("[\"t-value\",\"u-value\"]");
    assertThat(call("GET", "/schemas/types", null).body().toString()).isEqualTo("[\"AVRO\"]");
  }

  @Test
  void errorShapesAndCodes() throws Exception {
    assertError(call("GET", "/subjects/none/versions", null), 404, 40401);
    assertError(call("GET", "/subjects/none/versions/latest", null), 404, 40401);
    call("POST", "/subjects/t-value/versions", schemaRequest(V1));
    assertError(call("GET", "/subjects/t-value/versions/9", null), 404, 40402);
    assertError(call("GET", "/subjects/t-value/versions/zero", null), 422, 42202);
    assertError(call("GET", "/schemas/ids/42", null), 404, 40403);
    assertError(call("POST", "/subjects/t-value", schemaRequest(V2)), 404, 40403);
    assertError(call("POST", "/subjects/t-value/versions", schemaRequest("{\"type\":\"recrod\"}")), 422, 42201);
    assertError(call("POST", "/subjects/t-value/versions", "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
    assertError(call("POST", "/subjects/t-value/versions", "not json"), 400, 400);
    assertError(call("POST", "/subjects/t-value/versions", schemaRequest(BREAKING)), 409, 409);
    assertError(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(call("GET", "/config/t-value", null), 404, 40408);
    assertError(call("GET", "/nowhere", null), 404, 404);
    assertError(call("PATCH", "/subjects", null), 405, 405);
  }

  @Test
  void configShapes() throws Exception {
    assertThat(call("GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    Reply put = call("PUT", "/config", "{\"compatibility\":\"full\"}");
    assertThat(put.body().toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
    assertThat(call("GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

    assertThat(call("PUT", "/config/s", "{\"compatibility\":\"NONE\"}").body().toString())
        .isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(call("GET", "/config/s", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(call("GET", "/config/other?defaultToGlobal=true", null).body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(call("DELETE", "/config/s", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(call("GET", "/config/s?defaultToGlobal=true", null).body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
  }

  @Test
  void compatibilityShapes() throws Exception {
    call("POST", "/subjects/t-value/versions", schemaRequest(V1));
    assertThat(call("POST", "/compatibility/subjects/t-value/versions/latest", schemaRequest(V2)).body().toString())
        .isEqualTo("{\"is_compatible\":true}");
    assertThat(call("POST", "/compatibility/subjects/t-value/versions/1", schemaRequest(BREAKING)).body().toString())
        .isEqualTo("{\"is_compatible\":false}");
    Reply verbose = call("POST", "/compatibility/subjects/t-value/versions?verbose=true", schemaRequest(BREAKING));
    assertThat(verbose.body().get("is_compatible").booleanValue()).isFalse();
    assertThat(verbose.body().get("messages").get(0).textValue()).contains("age");
    assertError(call("POST", "/compatibility/subjects/t-value/versions/5", schemaRequest(V1)), 404, 40402);
  }

  @Test
  void compatibilityWithoutLiveVersionsFollowsConfluentSix() throws Exception {
    // No such subject: "latest" and the whole history are compatible, an explicit version is 40402.
    assertThat(call("POST", "/compatibility/subjects/none/versions/latest", schemaRequest(V1)).body().toString())
        .isEqualTo("{\"is_compatible\":true}");
    assertThat(isCompatible("/compatibility/subjects/none/versions", V1)).isTrue();
    Reply explicit = call("POST", "/compatibility/subjects/none/versions/1", schemaRequest(V1));
    assertError(explicit, 404, 40402);
    assertThat(explicit.body().get("message").textValue()).isEqualTo("Version 1 not found.");
    assertError(call("POST", "/compatibility/subjects/none/versions/zero", schemaRequest(V1)), 422, 42202);

    // A subject whose only version is soft-deleted has no live version to be incompatible with.
    call("POST", "/subjects/gone/versions", schemaRequest(V1));
    assertThat(isCompatible("/compatibility/subjects/gone/versions/latest", BREAKING)).isFalse();
    call("DELETE", "/subjects/gone/versions/1", null);
    assertThat(isCompatible("/compatibility/subjects/gone/versions/latest", BREAKING)).isTrue();
    assertError(call("POST", "/compatibility/subjects/gone/versions/1", schemaRequest(BREAKING)), 404, 40402);
  }

  @Test
  void transitiveLevelsCheckEveryVersion() throws Exception {
    String a = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    String bDefault = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    String b = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"int\"}]}";
    // History: v1 = {a}, v2 = {b with default} (forced in under NONE).
    call("PUT", "/config/s", "{\"compatibility\":\"NONE\"}");
    call("POST", "/subjects/s/versions", schemaRequest(a));
    call("POST", "/subjects/s/versions", schemaRequest(bDefault));

    // Candidate {b}: the latest {b default} can read its data, the first {a} cannot (a has no default).
    call("PUT", "/config/s", "{\"compatibility\":\"FORWARD\"}");
    assertThat(isCompatible("/compatibility/subjects/s/versions", b)).isTrue();
    call("PUT", "/config/s", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    assertThat(isCompatible("/compatibility/subjects/s/versions", b)).isFalse();
    assertError(call("POST", "/subjects/s/versions", schemaRequest(b)), 409, 409);

    // Candidate {b} reads {b default} data (the latest) but not {a} data (b missing, no default).
    // Candidate {a default, b default} reads both, and both can read its data.
    String abDefault =
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":1},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    call("PUT", "/config/s", "{\"compatibility\":\"BACKWARD\"}");
    assertThat(isCompatible("/compatibility/subjects/s/versions", b)).isTrue();
    call("PUT", "/config/s", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    assertThat(isCompatible("/compatibility/subjects/s/versions", b)).isFalse();
    assertThat(isCompatible("/compatibility/subjects/s/versions", abDefault)).isTrue();
    call("PUT", "/config/s", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(isCompatible("/compatibility/subjects/s/versions", abDefault)).isTrue();
    assertThat(isCompatible("/compatibility/subjects/s/versions", b)).isFalse();
  }

  boolean isCompatible(String path, String schema) throws Exception {
    Reply r = call("POST", path, schemaRequest(schema));
    assertThat(r.status()).isEqualTo(200);
    return r.body().get("is_compatible").booleanValue();
  }

  @Test
  void softAndPermanentDelete() throws Exception {
    call("POST", "/subjects/d/versions", schemaRequest(V1));
    call("POST", "/subjects/d/versions", schemaRequest(V2));
    assertError(call("DELETE", "/subjects/d?permanent=true", null), 404, 40405);
    assertThat(call("DELETE", "/subjects/d", null).body().toString()).isEqualTo("[1,2]");
    assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[]");
    assertThat(call("GET", "/subjects?deleted=true", null).body().toString()).isEqualTo("[\"d\"]");
    assertError(call("GET", "/subjects/d/versions", null), 404, 40401);
    assertThat(call("GET", "/schemas/ids/2", null).status()).isEqualTo(200);
    assertThat(call("DELETE", "/subjects/d?permanent=true", null).body().toString()).isEqualTo("[1,2]");
    assertError(call("DELETE", "/subjects/d", null), 404, 40401);
  }

  @Test
  void versionDeletesAreSoftThenPermanent() throws Exception {
    call("POST", "/subjects/d/versions", schemaRequest(V1));
    call("POST", "/subjects/d/versions", schemaRequest(V2));
    Reply live = call("DELETE", "/subjects/d/versions/1?permanent=true", null);
    assertError(live, 404, 40407);
    assertThat(live.body().get("message").textValue())
        .isEqualTo("Subject 'd' Version 1 was not deleted first before being permanently deleted");

    assertThat(call("DELETE", "/subjects/d/versions/1", null).body().toString()).isEqualTo("1");
    assertError(call("DELETE", "/subjects/d/versions/1", null), 404, 40406);
    assertError(call("DELETE", "/subjects/d/versions/7", null), 404, 40402);
    assertError(call("DELETE", "/subjects/nobody/versions/1", null), 404, 40401);

    // Soft-deleted: invisible to reads unless ?deleted=true, but the id still decodes data.
    assertThat(call("GET", "/subjects/d/versions", null).body().toString()).isEqualTo("[2]");
    assertThat(call("GET", "/subjects/d/versions?deleted=true", null).body().toString()).isEqualTo("[1,2]");
    assertError(call("GET", "/subjects/d/versions/1", null), 404, 40402);
    assertThat(call("GET", "/subjects/d/versions/1?deleted=true", null).body().get("id").intValue()).isEqualTo(1);
    assertError(call("POST", "/subjects/d", schemaRequest(V1)), 404, 40403);
    assertThat(call("POST", "/subjects/d?deleted=true", schemaRequest(V1)).body().get("version").intValue()).isEqualTo(1);
    assertThat(call("GET", "/schemas/ids/1", null).body().get("schema").textValue()).isEqualTo(V1);
    assertThat(call("GET", "/schemas/ids/1/versions", null).body().toString()).isEqualTo("[]");
    assertThat(call("GET", "/schemas/ids/1/versions?deleted=true", null).body().toString())
        .isEqualTo("[{\"subject\":\"d\",\"version\":1}]");
    assertThat(call("GET", "/schemas/ids/1/subjects?deleted=true", null).body().toString()).isEqualTo("[\"d\"]");

    // Permanent: the version is gone even with ?deleted=true, and so is its id.
    assertThat(call("DELETE", "/subjects/d/versions/1?permanent=true", null).body().toString()).isEqualTo("1");
    assertThat(call("GET", "/subjects/d/versions?deleted=true", null).body().toString()).isEqualTo("[2]");
    assertError(call("GET", "/subjects/d/versions/1?deleted=true", null), 404, 40402);
    assertError(call("GET", "/schemas/ids/1", null), 404, 40403);
    assertError(call("GET", "/schemas/ids/1/versions?deleted=true", null), 404, 40403);

    // The id stays reserved for its schema: registering it again brings it back, as a new version.
    assertThat(call("POST", "/subjects/d/versions", schemaRequest(V1)).body().toString()).isEqualTo("{\"id\":1}");
    assertThat(call("GET", "/subjects/d/versions", null).body().toString()).isEqualTo("[2,3]");
    assertThat(call("POST", "/subjects/other/versions", schemaRequest(BREAKING)).body().toString()).isEqualTo("{\"id\":3}");
  }

  @Test
  void subjectDeletesAreSoftThenPermanent() throws Exception {
    call("POST", "/subjects/s/versions", schemaRequest(V1));
    call("PUT", "/config/s", "{\"compatibility\":\"NONE\"}");
    Reply live = call("DELETE", "/subjects/s?permanent=true", null);
    assertError(live, 404, 40405);
    assertThat(live.body().get("message").textValue())
        .isEqualTo("Subject 's' was not deleted first before being permanently deleted");
    assertThat(call("DELETE", "/subjects/s", null).body().toString()).isEqualTo("[1]");
    assertError(call("DELETE", "/subjects/s", null), 404, 40404);
    assertThat(call("GET", "/subjects/s/versions?deleted=true", null).body().toString()).isEqualTo("[1]");
    assertThat(call("DELETE", "/subjects/s?permanent=true", null).body().toString()).isEqualTo("[1]");
    assertError(call("GET", "/subjects/s/versions?deleted=true", null), 404, 40401);
    assertError(call("DELETE", "/subjects/s?permanent=true", null), 404, 40401);
    // A permanent subject delete takes the subject's own compatibility level with it.
    assertError(call("GET", "/config/s", null), 404, 40408);
  }

  static final String PROPS_AB =
      "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"unit\":\"m\",\"source\":\"gps\"},"
          + "{\"name\":\"y\",\"type\":\"int\"}],\"owner\":{\"team\":\"a\",\"site\":\"b\"}}";
  static final String PROPS_BA =
      "{ \"fields\" : [ { \"source\":\"gps\", \"type\":\"int\", \"unit\":\"m\", \"name\":\"x\" },\n"
          + "  {\"type\":\"int\",\"name\":\"y\"} ], \"owner\":{\"site\":\"b\",\"team\":\"a\"}, \"name\":\"P\", \"type\":\"record\" }";

  @Test
  void normalizeMakesPropertyOrderAndWhitespaceIrrelevant() throws Exception {
    // Without normalisation the order of custom properties is part of the schema's identity.
    int plainAb = call("POST", "/subjects/plain/versions", schemaRequest(PROPS_AB)).body().get("id").intValue();
    call("PUT", "/config/plain", "{\"compatibility\":\"NONE\"}");
    int plainBa = call("POST", "/subjects/plain/versions", schemaRequest(PROPS_BA)).body().get("id").intValue();
    assertThat(plainBa).isNotEqualTo(plainAb);

    int normAb = call("POST", "/subjects/norm/versions?normalize=true", schemaRequest(PROPS_AB)).body().get("id").intValue();
    // PROPS_BA's custom properties happen to be in sorted order already: it is its own normal form.
    assertThat(normAb).isEqualTo(plainBa);
    assertThat(call("POST", "/subjects/norm/versions?normalize=true", schemaRequest(PROPS_BA)).body().get("id").intValue())
        .isEqualTo(normAb);
    assertThat(call("GET", "/subjects/norm/versions", null).body().toString()).isEqualTo("[1]");
    // The stored text is the normal form: fields in their order, custom properties sorted.
    String stored = call("GET", "/schemas/ids/" + normAb, null).body().get("schema").textValue();
    assertThat(stored)
        .isEqualTo("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"source\":\"gps\",\"unit\":\"m\"},"
            + "{\"name\":\"y\",\"type\":\"int\"}],\"owner\":{\"site\":\"b\",\"team\":\"a\"}}");

    // Lookup: with normalize=true either spelling finds the version, also one registered plainly.
    assertThat(call("POST", "/subjects/norm?normalize=true", schemaRequest(PROPS_AB)).body().get("id").intValue()).isEqualTo(normAb);
    assertError(call("POST", "/subjects/norm", schemaRequest(PROPS_AB)), 404, 40403);
    call("DELETE", "/subjects/plain/versions/1", null);
    assertThat(call("POST", "/subjects/plain?normalize=true", schemaRequest(PROPS_AB)).body().get("id").intValue()).isEqualTo(plainBa);
    assertError(call("POST", "/subjects/plain", schemaRequest(PROPS_AB)), 404, 40403);
    // Field order is kept: swapping fields is a different schema even when normalised.
    String swapped = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"y\",\"type\":\"int\"},"
        + "{\"name\":\"x\",\"type\":\"int\",\"unit\":\"m\",\"source\":\"gps\"}],\"owner\":{\"team\":\"a\",\"site\":\"b\"}}";
    assertError(call("POST", "/subjects/norm?normalize=true", schemaRequest(swapped)), 404, 40403);
  }

  static String request(String schema, Integer id, Integer version) {
    var node = JSON.createObjectNode().put("schema", schema);
    if (id != null) {
      node.put("id", id);
    }
    if (version != null) {
      node.put("version", version);
    }
    return node.toString();
  }

  @Test
  void explicitIdAndVersionAreHonouredOrRefused() throws Exception {
    call("POST", "/subjects/e/versions", schemaRequest(V1));
    // What the registry already holds is honoured.
    assertThat(call("POST", "/subjects/e/versions", request(V1, 1, null)).body().toString()).isEqualTo("{\"id\":1}");
    assertThat(call("POST", "/subjects/e/versions", request(V1, 1, 1)).body().toString()).isEqualTo("{\"id\":1}");
    // Another id for a held schema, or any id for a new one (even the one it would get): no IMPORT mode.
    Reply otherId = call("POST", "/subjects/e/versions", request(V1, 7, null));
    assertError(otherId, 422, 42205);
    assertThat(otherId.body().get("message").textValue()).contains("not in import mode").contains("7");
    assertError(call("POST", "/subjects/e/versions", request(V2, 2, null)), 422, 42205);
    // A version must be the next one.
    Reply skip = call("POST", "/subjects/e/versions", request(V2, null, 5));
    assertError(skip, 422, 42201);
    assertThat(skip.body().get("message").textValue()).startsWith("Version is not one more than previous version");
    assertError(call("POST", "/subjects/e/versions", request(V2, null, 1)), 422, 42201);
    assertThat(call("GET", "/subjects/e/versions", null).body().toString()).isEqualTo("[1]");
    assertThat(call("POST", "/subjects/e/versions", request(V2, null, 2)).body().toString()).isEqualTo("{\"id\":2}");
    assertThat(call("GET", "/subjects/e/versions/2", null).body().get("id").intValue()).isEqualTo(2);
    assertError(call("POST", "/subjects/e/versions", "{\"schema\":" + JSON.writeValueAsString(V2) + ",\"version\":\"two\"}"), 422, 42201);
  }

  static final String ADDRESS =
      "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"io.x\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"},"
          + "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"HOME\",\"WORK\"]}}]}";
  static final String PERSON =
      "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"io.x\",\"fields\":[{\"name\":\"home\",\"type\":\"io.x.Address\"},"
          + "{\"name\":\"kind\",\"type\":\"io.x.Kind\"}]}";

  static String withReferences(String schema, String subject, int version) {
    var node = JSON.createObjectNode().put("schema", schema);
    node.putArray("references").addObject().put("name", "io.x.Address").put("subject", subject).put("version", version);
    return node.toString();
  }

  @Test
  void referencesResolveNamedTypesOfOtherSubjects() throws Exception {
    int address = call("POST", "/subjects/address/versions", schemaRequest(ADDRESS)).body().get("id").intValue();
    // Without the reference the named type is unknown.
    Reply unknown = call("POST", "/subjects/person/versions", schemaRequest(PERSON));
    assertError(unknown, 422, 42201);
    assertError(call("POST", "/subjects/person/versions", withReferences(PERSON, "address", 9)), 422, 42201);
    assertError(call("POST", "/subjects/person/versions", withReferences(PERSON, "nobody", 1)), 422, 42201);

    Reply reg = call("POST", "/subjects/person/versions", withReferences(PERSON, "address", 1));
    assertThat(reg.status()).isEqualTo(200);
    int person = reg.body().get("id").intValue();
    assertThat(person).isNotEqualTo(address);

    // Stored and returned with its references, naming the referenced types instead of inlining them.
    Reply byVersion = call("GET", "/subjects/person/versions/1", null);
    assertThat(fieldNames(byVersion.body())).containsExactlyInAnyOrder("subject", "version", "id", "schema", "references");
    assertThat(byVersion.body().get("references").toString())
        .isEqualTo("[{\"name\":\"io.x.Address\",\"subject\":\"address\",\"version\":1}]");
    String stored = byVersion.body().get("schema").textValue();
    assertThat(stored).contains("\"type\":\"Address\"").contains("\"type\":\"Kind\"").doesNotContain("street").doesNotContain("HOME");
    assertThat(call("GET", "/schemas/ids/" + person, null).body().get("references")).isEqualTo(byVersion.body().get("references"));
    assertThat(call("GET", "/subjects/address/versions/1/referencedby", null).body().toString()).isEqualTo("[" + person + "]");

    // Lookup and "latest" (-1, stored resolved) find the same schema; re-registering is idempotent.
    assertThat(call("POST", "/subjects/person", withReferences(PERSON, "address", 1)).body().get("id").intValue()).isEqualTo(person);
    assertError(call("POST", "/subjects/person", schemaRequest(PERSON)), 422, 42201);
    assertThat(call("POST", "/subjects/person/versions", withReferences(PERSON, "address", -1)).body().get("id").intValue())
        .isEqualTo(person);

    // Compatibility checks see the resolved types: dropping a required field of Address is not FORWARD.
    String personDropsKind =
        "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"io.x\",\"fields\":[{\"name\":\"home\",\"type\":\"io.x.Address\"}]}";
    call("PUT", "/config/person", "{\"compatibility\":\"FORWARD\"}");
    Reply check = call("POST", "/compatibility/subjects/person/versions/latest", withReferences(personDropsKind, "address", 1));
    assertThat(check.body().get("is_compatible").booleanValue()).isFalse();

    // A referenced version cannot be deleted while a live schema refers to it.
    assertError(call("DELETE", "/subjects/address/versions/1", null), 422, 42206);
    assertError(call("DELETE", "/subjects/address", null), 422, 42206);
    call("DELETE", "/subjects/person", null);
    assertThat(call("DELETE", "/subjects/address/versions/1", null).body().toString()).isEqualTo("1");
    // ... and not permanently while even a soft-deleted one does.
    assertError(call("DELETE", "/subjects/address/versions/1?permanent=true", null), 422, 42206);
  }

  @Test
  void subjectConfigBehavesLikeConfluent() throws Exception {
    Reply none = call("GET", "/config/sae-input-value", null);
    assertError(none, 404, 40408);
    assertThat(none.body().get("message").textValue())
        .isEqualTo("Subject 'sae-input-value' does not have subject-level compatibility configured");
    assertThat(call("PUT", "/config/sae-input-value", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}").body().toString())
        .isEqualTo("{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    assertThat(call("GET", "/config/sae-input-value", null).body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"FORWARD_TRANSITIVE\"}");
    // A level alone does not make a subject.
    assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[]");
    assertThat(call("DELETE", "/config/sae-input-value", null).body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"FORWARD_TRANSITIVE\"}");
    assertError(call("DELETE", "/config/sae-input-value", null), 404, 40401);
    assertThat(call("GET", "/config/sae-input-value?defaultToGlobal=true", null).body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    call("PUT", "/config", "{\"compatibility\":\"FULL\"}");
    assertThat(call("DELETE", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(call("GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
  }

  @Test
  void forwardTransitiveAsksEveryOldReader() throws Exception {
    String idName = "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}";
    String idNameDefault =
        "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"name\",\"type\":\"string\",\"default\":\"?\"}]}";
    String idOnly = "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    String extraRequired =
        "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"extra\",\"type\":\"int\"}]}";
    // v1 reads 'name' without a default; v2 has one.
    call("PUT", "/config/in", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    call("POST", "/subjects/in/versions", schemaRequest(idName));
    assertThat(call("POST", "/subjects/in/versions", schemaRequest(idNameDefault)).status()).isEqualTo(200);

    // Dropping 'name': v2 could read the new data (default), v1 cannot (it requires 'name').
    call("PUT", "/config/in", "{\"compatibility\":\"FORWARD\"}");
    assertThat(isCompatible("/compatibility/subjects/in/versions", idOnly)).isTrue();
    call("PUT", "/config/in", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    assertThat(isCompatible("/compatibility/subjects/in/versions", idOnly)).isFalse();
    Reply refused = call("POST", "/subjects/in/versions", schemaRequest(idOnly));
    assertError(refused, 409, 409);
    assertThat(refused.body().get("message").textValue()).contains("FORWARD_TRANSITIVE").contains("name");
    // Adding a required field is forward compatible (old readers skip it) but not backward.
    assertThat(isCompatible("/compatibility/subjects/in/versions", extraRequired)).isTrue();
    call("PUT", "/config/in", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(isCompatible("/compatibility/subjects/in/versions", extraRequired)).isFalse();
    assertThat(isCompatible("/compatibility/subjects/in/versions", idOnly)).isFalse();
    call("PUT", "/config/in", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    assertThat(call("POST", "/subjects/in/versions", schemaRequest(extraRequired)).body().toString()).isEqualTo("{\"id\":3}");
  }
}
