package io.saestreams.stream.training;

import java.util.List;
import java.util.Map;

/**
 * Reads again, from the input topic, the vectors of samples the trainer must replay after a
 * restart: its replay store keeps only where each sample came from ({@link InputRef}), not the
 * vector itself.
 */
public interface SampleFetcher extends AutoCloseable {
  /**
   * The vectors at {@code refs}, in the order given; {@code null} for a record that is no longer
   * in the topic (retention or compaction removed it) or is no longer a valid input.
   */
  List<float[]> fetch(List<InputRef> refs);

  @Override
  void close();

  /** Opens a fetcher when a restarted trainer has samples to replay. */
  @FunctionalInterface
  interface Factory {
    /** @param appConfigs the Kafka Streams configuration the task runs with */
    SampleFetcher open(Map<String, Object> appConfigs);
  }
}
