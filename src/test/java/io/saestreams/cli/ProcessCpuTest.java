package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuTest {
  @TempDir
  Path dir;

  @Test
  void readsTheNameWithSpacesAndTheUserAndSystemTicks() {
    String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 4194368 2870 0 0 0 731 42 0 0 20 0 41 0 1234 "
        + "0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 -1 1 0 0 0 0 0";
    assertThat(ProcessCpu.name(stat)).isEqualTo("C2 CompilerThre");
    assertThat(ProcessCpu.cpuTicks(stat)).isEqualTo(731 + 42);
    // a name with a ')' of its own: the last ')' ends it
    String odd = "7 (a) b) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9";
    assertThat(ProcessCpu.name(odd)).isEqualTo("a) b");
    assertThat(ProcessCpu.cpuTicks(odd)).isEqualTo(11);
    assertThatThrownBy(() -> ProcessCpu.cpuTicks("7 (x) R 1 2")).hasMessageContaining("fields");
  }

  @Test
  void sumsOnlyTheCompilerThreads() throws IOException {
    write("100", "C2 CompilerThre", 300, 20);
    write("101", "C1 CompilerThre", 50, 5);
    write("102", "main", 9000, 100);
    write("103", "C2 CompilerThread-not", 0, 0);
    write("104", "GC Thread#0", 400, 0);
    assertThat(ProcessCpu.jitSeconds(dir)).isEqualTo((300 + 20 + 50 + 5) / ProcessCpu.TICKS_PER_SECOND);
    assertThat(ProcessCpu.jitSeconds(dir.resolve("gone"))).isNaN();
  }

  @Test
  void thisJvmsCompilersTookSomeButNotAllOfItsTime() {
    assumeTrue(ProcessCpu.supported(), "no /proc here");
    // compile something so that the compiler threads have worked
    Random r = new Random(7);
    double s = 0;
    for (int i = 0; i < 3_000_000; i++) {
      s += Math.sqrt(r.nextDouble());
    }
    assertThat(s).isPositive();
    double jit = ProcessCpu.jitSeconds(ProcessHandle.current().pid());
    double total = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    assertThat(jit).isPositive().isLessThan(total);
  }

  private void write(String tid, String name, long utime, long stime) throws IOException {
    Path t = Files.createDirectories(dir.resolve(tid));
    Files.writeString(t.resolve("stat"), tid + " (" + name + ") S 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime
        + " 0 0 20 0 1 0 9");
  }
}
