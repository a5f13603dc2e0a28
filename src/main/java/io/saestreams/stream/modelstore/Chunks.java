package io.saestreams.stream.modelstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** Splits byte arrays into bounded chunks and joins them back, with a CRC-32 to check the result. */
public final class Chunks {
  private Chunks() {}

  /** At least one chunk (an empty array gives one empty chunk), each at most {@code maxBytes}. */
  public static List<byte[]> split(byte[] bytes, int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("chunk size must be >= 1, got " + maxBytes);
    }
    List<byte[]> out = new ArrayList<>();
    for (int from = 0; from < bytes.length || out.isEmpty(); from += maxBytes) {
      out.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + maxBytes)));
    }
    return out;
  }

  public static byte[] join(List<byte[]> chunks) {
    int total = 0;
    for (byte[] c : chunks) {
      total += c.length;
    }
    byte[] out = new byte[total];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    return out;
  }

  public static long crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }
}
