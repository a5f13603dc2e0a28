package io.saestreams.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check of {@code run}: waits until the Kafka cluster answers, logging what is wrong
 * every few seconds, and fails with a message naming {@code bootstrap.servers} when it has not
 * answered within the start-up timeout. Kafka Streams itself would wait without a word.
 */
final class ClusterCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCheck.class);
  private static final Duration ATTEMPT = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private ClusterCheck() {}

  /** The cluster did not answer in time, or its address cannot be used at all. */
  static final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Returns the cluster id once the cluster answers.
   *
   * @param adminConfig the admin client settings the application would use (security included)
   * @param timeout how long to keep trying
   */
  static String awaitReachable(Map<String, Object> adminConfig, Duration timeout)
      throws UnreachableException, InterruptedException {
    Object servers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> cfg = new HashMap<>(adminConfig);
    int attemptMs = (int) Math.max(1_000, Math.min(ATTEMPT.toMillis(), timeout.toMillis()));
    cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, attemptMs);
    cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, attemptMs);
    Admin admin;
    try {
      admin = Admin.create(cfg);
    } catch (KafkaException e) {
      throw new UnreachableException("cannot use bootstrap.servers=" + servers + ": " + rootMessage(e), e);
    }
    try {
      Throwable last = null;
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new UnreachableException("the Kafka cluster at bootstrap.servers=" + servers
              + " did not answer within startup.timeout.ms=" + timeout.toMillis()
              + (last == null ? "" : " (last error: " + rootMessage(last) + ")"), last);
        }
        long wait = Math.min(left, attemptMs);
        try {
          return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) wait))
              .clusterId().get(wait + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          last = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
          LOG.warn("waiting for the Kafka cluster at bootstrap.servers={}: {} ({} s left)", servers,
              rootMessage(last), TimeUnit.MILLISECONDS.toSeconds(Math.max(0, left - wait)));
        }
      }
    } finally {
      admin.close(CLOSE_TIMEOUT); // bounded: a dead cluster must not hold up the exit
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
  }
}
