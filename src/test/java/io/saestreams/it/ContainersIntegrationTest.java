package io.saestreams.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The end-to-end scenario against containerised Apache Kafka and Confluent's own Schema Registry:
 * the project's registry client and serdes talk to the real Confluent implementation. Skipped
 * where there is no Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersIntegrationTest {
  private static final String KAFKA_ALIAS = "kafka";
  /** The listener other containers on the network reach the broker at. */
  private static final String INTERNAL_LISTENER = KAFKA_ALIAS + ":19092";
  private static final int REGISTRY_PORT = 8081;

  /** Created lazily (on first use by a container), so building it needs no Docker engine. */
  private static final Network NETWORK = Network.newNetwork();

  @Container
  private static final KafkaContainer KAFKA =
      new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
          .withNetwork(NETWORK)
          .withNetworkAliases(KAFKA_ALIAS)
          .withListener(INTERNAL_LISTENER);

  @Container
  private static final GenericContainer<?> REGISTRY =
      new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
          .withNetwork(NETWORK)
          .withNetworkAliases("schema-registry")
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + INTERNAL_LISTENER)
          .withExposedPorts(REGISTRY_PORT)
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200))
          .dependsOn(KAFKA);

  private static ItCluster cluster;

  @BeforeAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void connect() {
    cluster = ItCluster.external(
        KAFKA.getBootstrapServers(), "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(REGISTRY_PORT));
  }

  @AfterAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void disconnect() {
    if (cluster != null) {
      cluster.close();
    }
    // the containers are stopped after this method, by the extension, and the network with them
    // by Testcontainers' resource reaper
  }

  /** See {@link EndToEndScenario}. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void endToEndAgainstApacheKafkaAndConfluentSchemaRegistryContainers(@TempDir Path stateDir) {
    EndToEndScenario.run(cluster, stateDir);
  }
}
