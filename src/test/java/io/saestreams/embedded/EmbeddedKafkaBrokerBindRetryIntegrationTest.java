package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a chosen port is taken by the time Kafka binds it, start-up stops what it began and tries
 * again on new ports. Provokes a clash on the broker port (after the controller is up) and then on
 * the controller port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerBindRetryIntegrationTest {

  @Test
  void retriesOnNewPortsWhenAPortIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(LoopbackPorts.loopback(), 0));
      int busy = taken.getLocalPort();
      List<int[]> handedOut = new ArrayList<>();

      EmbeddedKafkaBroker kafka =
          EmbeddedKafkaBroker.builder()
              .bindAttempts(4)
              .portPicker(
                  () -> {
                    int[] free = LoopbackPorts.pickFree(2);
                    int[] pair =
                        switch (handedOut.size()) {
                          case 0 -> new int[] {busy, free[1]}; // broker port clash
                          case 1 -> new int[] {free[0], busy}; // controller port clash
                          default -> free;
                        };
                    handedOut.add(pair);
                    return pair;
                  })
              .start();
      Path dir;
      try {
        assertThat(handedOut).hasSize(3);
        assertThat(kafka.brokerPort()).isEqualTo(handedOut.get(2)[0]).isNotEqualTo(busy);
        assertThat(kafka.controllerPort()).isEqualTo(handedOut.get(2)[1]).isNotEqualTo(busy);
        dir = kafka.dataDirectory();
        // the failed attempts' directories are gone, only the third remains
        try (var children = Files.list(dir)) {
          assertThat(children.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
              .containsExactly("kraft-3");
        }
        kafka.createTopics(Map.of("after-retry", 1));
      } finally {
        kafka.close();
      }
      assertThat(Files.exists(dir)).isFalse();
      // neither the half-started servers of the failed attempts nor the last one left threads
      Await.until(
          Duration.ofSeconds(20), "server threads to end", () -> BrokerThreads.live().isEmpty());
      // the port that was in the way was never closed by the embedded broker
      assertThat(taken.isBound()).isTrue();
      assertThat(LoopbackPorts.isFree(busy)).isFalse();
      // the ports of the first attempt's half-started server were released
      assertThat(LoopbackPorts.isFree(handedOut.get(0)[1])).isTrue();
    }
  }
}
