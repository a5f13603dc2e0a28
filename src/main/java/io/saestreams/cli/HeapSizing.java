package io.saestreams.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether this JVM's heap can grow or shrink while a benchmark runs. A heap that grows costs the
 * stream threads a page fault per fresh page (inputs are kilobytes each), and G1 shrinks a heap
 * after a collection whenever more than {@code MaxHeapFreeRatio} percent of it is free, so a
 * benchmark in a JVM with a resizable heap measures page faults that a deployed instance (fixed,
 * touched heap: {@code deploy/Dockerfile}) does not pay.
 */
final class HeapSizing {
  /** The JVM options the pipeline benchmark's figures in the README were taken with. */
  static final String FIXED_HEAP_OPTIONS = "-Xms4g -Xmx4g -XX:+AlwaysPreTouch";

  private HeapSizing() {
  }

  /** The warning for this JVM, or empty when its heap is fixed (or its sizes cannot be read). */
  static Optional<String> warning() {
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm == null) {
        return Optional.empty();
      }
      return warning(Long.parseLong(vm.getVMOption("MinHeapSize").getValue()),
          Long.parseLong(vm.getVMOption("InitialHeapSize").getValue()),
          Long.parseLong(vm.getVMOption("MaxHeapSize").getValue()),
          Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue()));
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot, or an option it does not have: nothing to say
      return Optional.empty();
    }
  }

  /**
   * The warning for a heap of these sizes (bytes), or empty when it can neither grow (initial =
   * max) nor shrink (min = max, or a MaxHeapFreeRatio of 100).
   */
  static Optional<String> warning(long min, long initial, long max, int maxHeapFreeRatio) {
    boolean grows = initial < max;
    boolean shrinks = min < max && maxHeapFreeRatio < 100;
    if (!grows && !shrinks) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "this JVM's heap can %s (initial %,d MB, minimum %,d MB,"
        + " maximum %,d MB, MaxHeapFreeRatio %d): the figures include page faults on fresh heap that a"
        + " deployed instance, whose heap is fixed and touched at start, does not pay. For comparable"
        + " figures run java %s -jar ...", grows && shrinks ? "grow and shrink" : grows ? "grow" : "shrink",
        initial >> 20, min >> 20, max >> 20, maxHeapFreeRatio, FIXED_HEAP_OPTIONS));
  }
}
