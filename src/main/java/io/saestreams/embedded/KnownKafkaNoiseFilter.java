package io.saestreams.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logback appender filter that drops the few warnings Kafka logs on a clean start or stop
 * although nothing is wrong and the user has nothing to do, so that a console showing only
 * warnings stays empty.
 *
 * <ul>
 *   <li>{@code QuorumController}: "The metadata log appears to be empty. Appending ... bootstrap
 *       record(s)" &mdash; logged on the first start of every freshly formatted node;
 *   <li>{@code NetworkClient}: "Attempting to close NetworkClient that has already been closed"
 *       &mdash; logged by the broker's registration channel on every shutdown;
 *   <li>{@code NetworkClient}: "The metadata response from the cluster reported a recoverable issue
 *       ... {app-x-repartition=UNKNOWN_TOPIC_OR_PARTITION}" &mdash; logged by a Kafka Streams
 *       consumer (group = application id) on its first start, for the application's own
 *       repartition and changelog topics, which Kafka Streams creates itself moments later. Other
 *       topics, other errors and other groups' internal topics still show;
 *   <li>{@code OffsetFetcherUtils}: "Not updating last stable offset for partition ... as it is no
 *       longer assigned" &mdash; logged by Kafka Streams' global consumer while it re-assigns the
 *       global store's partitions at start;
 *   <li>{@code StateDirectory}: "Using an OS temp directory in the state.dir property ..." &mdash;
 *       only for the demo's own state directory (named {@value #DEMO_STATE_DIR_PREFIX}...), which
 *       the demo deletes when it ends. For any other state directory the warning stands: it is
 *       good advice for {@code run}.
 *   <li>{@code Sender}: "Got error produce response ... retrying (...). Error:
 *       CONCURRENT_TRANSACTIONS" &mdash; a transactional producer (exactly_once_v2) writing while
 *       the broker still completes its previous transaction; the producer retries by itself, and a
 *       busy machine (the demo's broker shares its cores) logs it in bursts. Other producer errors
 *       still show.
 * </ul>
 *
 * <p>Use it on console appenders only; a file appender should keep these lines. All other events
 * pass on ({@link FilterReply#NEUTRAL}).
 */
public final class KnownKafkaNoiseFilter extends Filter<ILoggingEvent> {
  /** How the demo's temporary state directories are named; see the class comment. */
  public static final String DEMO_STATE_DIR_PREFIX = "sae-demo-state-";

  private record Noise(String logger, Predicate<String> matches) {}

  private static final Pattern GROUP = Pattern.compile("groupId=([^,\\]]+)");
  private static final Pattern TOPIC_ERRORS = Pattern.compile("\\{([^}]*)\\}\\s*$");
  private static final Pattern TOPIC_ERROR = Pattern.compile("\\s*([^=,]+)=([A-Z_]+)\\s*");
  private static final Pattern RESOLVED_STATE_DIR = Pattern.compile("Resolved state\\.dir: \\[(.*)\\]");

  private static final List<Noise> NOISE =
      List.of(
          new Noise(
              "org.apache.kafka.controller.QuorumController",
              m -> m.contains("The metadata log appears to be empty")),
          new Noise(
              "org.apache.kafka.clients.NetworkClient",
              m -> m.contains("Attempting to close NetworkClient that has already been closed")),
          new Noise("org.apache.kafka.clients.NetworkClient", KnownKafkaNoiseFilter::ownInternalTopicNotYetCreated),
          new Noise(
              "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils",
              m -> m.contains("-global-consumer,")
                  && m.contains("Not updating last stable offset for partition")
                  && m.contains("as it is no longer assigned")),
          new Noise(
              "org.apache.kafka.streams.processor.internals.StateDirectory",
              KnownKafkaNoiseFilter::demoStateDirInTemp),
          new Noise(
              "org.apache.kafka.clients.producer.internals.Sender",
              m -> m.contains("Error: CONCURRENT_TRANSACTIONS") && m.contains(", retrying (")));

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (event.getLevel() != Level.WARN) {
      return FilterReply.NEUTRAL;
    }
    for (Noise noise : NOISE) {
      if (noise.logger().equals(event.getLoggerName())) {
        String message = event.getFormattedMessage();
        if (message != null && noise.matches().test(message)) {
          return FilterReply.DENY;
        }
      }
    }
    return FilterReply.NEUTRAL;
  }

  /**
   * A consumer of group G was told that topics G-...-repartition or G-...-changelog do not exist
   * (yet), and nothing else.
   */
  private static boolean ownInternalTopicNotYetCreated(String message) {
    if (!message.contains("The metadata response from the cluster reported a recoverable issue")) {
      return false;
    }
    Matcher group = GROUP.matcher(message);
    Matcher errors = TOPIC_ERRORS.matcher(message);
    if (!group.find() || !errors.find()) {
      return false;
    }
    String prefix = group.group(1) + "-";
    String[] entries = errors.group(1).split(",");
    for (String entry : entries) {
      Matcher e = TOPIC_ERROR.matcher(entry);
      if (!e.matches()) {
        return false;
      }
      String topic = e.group(1);
      boolean internal =
          topic.startsWith(prefix) && (topic.endsWith("-repartition") || topic.endsWith("-changelog"));
      if (!internal || !e.group(2).equals("UNKNOWN_TOPIC_OR_PARTITION")) {
        return false;
      }
    }
    return entries.length > 0;
  }

  private static boolean demoStateDirInTemp(String message) {
    if (!message.contains("Using an OS temp directory in the state.dir property")) {
      return false;
    }
    Matcher dir = RESOLVED_STATE_DIR.matcher(message);
    if (!dir.find()) {
      return false;
    }
    String path = dir.group(1);
    String last = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    return last.startsWith(DEMO_STATE_DIR_PREFIX);
  }
}
