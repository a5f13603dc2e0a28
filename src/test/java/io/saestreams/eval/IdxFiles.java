package io.saestreams.eval;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small unsigned-byte IDX image and label files for the tests. */
final class IdxFiles {
  private IdxFiles() {}

  /**
   * Writes {@code <prefix>-images-idx3-ubyte} (2x2 images whose first pixel is the record index
   * mod 256 and the others the label) and {@code <prefix>-labels-idx1-ubyte} into {@code dir}.
   */
  static void write(Path dir, String prefix, int[] labels, boolean gzip) throws IOException {
    String suffix = gzip ? ".gz" : "";
    try (DataOutputStream out = open(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip)) {
      header(out, 3, labels.length, 2, 2);
      for (int r = 0; r < labels.length; r++) {
        out.writeByte(r % 256);
        for (int p = 1; p < 4; p++) {
          out.writeByte(labels[r]);
        }
      }
    }
    try (DataOutputStream out = open(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzip)) {
      header(out, 1, labels.length);
      for (int label : labels) {
        out.writeByte(label);
      }
    }
  }

  private static DataOutputStream open(Path file, boolean gzip) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    return new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw);
  }

  private static void header(DataOutputStream out, int rank, int... dims) throws IOException {
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(0x08);
    out.writeByte(rank);
    for (int d : dims) {
      out.writeInt(d);
    }
  }
}
