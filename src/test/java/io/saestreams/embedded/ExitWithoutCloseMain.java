package io.saestreams.embedded;

/**
 * Child-process entry point for {@link EmbeddedKafkaBrokerShutdownHookIntegrationTest}: starts a
 * broker, prints where its data and ports are, and exits the JVM without calling {@code close()}.
 */
public final class ExitWithoutCloseMain {
  private ExitWithoutCloseMain() {}

  public static void main(String[] args) {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
    kafka.createTopics(java.util.Map.of("left-behind", 2));
    System.out.println("DATA_DIR=" + kafka.dataDirectory());
    System.out.println("BROKER_PORT=" + kafka.brokerPort());
    System.out.println("CONTROLLER_PORT=" + kafka.controllerPort());
    System.out.flush();
    System.exit(0);
  }
}
