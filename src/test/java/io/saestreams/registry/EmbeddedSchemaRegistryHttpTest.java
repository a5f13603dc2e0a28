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
    assertError(call("POST", "/compatibility/subjects/none/versions/latest", schemaRequest(V1)), 404, 40401);
    assertError(call("POST", "/compatibility/subjects/t-value/versions/5", schemaRequest(V1)), 404, 40402);
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
}
