package io.saestreams.stream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.avro.InputVector;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON form of an input: what is read, what defaults, and what is refused with which reason. */
@Timeout(10)
class EncodeRequestTest {
  private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static InputVector parse(String json) {
    return EncodeRequest.parse(json.getBytes(StandardCharsets.UTF_8), CLOCK);
  }

  @Test
  void theMinimalFormHasAnEmptyIdTheTimeOfTheRequestAndNoAttributes() {
    InputVector v = parse("{\"values\": [1, -2.5, 0.1]}");
    assertThat(v.getId()).isEmpty();
    assertThat(v.getValues()).containsExactly(1f, -2.5f, 0.1f);
    assertThat(v.getTimestamp()).isEqualTo(NOW);
    assertThat(v.getAttributes()).isNull();
  }

  @Test
  void everyFieldOfTheSchemaIsRead() {
    InputVector v = parse("{\"id\": \"x-1\", \"values\": [3], \"timestamp\": 1700000000123,"
        + " \"attributes\": {\"source\": \"cam-2\", \"label\": \"\"}}");
    assertThat(v.getId()).isEqualTo("x-1");
    assertThat(v.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    assertThat(v.getAttributes()).isEqualTo(Map.of("source", "cam-2", "label", ""));
    assertThat(parse("{\"values\": [3], \"timestamp\": \"2025-06-01T00:00:00.5Z\", \"id\": null}").getTimestamp())
        .isEqualTo(Instant.parse("2025-06-01T00:00:00.5Z"));
  }

  @Test
  void nonFiniteNumbersAreReadSoThatValidationNamesThem() {
    List<Float> values = parse("{\"values\": [NaN, Infinity, -Infinity, 1e39]}").getValues();
    assertThat(values.get(0)).isNaN();
    assertThat(values.subList(1, 4)).containsExactly(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY);
  }

  @Test
  void aBodyThatIsNotAnInputIsRefusedNamingTheField() {
    assertRefused("{\"values\": [1], \"vector\": [1]}", "invalid-field", "unknown field 'vector'");
    assertRefused("{\"id\": \"a\"}", "invalid-field", "values is missing");
    assertRefused("{\"values\": [1, null]}", "invalid-field", "values[1] must be a number, found null");
    assertRefused("{\"values\": [1], \"timestamp\": 1.5}", "invalid-field", "timestamp must be epoch milliseconds");
    assertRefused("{\"values\": [1], \"attributes\": [\"a\"]}", "invalid-field", "attributes must be an object");
    assertRefused("{\"values\": [1], \"attributes\": {\"n\": 2}}", "invalid-field", "attributes.n must be a string");
    assertRefused("{\"values\": [1],}", "malformed-json", "not valid JSON");
    assertRefused("\"values\"", "malformed-json", "expected a JSON object");
    assertRefused("", "malformed-json", "found nothing");
  }

  private static void assertRefused(String json, String reason, String message) {
    assertThatThrownBy(() -> parse(json)).as(json)
        .isInstanceOfSatisfying(QueryException.class, e -> {
          assertThat(e.status).isEqualTo(400);
          assertThat(e.reason).isEqualTo(reason);
          assertThat(e.getMessage()).contains(message);
        });
  }
}
