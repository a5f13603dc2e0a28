package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapSizingTest {
  private static final long MB = 1L << 20;

  @Test
  void aFixedHeapNeedsNoWarning() {
    assertThat(HeapSizing.warning(4096 * MB, 4096 * MB, 4096 * MB, 70)).isEmpty();
    // the deployment's options: initial = max, and G1 never gives any back
    assertThat(HeapSizing.warning(8 * MB, 1536 * MB, 1536 * MB, 100)).isEmpty();
  }

  @Test
  void aHeapThatCanGrowOrShrinkIsNamedWithItsSizes() {
    assertThat(HeapSizing.warning(8 * MB, 384 * MB, 6144 * MB, 70)).get().asString()
        .contains("can grow and shrink", "initial 384 MB", "maximum 6,144 MB", "MaxHeapFreeRatio 70",
            HeapSizing.FIXED_HEAP_OPTIONS);
    assertThat(HeapSizing.warning(8 * MB, 1536 * MB, 1536 * MB, 70)).get().asString()
        .contains("can shrink (");
    assertThat(HeapSizing.warning(6144 * MB, 384 * MB, 6144 * MB, 70)).get().asString()
        .contains("can grow (");
  }

  @Test
  void thisJvmsSizesAreReadable() {
    // surefire's JVM: whatever it says must agree with the pure function on its own options
    var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    long min = Long.parseLong(vm.getVMOption("MinHeapSize").getValue());
    long initial = Long.parseLong(vm.getVMOption("InitialHeapSize").getValue());
    long max = Long.parseLong(vm.getVMOption("MaxHeapSize").getValue());
    int ratio = Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue());
    assertThat(HeapSizing.warning()).isEqualTo(HeapSizing.warning(min, initial, max, ratio));
    assertThat(max).isPositive();
  }
}
