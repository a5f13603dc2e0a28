package io.saestreams.stream.training;

import java.util.List;
import java.util.Map;

/** Sample fetchers that read replayed samples back from a map standing in for the input topic. */
public final class MapSampleFetchers {
  private MapSampleFetchers() {}

  /** Fetchers over {@code inputTopic}, read at each fetch (so later puts are seen). */
  public static SampleFetcher.Factory of(Map<InputRef, float[]> inputTopic) {
    return configs -> new SampleFetcher() {
      @Override
      public List<float[]> fetch(List<InputRef> refs) {
        return refs.stream().map(inputTopic::get).toList();
      }

      @Override
      public void close() {}
    };
  }
}
