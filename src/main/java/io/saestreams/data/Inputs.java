package io.saestreams.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening files that may be gzip-compressed, recognised by their first two bytes. */
final class Inputs {
  private static final int BUFFER = 1 << 16;

  private Inputs() {}

  /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
  static boolean isGzip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (NoSuchFileException e) {
      throw new DataFileException(file, "", "file does not exist", e);
    } catch (IOException e) {
      throw new DataFileException(file, "", "cannot be read: " + e, e);
    }
  }

  /** A buffered stream of the file's content, decompressed when the file is gzip data. */
  static InputStream open(Path file) {
    if (Files.isDirectory(file)) {
      throw new DataFileException(file, "", "is a directory, expected a file");
    }
    boolean gzip = isGzip(file);
    try {
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
      if (!gzip) {
        return raw;
      }
      try {
        return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
      } catch (IOException e) {
        raw.close();
        throw e;
      }
    } catch (IOException e) {
      throw new DataFileException(file, "", "cannot be opened" + (gzip ? " as gzip" : "") + ": " + e, e);
    }
  }
}
