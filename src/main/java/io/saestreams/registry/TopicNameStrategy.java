package io.saestreams.registry;

import java.util.Objects;

/**
 * Confluent's default subject naming: the subject of a topic's values is {@code <topic>-value}
 * and of its keys {@code <topic>-key}.
 */
public final class TopicNameStrategy {
  private TopicNameStrategy() {}

  /** The subject for the key ({@code isKey}) or the value schema of {@code topic}. */
  public static String subject(String topic, boolean isKey) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    return topic + (isKey ? "-key" : "-value");
  }

  /** {@code <topic>-value}. */
  public static String valueSubject(String topic) {
    return subject(topic, false);
  }

  /** {@code <topic>-key}. */
  public static String keySubject(String topic) {
    return subject(topic, true);
  }
}
