package io.saestreams.cli;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Bytes the brokers of this JVM (the embedded one) have taken in, by topic: their {@code
 * BrokerTopicMetrics BytesInPerSec} counters, read over JMX. Produce requests only (replication
 * and the log cleaner are not counted); batches as sent, compressed or not.
 */
final class TopicBytes {
  private TopicBytes() {}

  /** Counts by topic so far; empty when no broker runs in this JVM. */
  static Map<String, Long> written() {
    MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    Map<String, Long> bytes = new TreeMap<>();
    try {
      for (ObjectName name : jmx.queryNames(
          new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=*"), null)) {
        bytes.merge(name.getKeyProperty("topic"), ((Number) jmx.getAttribute(name, "Count")).longValue(), Long::sum);
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot read the broker's topic metrics: " + e, e);
    }
    return bytes;
  }

  /** What {@code after} counts beyond {@code before}, topics with nothing new left out. */
  static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((t, b) -> {
      long n = b - before.getOrDefault(t, 0L);
      if (n > 0) {
        d.put(t, n);
      }
    });
    return d;
  }
}
