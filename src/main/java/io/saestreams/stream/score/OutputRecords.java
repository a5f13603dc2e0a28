package io.saestreams.stream.score;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.stream.anomaly.AlertExplainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps a judged {@link Scored} input to the Avro records of the output topics. */
public final class OutputRecords {
  private OutputRecords() {}

  public static SparseCode code(Scored s) {
    List<Integer> idx = new ArrayList<>(s.indices().length);
    List<Float> val = new ArrayList<>(s.values().length);
    for (int i = 0; i < s.indices().length; i++) {
      idx.add(s.indices()[i]);
      val.add(s.values()[i]);
    }
    return SparseCode.newBuilder()
        .setId(s.input().id())
        .setTimestamp(Instant.ofEpochMilli(s.input().timestamp()))
        .setModelVersion(s.modelVersion())
        .setDimension(s.latentDim())
        .setIndices(idx)
        .setValues(val)
        .build();
  }

  public static ReconstructionScore score(Scored s) {
    return ReconstructionScore.newBuilder()
        .setId(s.input().id())
        .setTimestamp(Instant.ofEpochMilli(s.input().timestamp()))
        .setModelVersion(s.modelVersion())
        .setError(s.error())
        .setScore(s.verdict().score())
        .setThreshold(Double.isFinite(s.verdict().threshold()) ? s.verdict().threshold() : null)
        .setAnomaly(s.verdict().anomaly())
        .setGrade(s.verdict().grade())
        .build();
  }

  /** The alert of an anomalous input, naming its {@code top} largest-residual dimensions. */
  public static AnomalyAlert alert(Scored s, int top) {
    AlertExplainer.Explanation e = AlertExplainer.explain(s.input().values(), s.reconstruction(), top);
    List<Integer> dims = new ArrayList<>(e.dimensions().length);
    List<Double> shares = new ArrayList<>(e.shares().length);
    List<Double> expected = new ArrayList<>(e.dimensions().length);
    List<Double> actual = new ArrayList<>(e.dimensions().length);
    for (int i = 0; i < e.dimensions().length; i++) {
      int dim = e.dimensions()[i];
      dims.add(dim);
      shares.add(e.shares()[i]);
      expected.add((double) s.reconstruction()[dim]);
      actual.add((double) s.input().values()[dim]);
    }
    return AnomalyAlert.newBuilder()
        .setId(s.input().id())
        .setTimestamp(Instant.ofEpochMilli(s.input().timestamp()))
        .setModelVersion(s.modelVersion())
        .setError(s.error())
        .setThreshold(s.verdict().threshold())
        .setScore(s.verdict().score())
        .setTopDimensions(dims)
        .setTopContributions(shares)
        .setReason(AlertExplainer.reason(s.verdict(), e, s.input().values(), s.reconstruction()))
        .setAttributes(s.input().attributes())
        .setGrade(s.verdict().grade())
        .setExpectedValues(expected)
        .setActualValues(actual)
        .setRunStart(Instant.ofEpochMilli(Math.max(0, s.verdict().runStart())))
        .setRunLength(Math.max(1, s.verdict().runLength()))
        .build();
  }
}
