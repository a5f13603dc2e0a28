package io.saestreams.deploy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Run in a JVM of its own by {@link DeployJvmOptionsTest}: prints the committed heap at start, then
 * after a garbage-filled young generation and a full collection, which resizes the heap as G1's
 * Remark pauses do (MinHeapFreeRatio / MaxHeapFreeRatio).
 */
public final class HeapProbe {
  private HeapProbe() {
  }

  /** Keeps the garbage reachable until the loop is done with it. */
  static volatile Object sink;

  public static void main(String[] args) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = memory.getHeapMemoryUsage().getCommitted();
    for (int i = 0; i < 2_000; i++) {
      sink = new byte[64 * 1024];
    }
    sink = null;
    System.gc();
    long after = memory.getHeapMemoryUsage().getCommitted();
    System.out.println("committed " + before + " " + after);
  }
}
