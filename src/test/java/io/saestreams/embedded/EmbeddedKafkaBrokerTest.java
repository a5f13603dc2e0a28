package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unit tests of the parts of the embedded broker that need no running server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerTest {
  @TempDir Path tmp;

  @Test
  void serverPropertiesPinTopologyAndSingleNodeReplication() {
    Map<String, String> p =
        BrokerSettings.serverProperties(
            41001, 41002, tmp.resolve("logs"), Map.of("log.retention.ms", "60000"));

    assertThat(p)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:41001")
        .containsEntry("controller.listener.names", "CONTROLLER")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:41002")
        .containsEntry("log.dirs", tmp.resolve("logs").toAbsolutePath().toString())
        .containsEntry("metadata.log.dir", tmp.resolve("logs").toAbsolutePath().toString())
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("share.coordinator.state.topic.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("log.retention.ms", "60000")
        .doesNotContainKey("controller.quorum.bootstrap.servers");
  }

  @Test
  void kafkaAcceptsTheServerProperties() {
    Map<String, String> p =
        EmbeddedKafkaBroker.builder()
            .brokerProperty("log.retention.ms", "60000")
            .serverProperties(41001, 41002, tmp);

    KafkaConfig config = new KafkaConfig(p, false);

    assertThat(config.getInt("node.id")).isEqualTo(1);
    assertThat(config.getShort("offsets.topic.replication.factor")).isEqualTo((short) 1);
    assertThat(config.getInt("transaction.state.log.min.isr")).isEqualTo(1);
    assertThat(config.getBoolean("auto.create.topics.enable")).isFalse();
    assertThat(config.getLong("log.retention.ms")).isEqualTo(60_000L);
  }

  @Test
  void overridesReplaceDefaults() {
    Map<String, String> p =
        BrokerSettings.serverProperties(1, 2, tmp, Map.of("num.partitions", "4"));
    assertThat(p).containsEntry("num.partitions", "4");
    assertThat(BrokerSettings.defaults()).containsEntry("num.partitions", "1");
  }

  @Test
  void reservedPropertiesCannotBeOverridden() {
    for (String key : BrokerSettings.RESERVED) {
      assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty(key, "x"))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(key);
      assertThatThrownBy(() -> BrokerSettings.serverProperties(1, 2, tmp, Map.of(key, "x")))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void builderRejectsNonsense() {
    EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
    assertThatThrownBy(() -> b.bindAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.startTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.brokerProperty("a", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void pickedPortsAreDistinctAndFree() {
    int[] ports = LoopbackPorts.pickFree(3);
    assertThat(ports).hasSize(3).doesNotHaveDuplicates();
    for (int port : ports) {
      assertThat(port).isPositive();
      assertThat(LoopbackPorts.isFree(port)).isTrue();
    }
  }

  @Test
  void boundPortIsNotFree() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LoopbackPorts.loopback(), 0));
      assertThat(LoopbackPorts.isFree(socket.getLocalPort())).isFalse();
    }
  }

  @Test
  void deleteRecursivelyRemovesTreeAndToleratesMissing() throws IOException {
    Path root = tmp.resolve("tree");
    Files.createDirectories(root.resolve("a/b/c"));
    Files.writeString(root.resolve("a/b/c/file.log"), "x");
    Files.writeString(root.resolve("top.txt"), "y");

    EmbeddedKafkaBroker.deleteRecursively(root);

    assertThat(root).doesNotExist();
    assertThatCode(() -> EmbeddedKafkaBroker.deleteRecursively(root)).doesNotThrowAnyException();
  }
}
