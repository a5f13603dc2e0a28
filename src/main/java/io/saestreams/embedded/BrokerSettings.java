package io.saestreams.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server properties of the embedded single-node KRaft cluster.
 *
 * <p>Split from {@link EmbeddedKafkaBroker} so that the composition (defaults, user overrides and the
 * properties that pin the topology) can be checked without starting a server.
 */
final class BrokerSettings {
  /** The node id of the only node; it is both the broker and the only controller voter. */
  static final int NODE_ID = 1;

  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String HOST = "127.0.0.1";
  /** The default log segment size of the embedded broker's topics. */
  static final int SEGMENT_BYTES = 64 << 20;

  /**
   * Properties that define the node, its ports and its directories. They are set by {@link
   * #serverProperties} and cannot be overridden.
   */
  static final Set<String> RESERVED =
      Set.of(
          "node.id",
          "broker.id",
          "process.roles",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dir",
          "log.dirs",
          "metadata.log.dir");

  private BrokerSettings() {}

  /**
   * Tuning for a one-node test cluster: every internal topic with replication factor 1 and one or a
   * few partitions, no rebalance delays, no topic auto-creation, 64 MiB segments, small buffers, few
   * threads. Any of these can be overridden.
   */
  static Map<String, String> defaults() {
    Map<String, String> p = new LinkedHashMap<>();
    // topics
    p.put("auto.create.topics.enable", "false");
    p.put("delete.topic.enable", "true");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // consumer offsets
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("offsets.topic.segment.bytes", "1048576");
    // transactions (exactly-once on one node needs RF 1 and min ISR 1 for __transaction_state)
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("transaction.state.log.segment.bytes", "1048576");
    // share groups
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("share.coordinator.state.topic.segment.bytes", "1048576");
    // groups: no waiting for more members
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.streams.initial.rebalance.delay.ms", "0");
    // logs: 64 MiB segments. At 1 MiB the broker rolled a segment (new log and index files, the
    // old indexes trimmed and unmapped) for every ~330 inputs of 3 KB on each written partition:
    // rolls were a quarter of the request handlers' samples in a profile of bench --pipeline, and
    // its broker CPU per record fell by a half to two thirds at 64-128 MiB (pass-through 3.8-7.1
    // to 1.4-2.3 µs, data-parallel 17.8-29.4 to 6.9-8.8 µs; README, session 14). Kafka's own
    // default is 1 GiB; the model topic, which relies on compaction, sets a segment size of its own
    p.put("log.segment.bytes", Integer.toString(SEGMENT_BYTES));
    p.put("log.index.size.max.bytes", "1048576");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("log.cleaner.threads", "1");
    // a small machine
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("num.replica.fetchers", "1");
    // faster registration and unfencing of the broker at the controller
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "6000");
    return p;
  }

  /**
   * The complete server properties: {@link #defaults()}, then {@code overrides}, then the reserved
   * topology properties.
   *
   * @throws IllegalArgumentException if {@code overrides} contains a {@link #RESERVED} key
   */
  static Map<String, String> serverProperties(
      int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
    for (String key : overrides.keySet()) {
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "broker property '" + key + "' is set by the embedded broker and cannot be overridden");
      }
    }
    Map<String, String> p = defaults();
    p.putAll(overrides);
    String dir = logDir.toAbsolutePath().toString();
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("process.roles", "broker,controller");
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    // A static quorum of one voter: this node. (controller.quorum.bootstrap.servers is for
    // dynamic quorums and must stay unset.)
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("log.dirs", dir);
    p.put("metadata.log.dir", dir);
    return p;
  }
}
