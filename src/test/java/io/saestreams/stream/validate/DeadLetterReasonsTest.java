package io.saestreams.stream.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.metrics.MicrometerSaeMetrics;
import io.saestreams.serde.AvroDecodeException;
import io.saestreams.serde.DecodeFailure;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metrics' list of dead-letter reasons, pre-registered at 0, is the real set. */
class DeadLetterReasonsTest {
  @Test
  void theMetricsKnowEveryReasonARecordCanBeDeadLetteredForAndNoOther() throws Exception {
    Set<String> real = new HashSet<>();
    for (DecodeFailure f : DecodeFailure.values()) {
      if (f.isPoisonPayload()) {
        real.add(Rejection.of(new AvroDecodeException(f, 0, "x", null)).reason());
      }
    }
    for (Field f : Rejection.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        real.add((String) f.get(null));
      }
    }
    assertThat(new HashSet<>(MicrometerSaeMetrics.KNOWN_INVALID_REASONS)).isEqualTo(real);
    assertThat(MicrometerSaeMetrics.KNOWN_INVALID_REASONS).doesNotHaveDuplicates();
  }
}
