package io.saestreams.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Streams a CSV file of numbers, one vector per line, reading each line only when it is asked for
 * (the file is never held in memory as a whole; gzip-compressed files are recognised by content).
 *
 * <p>Blank lines and lines whose first non-blank character is {@code #} are skipped. The first
 * remaining line is a header when {@link CsvOptions#header()} says so ({@code AUTO}: when one of
 * its non-empty fields is not a number). Columns named in the options hold the id, label and anomaly flag;
 * all other columns are vector values. Fields may be enclosed in double quotes ({@code ""} inside
 * quotes is a quote). Every data line must have as many fields as the header (or, without a
 * header, as the first data line); values must be finite decimal numbers within the float range.
 * Any violation is a {@link DataFileException} naming the file, the line (1-based, counting every
 * physical line) and the column (1-based, with its header name when there is one).
 *
 * <p>Without an id column, a vector's id is {@code <file name>:<line>}.
 */
public final class CsvReader implements VectorSource {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern NON_FINITE =
      Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

  private final Path file;
  private final CsvOptions options;
  private final BufferedReader reader;
  private final String fileName;
  private final List<String> header; // null when there is none
  private final int columns;
  private final int idIndex;
  private final int labelIndex;
  private final int anomalyIndex;
  private final int dimension;
  private long lineNumber;
  private int shapeLine; // the line that fixed the number of columns
  private LabelledVector pending;
  private boolean fetched;
  private DataFileException failure;
  private boolean closed;

  private CsvReader(Path file, CsvOptions options) {
    this.file = file;
    this.options = options;
    this.fileName = file.getFileName().toString();
    this.reader = new BufferedReader(
        new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8), 1 << 16);
    try {
      String first = nextContentLine();
      if (first == null) {
        throw new DataFileException(file, "", "no data: the file is empty or has only blank and "
            + "comment lines");
      }
      List<String> fields = split(first, lineNumber);
      boolean isHeader = switch (options.header()) {
        case PRESENT -> true;
        case ABSENT -> false;
        case AUTO -> fields.stream().anyMatch(f -> !f.isEmpty() && !looksNumeric(f));
      };
      shapeLine = (int) lineNumber;
      columns = fields.size();
      if (isHeader) {
        header = Collections.unmodifiableList(fields);
        idIndex = columnIndex(options.idColumn(), "idColumn");
        labelIndex = columnIndex(options.labelColumn(), "labelColumn");
        anomalyIndex = columnIndex(options.anomalyColumn(), "anomalyColumn");
      } else {
        if (options.namedColumnsRequired() && options.hasNamedColumns()) {
          throw new DataFileException(file, "line " + lineNumber, "the options name id/label/anomaly "
              + "columns, which needs a header line, but this first data line has no header "
              + "(all fields are numbers)");
        }
        header = null;
        idIndex = -1;
        labelIndex = -1;
        anomalyIndex = -1;
      }
      int special = (idIndex >= 0 ? 1 : 0) + (labelIndex >= 0 ? 1 : 0) + (anomalyIndex >= 0 ? 1 : 0);
      dimension = columns - special;
      if (dimension < 1) {
        throw new DataFileException(file, "line " + lineNumber,
            "no value columns: all " + columns + " columns are id/label/anomaly columns");
      }
      pending = isHeader ? readRecord() : parse(fields, lineNumber);
      fetched = true;
    } catch (RuntimeException e) {
      try {
        reader.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** Opens a file with {@link CsvOptions#defaults()}. */
  public static CsvReader open(Path file) {
    return open(file, CsvOptions.defaults());
  }

  /**
   * Opens a file. The header and the first record are read at once, so a file that is unusable
   * from the start fails here; later lines are read on demand.
   */
  public static CsvReader open(Path file, CsvOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    return new CsvReader(file, options);
  }

  private int columnIndex(String name, String option) {
    if (name == null) {
      return -1;
    }
    int found = -1;
    for (int k = 0; k < header.size(); k++) {
      if (header.get(k).equals(name)) {
        if (found >= 0) {
          throw new DataFileException(file, "line " + lineNumber, "column '" + name + "' ("
              + option + ") appears twice in the header, as columns " + (found + 1) + " and "
              + (k + 1));
        }
        found = k;
      }
    }
    if (found < 0 && options.namedColumnsRequired()) {
      throw new DataFileException(file, "line " + lineNumber, option + " '" + name
          + "' is not in the header; the columns are " + header);
    }
    return found;
  }

  static boolean looksNumeric(String field) {
    return NUMBER.matcher(field).matches() || NON_FINITE.matcher(field).matches();
  }

  /** The header names, or null when the file has no header. */
  public List<String> header() {
    return header;
  }

  /** The header names of the value columns in order, or null when the file has no header. */
  public List<String> valueColumnNames() {
    if (header == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < header.size(); k++) {
      if (k != idIndex && k != labelIndex && k != anomalyIndex) {
        names.add(header.get(k));
      }
    }
    return names;
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String description() {
    return "csv:" + file + " (" + dimension + " values per line" + (header == null ? ", no header" : "")
        + (idIndex >= 0 ? ", id column '" + header.get(idIndex) + "'" : "")
        + (labelIndex >= 0 ? ", label column '" + header.get(labelIndex) + "'" : "")
        + (anomalyIndex >= 0 ? ", anomaly column '" + header.get(anomalyIndex) + "'" : "") + ")";
  }

  /** Unknown without reading the whole file: always {@code -1}. */
  @Override
  public long size() {
    return -1;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (failure != null) {
      throw failure;
    }
    if (!fetched) {
      try {
        pending = readRecord();
      } catch (DataFileException e) {
        failure = e;
        throw e;
      }
      fetched = true;
    }
    return pending != null;
  }

  /**
   * The next vector. Lines are read on demand, so a malformed line is reported by the call of
   * {@code hasNext} or {@code next} that reaches it, and by every later call.
   */
  @Override
  public LabelledVector next() {
    if (closed) {
      throw new IllegalStateException("CSV reader for " + file + " is closed");
    }
    if (!hasNext()) {
      throw new NoSuchElementException("end of " + file + " reached");
    }
    LabelledVector out = pending;
    pending = null;
    fetched = false;
    return out;
  }

  private LabelledVector readRecord() {
    String line = nextContentLine();
    return line == null ? null : parse(split(line, lineNumber), lineNumber);
  }

  private String nextContentLine() {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);
        }
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && trimmed.charAt(0) != '#') {
          return line;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " after line " + lineNumber, e);
    }
  }

  private List<String> split(String line, long lineNo) {
    List<String> fields = new ArrayList<>();
    char delimiter = options.delimiter();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && line.charAt(i) != delimiter && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        int startColumn = fields.size() + 1;
        i++;
        while (true) {
          if (i >= n) {
            throw new DataFileException(file, "line " + lineNo + ", column " + startColumn,
                "unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        while (i < n && line.charAt(i) != delimiter) {
          if (!Character.isWhitespace(line.charAt(i))) {
            throw new DataFileException(file, "line " + lineNo + ", column " + startColumn,
                "unexpected text after closing quote");
          }
          i++;
        }
        fields.add(field.toString());
      } else {
        int start = i;
        while (i < n && line.charAt(i) != delimiter) {
          i++;
        }
        fields.add(line.substring(start, i).strip());
      }
      field.setLength(0);
      if (i >= n) {
        return fields;
      }
      i++; // skip the delimiter
    }
  }

  private String columnName(int k) {
    return "column " + (k + 1) + (header == null ? "" : " ('" + header.get(k) + "')");
  }

  private LabelledVector parse(List<String> fields, long lineNo) {
    if (fields.size() != columns) {
      throw new DataFileException(file, "line " + lineNo, "expected " + columns + " columns (as "
          + (header == null ? "on the first data line, line " : "in the header on line ")
          + shapeLine + "), found " + fields.size());
    }
    float[] values = new float[dimension];
    String id = fileName + ":" + lineNo;
    int label = LabelledVector.NO_LABEL;
    boolean anomaly = false;
    int v = 0;
    for (int k = 0; k < columns; k++) {
      String f = fields.get(k);
      if (k == idIndex) {
        if (f.isEmpty()) {
          throw error(lineNo, k, "empty id");
        }
        id = f;
      } else if (k == labelIndex) {
        label = parseLabel(f, lineNo, k);
      } else if (k == anomalyIndex) {
        anomaly = parseFlag(f, lineNo, k);
      } else {
        values[v++] = parseValue(f, lineNo, k);
      }
    }
    return new LabelledVector(id, values, anomaly, label);
  }

  private DataFileException error(long lineNo, int column, String problem) {
    return new DataFileException(file, "line " + lineNo + ", " + columnName(column), problem);
  }

  private float parseValue(String f, long lineNo, int k) {
    if (f.isEmpty()) {
      throw error(lineNo, k, "empty value, expected a number");
    }
    if (NON_FINITE.matcher(f).matches()) {
      throw error(lineNo, k, "value '" + f + "' is not a finite number");
    }
    if (!NUMBER.matcher(f).matches()) {
      throw error(lineNo, k, "value '" + f + "' is not a number");
    }
    float x = Float.parseFloat(f);
    if (Float.isInfinite(x)) {
      throw error(lineNo, k, "value '" + f + "' is outside the float range");
    }
    return x;
  }

  private int parseLabel(String f, long lineNo, int k) {
    try {
      int label = Integer.parseInt(f);
      if (label >= 0) {
        return label;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(lineNo, k, "label '" + f + "' is not an integer >= 0");
  }

  private boolean parseFlag(String f, long lineNo, int k) {
    switch (f.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true" -> {
        return true;
      }
      case "0", "false" -> {
        return false;
      }
      default -> throw error(lineNo, k, "anomaly flag '" + f + "' is not 0, 1, true or false");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pending = null;
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + file, e);
    }
  }
}
