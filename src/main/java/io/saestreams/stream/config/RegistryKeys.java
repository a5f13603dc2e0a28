package io.saestreams.stream.config;

import io.saestreams.registry.RegistryClientConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * The schema registry client's settings: {@value AppConfig#SCHEMA_REGISTRY_URL_CONFIG} and the
 * {@code registry.*} keys (prefix removed), checked by {@link RegistryClientConfig#fromProperties}
 * itself so that the rules live in one place; its errors are reported against the key as the
 * user wrote it.
 */
final class RegistryKeys {
  /**
   * The keys {@link RegistryClientConfig#fromProperties} reads: its public {@code String}
   * constants (the URL has a top-level key of its own), and the {@code schema.registry.}-prefixed
   * spelling of the basic-auth user info that it also accepts.
   */
  static final Set<String> KNOWN = known();

  private RegistryKeys() {}

  /**
   * Checks the URL, then each {@code registry.*} key, then all of them together.
   *
   * @param url the value of {@value AppConfig#SCHEMA_REGISTRY_URL_CONFIG}
   * @param settings the {@code registry.*} settings with their prefix
   * @param sources how the user wrote each key (properties key or environment variable)
   */
  static void check(
      String url, Map<String, Object> settings, ConfigSources.Merged sources) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(RegistryClientConfig.URL, url);
    try {
      RegistryClientConfig.fromProperties(props);
    } catch (IllegalArgumentException | ArithmeticException | ConfigException e) {
      throw new ConfigException(sources.writtenAs(AppConfig.SCHEMA_REGISTRY_URL_CONFIG), url, e.getMessage());
    }
    Map<String, String> written = new LinkedHashMap<>();
    for (String full : new TreeSet<>(settings.keySet())) {
      String key = full.substring(AppConfig.REGISTRY_PREFIX.length());
      if (key.equals(RegistryClientConfig.URL)) {
        throw new ConfigException(
            sources.writtenAs(full), settings.get(full),
            "set '" + AppConfig.SCHEMA_REGISTRY_URL_CONFIG + "' as a top-level key instead");
      }
      if (!KNOWN.contains(key)) {
        throw sources.unknown(
            "schema registry client setting",
            full,
            Suggestions.closest(key, KNOWN).map(c -> AppConfig.REGISTRY_PREFIX + c),
            " The settings under '" + AppConfig.REGISTRY_PREFIX + "' are: " + String.join(", ", KNOWN));
      }
      props.put(key, settings.get(full));
      written.put(key, sources.writtenAs(full));
    }
    try {
      RegistryClientConfig.fromProperties(props);
    } catch (IllegalArgumentException | ArithmeticException | ConfigException together) {
      // name the one key that is wrong on its own, if there is one
      for (Map.Entry<String, String> e : written.entrySet()) {
        Map<String, Object> alone = new LinkedHashMap<>();
        alone.put(RegistryClientConfig.URL, url);
        alone.put(e.getKey(), props.get(e.getKey()));
        try {
          RegistryClientConfig.fromProperties(alone);
        } catch (IllegalArgumentException | ArithmeticException | ConfigException single) {
          throw new ConfigException(e.getValue(), shown(e.getKey(), props.get(e.getKey())), single.getMessage());
        }
      }
      throw new ConfigException(
          "Invalid combination of schema registry settings " + String.join(", ", written.values())
              + ": " + together.getMessage());
    }
  }

  /** Secrets are never echoed. */
  private static Object shown(String key, Object value) {
    return key.contains("password") || key.contains("user.info") ? "[hidden]" : value;
  }

  private static Set<String> known() {
    Set<String> keys = new TreeSet<>();
    for (Field f : RegistryClientConfig.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          keys.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read RegistryClientConfig." + f.getName(), e);
        }
      }
    }
    keys.remove(RegistryClientConfig.URL);
    keys.add("schema.registry." + RegistryClientConfig.BASIC_AUTH_USER_INFO);
    return Collections.unmodifiableSet(keys);
  }
}
