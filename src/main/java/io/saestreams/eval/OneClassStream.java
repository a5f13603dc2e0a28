package io.saestreams.eval;

import io.saestreams.data.CsvOptions;
import io.saestreams.data.CsvReader;
import io.saestreams.data.DataFileException;
import io.saestreams.data.IdxReader;
import io.saestreams.data.LabelledVector;
import io.saestreams.data.SyntheticConfig;
import io.saestreams.data.SyntheticDictionary;
import io.saestreams.data.VectorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A labelled stream for a one-class anomaly evaluation: a warm-up phase of (mostly) normal records
 * on which a detector learns what normal looks like, followed by an evaluation phase in which
 * labelled anomalies are mixed among normal records. Three kinds are built here:
 *
 * <ul>
 *   <li>{@link #idx}: an MNIST-like image set with one class declared normal; the other classes'
 *       test images are the anomalies;
 *   <li>{@link #csv}: a CSV file whose {@code anomaly} column is the ground truth, split by
 *       position;
 *   <li>{@link #synthetic}: {@link SyntheticDictionary} data, anomaly-free during warm-up.
 * </ul>
 *
 * <p>The records are held in memory (an evaluation run is bounded), in stream order: every
 * warm-up record, then every evaluation record. Everything random follows from the seed, so the
 * same arguments give the same stream.
 */
public final class OneClassStream {
  /** The default share of anomalies in the evaluation phase of {@link #idx}. */
  public static final double DEFAULT_ANOMALY_FRACTION = 0.1;
  /** The default number of passes over the normal training images in {@link #idx}. */
  public static final int DEFAULT_PASSES = 1;

  private static final Pattern TEST_IMAGES_NAME =
      Pattern.compile("t10k-images[-.]idx3-ubyte(\\.gz)?");

  private final String description;
  private final int dimension;
  private final List<LabelledVector> warmup;
  private final List<LabelledVector> evaluation;

  private OneClassStream(String description, int dimension, List<LabelledVector> warmup,
      List<LabelledVector> evaluation) {
    this.description = description;
    this.dimension = dimension;
    this.warmup = Collections.unmodifiableList(warmup);
    this.evaluation = Collections.unmodifiableList(evaluation);
  }

  /**
   * A stream from records prepared elsewhere.
   *
   * @param description a one-line description for logs and reports
   * @param warmup the warm-up records, at least one of them normal
   * @param evaluation the evaluation records
   * @throws IllegalArgumentException when the warm-up phase has no normal record or the records
   *     have different dimensions
   */
  public static OneClassStream of(String description, List<LabelledVector> warmup,
      List<LabelledVector> evaluation) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(evaluation, "evaluation");
    if (warmup.stream().allMatch(LabelledVector::anomaly)) {
      throw new IllegalArgumentException("warmup must contain at least one normal record, got "
          + warmup.size() + " record(s), none of them normal");
    }
    int dimension = warmup.get(0).dimension();
    checkDimensions(warmup, "warmup", dimension);
    checkDimensions(evaluation, "evaluation", dimension);
    return new OneClassStream(description, dimension, new ArrayList<>(warmup),
        new ArrayList<>(evaluation));
  }

  private static void checkDimensions(List<LabelledVector> records, String name, int dimension) {
    for (int i = 0; i < records.size(); i++) {
      LabelledVector v = Objects.requireNonNull(records.get(i), name + "[" + i + "]");
      if (v.dimension() != dimension) {
        throw new IllegalArgumentException(name + "[" + i + "] ('" + v.id() + "') has dimension "
            + v.dimension() + ", expected " + dimension + " (the dimension of warmup[0])");
      }
    }
  }

  /**
   * As {@link #idx(Path, int, int, double, long)} with {@link #DEFAULT_PASSES} and {@link
   * #DEFAULT_ANOMALY_FRACTION}.
   */
  public static OneClassStream idx(Path dataset, int normalClass, long seed) {
    return idx(dataset, normalClass, DEFAULT_PASSES, DEFAULT_ANOMALY_FRACTION, seed);
  }

  /**
   * A one-class stream from an IDX image set with training and test files (Fashion-MNIST style).
   *
   * <p>{@code dataset} is a directory holding {@code train-images-idx3-ubyte} and {@code
   * t10k-images-idx3-ubyte} (plain preferred over {@code .gz}; {@code images.idx3-ubyte} with a
   * dot is accepted too) with their labels files beside them, or the training images file itself,
   * in which case the test images are looked for in the same directory. Pixels are read by {@link
   * IdxReader}, so unsigned bytes lie in [0, 1] as in every other use of IDX input.
   *
   * <p>The warm-up phase is the training images of class {@code normalClass}, {@code passes} times,
   * each pass in a fresh seeded order; in passes after the first, ids get a suffix {@code -p2},
   * {@code -p3}, ... so they stay unique. The evaluation phase is the {@code m} test images of the
   * class plus {@code round(anomalyFraction * m / (1 - anomalyFraction))} test images drawn
   * (seeded, without replacement) from the other classes and labelled {@code anomaly=true}, all in
   * one seeded shuffled order; so anomalies make up {@code anomalyFraction} of the phase, up to
   * rounding. Records keep their class label.
   *
   * @param dataset the directory, or the training images file
   * @param normalClass the class considered normal; must occur in the training and the test labels
   * @param passes how many times the warm-up phase goes over the normal training images, at least 1
   * @param anomalyFraction the share of anomalies in the evaluation phase, in [0, 1)
   * @param seed the seed of every shuffle and draw
   * @throws IllegalArgumentException when an argument is out of range, the class is absent, or
   *     there are too few images of other classes for the requested fraction
   * @throws DataFileException when a file is missing, has no labels or is malformed
   */
  public static OneClassStream idx(Path dataset, int normalClass, int passes,
      double anomalyFraction, long seed) {
    Objects.requireNonNull(dataset, "dataset");
    if (normalClass < 0) {
      throw new IllegalArgumentException("normalClass must be >= 0, got " + normalClass);
    }
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be >= 1, got " + passes);
    }
    if (!(anomalyFraction >= 0 && anomalyFraction < 1)) {
      throw new IllegalArgumentException("anomalyFraction must be in [0, 1), got "
          + anomalyFraction);
    }
    if (!Files.exists(dataset)) {
      throw new DataFileException(dataset, "", "does not exist; expected a directory with the "
          + "train- and t10k- images and labels files, or the training images file");
    }
    Path directory = Files.isDirectory(dataset) ? dataset : dataset.toAbsolutePath().getParent();
    Path testImages = findTestImages(directory);
    SplittableRandom random = new SplittableRandom(seed);

    List<LabelledVector> trainNormals = new ArrayList<>();
    SortedSet<Integer> trainLabels = new TreeSet<>();
    int dimension;
    String trainDescription;
    try (IdxReader train = IdxReader.open(dataset)) {
      requireLabels(train);
      dimension = train.dimension();
      trainDescription = train.description();
      while (train.hasNext()) {
        LabelledVector v = train.next();
        trainLabels.add(v.label());
        if (v.label() == normalClass) {
          trainNormals.add(v);
        }
      }
    }
    if (trainNormals.isEmpty()) {
      throw new IllegalArgumentException("normalClass " + normalClass + " does not occur in the "
          + "training labels of " + trainDescription + "; the classes present are " + trainLabels);
    }

    List<LabelledVector> testNormals = new ArrayList<>();
    List<LabelledVector> others = new ArrayList<>();
    try (IdxReader test = IdxReader.open(testImages)) {
      requireLabels(test);
      if (test.dimension() != dimension) {
        throw new DataFileException(testImages, "", "test images have " + test.dimension()
            + " pixels each, but the training images have " + dimension);
      }
      while (test.hasNext()) {
        LabelledVector v = test.next();
        (v.label() == normalClass ? testNormals : others).add(v);
      }
    }
    if (testNormals.isEmpty()) {
      throw new IllegalArgumentException("normalClass " + normalClass + " does not occur in the "
          + "test labels of " + testImages);
    }
    int m = testNormals.size();
    long wanted = Math.round(anomalyFraction * m / (1 - anomalyFraction));
    if (wanted > others.size()) {
      throw new IllegalArgumentException("anomalyFraction " + anomalyFraction + " with " + m
          + " normal test images needs " + wanted + " anomalies, but " + testImages + " has only "
          + others.size() + " images of other classes; the largest possible fraction is "
          + (double) others.size() / (others.size() + m));
    }

    List<LabelledVector> warmup = new ArrayList<>(trainNormals.size() * passes);
    for (int p = 0; p < passes; p++) {
      List<LabelledVector> pass = new ArrayList<>(trainNormals);
      shuffle(pass, random);
      for (LabelledVector v : pass) {
        warmup.add(p == 0 ? v : new LabelledVector(v.id() + "-p" + (p + 1), v.values(), false,
            v.label()));
      }
    }
    shuffle(others, random);
    List<LabelledVector> evaluation = new ArrayList<>(testNormals);
    for (LabelledVector v : others.subList(0, (int) wanted)) {
      evaluation.add(new LabelledVector(v.id(), v.values(), true, v.label()));
    }
    shuffle(evaluation, random);

    String description = "one-class idx:" + directory + " (normal class " + normalClass
        + ", warm-up " + passes + " pass(es) over " + trainNormals.size()
        + " training images, evaluation " + m + " normal + " + wanted + " anomalous test images, "
        + "seed " + seed + ")";
    return new OneClassStream(description, dimension, warmup, evaluation);
  }

  private static void requireLabels(IdxReader reader) {
    if (reader.labelsFile() == null) {
      throw new DataFileException(reader.imagesFile(), "", "no labels file beside it (expected "
          + "the same name with labels-idx1-ubyte for images-idx3-ubyte, plain or .gz); a "
          + "one-class evaluation needs the class labels");
    }
  }

  private static Path findTestImages(Path directory) {
    List<String> names = new ArrayList<>();
    Path found = null;
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.sorted().toList()) {
        String name = p.getFileName().toString();
        names.add(name);
        if (found == null && TEST_IMAGES_NAME.matcher(name).matches() && Files.isRegularFile(p)) {
          found = p;
        }
      }
    } catch (IOException e) {
      throw new DataFileException(directory, "", "cannot list directory: " + e, e);
    }
    if (found == null) {
      throw new DataFileException(directory, "", "directory has no t10k-images-idx3-ubyte file "
          + "(plain or .gz), which a one-class evaluation takes its test images from; it contains "
          + names);
    }
    return found;
  }

  /**
   * As {@link #csv(Path, CsvOptions, int)} with the conventional column names ({@link
   * CsvOptions#conventional()}): {@code anomaly} must be a header column; {@code id} and {@code
   * label} are used when present.
   */
  public static OneClassStream csv(Path file, int warmup) {
    return csv(file, CsvOptions.conventional(), warmup);
  }

  /**
   * A one-class stream from a CSV file with an anomaly column. The first {@code warmup} records
   * are the warm-up phase, the rest the evaluation phase, both in file order. Warm-up records keep
   * their labels: anomalies among them are passed to the detector like any record, but {@link
   * #warmupNormals()} leaves them out of the baseline's fit.
   *
   * @param file the CSV file (plain or gzip)
   * @param options how to read it; {@link CsvOptions#anomalyColumn()} must be set and be in the
   *     header
   * @param warmup the number of warm-up records, at least 1; the file must have more records
   * @throws IllegalArgumentException when {@code warmup} is out of range or no warm-up record is
   *     normal
   * @throws DataFileException when the anomaly column is missing or the file is malformed
   */
  public static OneClassStream csv(Path file, CsvOptions options, int warmup) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    if (options.anomalyColumn() == null) {
      throw new IllegalArgumentException("options must name an anomaly column (anomalyColumn is "
          + "null); a one-class evaluation needs the ground truth");
    }
    if (warmup < 1) {
      throw new IllegalArgumentException("warmup must be >= 1, got " + warmup);
    }
    List<LabelledVector> all = new ArrayList<>();
    String sourceDescription;
    int dimension;
    try (CsvReader reader = CsvReader.open(file, options)) {
      if (reader.header() == null || !reader.header().contains(options.anomalyColumn())) {
        throw new DataFileException(file, "line 1", "no anomaly column '" + options.anomalyColumn()
            + "' in the header" + (reader.header() == null ? " (the file has no header)"
            : "; the columns are " + reader.header()));
      }
      sourceDescription = reader.description();
      dimension = reader.dimension();
      while (reader.hasNext()) {
        all.add(reader.next());
      }
    }
    if (all.size() <= warmup) {
      throw new IllegalArgumentException("warmup must be less than the number of records, so that "
          + "some are left for evaluation: " + file + " has " + all.size() + " record(s), got "
          + "warmup=" + warmup);
    }
    List<LabelledVector> warm = new ArrayList<>(all.subList(0, warmup));
    List<LabelledVector> evaluation = new ArrayList<>(all.subList(warmup, all.size()));
    if (warm.stream().allMatch(LabelledVector::anomaly)) {
      throw new IllegalArgumentException("the first warmup=" + warmup + " record(s) of " + file
          + " are all labelled anomaly; the warm-up phase needs normal records");
    }
    String description = "one-class " + sourceDescription + " (warm-up " + warmup
        + " records, evaluation " + evaluation.size() + ")";
    return new OneClassStream(description, dimension, warm, evaluation);
  }

  /**
   * A one-class stream of synthetic data from one dictionary: the warm-up phase is {@code warmup}
   * normal samples (stream variant 0 of the configuration with {@code anomalyFraction} 0), the
   * evaluation phase {@code evaluation} samples of stream variant 1 of the configuration itself, in
   * which each sample is an anomaly with probability {@link SyntheticConfig#anomalyFraction()}
   * (so the realised share varies around it). The configuration's seed fixes everything.
   *
   * @param config the data configuration; its anomaly fraction applies to the evaluation phase
   * @param warmup the number of warm-up samples, at least 1
   * @param evaluation the number of evaluation samples, at least 1
   * @throws IllegalArgumentException when a count is below 1
   */
  public static OneClassStream synthetic(SyntheticConfig config, int warmup, int evaluation) {
    Objects.requireNonNull(config, "config");
    if (warmup < 1) {
      throw new IllegalArgumentException("warmup must be >= 1, got " + warmup);
    }
    if (evaluation < 1) {
      throw new IllegalArgumentException("evaluation must be >= 1, got " + evaluation);
    }
    // The dictionary depends on the seed and shape only, not on the anomaly fraction, so both
    // generators share it.
    SyntheticDictionary normalOnly = new SyntheticDictionary(config.withAnomalyFraction(0));
    SyntheticDictionary mixed = new SyntheticDictionary(config);
    List<LabelledVector> warm;
    try (VectorSource s = normalOnly.stream(warmup, 0)) {
      warm = s.take(warmup);
    }
    List<LabelledVector> eval;
    String sourceDescription;
    try (VectorSource s = mixed.stream(evaluation, 1)) {
      sourceDescription = s.description();
      eval = s.take(evaluation);
    }
    String description = "one-class " + sourceDescription + " (warm-up " + warmup
        + " normal samples of variant 0, evaluation " + evaluation + ")";
    return new OneClassStream(description, config.dimension(), warm, eval);
  }

  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  /** A one-line description for logs and reports. */
  public String description() {
    return description;
  }

  /** The dimension of every record. */
  public int dimension() {
    return dimension;
  }

  /** The warm-up records in stream order (unmodifiable). */
  public List<LabelledVector> warmup() {
    return warmup;
  }

  /** The evaluation records in stream order (unmodifiable). */
  public List<LabelledVector> evaluation() {
    return evaluation;
  }

  /**
   * The values of the warm-up records labelled normal, in stream order, including repeats from
   * several passes: what {@link PcaBaseline#fit} is given. The arrays are shared, not copied.
   */
  public List<float[]> warmupNormals() {
    List<float[]> out = new ArrayList<>(warmup.size());
    for (LabelledVector v : warmup) {
      if (!v.anomaly()) {
        out.add(v.values());
      }
    }
    return out;
  }

  /** Every record in stream order, warm-up first, with its phase (an unmodifiable view). */
  public List<EvalRecord> records() {
    return new AbstractList<>() {
      @Override
      public EvalRecord get(int index) {
        Objects.checkIndex(index, size());
        return index < warmup.size()
            ? new EvalRecord(warmup.get(index), true)
            : new EvalRecord(evaluation.get(index - warmup.size()), false);
      }

      @Override
      public int size() {
        return warmup.size() + evaluation.size();
      }
    };
  }

  /** The number of records in both phases. */
  public int size() {
    return warmup.size() + evaluation.size();
  }

  /** The number of evaluation records labelled anomaly. */
  public int evaluationAnomalies() {
    int n = 0;
    for (LabelledVector v : evaluation) {
      n += v.anomaly() ? 1 : 0;
    }
    return n;
  }

  /** The share of anomalies in the evaluation phase; 0 when the phase is empty. */
  public double evaluationAnomalyFraction() {
    return evaluation.isEmpty() ? 0.0 : (double) evaluationAnomalies() / evaluation.size();
  }

  @Override
  public String toString() {
    return "OneClassStream[" + description + "]";
  }
}
