package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the resource handlers see it: the method, the decoded path segments, the
 * query parameters, and the body (already bounded by the server's request limit).
 */
record Request(String method, List<String> path, Map<String, String> query, byte[] body) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The number of path segments. */
  int size() {
    return path.size();
  }

  /** The path segment at {@code index}. */
  String segment(int index) {
    return path.get(index);
  }

  /** Whether the query parameter is {@code true} (case-insensitive), as JAX-RS parses booleans. */
  boolean flag(String name) {
    return "true".equalsIgnoreCase(query.get(name));
  }

  /** Fails with HTTP 405 unless the method is {@code allowed}. */
  void require(String allowed) {
    if (!method.equals(allowed)) {
      throw methodNotAllowed();
    }
  }

  /** The body as a JSON object; anything else is a 400. */
  ObjectNode json() {
    JsonNode node;
    try {
      node = body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest(
          "Bad request: body is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (node == null || !node.isObject()) {
      String text = new String(body, StandardCharsets.UTF_8);
      throw ApiError.badRequest(
          "Bad request: expected a JSON object body, found " + (text.length() <= 120 ? text : text.substring(0, 120) + "..."));
    }
    return (ObjectNode) node;
  }

  static ApiError notFound() {
    return new ApiError(404, 404, "HTTP 404 Not Found");
  }

  static ApiError methodNotAllowed() {
    return new ApiError(405, 405, "HTTP 405 Method Not Allowed");
  }
}
