package io.saestreams.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time of another JVM's process, in total and that of its JIT compiler threads, read from
 * Linux's {@code /proc/<pid>/task/<tid>/stat}, so that a benchmark of several fresh JVMs can say how
 * much of their CPU went to compiling the same code in each. The compiler threads are the ones
 * HotSpot names {@code C1 CompilerThread<n>} and {@code C2 CompilerThread<n>} (the kernel keeps the
 * first 15 characters). A thread that ended takes its time with it, so the JVMs measured should
 * keep their compiler threads ({@code -XX:-UseDynamicNumberOfCompilerThreads}).
 */
final class ProcessCpu {
  /** Clock ticks a second of {@code /proc}'s times (USER_HZ: 100 on every Linux architecture Java runs on). */
  static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {
  }

  /** Whether this system has {@code /proc} to read threads' times from. */
  static boolean supported() {
    return Files.isDirectory(Path.of("/proc/self/task"));
  }

  /**
   * CPU seconds (user and system) of the JIT compiler threads of process {@code pid}, NaN when this
   * system has no {@code /proc} or the process has gone.
   */
  static double jitSeconds(long pid) {
    return jitSeconds(Path.of("/proc", Long.toString(pid), "task"));
  }

  static double jitSeconds(Path tasks) {
    if (!Files.isDirectory(tasks)) {
      return Double.NaN;
    }
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path t : threads) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException ended) {
          continue;
        }
        if (isCompiler(name(stat))) {
          ticks += cpuTicks(stat);
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return ticks / TICKS_PER_SECOND;
  }

  static boolean isCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
  }

  /** The thread's name in a {@code stat} line: between the first '(' and the last ')', which may hold spaces. */
  static String name(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    return stat.substring(open + 1, close);
  }

  /** utime + stime (fields 14 and 15 of {@code proc(5)}), counted from after the name's ')'. */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
    // f[0] is field 3 (state): field n is f[n - 3]
    if (f.length < 13) {
      throw new IllegalArgumentException("a /proc stat line with " + (f.length + 2) + " fields: " + stat);
    }
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
