package io.saestreams.stream.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The {@code streams.*} keys (prefix removed) Kafka Streams reads: its own settings and the
 * consumer, producer and admin client settings, plain or under one of Kafka Streams' client
 * prefixes ({@code consumer.}, {@code main.consumer.}, {@code restore.consumer.}, {@code
 * global.consumer.}, {@code producer.}, {@code admin.}), and internal-topic settings under {@code
 * topic.}. Names are checked against Kafka's own {@link ConfigDef}s, values are parsed and
 * validated through them; {@code topic.*} names are checked against {@link TopicConfig} (their
 * values are the broker's to check, when Kafka Streams creates the topic).
 */
final class StreamsKeys {
  private static final ConfigDef STREAMS = StreamsConfig.configDef();
  private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
  private static final ConfigDef PRODUCER = ProducerConfig.configDef();
  private static final ConfigDef ADMIN = AdminClientConfig.configDef();

  /** A prefix and what the rest of the key may be. Longer prefixes come first. */
  private record Scope(String prefix, List<ConfigDef> defs, Set<String> names) {}

  private static final List<Scope> SCOPES =
      List.of(
          clients(StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER),
          clients(StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER),
          clients(StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER),
          clients(StreamsConfig.CONSUMER_PREFIX, CONSUMER),
          clients(StreamsConfig.PRODUCER_PREFIX, PRODUCER),
          clients(StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN),
          new Scope(StreamsConfig.TOPIC_PREFIX, List.of(), topicConfigNames()),
          clients("", STREAMS, CONSUMER, PRODUCER, ADMIN));

  /** Every valid key (prefix {@code streams.} removed), for suggestions. */
  private static final Set<String> ALL = all();

  private StreamsKeys() {}

  /** Whether {@code key} (without {@code streams.}) is a setting Kafka Streams reads. */
  static boolean isKnown(String key) {
    return scope(key).names().contains(key.substring(scope(key).prefix().length()));
  }

  /**
   * Checks every {@code streams.*} setting.
   *
   * @param settings the settings with their {@code streams.} prefix
   * @param sources how the user wrote each key (properties key or environment variable)
   * @throws ConfigException on the first unknown key or invalid value, in key order
   */
  static void check(
      Map<String, Object> settings, ConfigSources.Merged sources) {
    for (String full : new TreeSet<>(settings.keySet())) {
      String key = full.substring(AppConfig.STREAMS_PREFIX.length());
      Scope scope = scope(key);
      String name = key.substring(scope.prefix().length());
      if (!scope.names().contains(name)) {
        throw sources.unknown(
            "Kafka Streams or client setting",
            full,
            Suggestions.closest(key, ALL).map(c -> AppConfig.STREAMS_PREFIX + c),
            " Under '" + AppConfig.STREAMS_PREFIX + "' go the settings of Kafka Streams'"
                + " StreamsConfig and of the consumer, producer and admin clients (plain or"
                + " prefixed consumer., main.consumer., restore.consumer., global.consumer.,"
                + " producer., admin.), and internal topics' settings prefixed topic.");
      }
      for (ConfigDef def : scope.defs()) {
        ConfigKey definition = def.configKeys().get(name);
        if (definition != null) {
          ValueCheck.check(definition, sources.writtenAs(full), settings.get(full));
          break;
        }
      }
    }
  }

  private static Scope scope(String key) {
    for (Scope s : SCOPES) {
      if (key.startsWith(s.prefix()) && key.length() > s.prefix().length()) {
        return s;
      }
    }
    return SCOPES.get(SCOPES.size() - 1);
  }

  private static Scope clients(String prefix, ConfigDef... defs) {
    Set<String> names = new TreeSet<>();
    for (ConfigDef d : defs) {
      names.addAll(d.names());
    }
    return new Scope(prefix, List.of(defs), Collections.unmodifiableSet(names));
  }

  /** The topic-level settings: the values of TopicConfig's {@code *_CONFIG} constants. */
  private static Set<String> topicConfigNames() {
    Set<String> names = new TreeSet<>();
    for (Field f : TopicConfig.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && f.getType() == String.class && f.getName().endsWith("_CONFIG")) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read TopicConfig." + f.getName(), e);
        }
      }
    }
    return Collections.unmodifiableSet(names);
  }

  private static Set<String> all() {
    List<String> keys = new ArrayList<>();
    for (Scope s : SCOPES) {
      for (String n : s.names()) {
        keys.add(s.prefix() + n);
      }
    }
    return Collections.unmodifiableSet(new TreeSet<>(keys));
  }
}
