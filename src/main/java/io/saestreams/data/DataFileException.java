package io.saestreams.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A data file that cannot be read as the expected format. The message always has the form {@code
 * <file>, <position>: <problem>} (the position is left out when the fault concerns the whole file),
 * so that a user can go straight to the offending record, line or byte.
 */
public final class DataFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String position;
  private final String problem;

  /**
   * @param file the file being read
   * @param position where in the file, e.g. {@code "line 7, column 3"}; empty for the whole file
   * @param problem what is wrong, in plain words
   */
  public DataFileException(Path file, String position, String problem) {
    this(file, position, problem, null);
  }

  /** As {@link #DataFileException(Path, String, String)}, keeping the low-level cause. */
  public DataFileException(Path file, String position, String problem, Throwable cause) {
    super(format(file, position, problem), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.position = position == null ? "" : position;
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  private static String format(Path file, String position, String problem) {
    String where = position == null || position.isEmpty() ? "" : ", " + position;
    return file + where + ": " + problem;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }

  /** The position inside the file, or an empty string. */
  public String position() {
    return position;
  }

  /** What is wrong, without file and position. */
  public String problem() {
    return problem;
  }
}
