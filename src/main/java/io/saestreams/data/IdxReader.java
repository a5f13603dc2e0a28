package io.saestreams.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Streams an IDX file (the format of MNIST and Fashion-MNIST) as vectors, optionally with a
 * matching labels file.
 *
 * <p>An IDX file starts with two zero bytes, a type byte ({@code 0x08} unsigned byte, {@code 0x09}
 * signed byte, {@code 0x0B} short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E} double), and
 * the number of dimensions; then one big-endian int32 per dimension, then the values, big-endian.
 * Files compressed with gzip are recognised by their content ({@code 1f 8b}), not their name.
 *
 * <p>The images file has 3 dimensions (count x rows x cols) or 2 (count x length, read as one row).
 * Each record becomes a vector of {@code rows*cols} floats: unsigned bytes are divided by 255 so
 * they lie in [0, 1]; other types keep their values. The labels file has 1 dimension of an integer
 * type and as many entries as there are images. Sizes of uncompressed files are checked when the
 * reader is opened; a compressed file that ends early is reported when the missing record is read.
 */
public final class IdxReader implements VectorSource {
  private static final Pattern IMAGES_NAME =
      Pattern.compile("train-images[-.]idx3-ubyte(\\.gz)?");
  private static final int MAX_ELEMENTS = Integer.MAX_VALUE / 8;

  private final Path imagesFile;
  private final Path labelsFile;
  private final Header images;
  private final Header labels;
  private final InputStream imageIn;
  private final InputStream labelIn;
  private final byte[] imageBuffer;
  private final byte[] labelBuffer;
  private final String idPrefix;
  private long index;
  private boolean closed;

  /** The element types of the IDX format. */
  enum Type {
    UNSIGNED_BYTE(0x08, 1, "unsigned byte"),
    SIGNED_BYTE(0x09, 1, "signed byte"),
    SHORT(0x0B, 2, "short"),
    INT(0x0C, 4, "int"),
    FLOAT(0x0D, 4, "float"),
    DOUBLE(0x0E, 8, "double");

    final int code;
    final int bytes;
    final String label;

    Type(int code, int bytes, String label) {
      this.code = code;
      this.bytes = bytes;
      this.label = label;
    }

    boolean integral() {
      return this != FLOAT && this != DOUBLE;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }

    static String supported() {
      StringBuilder sb = new StringBuilder();
      for (Type t : values()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(String.format("0x%02X %s", t.code, t.label));
      }
      return sb.toString();
    }
  }

  /** A parsed IDX header. */
  record Header(Type type, int[] dims, long headerBytes) {
    long count() {
      return dims[0];
    }

    int elementsPerRecord() {
      int n = 1;
      for (int k = 1; k < dims.length; k++) {
        n *= dims[k];
      }
      return n;
    }

    long recordBytes() {
      return (long) elementsPerRecord() * type.bytes;
    }

    long totalBytes() {
      return headerBytes + count() * recordBytes();
    }
  }

  private IdxReader(Path imagesFile, Path labelsFile) {
    this.imagesFile = imagesFile;
    this.labelsFile = labelsFile;
    InputStream in = Inputs.open(imagesFile);
    InputStream lin = null;
    try {
      images = readHeader(imagesFile, in);
      if (images.dims.length != 3 && images.dims.length != 2) {
        throw new DataFileException(imagesFile, "byte 3",
            "expected an images file with 3 dimensions (count x rows x cols) or 2 (count x length), "
                + "found " + images.dims.length + " dimension(s)");
      }
      checkSize(imagesFile, images);
      if (labelsFile != null) {
        lin = Inputs.open(labelsFile);
        labels = readHeader(labelsFile, lin);
        if (labels.dims.length != 1) {
          throw new DataFileException(labelsFile, "byte 3",
              "expected a labels file with 1 dimension, found " + labels.dims.length);
        }
        if (!labels.type.integral()) {
          throw new DataFileException(labelsFile, "byte 2",
              "labels must have an integer type, found " + labels.type.label);
        }
        if (labels.count() != images.count()) {
          throw new DataFileException(labelsFile, "",
              "count mismatch: " + labels.count() + " labels, but images file " + imagesFile
                  + " has " + images.count() + " records");
        }
        checkSize(labelsFile, labels);
      } else {
        labels = null;
      }
    } catch (RuntimeException e) {
      closeQuietly(in, e);
      closeQuietly(lin, e);
      throw e;
    }
    this.imageIn = in;
    this.labelIn = lin;
    this.imageBuffer = new byte[(int) images.recordBytes()];
    this.labelBuffer = labels == null ? null : new byte[labels.type.bytes];
    String name = imagesFile.getFileName().toString();
    this.idPrefix = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
  }

  /** Opens an images file and, unless {@code labelsOrNull} is null, its labels file. */
  public static IdxReader open(Path images, Path labelsOrNull) {
    Objects.requireNonNull(images, "images");
    return new IdxReader(images, labelsOrNull);
  }

