package io.saestreams.stream.validate;

import io.saestreams.metrics.SaeMetricsSink;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Validates each raw input record and forwards a {@link Validated}: valid ones unchanged in key,
 * timestamp and headers; rejected ones with the original value bytes and {@link
 * DeadLetterHeaders} added, ready for the dead-letter topic.
 */
public final class ValidationProcessor implements Processor<byte[], byte[], byte[], Validated> {
  private final InputValidator validator;
  private final SaeMetricsSink metrics;
  private ProcessorContext<byte[], Validated> context;

  public ValidationProcessor(InputValidator validator, SaeMetricsSink metrics) {
    this.validator = validator;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Validated> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.recordIn();
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    Validated v = validator.validate(topic, record.key(), record.value());
    if (v.isValid()) {
      context.forward(record.withValue(v));
      return;
    }
    metrics.recordInvalid(v.rejection().reason());
    RecordMetadata meta = context.recordMetadata().orElse(null);
    Record<byte[], byte[]> original = record;
    long rawBytes = (long) length(record.key()) + length(record.value());
    if (rawBytes > validator.limits().maxRecordBytes() - InputLimits.OVERHEAD_BYTES) {
      // not even the original fits in a dead-letter record: the reason and where it is stay
      original = record.withKey((byte[]) null).withValue(new byte[0]);
      v = Validated.rejected(new Rejection(v.rejection().reason(), v.rejection().detail()
          + "; the original key and value (" + rawBytes + " bytes) are left out of this dead-letter"
          + " record, read them from the input topic at the partition and offset in the headers"),
          new byte[0]);
    }
    context.forward(
        original
            .withValue(v)
            .withHeaders(
                DeadLetterHeaders.of(
                    record.headers(),
                    v.rejection(),
                    topic,
                    meta == null ? -1 : meta.partition(),
                    meta == null ? -1 : meta.offset())));
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }
}
