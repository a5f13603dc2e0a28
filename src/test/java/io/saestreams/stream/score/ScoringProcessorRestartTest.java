package io.saestreams.stream.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.state.WriteBackStore;
import io.saestreams.stream.validate.ValidInput;
import io.saestreams.train.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A scoring task that stops (crashes) with inputs in its buffer, and a new one started on the same
 * stores — what exactly_once_v2 restores after a crash: each input is scored exactly once, in
 * arrival order, with its own key, timestamp and headers.
 */
@Timeout(60)
class ScoringProcessorRestartTest {
  private static final int D = 6;
  private static final SaeModel MODEL =
      InitialModel.of(TrainerConfig.defaults(SaeConfig.builder(D, 10).build()).withSeed(5));

  private final KeyValueStore<String, byte[]> models =
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SaeTopology.MODEL_STORE), Serdes.String(), Serdes.ByteArray())
          .withLoggingDisabled()
          .build();
  /** What the buffer's store holds beneath its write-back layer: what a commit wrote. */
  private final KeyValueStore<Long, byte[]> committed =
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ScoringProcessor.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
          .withLoggingDisabled()
          .build();
  private final WriteBackStore<Long, PendingInput> buffer = new WriteBackStore<>(committed, PendingInput.CODEC);
  private boolean storesOpen;

  private MockProcessorContext<byte[], Scored> context() {
    MockProcessorContext<byte[], Scored> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(2_000L);
    if (!storesOpen) {
      models.init(ctx.getStateStoreContext(), models);
      buffer.init(ctx.getStateStoreContext(), buffer);
      storesOpen = true;
    }
    ctx.addStateStore(models);
    ctx.addStateStore(buffer);
    return ctx;
  }

  private ScoringProcessor start(MockProcessorContext<byte[], Scored> ctx, int batchSize) {
    Supplier<SaeModel> initial = () -> MODEL;
    ScoringProcessor p = new ScoringProcessor(initial, SaeTopology.MODEL_STORE, "java", batchSize, 50, 0, SaeMetricsSink.NOOP);
    p.init(ctx);
    return p;
  }

  private static List<Record<byte[], ValidInput>> records(int n) {
    Random r = new Random(n);
    List<Record<byte[], ValidInput>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[D];
      for (int j = 0; j < D; j++) {
        x[j] = (float) r.nextGaussian();
      }
      String id = "r" + i;
      org.apache.kafka.common.header.Headers h = new RecordHeaders().add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
      out.add(new Record<>(id.getBytes(StandardCharsets.UTF_8), new ValidInput(id, 500L + i, x, Map.of("k", "v" + i)), 1_000L + i, h));
    }
    return out;
  }

  private static List<String> ids(MockProcessorContext<byte[], Scored> ctx) {
    return ctx.forwarded().stream().map(f -> f.record().value().input().id()).toList();
  }

  @ParameterizedTest(name = "batch {0} before the crash, {1} after")
  @CsvSource({"4, 4", "4, 1", "8, 3"})
  void inputsBufferedAtACrashAreScoredExactlyOnceAfterTheRestartInOrder(int before, int after) {
    List<Record<byte[], ValidInput>> in = records(11);
    MockProcessorContext<byte[], Scored> ctx1 = context();
    ScoringProcessor first = start(ctx1, before);
    int crashAt = 7;
    for (Record<byte[], ValidInput> r : in.subList(0, crashAt)) {
      first.process(r);
    }
    int emitted = crashAt / before * before;
    assertThat(ids(ctx1)).hasSize(emitted);
    buffer.flushCache(); // the task commits
    assertThat(committed.approximateNumEntries()).isEqualTo(crashAt - emitted);
    // crash: `first` is dropped without a close

    MockProcessorContext<byte[], Scored> ctx2 = context();
    ScoringProcessor second = start(ctx2, after);
    for (Record<byte[], ValidInput> r : in.subList(crashAt, in.size())) {
      second.process(r);
    }
    ctx2.scheduledPunctuators().get(0).getPunctuator().punctuate(0);

    List<String> all = new ArrayList<>(ids(ctx1));
    all.addAll(ids(ctx2));
    assertThat(all).containsExactlyElementsOf(in.stream().map(r -> r.value().id()).toList());
    assertThat(buffer.approximateNumEntries()).isZero();

    SaeModel.Scorer reference = MODEL.scorer(Gemms.create("java"), 1);
    List<MockProcessorContext.CapturedForward<? extends byte[], ? extends Scored>> out = new ArrayList<>(ctx1.forwarded());
    out.addAll(ctx2.forwarded());
    for (int i = 0; i < in.size(); i++) {
      Record<? extends byte[], ? extends Scored> got = out.get(i).record();
      Record<byte[], ValidInput> sent = in.get(i);
      assertThat(got.key()).isEqualTo(sent.key());
      assertThat(got.timestamp()).isEqualTo(sent.timestamp());
      assertThat(got.headers().lastHeader("trace").value()).isEqualTo(sent.headers().lastHeader("trace").value());
      assertThat(got.value().input().values()).isEqualTo(sent.value().values());
      assertThat(got.value().input().attributes()).isEqualTo(sent.value().attributes());
      assertThat(got.value().input().timestamp()).isEqualTo(sent.value().timestamp());
      reference.score(sent.value().values(), 1);
      assertThat(got.value().error()).isCloseTo(reference.squaredError(0) / (double) D,
          org.assertj.core.api.Assertions.within(1e-6));
    }
  }

  @Test
  void aReconstructionIsComputedOnDemandWhileItsBatchIsCurrentAndRefusedAfter() {
    List<Record<byte[], ValidInput>> in = records(8);
    MockProcessorContext<byte[], Scored> ctx = context();
    ScoringProcessor p = start(ctx, 4);
    for (Record<byte[], ValidInput> r : in) {
      p.process(r);
    }
    List<Scored> out = ctx.forwarded().stream().map(f -> (Scored) f.record().value()).toList();
    assertThat(out).hasSize(8);
    // the first batch's results were overwritten by the second's
    assertThatThrownBy(() -> out.get(0).reconstruction())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only while it is forwarded");
    SaeModel.Scorer reference = MODEL.scorer(Gemms.create("java"), 1);
    for (int i = 4; i < 8; i++) {
      float[] got = out.get(i).reconstruction();
      reference.score(in.get(i).value().values(), 1);
      float[] want = new float[D];
      reference.reconstruction(0, want);
      for (int j = 0; j < D; j++) {
        assertThat(got[j]).isCloseTo(want[j], org.assertj.core.api.Assertions.within(1e-5f));
      }
      assertThat(out.get(i).reconstruction()).as("computed once").isSameAs(got);
    }
    // once taken, it stays
    p.process(in.get(0));
    p.process(in.get(1));
    p.process(in.get(2));
    p.process(in.get(3));
    assertThat(out.get(7).reconstruction()).isNotNull();
  }

  @Test
  void waitingInputsTakeTheLowestFreeSlotsSoTheStoreNeverGrowsBeyondABatch() {
    List<Record<byte[], ValidInput>> in = records(23);
    ScoringProcessor p = start(context(), 4);
    for (Record<byte[], ValidInput> r : in) {
      p.process(r);
    }
    // 23 = 5 batches of 4 + 3 waiting, in slots 0-2 whatever their sequence numbers (20-22)
    List<Long> keys = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    buffer.flushCache();
    try (var it = committed.all()) {
      it.forEachRemaining(kv -> {
        keys.add(kv.key);
        seqs.add(PendingInput.decode(kv.key, kv.value).seq());
      });
    }
    assertThat(keys).containsExactly(0L, 1L, 2L);
    assertThat(seqs).containsExactly(20L, 21L, 22L);
  }

  @Test
  void inputsAnOlderVersionKeyedBySequenceNumberAreScoredFirstAfterAnUpgrade() {
    List<Record<byte[], ValidInput>> in = records(5);
    MockProcessorContext<byte[], Scored> ctx = context();
    // what the previous version left: format 2 under keys 1000 and 1001, its sequence numbers
    for (int i = 0; i < 2; i++) {
      Record<byte[], ValidInput> r = in.get(i);
      committed.put(1000L + i, formatTwo(PendingInput.of(1000L + i, r, null)));
    }
    ScoringProcessor p = start(ctx, 4);
    for (Record<byte[], ValidInput> r : in.subList(2, 5)) {
      p.process(r);
    }
    // the new ones take slots 0 and 1 (before 1000 in store order), yet come after the old ones
    assertThat(ids(ctx)).containsExactly("r0", "r1", "r2", "r3");
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
    assertThat(ids(ctx)).containsExactly("r0", "r1", "r2", "r3", "r4");
    assertThat(buffer.approximateNumEntries()).isZero();
  }

  /** The stored form before format 3: no sequence number (the store key was it). */
  private static byte[] formatTwo(PendingInput p) {
    byte[] v3 = p.encode();
    byte[] v2 = new byte[v3.length - Long.BYTES];
    v2[0] = PendingInput.FORMAT_KEYED_BY_SEQ;
    System.arraycopy(v3, 1 + Long.BYTES, v2, 1, v3.length - 1 - Long.BYTES);
    return v2;
  }

  @Test
  void theStoredFormKeepsNullsAndRejectsCorruptBytes() {
    org.apache.kafka.common.header.Headers h = new RecordHeaders().add("a", null).add("b", new byte[] {1, 2});
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("x", "1");
    attrs.put("y", "");
    PendingInput p = new PendingInput(3, null, 42L, h, new ValidInput("é", -5L, new float[] {1.5f, -0f, Float.MIN_VALUE}, attrs),
        new io.saestreams.stream.training.InputRef(2, 123_456_789_012L));
    PendingInput q = PendingInput.decode(3, p.encode());
    assertThat(q.key()).isNull();
    assertThat(q.timestamp()).isEqualTo(42L);
    assertThat(q.headers().toArray()).hasSize(2);
    assertThat(q.headers().lastHeader("a").value()).isNull();
    assertThat(q.headers().lastHeader("b").value()).containsExactly(1, 2);
    assertThat(q.input().id()).isEqualTo("é");
    assertThat(q.input().timestamp()).isEqualTo(-5L);
    assertThat(q.input().values()).containsExactly(1.5f, -0f, Float.MIN_VALUE);
    assertThat(q.input().attributes()).containsExactly(Map.entry("x", "1"), Map.entry("y", ""));
    assertThat(q.source()).isEqualTo(new io.saestreams.stream.training.InputRef(2, 123_456_789_012L));

    PendingInput noAttrs = new PendingInput(0, new byte[0], 0, new RecordHeaders(), new ValidInput("i", 0, new float[1], null), null);
    assertThat(PendingInput.decode(0, noAttrs.encode()).input().attributes()).isNull();
    assertThat(PendingInput.decode(0, noAttrs.encode()).source()).isNull();
    // format 3 carries its sequence number, whatever slot (store key) it is kept under
    assertThat(PendingInput.decode(17, p.encode()).seq()).isEqualTo(3);
    // format 2 (before the sequence number was stored) takes it from the store key
    byte[] v2 = formatTwo(new PendingInput(0, new byte[0], 0, new RecordHeaders(),
        new ValidInput("i", 0, new float[1], null), new io.saestreams.stream.training.InputRef(1, 9)));
    assertThat(PendingInput.decode(41, v2).seq()).isEqualTo(41);
    assertThat(PendingInput.decode(41, v2).source()).isEqualTo(new io.saestreams.stream.training.InputRef(1, 9));
    // format 1 (written before the source was stored) is read with an unknown source
    byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 12);
    v1[0] = 1;
    assertThat(PendingInput.decode(0, v1).source()).isNull();
    assertThat(PendingInput.decode(0, v1).input().id()).isEqualTo("i");
    assertThat(PendingInput.decode(0, noAttrs.encode()).key()).isEmpty();

    byte[] bytes = p.encode();
    assertThatThrownBy(() -> PendingInput.decode(3, java.util.Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(SerializationException.class);
    bytes[0] = 9;
    assertThatThrownBy(() -> PendingInput.decode(3, bytes))
        .isInstanceOf(SerializationException.class).hasMessageContaining("format 9");
  }
}
