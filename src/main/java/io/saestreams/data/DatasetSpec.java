package io.saestreams.data;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A data set named on the command line. The accepted forms are:
 *
 * <ul>
 *   <li>{@code synthetic} or {@code synthetic:key=value,...} with keys {@code dimension}, {@code
 *       features}, {@code mean-active}, {@code decay} (the Zipf exponent of the firing
 *       probabilities), {@code noise}, {@code anomalies}, {@code anomaly-scale} and the structure
 *       keys {@code hierarchy} (children per parent), {@code correlation} (firing correlation
 *       within groups of roots, in [0, 1]), {@code magnitude-spread} (log-normal sigma of the
 *       per-feature magnitude bound) and {@code child-coupling} (the share of a child's magnitude
 *       that is its parent's, in [0, 1]) (see {@link SyntheticConfig} and {@link SyntheticDictionary};
 *       unspecified keys take the defaults, the structure keys 0 = off);
 *   <li>{@code idx:PATH} with an IDX images file or a directory holding {@code
 *       train-images-idx3-ubyte[.gz]} (see {@link IdxReader#open(Path)});
 *   <li>{@code csv:PATH} with a CSV file, read with {@link CsvOptions#conventional()}.
 * </ul>
 *
 * @param kind which kind of source
 * @param path the file or directory, null for {@code synthetic}
 * @param parameters synthetic parameters as given (validated), empty for files
 */
public record DatasetSpec(Kind kind, Path path, Map<String, String> parameters) {

  /** The three kinds of data set. */
  public enum Kind {
    SYNTHETIC,
    IDX,
    CSV
  }

  /** The keys of {@code synthetic:key=value,...}. */
  private static final String SYNTHETIC_KEYS = "dimension, features, mean-active, decay, noise, "
      + "anomalies, anomaly-scale, hierarchy, correlation, magnitude-spread, child-coupling";

  /** A description of the accepted forms, for error and help messages. */
  public static final String FORMS =
      "synthetic, synthetic:key=value,... (keys " + SYNTHETIC_KEYS + "), idx:PATH, csv:PATH";

  public DatasetSpec {
    Objects.requireNonNull(kind, "kind");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    if ((kind == Kind.SYNTHETIC) != (path == null)) {
      throw new IllegalArgumentException(kind + " data set " + (path == null ? "needs" : "takes no")
          + " path");
    }
    if (kind != Kind.SYNTHETIC && !parameters.isEmpty()) {
      throw new IllegalArgumentException(kind + " data set takes no parameters, got " + parameters);
    }
    if (kind == Kind.SYNTHETIC) {
      syntheticConfig(parameters, 0); // validates keys and values
    }
  }

  /**
   * Parses a command-line value.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms when it fits none
   */
  public static DatasetSpec parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("data set must be given; accepted forms: " + FORMS);
    }
    String v = value.strip();
    if (v.equals("synthetic")) {
      return new DatasetSpec(Kind.SYNTHETIC, null, Map.of());
    }
    if (v.startsWith("synthetic:")) {
      Map<String, String> params = new LinkedHashMap<>();
      String body = v.substring("synthetic:".length());
      if (!body.isBlank()) {
        for (String pair : body.split(",", -1)) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("data set '" + value + "': expected key=value, got '"
                + pair + "'; accepted forms: " + FORMS);
          }
          String key = pair.substring(0, eq).strip();
          if (params.put(key, pair.substring(eq + 1).strip()) != null) {
            throw new IllegalArgumentException("data set '" + value + "': key '" + key
                + "' is given twice");
          }
        }
      }
      try {
        return new DatasetSpec(Kind.SYNTHETIC, null, params);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("data set '" + value + "': " + e.getMessage(), e);
      }
    }
    for (Kind kind : new Kind[] {Kind.IDX, Kind.CSV}) {
      String prefix = kind.name().toLowerCase(java.util.Locale.ROOT) + ":";
      if (v.startsWith(prefix)) {
        String p = v.substring(prefix.length());
        if (p.isBlank()) {
          throw new IllegalArgumentException("data set '" + value + "': the path after '" + prefix
              + "' is empty; accepted forms: " + FORMS);
        }
        return new DatasetSpec(kind, Path.of(p), Map.of());
      }
    }
    throw new IllegalArgumentException(
        "unknown data set '" + value + "'; accepted forms: " + FORMS);
  }

  private static SyntheticConfig syntheticConfig(Map<String, String> parameters, long seed) {
    int dimension = SyntheticConfig.DEFAULT_DIMENSION;
    int features = SyntheticConfig.DEFAULT_FEATURES;
    double meanActive = SyntheticConfig.DEFAULT_MEAN_ACTIVE;
    double decay = SyntheticConfig.DEFAULT_DECAY;
    float noise = SyntheticConfig.DEFAULT_NOISE_STD;
    double anomalies = 0.0;
    double anomalyScale = SyntheticConfig.DEFAULT_ANOMALY_SCALE;
    int hierarchy = 0;
    double correlation = 0;
    double magnitudeSpread = 0;
    double childCoupling = 0;
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      String key = e.getKey();
      String raw = e.getValue();
      try {
        switch (key) {
          case "dimension" -> dimension = Integer.parseInt(raw);
          case "features" -> features = Integer.parseInt(raw);
          case "mean-active" -> meanActive = Double.parseDouble(raw);
          case "decay" -> decay = Double.parseDouble(raw);
          case "noise" -> noise = Float.parseFloat(raw);
          case "anomalies" -> anomalies = Double.parseDouble(raw);
          case "anomaly-scale" -> anomalyScale = Double.parseDouble(raw);
          case "hierarchy" -> hierarchy = Integer.parseInt(raw);
          case "correlation" -> correlation = Double.parseDouble(raw);
          case "magnitude-spread" -> magnitudeSpread = Double.parseDouble(raw);
          case "child-coupling" -> childCoupling = Double.parseDouble(raw);
          default -> throw new IllegalArgumentException("unknown synthetic parameter '" + key
              + "'; known: " + SYNTHETIC_KEYS);
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            "synthetic parameter '" + key + "' has value '" + raw + "', which is not a number", ex);
      }
    }
    return new SyntheticConfig(dimension, features, meanActive, decay, noise, anomalies,
        anomalyScale, seed,
        new SyntheticConfig.Structure(hierarchy, correlation, magnitudeSpread, childCoupling));
  }

  /** The synthetic configuration this spec describes with the given seed (synthetic only). */
  public SyntheticConfig syntheticConfig(long seed) {
    if (kind != Kind.SYNTHETIC) {
      throw new IllegalStateException(kind + " data set has no synthetic configuration");
    }
    return syntheticConfig(parameters, seed);
  }

  /**
   * Opens the data set.
   *
   * @param records at most this many vectors; negative for all (unbounded for synthetic)
   * @param seed the seed of synthetic data; files are read in their order and ignore it
   */
  public VectorSource open(long records, long seed) {
    return switch (kind) {
      case SYNTHETIC -> new SyntheticDictionary(syntheticConfig(seed)).stream(records);
      case IDX -> IdxReader.open(path).limit(records);
      case CSV -> CsvReader.open(path, CsvOptions.conventional()).limit(records);
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SYNTHETIC -> parameters.isEmpty() ? "synthetic" : "synthetic:" + String.join(",",
          parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
      case IDX -> "idx:" + path;
      case CSV -> "csv:" + path;
    };
  }
}
