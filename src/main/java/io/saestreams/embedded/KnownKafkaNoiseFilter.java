package io.saestreams.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;

/**
 * A logback appender filter that drops the few warnings every start and stop of the embedded
 * broker logs although nothing is wrong, so that a console showing only warnings stays empty.
 *
 * <ul>
 *   <li>{@code QuorumController}: "The metadata log appears to be empty. Appending ... bootstrap
 *       record(s)" &mdash; logged on the first start of every freshly formatted node;
 *   <li>{@code NetworkClient}: "Attempting to close NetworkClient that has already been closed"
 *       &mdash; logged by the broker's registration channel on every shutdown.
 * </ul>
 *
 * <p>Use it on console appenders only; a file appender should keep these lines. All other events
 * pass on ({@link FilterReply#NEUTRAL}).
 */
public final class KnownKafkaNoiseFilter extends Filter<ILoggingEvent> {
  private record Noise(String logger, String text) {}

  private static final List<Noise> NOISE =
      List.of(
          new Noise(
              "org.apache.kafka.controller.QuorumController",
              "The metadata log appears to be empty"),
          new Noise(
              "org.apache.kafka.clients.NetworkClient",
              "Attempting to close NetworkClient that has already been closed"));

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (event.getLevel() != Level.WARN) {
      return FilterReply.NEUTRAL;
    }
    for (Noise noise : NOISE) {
      if (noise.logger().equals(event.getLoggerName())) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains(noise.text())) {
          return FilterReply.DENY;
        }
      }
    }
    return FilterReply.NEUTRAL;
  }
}
