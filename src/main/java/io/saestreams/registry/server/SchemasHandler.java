package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Map;

/**
 * {@code /schemas}: a schema by its global id ({@code /schemas/ids/{id}}, and {@code /schema},
 * {@code /versions}, {@code /subjects} below it; the last two take {@code ?deleted=true}) and the
 * supported schema types. An id is found while any version, live or soft-deleted, holds it.
 */
final class SchemasHandler {
  private final RegistryStore store;

  SchemasHandler(RegistryStore store) {
    this.store = store;
  }

  JsonNode handle(Request r) {
    int n = r.size();
    if (n == 2 && r.segment(1).equals("types")) {
      r.require("GET");
      return Json.array().add("AVRO");
    }
    if (n < 3 || n > 4 || !r.segment(1).equals("ids")) {
      throw Request.notFound();
    }
    r.require("GET");
    int id = parseId(r.segment(2));
    if (n == 3) {
      return Json.schema(store.schemaById(id));
    }
    switch (r.segment(3)) {
      case "schema":
        return Json.raw(store.schemaById(id).text());
      case "versions":
        {
          ArrayNode out = Json.array();
          store.versionsOfId(id, r.flag("deleted")).forEach((subject, versions) -> versions.forEach(
              v -> out.addObject().put("subject", subject).put("version", v)));
          return out;
        }
      case "subjects":
        {
          ArrayNode out = Json.array();
          Map<String, List<Integer>> holders = store.versionsOfId(id, r.flag("deleted"));
          holders.keySet().forEach(out::add);
          return out;
        }
      default:
        throw Request.notFound();
    }
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiError.schemaNotFound(text);
    }
  }
}
