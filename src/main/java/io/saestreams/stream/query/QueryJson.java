package io.saestreams.stream.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * JSON for live queries, with Jackson (as the registry server and client use it). Answers never
 * hold NaN or an infinity, which JSON cannot carry: an unknown figure is {@code null}.
 */
final class QueryJson {
  /** Reads request bodies; accepts {@code NaN} and {@code Infinity} so validation can name them. */
  static final ObjectMapper READER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private static final ObjectMapper WRITER = new ObjectMapper();

  private QueryJson() {}

  static ObjectNode object() {
    return WRITER.createObjectNode();
  }

  static ArrayNode array() {
    return WRITER.createArrayNode();
  }

  /** Puts {@code value}, or null when it is NaN or infinite. */
  static ObjectNode putFinite(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
    return node;
  }

  /** The floats as a JSON array (each in its shortest decimal form, e.g. 0.1 rather than 0.10000000149). */
  static ArrayNode floats(float[] values) {
    ArrayNode a = array();
    for (float v : values) {
      a.add(v);
    }
    return a;
  }

  static ArrayNode ints(int[] values) {
    ArrayNode a = array();
    for (int v : values) {
      a.add(v);
    }
    return a;
  }

  /** {@code {"error": message, "reason": reason}}. */
  static ObjectNode error(String reason, String message) {
    return object().put("error", message).put("reason", reason);
  }

  /** The UTF-8 bytes of {@code node} on one line, with a final newline. */
  static byte[] bytes(JsonNode node) {
    try {
      return (WRITER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
