package io.saestreams.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the tests. */
final class IdxTestFiles {
  private IdxTestFiles() {}

  /** The header bytes followed by {@code payload}. */
  static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(type);
    out.writeByte(dims.length);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(payload);
    out.flush();
    return bytes.toByteArray();
  }

  static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream out = gzip
        ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  /** Unsigned-byte images with pixel value {@code (record * 7 + pixel) % 256}. */
  static byte[] ubyteImages(int count, int rows, int cols) throws IOException {
    byte[] payload = new byte[count * rows * cols];
    for (int r = 0; r < count; r++) {
      for (int p = 0; p < rows * cols; p++) {
        payload[r * rows * cols + p] = (byte) ((r * 7 + p) % 256);
      }
    }
    return idx(0x08, new int[] {count, rows, cols}, payload);
  }

  /** Unsigned-byte labels {@code record % 10}. */
  static byte[] ubyteLabels(int count) throws IOException {
    byte[] payload = new byte[count];
    for (int r = 0; r < count; r++) {
      payload[r] = (byte) (r % 10);
    }
    return idx(0x08, new int[] {count}, payload);
  }
}
