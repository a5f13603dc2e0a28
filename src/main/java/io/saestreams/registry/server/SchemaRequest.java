package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a register, lookup or compatibility request: {@code schema}, {@code schemaType},
 * {@code references}, and the optional explicit {@code id} and {@code version}.
 *
 * @param schema the schema text
 * @param references the referenced subject versions, in request order; empty when none
 * @param id the explicit schema id, or {@code null} when the request has none (or a negative one,
 *     which Confluent treats as absent)
 * @param version the explicit version, or 0 when the request has none; -1 means "latest", as in
 *     Confluent
 */
record SchemaRequest(String schema, List<Reference> references, Integer id, int version) {

  /** One entry of the {@code references} array: a named type defined by a subject version. */
  record Reference(String name, String subject, int version) {}

  /** Parses and validates a request body; invalid bodies get Confluent's 42201 (or 400 for bad JSON). */
  static SchemaRequest parse(Request request) {
    JsonNode body = request.json();
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw ApiError.invalidSchema("Invalid schema: schemaType " + type + " is not supported, only AVRO");
    }
    for (String unsupported : List.of("metadata", "ruleSet")) {
      JsonNode value = body.get(unsupported);
      if (value != null && !value.isNull()) {
        throw ApiError.invalidSchema("Invalid schema: '" + unsupported + "' is not supported by this registry");
      }
    }
    JsonNode text = body.get("schema");
    if (text == null || !text.isTextual()) {
      throw ApiError.invalidSchema("Invalid schema: expected a string field 'schema' in the request, found " + text);
    }
    return new SchemaRequest(
        text.textValue(), references(body.get("references")), id(body.get("id")), version(body.get("version")));
  }

  private static List<Reference> references(JsonNode node) {
    List<Reference> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw ApiError.invalidSchema("Invalid schema: 'references' must be an array, found " + node);
    }
    for (JsonNode ref : node) {
      JsonNode name = ref.get("name");
      JsonNode subject = ref.get("subject");
      JsonNode version = ref.get("version");
      if (name == null || !name.isTextual() || subject == null || !subject.isTextual()
          || version == null || !version.canConvertToInt()) {
        throw ApiError.invalidSchema(
            "Invalid schema: a reference needs a string 'name', a string 'subject' and an integer 'version', found " + ref);
      }
      out.add(new Reference(name.textValue(), subject.textValue(), version.intValue()));
    }
    return out;
  }

  private static Integer id(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToInt()) {
      throw ApiError.invalidSchema("Invalid schema: 'id' must be an integer, found " + node);
    }
    return node.intValue() < 0 ? null : node.intValue();
  }

  private static int version(JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt()) {
      throw ApiError.invalidSchema("Invalid schema: 'version' must be an integer, found " + node);
    }
    return node.intValue();
  }
}
