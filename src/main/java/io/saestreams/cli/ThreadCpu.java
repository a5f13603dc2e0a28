package io.saestreams.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the process's Java threads, taken before and after a measurement and summed by what
 * the threads do (the embedded broker, the stream threads, their producers' I/O, the training
 * threads, ...), so that a benchmark can say where the CPU per record went. The JVM's own threads
 * (garbage collection, JIT compilers) are not Java threads: their share is the process's CPU time
 * less the sum of the groups.
 */
final class ThreadCpu {
  static final String STREAM = "stream threads";
  static final String PRODUCER_IO = "stream producers' I/O";
  static final String GLOBAL = "global store and state updaters";
  static final String TRAINING = "training threads";
  static final String BENCH_CLIENTS = "benchmark's clients and registry";
  static final String BROKER = "broker";
  /** The rest of the process's CPU: garbage collection, JIT compilers, threads that ended. */
  static final String JVM = "JVM (GC, JIT) and ended threads";
  /** The groups in the order they are reported. */
  static final List<String> GROUPS = List.of(STREAM, PRODUCER_IO, GLOBAL, TRAINING, BROKER, BENCH_CLIENTS);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> start;
  private final Map<Long, String> names;

  private ThreadCpu(Map<Long, Long> start, Map<Long, String> names) {
    this.start = start;
    this.names = names;
  }

  /** Whether the JVM measures the CPU time of threads (when not, the groups are empty). */
  static boolean supported() {
    return THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  }

  /** The CPU time of every live thread now. */
  static ThreadCpu now() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    if (supported()) {
      for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        if (t == null) {
          continue;
        }
        long c = THREADS.getThreadCpuTime(t.getThreadId());
        if (c >= 0) {
          cpu.put(t.getThreadId(), c);
          names.put(t.getThreadId(), t.getThreadName());
        }
      }
    }
    return new ThreadCpu(cpu, names);
  }

  /**
   * Seconds of CPU each group spent from {@code before} to this snapshot, in {@link #GROUPS}
   * order. A thread born in between counts from zero; one that ended in between is not counted
   * (its time is in the remainder of the process's CPU).
   */
  Map<String, Double> since(ThreadCpu before) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    GROUPS.forEach(g -> seconds.put(g, 0.0));
    start.forEach((id, cpu) -> {
      long spent = cpu - before.start.getOrDefault(id, 0L);
      seconds.merge(group(names.get(id)), spent / 1e9, Double::sum);
    });
    return seconds;
  }

  /** The group of a thread, by its name. */
  static String group(String name) {
    if (name.startsWith("kafka-producer-network-thread")) {
      return PRODUCER_IO;
    }
    if (name.endsWith("-GlobalStreamThread") || name.contains("-StateUpdater-")) {
      return GLOBAL;
    }
    if (name.contains("-StreamThread-")) {
      return STREAM;
    }
    if (name.startsWith("sae-trainer-") || name.startsWith("sae-replica-")) {
      return TRAINING;
    }
    if (name.equals("main") || name.startsWith("kafka-coordinator-heartbeat-thread")
        || name.startsWith("kafka-admin-client-thread") || name.startsWith("HttpClient-")
        || name.startsWith("embedded-schema-registry") || name.startsWith("HTTP-Dispatcher")) {
      return BENCH_CLIENTS;
    }
    return BROKER;
  }
}
