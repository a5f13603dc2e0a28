package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.saestreams.registry.server.RegistryStore.Stored;
import io.saestreams.registry.server.RegistryStore.Version;
import io.saestreams.registry.server.SchemaRequest.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The JSON shapes shared by several resources, field for field as Confluent writes them. */
final class Json {
  private Json() {}

  static ObjectNode object() {
    return Request.JSON.createObjectNode();
  }

  static ArrayNode array() {
    return Request.JSON.createArrayNode();
  }

  /** {@code {"subject", "version", "id", "schema"}} plus {@code "references"} when there are any. */
  static ObjectNode version(String subject, Version v) {
    ObjectNode out =
        object().put("subject", subject).put("version", v.number).put("id", v.schema.id()).put("schema", v.schema.text());
    addReferences(out, v.schema.references());
    return out;
  }

  /** {@code {"schema"}} plus {@code "references"} when there are any, for {@code /schemas/ids/{id}}. */
  static ObjectNode schema(Stored s) {
    ObjectNode out = object().put("schema", s.text());
    addReferences(out, s.references());
    return out;
  }

  /** The schema text itself as the JSON body, for the {@code .../schema} endpoints. */
  static JsonNode raw(String schemaText) {
    try {
      return Request.JSON.readTree(schemaText);
    } catch (IOException e) {
      throw new UncheckedIOException("stored schema is not JSON", e);
    }
  }

  private static void addReferences(ObjectNode out, List<Reference> references) {
    if (references.isEmpty()) {
      return;
    }
    ArrayNode refs = out.putArray("references");
    references.forEach(r -> refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
  }
}
