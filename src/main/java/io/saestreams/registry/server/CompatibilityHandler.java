package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.saestreams.registry.server.RegistryStore.Candidate;
import java.util.List;

/**
 * {@code POST /compatibility/subjects/{s}/versions[/{v|latest}]}: whether a schema could be
 * registered, under the subject's level. Without a version the check runs against the live history
 * (all of it for a {@code _TRANSITIVE} level); with one, against that version alone. A subject with
 * no live versions is compatible for {@code latest} and for the whole history, while an explicit
 * version that does not exist is 40402 — Confluent 6+ behaviour. {@code ?verbose=true} adds
 * {@code "messages"}, and then an unparseable schema is reported there instead of as 42201.
 */
final class CompatibilityHandler {
  private final RegistryStore store;

  CompatibilityHandler(RegistryStore store) {
    this.store = store;
  }

  JsonNode handle(Request r) {
    int n = r.size();
    if ((n != 4 && n != 5) || !r.segment(1).equals("subjects") || !r.segment(3).equals("versions")) {
      throw Request.notFound();
    }
    r.require("POST");
    String subject = r.segment(2);
    Integer version = n == 5 ? RegistryStore.parseVersion(r.segment(4)) : null;
    boolean verbose = r.flag("verbose");
    SchemaRequest request = SchemaRequest.parse(r);
    List<String> problems;
    try {
      Candidate candidate = store.candidate(request, r.flag("normalize"));
      problems = store.compatibility(subject, version, candidate);
    } catch (ApiError e) {
      if (!verbose || e.code != ApiError.INVALID_SCHEMA) {
        throw e;
      }
      problems = List.of(e.getMessage());
    }
    ObjectNode out = Json.object().put("is_compatible", problems.isEmpty());
    if (verbose) {
      ArrayNode messages = out.putArray("messages");
      problems.forEach(messages::add);
    }
    return out;
  }
}
