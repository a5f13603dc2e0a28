package io.saestreams.stream.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;

/**
 * Parses and validates one value against its {@link ConfigKey}, reporting the key as the user
 * wrote it (a properties key such as {@code streams.num.stream.threads}, or the environment
 * variable it came from), the value, and what is allowed.
 */
final class ValueCheck {
  private ValueCheck() {}

  /**
   * @param key the definition (type and validator) the value must meet
   * @param writtenAs the key as the user wrote it, named in the error
   * @param value the value as given
   * @throws ConfigException naming {@code writtenAs}, the value and what is allowed
   */
  static void check(ConfigKey key, String writtenAs, Object value) {
    Object parsed;
    try {
      parsed = ConfigDef.parseType(writtenAs, value, key.type);
    } catch (ConfigException e) {
      throw new ConfigException(writtenAs, value, "must be " + expected(key));
    }
    if (key.validator != null) {
      key.validator.ensureValid(writtenAs, parsed);
    }
  }

  private static String expected(ConfigKey key) {
    String type =
        switch (key.type) {
          case BOOLEAN -> "true or false";
          case SHORT -> "a 16-bit integer";
          case INT -> "a 32-bit integer";
          case LONG -> "a 64-bit integer";
          case DOUBLE -> "a number";
          case CLASS -> "the name of a class on the class path";
          case LIST -> "a comma-separated list";
          case STRING, PASSWORD -> "a string";
        };
    return key.validator == null ? type : type + " (valid values: " + key.validator + ")";
  }
}
