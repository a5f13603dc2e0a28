package io.saestreams.stream.query;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.saestreams.avro.InputVector;
import java.time.Clock;
import java.time.Instant;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /encode}: an {@link InputVector} as a user writes it in JSON,
 * {@code {"id": "x", "values": [0.1, ...]}}, with {@code timestamp} (epoch milliseconds, or an
 * ISO-8601 instant such as {@code "2026-01-31T12:00:00Z"}) and {@code attributes} (an object of
 * strings) optional. A missing id reads as the empty string, a missing timestamp as now.
 *
 * <p>Only the JSON's shape is checked here; the vector itself (dimension, finite values, sizes)
 * is checked by the stream's own {@code InputValidator}. {@code NaN} and {@code Infinity} are
 * accepted as JSON numbers so that they reach that check, and a number beyond the float range
 * becomes an infinity there, as it would in a producer.
 */
final class EncodeRequest {
  static final Set<String> FIELDS = Set.of("id", "values", "timestamp", "attributes");

  private EncodeRequest() {}

  /**
   * @throws QueryException (400) when the body is not a JSON object of the fields above
   */
  static InputVector parse(byte[] body, Clock clock) {
    JsonNode root = read(body);
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw invalid("unknown field '" + name + "'; an input has id, values, timestamp and attributes");
      }
    }
    return InputVector.newBuilder()
        .setId(id(root.get("id")))
        .setValues(values(root.get("values")))
        .setTimestamp(timestamp(root.get("timestamp"), clock))
        .setAttributes(attributes(root.get("attributes")))
        .build();
  }

  private static JsonNode read(byte[] body) {
    JsonNode root;
    try {
      root = body.length == 0 ? null : QueryJson.READER.readTree(body);
    } catch (JacksonException e) {
      throw QueryException.badRequest(QueryException.MALFORMED_JSON,
          "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw QueryException.badRequest(QueryException.MALFORMED_JSON, "the body cannot be read: " + e);
    }
    if (root == null || !root.isObject()) {
      throw QueryException.badRequest(QueryException.MALFORMED_JSON,
          "expected a JSON object such as {\"id\": \"x\", \"values\": [0.5, 1.0]}, found "
              + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    return root;
  }

  private static String id(JsonNode n) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw invalid("id must be a string, found " + kind(n));
    }
    return n.textValue();
  }

  private static List<Float> values(JsonNode n) {
    if (n == null || n.isNull()) {
      throw invalid("values is missing: the vector to encode, an array of numbers");
    }
    if (!n.isArray()) {
      throw invalid("values must be an array of numbers, found " + kind(n));
    }
    List<Float> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode v = n.get(i);
      if (!v.isNumber()) {
        throw invalid("values[" + i + "] must be a number, found " + kind(v));
      }
      out.add((float) v.doubleValue());
    }
    return out;
  }

  private static Instant timestamp(JsonNode n, Clock clock) {
    if (n == null || n.isNull()) {
      return clock.instant();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Instant.ofEpochMilli(n.longValue());
    }
    if (n.isTextual()) {
      try {
        return Instant.parse(n.textValue());
      } catch (DateTimeParseException e) {
        throw invalid("timestamp '" + n.textValue() + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
      }
    }
    throw invalid("timestamp must be epoch milliseconds (an integer) or an ISO-8601 instant, found " + kind(n));
  }

  private static Map<String, String> attributes(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw invalid("attributes must be an object of strings, found " + kind(n));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isTextual()) {
        throw invalid("attributes." + e.getKey() + " must be a string, found " + kind(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static QueryException invalid(String message) {
    return QueryException.badRequest(QueryException.INVALID_FIELD, message);
  }
}
