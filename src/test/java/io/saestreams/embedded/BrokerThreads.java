package io.saestreams.embedded;

import java.util.List;
import java.util.regex.Pattern;

/** The live threads of embedded Kafka servers (node id 1), to check that close() stopped them. */
final class BrokerThreads {
  private static final Pattern SERVER_THREAD =
      Pattern.compile(
          "(kafka-1-|broker-1-|controller-1-|quorum-controller-1-|data-plane-kafka-).*");

  private BrokerThreads() {}

  static List<String> live() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> SERVER_THREAD.matcher(name).matches())
        .sorted()
        .toList();
  }
}
