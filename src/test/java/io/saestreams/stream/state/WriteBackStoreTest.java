package io.saestreams.stream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-back store in a real Kafka Streams task (TopologyTestDriver, which commits after every
 * input and punctuation): what reaches the changelog at each commit, and what never does.
 */
class WriteBackStoreTest {
  private static final String STORE = "wb";
  private static final String CHANGELOG = "app-" + STORE + "-changelog";

  @TempDir
  Path state;

  /** A value whose encoding counts how often it ran: it must run only at commits. */
  static final class Counted {
    static int encodings;
    final StringBuilder text = new StringBuilder();
  }

  private static final WriteBackStore.Codec<String, Counted> CODEC = new WriteBackStore.Codec<>() {
    @Override
    public byte[] encode(Counted value) {
      Counted.encodings++;
      return value.text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Counted decode(String key, byte[] bytes) {
      Counted c = new Counted();
      c.text.append(new String(bytes, StandardCharsets.UTF_8));
      return c;
    }
  };

  /**
   * Each input is a list of commands on the store, separated by ';': {@code put k v}, {@code
   * append k v} (to the value object already put, without putting it again), {@code del k}. The
   * processor's init writes {@code init} = {@code started}.
   */
  static final class Commands implements Processor<String, String, Void, Void> {
    private KeyValueStore<String, Counted> store;
    private Counted last;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
      Counted c = new Counted();
      c.text.append("started");
      store.put("init", c);
    }

    @Override
    public void process(Record<String, String> record) {
      for (String command : record.value().split(";")) {
        String[] w = command.trim().split(" ");
        switch (w[0]) {
          case "put" -> {
            last = new Counted();
            last.text.append(w[2]);
            store.put(w[1], last);
          }
          case "append" -> last.text.append(w[2]);
          case "del" -> store.delete(w[1]);
          default -> throw new IllegalArgumentException(command);
        }
      }
    }
  }

  private TopologyTestDriver driver() {
    Topology t = new Topology();
    t.addSource("in", new StringDeserializer(), new StringDeserializer(), "commands");
    t.addProcessor("commands", Commands::new, "in");
    t.addStateStore(WriteBackStore.persistent(STORE, Serdes.String(), CODEC), "commands");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    return new TopologyTestDriver(t, p);
  }

  private static List<String> read(TestOutputTopic<String, String> log) {
    List<String> out = new ArrayList<>();
    for (KeyValue<String, String> kv : log.readKeyValuesToList()) {
      out.add(kv.key + "=" + kv.value);
    }
    return out;
  }

  @Test
  void eachCommitWritesEveryKeysLastValueOnceAndNothingForAKeyKnownAbsentThatIsWrittenAndDeletedInBetween() {
    Counted.encodings = 0;
    try (TopologyTestDriver d = driver()) {
      TestInputTopic<String, String> in = d.createInputTopic("commands", new StringSerializer(), new StringSerializer());
      TestOutputTopic<String, String> log = d.createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer());

      in.pipeInput("x", "put a 1; append a 2; put b 1; put b 2; put c 1; del c");
      // the write in init is committed with the first input; c may have been beneath (an earlier
      // run's), so it gets a tombstone, and no value
      assertThat(read(log)).containsExactly("init=started", "a=12", "b=2", "c=null");
      assertThat(Counted.encodings).as("one encoding per key written, at the commit").isEqualTo(3);

      in.pipeInput("x", "del a; put a 3; del b; del never");
      assertThat(read(log)).containsExactly("a=3", "b=null", "never=null");

      in.pipeInput("x", "put b 4; del b; del never; put c 5; del c; put d 1");
      // b, c and never are known absent beneath: writing and deleting them again costs nothing
      assertThat(read(log)).containsExactly("d=1");
      assertThat(Counted.encodings).isEqualTo(5);

      in.pipeInput("x", "put q 1; append q 2");
      d.advanceWallClockTime(Duration.ZERO);
      assertThat(read(log)).containsExactly("q=12");

      KeyValueStore<String, Counted> store = d.getKeyValueStore(STORE);
      store.put("r", new Counted());
      List<String> all = new ArrayList<>();
      try (KeyValueIterator<String, Counted> it = store.all()) {
        it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value.text));
      }
      // a read sees the pending writes (it writes them through first)
      assertThat(all).containsExactly("a=3", "d=1", "init=started", "q=12", "r=");
    }
  }

  /** An unlogged in-memory store, to be the store beneath. */
  private static <K> KeyValueStore<K, byte[]> inMemory(Serde<K> keys) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), keys, Serdes.ByteArray())
        .withLoggingDisabled()
        .build();
  }

  /** A write-back store of bytes over {@code beneath}, initialised outside any task. */
  private static <K> WriteBackStore<K, byte[]> over(KeyValueStore<K, byte[]> beneath) {
    WriteBackStore<K, byte[]> store = new WriteBackStore<>(beneath, WriteBackStore.bytes());
    store.init(new org.apache.kafka.streams.processor.api.MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }

  @Test
  void pendingWritesAreForgottenWhenTheTaskDiscardsItsState() {
    KeyValueStore<String, byte[]> beneath = inMemory(Serdes.String());
    WriteBackStore<String, byte[]> store = over(beneath);
    store.put("a", new byte[] {1});
    store.flushCache();
    store.put("b", new byte[] {2});
    store.delete("a");
    assertThat(store.pendingWrites()).isEqualTo(2);
    store.clearCache();
    assertThat(store.pendingWrites()).isZero();
    assertThat(beneath.get("a")).containsExactly(1);
    assertThat(beneath.get("b")).isNull();
  }

  @Test
  void keysThatAreNeverReusedDoNotGrowItsMemoryOfAbsentKeys() {
    KeyValueStore<Long, byte[]> beneath = inMemory(Serdes.Long());
    WriteBackStore<Long, byte[]> store = over(beneath);
    // a replay log: blocks numbered up for ever, each written, committed, then deleted
    for (long block = 0; block < 5 * WriteBackStore.ABSENT_KEYS; block++) {
      store.put(block, new byte[] {1});
      store.flushCache();
      store.delete(block);
      store.flushCache();
      assertThat(store.knownAbsent()).isLessThanOrEqualTo(WriteBackStore.ABSENT_KEYS);
    }
    assertThat(beneath.approximateNumEntries()).isZero();
  }

  @Test
  void itCannotBeCachedAgain() {
    assertThatThrownBy(() -> WriteBackStore.persistent(STORE, Serdes.String(), CODEC).withCachingEnabled())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("its own cache");
  }
}
