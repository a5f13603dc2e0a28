package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The schema text stored and compared for {@code ?normalize=true}.
 *
 * <p>The input is Avro's own rendering of a parsed schema ({@code Schema.toString}), which already
 * fixes whitespace, the order of Avro's reserved attributes and how names and namespaces are
 * written. What that rendering keeps from the original text is the order of everything else; the
 * normal form removes it: custom properties (on schemas and fields) come after the reserved
 * attributes, sorted by name, with every JSON object inside them, and inside {@code default}
 * values, sorted by key as well; {@code aliases} are sorted. The order of fields, enum symbols and
 * union branches is kept, because it changes the binary encoding or the meaning of a default.
 * This follows what Confluent's Avro normalisation does (it too keeps field order and sorts
 * properties and aliases); the texts differ in detail, so ids are never shared with a Confluent
 * registry anyway.
 */
final class AvroNormalForm {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> RESERVED =
      Set.of(
          "type", "name", "namespace", "doc", "aliases", "fields", "symbols", "items", "values", "size",
          "default", "order", "logicalType", "precision", "scale");
  private static final Set<String> SCHEMA_VALUED = Set.of("type", "items", "values");

  private AvroNormalForm() {}

  /** The normal form of Avro's rendering of a parsed schema (see the class comment). */
  static String of(String avroRendering) {
    try {
      return schema(Request.JSON.readTree(avroRendering)).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Avro's schema rendering is not JSON", e);
    }
  }

  /** A schema: a type name, a union (array of schemas) or a schema object. */
  private static JsonNode schema(JsonNode node) {
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(branch -> out.add(schema(branch)));
      return out;
    }
    return node.isObject() ? element((ObjectNode) node) : node;
  }

  /** A schema object or a field object: reserved attributes in Avro's order, then the rest sorted. */
  private static ObjectNode element(ObjectNode node) {
    ObjectNode out = NODES.objectNode();
    Map<String, JsonNode> custom = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (!RESERVED.contains(key)) {
        custom.put(key, sorted(value));
      } else if (SCHEMA_VALUED.contains(key)) {
        out.set(key, schema(value));
      } else if (key.equals("fields") && value.isArray()) {
        ArrayNode fields = out.putArray(key);
        value.forEach(f -> fields.add(f.isObject() ? element((ObjectNode) f) : f));
      } else if (key.equals("aliases") && value.isArray()) {
        List<String> aliases = new ArrayList<>();
        value.forEach(a -> aliases.add(a.asText()));
        aliases.sort(null);
        ArrayNode sortedAliases = out.putArray(key);
        aliases.forEach(sortedAliases::add);
      } else if (key.equals("default")) {
        out.set(key, sorted(value));
      } else {
        out.set(key, value);
      }
    }
    custom.forEach(out::set);
    return out;
  }

  /** Plain JSON with every object's keys sorted, recursively; arrays keep their order. */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> byKey = new TreeMap<>();
      node.fields().forEachRemaining(e -> byKey.put(e.getKey(), sorted(e.getValue())));
      ObjectNode out = NODES.objectNode();
      byKey.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }
}
