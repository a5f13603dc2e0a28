package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.saestreams.registry.server.RegistryStore.Version;

/**
 * {@code /subjects}: list subjects, register ({@code POST /subjects/{s}/versions}), look up
 * ({@code POST /subjects/{s}}), read versions, and soft or permanent deletes. {@code ?deleted=true}
 * makes soft-deleted subjects and versions visible to the reads; {@code ?normalize=true} stores and
 * compares schemas in {@link AvroNormalForm}; {@code ?permanent=true} turns a delete into a hard
 * delete of what was soft-deleted before.
 */
final class SubjectsHandler {
  private final RegistryStore store;

  SubjectsHandler(RegistryStore store) {
    this.store = store;
  }

  JsonNode handle(Request r) {
    int n = r.size();
    if (n == 1) {
      r.require("GET");
      ArrayNode out = Json.array();
      store.subjectNames(r.flag("deleted")).forEach(out::add);
      return out;
    }
    String subject = r.segment(1);
    if (n == 2) {
      if (r.method().equals("POST")) {
        Version v = store.lookup(subject, SchemaRequest.parse(r), r.flag("normalize"), r.flag("deleted"));
        return Json.version(subject, v);
      }
      r.require("DELETE");
      ArrayNode out = Json.array();
      store.deleteSubject(subject, r.flag("permanent")).forEach(out::add);
      return out;
    }
    if (!r.segment(2).equals("versions")) {
      throw Request.notFound();
    }
    if (n == 3) {
      if (r.method().equals("POST")) {
        Version v = store.register(subject, SchemaRequest.parse(r), r.flag("normalize"));
        return Json.object().put("id", v.schema.id());
      }
      r.require("GET");
      ArrayNode out = Json.array();
      store.versionNumbers(subject, r.flag("deleted")).forEach(out::add);
      return out;
    }
    int version = RegistryStore.parseVersion(r.segment(3));
    if (n == 4) {
      if (r.method().equals("DELETE")) {
        return Json.array().numberNode(store.deleteVersion(subject, version, r.flag("permanent")));
      }
      r.require("GET");
      return Json.version(subject, store.version(subject, version, r.flag("deleted")));
    }
    if (n == 5 && r.segment(4).equals("schema")) {
      r.require("GET");
      return Json.raw(store.version(subject, version, r.flag("deleted")).schema.text());
    }
    if (n == 5 && r.segment(4).equals("referencedby")) {
      r.require("GET");
      ArrayNode out = Json.array();
      store.referencedBy(subject, version).forEach(out::add);
      return out;
    }
    throw Request.notFound();
  }
}
