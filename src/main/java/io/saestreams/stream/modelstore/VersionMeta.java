package io.saestreams.stream.modelstore;

import java.nio.ByteBuffer;

/** What every chunk of one model version must agree on: chunk count, total length and CRC-32. */
record VersionMeta(int chunkCount, int totalBytes, long checksum) {
  private static final int SIZE = 2 * Integer.BYTES + Long.BYTES;

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).putInt(chunkCount).putInt(totalBytes).putLong(checksum).array();
  }

  static VersionMeta fromBytes(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new VersionMeta(buf.getInt(), buf.getInt(), buf.getLong());
  }
}
