package io.saestreams.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *   kafka.createTopics(Map.of("in", 3, "out", 3));
 *   props.put("bootstrap.servers", kafka.bootstrapServers());
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #start()} formats a fresh log directory under {@code java.io.tmpdir} (prefix {@code
 * sae-kafka-}), starts {@link KafkaRaftServer} on two free ports of {@code 127.0.0.1} (the {@code
 * PLAINTEXT} client listener and the {@code CONTROLLER} listener; if another process takes a port in
 * the meantime, start-up is retried on new ports) and returns once an admin client sees the node and
 * can create a topic. {@link #close()} stops the server, waits for it and deletes the directory. The
 * broker does not create topics on demand: create them with {@link #createTopic} or {@link
 * #createTopics}.
 *
 * <p>While a broker runs, Kafka's {@code Exit.exit/halt} are disarmed JVM-wide (see {@link
 * KafkaExitGuard}), so that a fatal fault inside the embedded server, such as a port clash of the
 * controller listener, cannot terminate the host JVM. A JVM shutdown hook stops the server and
 * deletes the directory if the JVM exits without {@link #close()}.
 *
 * <p>Instances are thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /** Default upper bound for start-up, including retries on port clashes. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** Default number of start-up attempts when a port turns out to be taken. */
  public static final int DEFAULT_BIND_ATTEMPTS = 5;

  /** Upper bound for every admin operation of {@link #createTopic} and {@link #createTopics}. */
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** How long the JVM shutdown hook waits for the server to stop before deleting its files. */
  private static final Duration HOOK_STOP_TIMEOUT = Duration.ofSeconds(15);

  private static final String PROBE_TOPIC_PREFIX = "__sae-embedded-probe-";

  private final Resources resources;
  private final int brokerPort;
  private final int controllerPort;
  private final String clusterId;
  private final Admin admin;
  private final Duration startupTime;

  private EmbeddedKafkaBroker(
      Resources resources,
      int brokerPort,
      int controllerPort,
      String clusterId,
      Admin admin,
      Duration startupTime) {
    this.resources = resources;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.clusterId = clusterId;
    this.admin = admin;
    this.startupTime = startupTime;
  }

  /** Starts a broker with the default settings; see {@link Builder#start()}. */
  public static EmbeddedKafkaBroker start() {
    return builder().start();
  }

  /** Options for a broker: extra server properties, start-up timeout and attempts. */
  public static Builder builder() {
    return new Builder();
  }

  /** The {@code bootstrap.servers} value for clients, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return BrokerSettings.HOST + ":" + brokerPort;
  }

  /** The port of the {@code PLAINTEXT} client listener on {@code 127.0.0.1}. */
  public int brokerPort() {
    return brokerPort;
  }

  /** The port of the {@code CONTROLLER} listener on {@code 127.0.0.1}. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The random cluster id the log directory was formatted with. */
  public String clusterId() {
    return clusterId;
  }

  /** The temporary folder holding all of the broker's files; it is deleted by {@link #close()}. */
  public Path dataDirectory() {
    return resources.root;
  }

  /** The wall-clock time {@link #start()} took, from creating the folder to the broker being ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Whether {@link #close()} has not been called (nor the JVM shutdown hook run) yet. */
  public boolean isRunning() {
    return !resources.isReleased();
  }

  /**
   * Creates one topic with replication factor 1 and waits until every partition has a leader.
   *
   * @param configs topic configs such as {@code cleanup.policy}; may be empty
   * @throws TopicExistsException if the topic exists
   * @throws org.apache.kafka.common.KafkaException or another runtime exception the admin client
   *     reported, e.g. {@link org.apache.kafka.common.errors.InvalidConfigurationException}
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configs, "configs");
    createAll(List.of(newTopic(name, partitions).configs(Map.copyOf(configs))));
  }

  /**
   * Creates topics with the given partition counts (replication factor 1, default configs) and waits
   * until every partition has a leader.
   *
   * @throws TopicExistsException if one of the topics exists (the others are still created)
   */
  public void createTopics(Map<String, Integer> partitions) {
    List<NewTopic> topics = new ArrayList<>();
    partitions.forEach((name, count) -> topics.add(newTopic(name, count)));
    createAll(topics);
  }

  /**
   * Stops the server, waits until it has shut down and deletes {@link #dataDirectory()}. Calling it
   * again does nothing.
   */
  @Override
  public void close() {
    long t0 = System.nanoTime();
    if (resources.release(admin, null)) {
      LOG.info(
          "Embedded Kafka on {} stopped in {} ms",
          bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers() + ", cluster " + clusterId + "]";
  }

  private static NewTopic newTopic(String name, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1: " + partitions);
    }
    return new NewTopic(name, Optional.of(partitions), Optional.of((short) 1));
  }

  private void createAll(Collection<NewTopic> topics) {
    if (!isRunning()) {
      throw new IllegalStateException(this + " is closed");
    }
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    RuntimeException failure = null;
    for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(topics).values().entrySet()) {
      try {
        get(e.getValue(), deadline);
      } catch (RuntimeException ex) {
        if (failure == null) {
          failure = ex;
        } else {
          failure.addSuppressed(ex);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    List<String> names = topics.stream().map(NewTopic::name).toList();
    awaitLeaders(admin, names, deadline);
  }

  /** Polls until every partition of every topic has a leader in the broker's metadata. */
  private static void awaitLeaders(Admin admin, Collection<String> names, long deadline) {
    while (true) {
      try {
        Map<String, TopicDescription> described =
            get(admin.describeTopics(names).allTopicNames(), deadline);
        boolean allLed =
            described.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
        if (allLed && described.keySet().containsAll(names)) {
          return;
        }
      } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
        // not yet in the broker's metadata cache
      }
      pause(deadline, "leaders for " + names);
    }
  }

  /** Waits for a future with an absolute {@link System#nanoTime()} deadline, unwrapping failures. */
  private static <T> T get(KafkaFuture<T> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException("embedded Kafka did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  /** A short pause between polls, or a timeout once the deadline has passed. */
  private static void pause(long deadline, String what) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new org.apache.kafka.common.errors.TimeoutException("timed out waiting for " + what);
    }
    try {
      Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  /** Options of an {@link EmbeddedKafkaBroker}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private int bindAttempts = DEFAULT_BIND_ATTEMPTS;
    private Supplier<int[]> portPicker = () -> LoopbackPorts.pickFree(2);

    private Builder() {}

    /**
     * Sets or overrides one server property (for example {@code log.retention.ms}). The properties
     * that fix the node's identity, listeners, quorum and directories cannot be set.
     *
     * @throws IllegalArgumentException for such a reserved property
     */
    public Builder brokerProperty(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (BrokerSettings.RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "broker property '" + key + "' is set by the embedded broker and cannot be overridden");
      }
      properties.put(key, value);
      return this;
    }

    /** {@link #brokerProperty} for each entry. */
    public Builder brokerProperties(Map<String, String> more) {
      more.forEach(this::brokerProperty);
      return this;
    }

    /** Upper bound for start-up, retries included; default {@link #DEFAULT_START_TIMEOUT}. */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("start timeout must be positive: " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /** Start-up attempts on fresh ports if a port is taken; default {@link #DEFAULT_BIND_ATTEMPTS}. */
    public Builder bindAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("bind attempts must be >= 1: " + attempts);
      }
      this.bindAttempts = attempts;
      return this;
    }

    /**
     * Replaces the source of {@code {brokerPort, controllerPort}} pairs, one pair per start-up
     * attempt; tests use it to provoke port clashes.
     */
    Builder portPicker(Supplier<int[]> picker) {
      this.portPicker = Objects.requireNonNull(picker, "picker");
      return this;
    }

    /** The server properties these options give for the given ports and directory. */
    Map<String, String> serverProperties(int brokerPort, int controllerPort, Path logDir) {
      return BrokerSettings.serverProperties(brokerPort, controllerPort, logDir, properties);
    }

    /**
     * Formats a temporary log directory, starts the server and waits until it is ready.
     *
     * @throws IllegalStateException if the server could not be started or did not become ready in
     *     time; everything started so far is stopped and the directory deleted
     */
    public EmbeddedKafkaBroker start() {
      long t0 = System.nanoTime();
      long deadline = t0 + startTimeout.toNanos();
      Path root;
      try {
        root = Files.createTempDirectory("sae-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
      }
      Resources resources = new Resources(root);
      resources.installShutdownHook();
      KafkaExitGuard.acquire(); // released by Resources.release / releaseAtExit
      String clusterId = Uuid.randomUuid().toString();
      Admin admin = null;
      try {
        for (int attempt = 1; ; attempt++) {
          int[] ports = portPicker.get();
          Path logDir = root.resolve("kraft-" + attempt);
          Map<String, String> serverProperties = serverProperties(ports[0], ports[1], logDir);
          KafkaConfig config = new KafkaConfig(serverProperties, false);
          format(root, logDir, serverProperties, clusterId);
          KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
          resources.server.set(server);
          try {
            server.startup();
          } catch (Exception e) {
            resources.stopServer();
            deleteRecursively(logDir);
            if (isBindFailure(e) && attempt < bindAttempts && deadline - System.nanoTime() > 0) {
              LOG.info(
                  "Port {} or {} was taken before Kafka could bind it ({}); retrying on new ports",
                  ports[0],
                  ports[1],
                  e.toString());
              continue;
            }
            throw new IllegalStateException("embedded Kafka failed to start", e);
          }
          String bootstrap = BrokerSettings.HOST + ":" + ports[0];
          admin = Admin.create(adminConfig(bootstrap));
          awaitReady(admin, deadline);
          Duration took = Duration.ofNanos(System.nanoTime() - t0);
          LOG.info(
              "Embedded Kafka {} started on {} (controller port {}) in {} ms; data in {}",
              clusterId,
              bootstrap,
              ports[1],
              took.toMillis(),
              root);
          return new EmbeddedKafkaBroker(resources, ports[0], ports[1], clusterId, admin, took);
        }
      } catch (Throwable e) { // includes checked exceptions Scala code throws undeclared
        resources.release(admin, e);
        throw e;
      }
    }
  }

  private static Map<String, Object> adminConfig(String bootstrap) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "sae-embedded-admin");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    c.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    return c;
  }

  /**
   * Writes {@code meta.properties} and the bootstrap metadata (the latest production {@code
   * metadata.version} and the feature levels that go with it, e.g. {@code transaction.version})
   * into the empty log directory, by running {@code kafka-storage.sh format} in-process: {@link
   * StorageTool#execute} reads the same server properties the server will use and drives Kafka's
   * storage {@code Formatter}.
   */
  private static void format(Path root, Path logDir, Map<String, String> serverProperties, String clusterId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try {
      Files.createDirectories(logDir);
      Path configFile = root.resolve(logDir.getFileName() + ".properties");
      Properties props = new Properties();
      props.putAll(serverProperties);
      try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
        props.store(w, "embedded Kafka server properties, used to format " + logDir);
      }
      String[] args = {"format", "--config", configFile.toString(), "--cluster-id", clusterId};
      rc = StorageTool.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format Kafka log directory " + logDir + ": " + output(out), e);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting Kafka log directory " + logDir + " failed (" + rc + "): " + output(out));
    }
    LOG.debug("storage formatter: {}", output(out));
  }

  private static String output(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).trim();
  }

  /**
   * Polls until the node answers {@code describeCluster} and a probe topic can be created and gets
   * a leader (so the broker is registered, unfenced and has caught up with the metadata log); the
   * probe topic is deleted again.
   */
  private static void awaitReady(Admin admin, long deadline) {
    String probe = PROBE_TOPIC_PREFIX + Uuid.randomUuid();
    boolean created = false;
    RuntimeException last = null;
    while (true) {
      try {
        if (!created) {
          if (get(admin.describeCluster().nodes(), deadline).isEmpty()) {
            throw new IllegalStateException("no live broker yet");
          }
          try {
            get(admin.createTopics(List.of(newTopic(probe, 1))).all(), deadline);
          } catch (TopicExistsException e) {
            // created by an earlier attempt whose answer was lost
          }
          created = true;
        }
        awaitLeaders(admin, List.of(probe), deadline);
        get(admin.deleteTopics(List.of(probe)).all(), deadline);
        return;
      } catch (org.apache.kafka.common.errors.InterruptException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
        LOG.debug("embedded Kafka not ready yet: {}", e.toString());
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("embedded Kafka did not become ready in time", last);
      }
      pause(deadline, "embedded Kafka to become ready");
    }
  }

  private static boolean isBindFailure(Throwable e) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null
          && (message.contains("Address already in use") || message.contains("failed to bind"))) {
        return true;
      }
    }
    return false;
  }

  /** Deletes a file tree; a missing tree is fine. */
  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /**
   * What must be released exactly once, by {@link #close()}, by a failed start or by the JVM
   * shutdown hook: the server and the temporary folder.
   */
  private static final class Resources {
    final Path root;
    final AtomicReference<KafkaRaftServer> server = new AtomicReference<>();
    private final Thread hook;
    private boolean released;

    Resources(Path root) {
      this.root = root;
      this.hook = new Thread(this::releaseAtExit, "sae-embedded-kafka-cleanup");
    }

    void installShutdownHook() {
      Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized boolean isReleased() {
      return released;
    }

    /** Stops the current server (if any) and waits for it. */
    void stopServer() {
      KafkaRaftServer s = server.getAndSet(null);
      if (s != null) {
        s.shutdown();
        s.awaitShutdown();
      }
    }

    /**
     * Closes the admin client, stops the server, deletes the folder and removes the shutdown hook.
     * Returns false if already released. Failures are added to {@code primary} if given, else
     * thrown after everything was tried.
     */
    synchronized boolean release(Admin admin, Throwable primary) {
      if (released) {
        return false;
      }
      released = true;
      List<Throwable> failures = new ArrayList<>();
      if (admin != null) {
        try {
          admin.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
      try {
        stopServer();
      } catch (RuntimeException e) {
        failures.add(e);
      }
      try {
        deleteRecursively(root);
      } catch (RuntimeException e) {
        failures.add(e);
      }
      KafkaExitGuard.release();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook is running or has run
      }
      if (failures.isEmpty()) {
        return true;
      }
      if (primary != null) {
        failures.forEach(primary::addSuppressed);
        return true;
      }
      RuntimeException thrown = new IllegalStateException("embedded Kafka did not close cleanly");
      failures.forEach(thrown::addSuppressed);
      throw thrown;
    }

    /**
     * The shutdown hook: stop the server with a time bound (another thread, so that a stuck shutdown
     * cannot block the JVM exit for ever), then delete the folder.
     */
    private void releaseAtExit() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      Thread stopper = new Thread(this::stopServerQuietly, "sae-embedded-kafka-stop");
      stopper.setDaemon(true);
      stopper.start();
      try {
        stopper.join(HOOK_STOP_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      KafkaExitGuard.release();
      try {
        deleteRecursively(root);
      } catch (RuntimeException e) {
        System.err.println("sae-streams: could not delete " + root + ": " + e);
      }
    }

    private void stopServerQuietly() {
      try {
        stopServer();
      } catch (RuntimeException e) {
        System.err.println("sae-streams: embedded Kafka did not stop cleanly: " + e);
      }
    }
  }
}
