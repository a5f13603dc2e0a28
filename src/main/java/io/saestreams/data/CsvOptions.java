package io.saestreams.data;

/**
 * How {@link CsvReader} interprets a CSV file.
 *
 * @param header whether the first data line is a header
 * @param delimiter the field separator, e.g. {@code ','} or {@code ';'}
 * @param idColumn header name of a column holding vector ids, or null
 * @param labelColumn header name of a column holding integer class labels (>= 0), or null
 * @param anomalyColumn header name of a column holding {@code 0/1/true/false} anomaly flags, or null
 * @param namedColumnsRequired if true, a named column missing from the header (or a file without a
 *     header) is an error; if false such a column is simply not used
 */
public record CsvOptions(
    Header header,
    char delimiter,
    String idColumn,
    String labelColumn,
    String anomalyColumn,
    boolean namedColumnsRequired) {

  /** Header handling. */
  public enum Header {
    /** A header when the first data line has a field that is not a number. */
    AUTO,
    /** The first data line is always a header. */
    PRESENT,
    /** There is no header; the first data line is data. */
    ABSENT
  }

  public CsvOptions {
    if (header == null) {
      throw new IllegalArgumentException("header mode must not be null");
    }
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '#'
        || Character.isDigit(delimiter) || delimiter == '.' || delimiter == '-' || delimiter == '+') {
      throw new IllegalArgumentException(
          "delimiter must not be a quote, line break, '#', digit, '.', '+' or '-', got '"
              + delimiter + "'");
    }
    checkDistinct(idColumn, labelColumn, "idColumn", "labelColumn");
    checkDistinct(idColumn, anomalyColumn, "idColumn", "anomalyColumn");
    checkDistinct(labelColumn, anomalyColumn, "labelColumn", "anomalyColumn");
  }

  private static void checkDistinct(String a, String b, String nameA, String nameB) {
    if (a != null && a.equals(b)) {
      throw new IllegalArgumentException(nameA + " and " + nameB + " must differ, both are '" + a + "'");
    }
  }

  /** Comma-separated, header auto-detected, every column a value column. */
  public static CsvOptions defaults() {
    return new CsvOptions(Header.AUTO, ',', null, null, null, true);
  }

  /**
   * Like {@link #defaults()}, but header columns named {@code id}, {@code label} and {@code
   * anomaly} are used as such when present.
   */
  public static CsvOptions conventional() {
    return new CsvOptions(Header.AUTO, ',', "id", "label", "anomaly", false);
  }

  public CsvOptions withHeader(Header value) {
    return new CsvOptions(value, delimiter, idColumn, labelColumn, anomalyColumn, namedColumnsRequired);
  }

  public CsvOptions withDelimiter(char value) {
    return new CsvOptions(header, value, idColumn, labelColumn, anomalyColumn, namedColumnsRequired);
  }

  public CsvOptions withIdColumn(String value) {
    return new CsvOptions(header, delimiter, value, labelColumn, anomalyColumn, namedColumnsRequired);
  }

  public CsvOptions withLabelColumn(String value) {
    return new CsvOptions(header, delimiter, idColumn, value, anomalyColumn, namedColumnsRequired);
  }

  public CsvOptions withAnomalyColumn(String value) {
    return new CsvOptions(header, delimiter, idColumn, labelColumn, value, namedColumnsRequired);
  }

  /** Whether any named column is configured. */
  boolean hasNamedColumns() {
    return idColumn != null || labelColumn != null || anomalyColumn != null;
  }
}
