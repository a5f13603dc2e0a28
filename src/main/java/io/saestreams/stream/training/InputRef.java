package io.saestreams.stream.training;

/**
 * Where a training sample came from: its record in the input topic.
 *
 * @param partition input-topic partition
 * @param offset the record's offset in that partition
 */
public record InputRef(int partition, long offset) {
  public InputRef {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "an input reference needs a partition and an offset >= 0, got " + partition + " and " + offset);
    }
  }

  @Override
  public String toString() {
    return partition + "@" + offset;
  }
}
