package io.saestreams.stream.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** Renders a {@link ConfigDef} as a Markdown table: key, environment variable, type, default, valid values, importance, description. */
final class ConfigMarkdown {
  private ConfigMarkdown() {}

  static String render(ConfigDef def) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Key | Environment variable | Type | Default | Valid values | Importance | Description |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (ConfigKey k : def.configKeys().values()) {
      sb.append("| `").append(k.name).append("` | `").append(ConfigSources.envName(k.name))
          .append("` | ").append(k.type.name().toLowerCase(java.util.Locale.ROOT))
          .append(" | ").append(defaultText(k))
          .append(" | ").append(k.validator == null ? "" : cell(k.validator.toString()))
          .append(" | ").append(k.importance.name().toLowerCase(java.util.Locale.ROOT))
          .append(" | ").append(cell(k.documentation)).append(" |\n");
    }
    sb.append("| `").append(AppConfig.STREAMS_PREFIX).append("*` | `")
        .append(ConfigSources.ENV_PREFIX).append("STREAMS_*` | | | | | ")
        .append("Any Kafka Streams or client setting, prefix removed (e.g. `streams.num.stream.threads`):")
        .append(" StreamsConfig's, the consumer's, producer's and admin client's, plain or with Kafka")
        .append(" Streams' prefixes `consumer.`, `main.consumer.`, `restore.consumer.`,")
        .append(" `global.consumer.`, `producer.`, `admin.`, and internal topics' under `topic.`.")
        .append(" Names and values are checked against Kafka's own definitions at start. |\n");
    sb.append("| `").append(AppConfig.REGISTRY_PREFIX).append("*` | `")
        .append(ConfigSources.ENV_PREFIX).append("REGISTRY_*` | | | | | ")
        .append("Schema registry client settings, prefix removed (e.g. `registry.basic.auth.user.info`),")
        .append(" checked by the registry client's own rules at start. |\n");
    return sb.toString();
  }

  private static String defaultText(ConfigKey k) {
    if (!k.hasDefault()) {
      return "(required)";
    }
    if (k.defaultValue == null) {
      return "";
    }
    return "`" + cell(ConfigDef.convertToString(k.defaultValue, k.type)) + "`";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
