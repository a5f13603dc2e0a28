package io.saestreams.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of a {@link SchemaRegistryClient}, validated on construction.
 *
 * <p>Retries: a call that fails on the transport (refused connection, timeout) or with HTTP 5xx is
 * retried with exponential backoff and jitter (see {@link #initialBackoff}, {@link #maxBackoff})
 * until it succeeds, {@link #maxRetries} retries were made, or no further retry fits in
 * {@link #retryBudget}: no retry starts, and no retry request is still waiting, once the budget
 * since the call began is spent. The same budget bounds the wait for a schema id the registry does
 * not know and cannot confirm as bogus (see {@link SchemaRegistryClient#getById}). By default the
 * number of retries is unbounded and the budget alone decides.
 *
 * <p>{@link #configDef()} describes every property {@link #fromProperties} accepts, with its type,
 * default and documentation; it is the one list of the client's settings.
 *
 * @param baseUrls one or more registry base URLs ({@code http} or {@code https}), tried in turn
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout timeout of one HTTP exchange, from sending to the end of the response
 * @param maxRetries at most this many retries after the first attempt (each retry goes through
 *     every base URL once); {@link #UNLIMITED_RETRIES} leaves the limit to {@code retryBudget}
 * @param initialBackoff ceiling of the wait before the first retry; doubled for every further
 *     retry
 * @param maxBackoff upper bound of the wait between retries
 * @param retryBudget total time a call may spend retrying (zero: no retries)
 * @param basicAuthUserInfo {@code "user:password"} for HTTP basic authentication, or {@code null}
 * @param tls truststore/keystore settings, or {@code null} for the JDK's default trust
 */
public record RegistryClientConfig(
    List<URI> baseUrls,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration retryBudget,
    String basicAuthUserInfo,
    Tls tls) {

  /** Confluent client property: comma-separated registry URLs. */
  public static final String URL = "schema.registry.url";
  /** Confluent client property: {@code user:password} for basic authentication. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** The same, under the name Confluent's serdes also accept. */
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry." + BASIC_AUTH_USER_INFO;
  /** Confluent client property: where basic-auth credentials come from; only USER_INFO is supported. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** Confluent client property: maximum number of retries. */
  public static final String MAX_RETRIES = "max.retries";
  /** Confluent client property: initial wait before a retry, in milliseconds. */
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  /** Confluent client property: maximum wait before a retry, in milliseconds. */
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
  /** Total time one call may spend retrying, in milliseconds. */
  public static final String RETRY_BUDGET_MS = "retry.budget.ms";
  /** Connect timeout in milliseconds. */
  public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  /** Request timeout in milliseconds. */
  public static final String REQUEST_TIMEOUT_MS = "http.read.timeout.ms";
  /** Truststore file. */
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  /** Truststore password. */
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  /** Truststore type (PKCS12, JKS). */
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  /** Keystore file for client authentication. */
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  /** Keystore password. */
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  /** Keystore type (PKCS12, JKS). */
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  /** Password of the private key in the keystore; defaults to the keystore password. */
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

  /** {@link #maxRetries} value meaning "as many as {@link #retryBudget} allows". */
  public static final int UNLIMITED_RETRIES = Integer.MAX_VALUE;

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RETRIES = UNLIMITED_RETRIES;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  /**
   * Four minutes: long enough to ride out a registry restart or a short outage, and short enough
   * that a stream thread blocked in a deserializer for the whole budget (plus one request
   * timeout) still polls again within Kafka's default {@code max.poll.interval.ms} of five
   * minutes, so that it is not dropped from its consumer group while it waits.
   */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(4);

  private static final ConfigDef CONFIG = define();

  /** The names of every property {@link #fromProperties} accepts, sorted. */
  public static final Set<String> KNOWN_KEYS = Collections.unmodifiableSet(new TreeSet<>(CONFIG.names()));

  public RegistryClientConfig {
    Objects.requireNonNull(baseUrls, "baseUrls");
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one schema registry URL is required, found none");
    }
    baseUrls = List.copyOf(baseUrls);
    for (URI url : baseUrls) {
      String scheme = url.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new IllegalArgumentException(
            "schema registry URL must use http or https, found '" + url + "'");
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException("schema registry URL has no host: '" + url + "'");
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "schema registry URL must not have a query or fragment: '" + url + "'");
      }
      if (url.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "put credentials in basicAuthUserInfo, not in the URL: '" + url.getHost() + "'");
      }
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "backoff must be >= 0, was initial " + initialBackoff + ", max " + maxBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff (" + maxBackoff + ") must not be smaller than initialBackoff (" + initialBackoff + ")");
    }
    Objects.requireNonNull(retryBudget, "retryBudget");
    if (retryBudget.isNegative()) {
      throw new IllegalArgumentException("retryBudget must be >= 0, was " + retryBudget);
    }
    if (basicAuthUserInfo != null) {
      int colon = basicAuthUserInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "basicAuthUserInfo must have the form 'user:password' with a non-empty user");
      }
    }
    boolean anyHttps = baseUrls.stream().anyMatch(u -> u.getScheme().equals("https"));
    if (tls != null && !anyHttps) {
      throw new IllegalArgumentException("TLS settings given but no schema registry URL uses https");
    }
  }

  private static ConfigDef define() {
    return new ConfigDef()
        .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
            "Confluent-API schema registry base URL(s), comma-separated; tried in turn.")
        .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "USER_INFO", ConfigDef.ValidString.in("USER_INFO"),
            Importance.LOW, "Where basic-auth credentials come from; only USER_INFO (the "
                + BASIC_AUTH_USER_INFO + " setting) is supported.")
        .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
            "'user:password' for HTTP basic authentication to the registry; none when empty.")
        .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
            "Another name of " + BASIC_AUTH_USER_INFO + " (used when that is not set).")
        .define(MAX_RETRIES, Type.INT, DEFAULT_MAX_RETRIES, ConfigDef.Range.atLeast(0), Importance.LOW,
            "At most this many retries of a call that failed on the transport or with HTTP 5xx"
                + " (each retry tries every URL once). The default sets no limit: "
                + RETRY_BUDGET_MS + " decides.")
        .define(RETRIES_WAIT_MS, Type.LONG, DEFAULT_INITIAL_BACKOFF.toMillis(), ConfigDef.Range.atLeast(0),
            Importance.LOW, "Longest wait before the first retry; every further retry doubles it, up to "
                + RETRIES_MAX_WAIT_MS + ". Each wait is chosen at random between half the limit and the limit.")
        .define(RETRIES_MAX_WAIT_MS, Type.LONG, DEFAULT_MAX_BACKOFF.toMillis(), ConfigDef.Range.atLeast(0),
            Importance.LOW, "Upper bound of the wait between retries; at least " + RETRIES_WAIT_MS + ".")
        .define(RETRY_BUDGET_MS, Type.LONG, DEFAULT_RETRY_BUDGET.toMillis(), ConfigDef.Range.atLeast(0),
            Importance.MEDIUM, "Total time one registry call may spend retrying: while the registry is"
                + " unreachable, fails, or does not know a record's schema id and cannot confirm it is"
                + " bogus. Then the record fails as a registry fault (the application stops; the"
                + " record is neither dead-lettered nor committed). Keep it below the consumer's"
                + " max.poll.interval.ms (default 300000) minus " + REQUEST_TIMEOUT_MS + ".")
        .define(CONNECT_TIMEOUT_MS, Type.LONG, DEFAULT_CONNECT_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
            Importance.LOW, "TCP/TLS connect timeout of a registry request.")
        .define(REQUEST_TIMEOUT_MS, Type.LONG, DEFAULT_REQUEST_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
            Importance.LOW, "Timeout of one registry request, from sending it to the end of the response.")
        .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
            "Truststore file for https registry URLs; the JDK's default trust when not set.")
        .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the truststore.")
        .define(SSL_TRUSTSTORE_TYPE, Type.STRING, Tls.DEFAULT_TYPE, Importance.LOW,
            "Truststore type (PKCS12, JKS).")
        .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
            "Keystore file with the client's key and certificate, for TLS client authentication.")
        .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the keystore.")
        .define(SSL_KEYSTORE_TYPE, Type.STRING, Tls.DEFAULT_TYPE, Importance.LOW, "Keystore type (PKCS12, JKS).")
        .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
            "Password of the private key in the keystore; the keystore password when not set.");
  }

  /**
   * A copy of the description of every property {@link #fromProperties} accepts: name, type,
   * default, valid values, importance and documentation. An application that passes prefixed
   * properties through (for example {@code registry.max.retries}) can define its own keys from it,
   * and generate its documentation from it.
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** A configuration with defaults for everything but the URLs (comma-separated). */
  public static RegistryClientConfig of(String commaSeparatedUrls) {
    return builder(commaSeparatedUrls).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder(String commaSeparatedUrls) {
    return new Builder(parseUrls(commaSeparatedUrls));
  }

  /** The builder with this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder(baseUrls);
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.maxRetries = maxRetries;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.retryBudget = retryBudget;
    b.basicAuthUserInfo = basicAuthUserInfo;
    b.tls = tls;
    return b;
  }

  /**
   * Reads the configuration from Kafka-style properties using Confluent's client property names
   * ({@link #URL}, {@link #BASIC_AUTH_USER_INFO}, {@link #MAX_RETRIES}, the
   * {@code schema.registry.ssl.*} keys, ...; {@link #KNOWN_KEYS} lists them all).
   *
   * @throws ConfigException naming the key: for a key this client does not know (the message
   *     lists the known ones), a missing URL, a value of the wrong type or out of range, or
   *     settings that contradict each other
   */
  public static RegistryClientConfig fromProperties(Map<String, ?> props) {
    List<String> unknown = new ArrayList<>();
    for (Object key : props.keySet()) {
      if (!KNOWN_KEYS.contains(String.valueOf(key))) {
        unknown.add("'" + key + "'");
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          (unknown.size() == 1 ? "unknown schema registry client setting " : "unknown schema registry client settings ")
              + String.join(", ", unknown)
              + "; the known settings are "
              + String.join(", ", KNOWN_KEYS));
    }
    return parse(props);
  }

  /**
   * Like {@link #fromProperties}, but ignores the keys this client does not know: for the map a
   * Kafka serializer or deserializer is configured with, which also holds every producer, consumer
   * or Streams setting.
   */
  public static RegistryClientConfig fromSerdeConfigs(Map<String, ?> configs) {
    Map<String, Object> known = new HashMap<>();
    for (Map.Entry<String, ?> e : configs.entrySet()) {
      if (KNOWN_KEYS.contains(e.getKey())) {
        known.put(e.getKey(), e.getValue());
      }
    }
    return parse(known);
  }

  private static RegistryClientConfig parse(Map<String, ?> props) {
    Object url = props.get(URL);
    if (url == null || url.toString().isBlank()) {
      throw new ConfigException("missing required schema registry client setting '" + URL + "'");
    }
    Map<String, Object> v = CONFIG.parse(props);
    if ((Long) v.get(RETRIES_MAX_WAIT_MS) < (Long) v.get(RETRIES_WAIT_MS)) {
      throw new ConfigException(
          RETRIES_MAX_WAIT_MS, v.get(RETRIES_MAX_WAIT_MS), "must not be smaller than " + RETRIES_WAIT_MS + " (" + v.get(RETRIES_WAIT_MS) + ")");
    }
    try {
      Builder b = builder((String) v.get(URL));
      String userInfo = password(v.get(BASIC_AUTH_USER_INFO));
      if (userInfo == null || userInfo.isEmpty()) {
        userInfo = password(v.get(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO));
      }
      if (userInfo != null && !userInfo.isEmpty()) {
        b.basicAuthUserInfo(userInfo);
      }
      b.maxRetries((Integer) v.get(MAX_RETRIES));
      b.backoff(millis(v, RETRIES_WAIT_MS), millis(v, RETRIES_MAX_WAIT_MS));
      b.retryBudget(millis(v, RETRY_BUDGET_MS));
      b.connectTimeout(millis(v, CONNECT_TIMEOUT_MS));
      b.requestTimeout(millis(v, REQUEST_TIMEOUT_MS));
      String truststore = (String) v.get(SSL_TRUSTSTORE_LOCATION);
      String keystore = (String) v.get(SSL_KEYSTORE_LOCATION);
      if (truststore != null || keystore != null) {
        b.tls(
            new Tls(
                truststore == null ? null : Path.of(truststore),
                chars(password(v.get(SSL_TRUSTSTORE_PASSWORD))),
                orDefault((String) v.get(SSL_TRUSTSTORE_TYPE), Tls.DEFAULT_TYPE),
                keystore == null ? null : Path.of(keystore),
                chars(password(v.get(SSL_KEYSTORE_PASSWORD))),
                orDefault((String) v.get(SSL_KEYSTORE_TYPE), Tls.DEFAULT_TYPE),
                chars(password(v.get(SSL_KEY_PASSWORD)))));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid schema registry client settings: " + e.getMessage());
    }
  }

  private static Duration millis(Map<String, Object> values, String key) {
    return Duration.ofMillis((Long) values.get(key));
  }

  private static String password(Object o) {
    return o instanceof Password p ? p.value() : null;
  }

  private static char[] chars(String s) {
    return s == null ? null : s.toCharArray();
  }

  private static String orDefault(String s, String d) {
    return s == null || s.isBlank() ? d : s;
  }

  static List<URI> parseUrls(String commaSeparatedUrls) {
    Objects.requireNonNull(commaSeparatedUrls, "schema registry URLs");
    List<URI> urls = new ArrayList<>();
    for (String part : commaSeparatedUrls.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      try {
        urls.add(new URI(trimmed));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "schema registry URL is not a valid URI: '" + trimmed + "' (" + e.getReason() + ")", e);
      }
    }
    return urls;
  }

  /** Masks the credentials. */
  @Override
  public String toString() {
    return "RegistryClientConfig[baseUrls="
        + baseUrls
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", maxRetries="
        + maxRetries
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", retryBudget="
        + retryBudget
        + ", basicAuth="
        + (basicAuthUserInfo == null
            ? "none"
            : basicAuthUserInfo.substring(0, basicAuthUserInfo.indexOf(':')) + ":***")
        + ", tls="
        + tls
        + "]";
  }

  /**
   * TLS material. A truststore replaces the JDK's default trust; a keystore enables client
   * certificates. Either may be {@code null}.
   *
   * @param truststorePath truststore file, or {@code null} for the JDK default trust
   * @param truststorePassword truststore password, may be {@code null}
   * @param truststoreType truststore type such as {@code PKCS12} or {@code JKS}
   * @param keystorePath keystore with the client's key and certificate, or {@code null}
   * @param keystorePassword keystore password, may be {@code null}
   * @param keystoreType keystore type
   * @param keyPassword password of the private key; {@code null} means the keystore password
   */
  public record Tls(
      Path truststorePath,
      char[] truststorePassword,
      String truststoreType,
      Path keystorePath,
      char[] keystorePassword,
      String keystoreType,
      char[] keyPassword) {

    public static final String DEFAULT_TYPE = "PKCS12";

    public Tls {
      if (truststorePath == null && keystorePath == null) {
        throw new IllegalArgumentException("TLS settings need a truststore, a keystore or both, found neither");
      }
      if (truststorePath != null && !Files.isReadable(truststorePath)) {
        throw new IllegalArgumentException("truststore is not a readable file: " + truststorePath);
      }
      if (keystorePath != null && !Files.isReadable(keystorePath)) {
        throw new IllegalArgumentException("keystore is not a readable file: " + keystorePath);
      }
      truststoreType = truststoreType == null ? DEFAULT_TYPE : truststoreType;
      keystoreType = keystoreType == null ? DEFAULT_TYPE : keystoreType;
    }

    /** A truststore only. */
    public static Tls truststore(Path path, char[] password, String type) {
      return new Tls(path, password, type, null, null, null, null);
    }

    /** Masks the passwords. */
    @Override
    public String toString() {
      return "Tls[truststore=" + truststorePath + " (" + truststoreType + "), keystore="
          + keystorePath + " (" + keystoreType + ")]";
    }
  }

  /** Builder for {@link RegistryClientConfig}. */
  public static final class Builder {
    private final List<URI> baseUrls;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration retryBudget = DEFAULT_RETRY_BUDGET;
    private String basicAuthUserInfo;
    private Tls tls;

    private Builder(List<URI> baseUrls) {
      this.baseUrls = baseUrls;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    /** Initial and maximum wait between retries. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Total time one call may spend retrying; zero disables retries. */
    public Builder retryBudget(Duration budget) {
      this.retryBudget = budget;
      return this;
    }

    /** {@code "user:password"}. */
    public Builder basicAuthUserInfo(String userInfo) {
      this.basicAuthUserInfo = userInfo;
      return this;
    }

    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    public RegistryClientConfig build() {
      return new RegistryClientConfig(
          baseUrls, connectTimeout, requestTimeout, maxRetries, initialBackoff, maxBackoff,
          retryBudget, basicAuthUserInfo, tls);
    }
  }
}
