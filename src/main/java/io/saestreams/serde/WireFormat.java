package io.saestreams.serde;

/** Constants of the Confluent wire format. */
public final class WireFormat {
  private WireFormat() {}

  /** The first byte of every framed payload. */
  public static final byte MAGIC_BYTE = 0;
  /** Magic byte plus the 4-byte big-endian schema id. */
  public static final int HEADER_SIZE = 5;
}