  /**
   * Opens an images file, or the {@code train-images-idx3-ubyte} file (plain preferred over
   * {@code .gz}) in a directory, together with the labels file beside it when one exists: for
   * {@code X-images-idx3-ubyte[.gz]} that is {@code X-labels-idx1-ubyte} or {@code
   * X-labels-idx1-ubyte.gz}.
   */
  public static IdxReader open(Path imagesOrDirectory) {
    Objects.requireNonNull(imagesOrDirectory, "imagesOrDirectory");
    Path images = Files.isDirectory(imagesOrDirectory)
        ? findImagesIn(imagesOrDirectory)
        : imagesOrDirectory;
    return new IdxReader(images, findLabelsBeside(images));
  }

  static Path findImagesIn(Path directory) {
    List<Path> found = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Stream<Path> list = Files.list(directory)) {
      list.sorted().forEach(p -> {
        String name = p.getFileName().toString();
        names.add(name);
        if (IMAGES_NAME.matcher(name).matches() && Files.isRegularFile(p)) {
          found.add(p);
        }
      });
    } catch (IOException e) {
      throw new DataFileException(directory, "", "cannot list directory: " + e, e);
    }
    if (found.isEmpty()) {
      throw new DataFileException(directory, "",
          "directory has no train-images-idx3-ubyte file (plain or .gz); it contains " + names);
    }
    return found.get(0);
  }

  /** The labels file matching an images file by name, or null when there is none. */
  static Path findLabelsBeside(Path images) {
    String name = images.getFileName().toString();
    String stem = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    String labelStem;
    if (stem.contains("images-idx3-ubyte")) {
      labelStem = stem.replace("images-idx3-ubyte", "labels-idx1-ubyte");
    } else if (stem.contains("images.idx3-ubyte")) {
      labelStem = stem.replace("images.idx3-ubyte", "labels.idx1-ubyte");
    } else {
      return null;
    }
    Path dir = images.toAbsolutePath().getParent();
    for (String candidate : new String[] {labelStem, labelStem + ".gz"}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Header readHeader(Path file, InputStream in) {
    byte[] start = readExactly(file, in, 0, 4, "the header");
    if (start[0] != 0 || start[1] != 0) {
      throw new DataFileException(file, "byte 0",
          String.format("wrong magic number 0x%02X%02X%02X%02X: an IDX file starts with two zero "
              + "bytes, a type byte and a dimension count", start[0], start[1], start[2], start[3]));
    }
    Type type = Type.of(start[2] & 0xFF);
    if (type == null) {
      throw new DataFileException(file, "byte 2", String.format(
          "unsupported IDX data type 0x%02X (supported: %s)", start[2] & 0xFF, Type.supported()));
    }
    int rank = start[3] & 0xFF;
    if (rank == 0) {
      throw new DataFileException(file, "byte 3", "dimension count is 0");
    }
    ByteBuffer dimBytes = ByteBuffer.wrap(readExactly(file, in, 4, 4 * rank, "the " + rank
        + " dimension sizes")).order(ByteOrder.BIG_ENDIAN);
    int[] dims = new int[rank];
    long elements = 1;
    for (int k = 0; k < rank; k++) {
      dims[k] = dimBytes.getInt();
      if (dims[k] < 0) {
        throw new DataFileException(file, "byte " + (4 + 4 * k),
            "dimension " + k + " has negative size " + dims[k]);
      }
      if (k > 0) {
        elements *= dims[k];
        if (elements > MAX_ELEMENTS) {
          throw new DataFileException(file, "byte " + (4 + 4 * k),
              "a record would have more than " + MAX_ELEMENTS + " elements");
        }
      }
    }
    return new Header(type, dims, 4L + 4L * rank);
  }

  private static byte[] readExactly(Path file, InputStream in, long start, int n, String what) {
    byte[] b = new byte[n];
    int got;
    try {
      got = in.readNBytes(b, 0, n);
    } catch (IOException e) {
      throw new DataFileException(file, "", "read failed: " + e, e);
    }
    if (got < n) {
      throw new DataFileException(file, "byte " + (start + got), "truncated header: expected " + n
          + " bytes for " + what + " from byte " + start + ", the data ends after " + got);
    }
    return b;
  }

  private static void checkSize(Path file, Header h) {
    if (Inputs.isGzip(file)) {
      return; // the uncompressed length is known only by reading; checked record by record
    }
    long actual;
    try {
      actual = Files.size(file);
    } catch (IOException e) {
      throw new DataFileException(file, "", "cannot determine size: " + e, e);
    }
    long expected = h.totalBytes();
    if (actual < expected) {
      long complete = h.recordBytes() == 0 ? 0 : (actual - h.headerBytes()) / h.recordBytes();
      throw new DataFileException(file, "byte " + actual, "truncated: the header promises "
          + h.count() + " records of " + h.recordBytes() + " bytes (" + expected
          + " bytes in all) but the file has " + actual + " bytes; record " + complete
          + " is incomplete");
    }
    if (actual > expected) {
      throw new DataFileException(file, "byte " + expected, "unexpected trailing data: the header "
          + "promises " + expected + " bytes in all but the file has " + actual);
    }
  }

  /** Rows of each image (1 for a 2-dimensional file). */
  public int rows() {
    return images.dims.length == 3 ? images.dims[1] : 1;
  }

  /** Columns of each image. */
  public int cols() {
    return images.dims.length == 3 ? images.dims[2] : images.dims[1];
  }

  /** The images file being read. */
  public Path imagesFile() {
    return imagesFile;
  }

  /** The labels file, or null. */
  public Path labelsFile() {
    return labelsFile;
  }

  @Override
  public int dimension() {
    return images.elementsPerRecord();
  }

  @Override
  public String description() {
    return "idx:" + imagesFile + " (" + images.count() + " x " + rows() + "x" + cols() + " "
        + images.type.label + (labelsFile == null ? ", no labels" : ", labels " + labelsFile) + ")";
  }

  @Override
  public long size() {
    return images.count();
  }

  @Override
  public boolean hasNext() {
    return !closed && index < images.count();
  }

  @Override
  public LabelledVector next() {
    if (closed) {
      throw new IllegalStateException("IDX reader for " + imagesFile + " is closed");
    }
    if (!hasNext()) {
      throw new NoSuchElementException("all " + images.count() + " records of " + imagesFile
          + " have been read");
    }
    long record = index;
    readRecord(imagesFile, imageIn, imageBuffer, images, record);
    float[] values = decode(imageBuffer, images, record);
    int label = LabelledVector.NO_LABEL;
    if (labels != null) {
      readRecord(labelsFile, labelIn, labelBuffer, labels, record);
      label = decodeLabel(record);
    }
    index++;
    return new LabelledVector(String.format("%s-%09d", idPrefix, record), values, false, label);
  }

  private static void readRecord(Path file, InputStream in, byte[] buf, Header h, long record) {
    long offset = h.headerBytes() + record * h.recordBytes();
    int got;
    try {
      got = in.readNBytes(buf, 0, buf.length);
    } catch (IOException e) {
      throw new DataFileException(file, "record " + record + " (uncompressed byte " + offset + ")",
          "read failed: " + e, e);
    }
    if (got < buf.length) {
      throw new DataFileException(file, "record " + record + " (uncompressed byte "
          + (offset + got) + ")", "truncated: expected " + buf.length + " bytes for this record, "
          + "the data ends after " + got + "; the header promised " + h.count() + " records");
    }
  }

  private float[] decode(byte[] buf, Header h, long record) {
    int n = h.elementsPerRecord();
    float[] out = new float[n];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
    switch (h.type) {
      case UNSIGNED_BYTE -> {
        for (int k = 0; k < n; k++) {
          out[k] = (buf[k] & 0xFF) / 255f;
        }
      }
      case SIGNED_BYTE -> {
        for (int k = 0; k < n; k++) {
          out[k] = buf[k];
        }
      }
      case SHORT -> {
        for (int k = 0; k < n; k++) {
          out[k] = bb.getShort();
        }
      }
      case INT -> {
        for (int k = 0; k < n; k++) {
          out[k] = bb.getInt();
        }
      }
      case FLOAT -> {
        for (int k = 0; k < n; k++) {
          out[k] = bb.getFloat();
        }
      }
      case DOUBLE -> {
        for (int k = 0; k < n; k++) {
          out[k] = (float) bb.getDouble();
        }
      }
    }
    for (int k = 0; k < n; k++) {
      if (!Float.isFinite(out[k])) {
        long byteOffset = h.headerBytes() + record * h.recordBytes() + (long) k * h.type.bytes;
        throw new DataFileException(imagesFile, "record " + record + ", element " + k
            + " (uncompressed byte " + byteOffset + ")", "value " + out[k] + " is not finite"
            + (h.type == Type.DOUBLE ? " as a float" : ""));
      }
    }
    return out;
  }

  private int decodeLabel(long record) {
    ByteBuffer bb = ByteBuffer.wrap(labelBuffer).order(ByteOrder.BIG_ENDIAN);
    long value = switch (labels.type) {
      case UNSIGNED_BYTE -> labelBuffer[0] & 0xFF;
      case SIGNED_BYTE -> labelBuffer[0];
      case SHORT -> bb.getShort();
      case INT -> bb.getInt();
      default -> throw new IllegalStateException("non-integer label type " + labels.type);
    };
    if (value < 0) {
      throw new DataFileException(labelsFile, "record " + record + " (byte "
          + (labels.headerBytes() + record * labels.type.bytes) + ")",
          "label " + value + " is negative; labels must be >= 0");
    }
    return (int) value;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (InputStream in : new InputStream[] {imageIn, labelIn}) {
      if (in == null) {
        continue;
      }
      try {
        in.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("closing " + imagesFile, failure);
    }
  }

  private static void closeQuietly(InputStream in, RuntimeException primary) {
    if (in == null) {
      return;
    }
    try {
      in.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
