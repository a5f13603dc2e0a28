package io.saestreams.stream.validate;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The headers a dead-lettered record carries besides its original ones (values are UTF-8 text). */
public final class DeadLetterHeaders {
  /** The {@link Rejection#reason()} code. */
  public static final String REASON = "sae.dlq.reason";
  /** Human-readable detail. */
  public static final String DETAIL = "sae.dlq.detail";
  /** Topic the record was read from. */
  public static final String TOPIC = "sae.dlq.topic";
  /** Partition it was read from (decimal). */
  public static final String PARTITION = "sae.dlq.partition";
  /** Offset it was read from (decimal). */
  public static final String OFFSET = "sae.dlq.offset";

  private DeadLetterHeaders() {}

  /** A copy of {@code original} with the dead-letter headers added. */
  public static Headers of(Headers original, Rejection rejection, String topic, int partition, long offset) {
    Headers h = new RecordHeaders(original.toArray());
    h.add(REASON, utf8(rejection.reason()));
    h.add(DETAIL, utf8(rejection.detail()));
    h.add(TOPIC, utf8(topic));
    h.add(PARTITION, utf8(Integer.toString(partition)));
    h.add(OFFSET, utf8(Long.toString(offset)));
    return h;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
