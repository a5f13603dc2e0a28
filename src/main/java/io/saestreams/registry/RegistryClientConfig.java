package io.saestreams.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link SchemaRegistryClient}, validated on construction.
 *
 * @param baseUrls one or more registry base URLs ({@code http} or {@code https}), tried in turn
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout timeout of one HTTP exchange, from sending to the end of the response
 * @param maxRetries retries after the first attempt on connection errors, timeouts and HTTP 5xx
 *     (each retry goes through every base URL once)
 * @param initialBackoff wait before the first retry; doubled for every further retry
 * @param maxBackoff upper bound of the wait between retries
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
    String basicAuthUserInfo,
    Tls tls) {

  /** Confluent client property: comma-separated registry URLs. */
  public static final String URL = "schema.registry.url";
  /** Confluent client property: {@code user:password} for basic authentication. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Confluent client property: where basic-auth credentials come from; only USER_INFO is supported. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** Confluent client property: maximum number of retries. */
  public static final String MAX_RETRIES = "max.retries";
  /** Confluent client property: initial wait before a retry, in milliseconds. */
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  /** Confluent client property: maximum wait before a retry, in milliseconds. */
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
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

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

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
    b.basicAuthUserInfo = basicAuthUserInfo;
    b.tls = tls;
    return b;
  }

  /**
   * Reads the configuration from Kafka-style properties using Confluent's client property names
   * ({@link #URL}, {@link #BASIC_AUTH_USER_INFO}, {@link #MAX_RETRIES}, the
   * {@code schema.registry.ssl.*} keys, ...). Unknown keys are ignored.
   */
  public static RegistryClientConfig fromProperties(Map<String, ?> props) {
    Object url = props.get(URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException("missing required property '" + URL + "'");
    }
    Builder b = builder(url.toString());
    Object source = props.get(BASIC_AUTH_CREDENTIALS_SOURCE);
    if (source != null && !source.toString().equals("USER_INFO")) {
      throw new IllegalArgumentException(
          BASIC_AUTH_CREDENTIALS_SOURCE + " must be USER_INFO, found '" + source + "'");
    }
    String userInfo = string(props, BASIC_AUTH_USER_INFO);
    if (userInfo == null) {
      userInfo = string(props, "schema.registry." + BASIC_AUTH_USER_INFO);
    }
    if (userInfo != null && !userInfo.isEmpty()) {
      b.basicAuthUserInfo(userInfo);
    }
    Long v;
    if ((v = number(props, MAX_RETRIES)) != null) {
      b.maxRetries(Math.toIntExact(v));
    }
    if ((v = number(props, RETRIES_WAIT_MS)) != null) {
      b.initialBackoff = Duration.ofMillis(v);
    }
    if ((v = number(props, RETRIES_MAX_WAIT_MS)) != null) {
      b.maxBackoff = Duration.ofMillis(v);
    }
    if ((v = number(props, CONNECT_TIMEOUT_MS)) != null) {
      b.connectTimeout(Duration.ofMillis(v));
    }
    if ((v = number(props, REQUEST_TIMEOUT_MS)) != null) {
      b.requestTimeout(Duration.ofMillis(v));
    }
    String truststore = string(props, SSL_TRUSTSTORE_LOCATION);
    String keystore = string(props, SSL_KEYSTORE_LOCATION);
    if (truststore != null || keystore != null) {
      b.tls(
          new Tls(
              truststore == null ? null : Path.of(truststore),
              chars(string(props, SSL_TRUSTSTORE_PASSWORD)),
              orDefault(string(props, SSL_TRUSTSTORE_TYPE), Tls.DEFAULT_TYPE),
              keystore == null ? null : Path.of(keystore),
              chars(string(props, SSL_KEYSTORE_PASSWORD)),
              orDefault(string(props, SSL_KEYSTORE_TYPE), Tls.DEFAULT_TYPE),
              chars(string(props, SSL_KEY_PASSWORD))));
    }
    return b.build();
  }

  private static String string(Map<String, ?> props, String key) {
    Object o = props.get(key);
    if (o == null) {
      return null;
    }
    if (o instanceof org.apache.kafka.common.config.types.Password p) {
      return p.value();
    }
    return o.toString();
  }

  private static Long number(Map<String, ?> props, String key) {
    Object o = props.get(key);
    if (o == null) {
      return null;
    }
    if (o instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(o.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "property '" + key + "' must be an integer, found '" + o + "'", e);
    }
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
          basicAuthUserInfo, tls);
    }
  }
}
