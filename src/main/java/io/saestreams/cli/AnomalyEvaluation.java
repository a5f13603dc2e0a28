package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.LabelledVector;
import io.saestreams.eval.BinaryMetrics;
import io.saestreams.eval.EvalRecord;
import io.saestreams.eval.OneClassStream;
import io.saestreams.eval.PcaBaseline;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.report.SummaryTable;
import io.saestreams.stream.anomaly.AnomalySettings;
import io.saestreams.train.TrainerConfig;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code evaluate --anomaly}: streams a labelled one-class stream (warm-up normals, then a mixed
 * phase) through the topology's scoring, detection and training code ({@link OnlineDetection}),
 * and measures on the mixed phase the published score's ranking (AUC-ROC, AUC-PR) and the
 * alerts' precision, recall, F1 and false-alarm rate on normals at the configured target, next to
 * a PCA reconstruction baseline fitted on the warm-up normals in the same run.
 */
final class AnomalyEvaluation {
  /** Everything the run measured. */
  record Result(SummaryTable table, BinaryMetrics detector, BinaryMetrics pca, double targetRate) {}

  private AnomalyEvaluation() {}

  static Result run(String dataset, OneClassStream stream, TrainerConfig trainer, AnomalySettings anomaly,
      int publishIntervalSteps, boolean skipAnomalies, int scoreBatchSize, int pcaK, Gemm gemm) {
    long t0 = System.nanoTime();
    OnlineDetection detection = new OnlineDetection(trainer, anomaly, publishIntervalSteps, skipAnomalies,
        scoreBatchSize, gemm);
    List<EvalRecord> records = stream.records();
    BinaryMetrics.Builder published = BinaryMetrics.builder();
    BinaryMetrics.Builder errors = BinaryMetrics.builder();
    long unjudged = 0;
    long alerts = 0;
    float[][] xs = new float[scoreBatchSize][];
    long[] ts = new long[scoreBatchSize];
    boolean[] evaluated = new boolean[scoreBatchSize];
    boolean[] truth = new boolean[scoreBatchSize];
    for (int from = 0; from < records.size(); from += scoreBatchSize) {
      int rows = Math.min(scoreBatchSize, records.size() - from);
      for (int r = 0; r < rows; r++) {
        EvalRecord e = records.get(from + r);
        xs[r] = e.vector().values();
        ts[r] = from + r;
        evaluated[r] = !e.warmup();
        truth[r] = e.vector().anomaly();
      }
      OnlineDetection.Judged[] judged = detection.next(xs, ts, rows);
      for (int r = 0; r < rows; r++) {
        if (!evaluated[r]) {
          continue;
        }
        OnlineDetection.Judged j = judged[r];
        if (!j.verdict().hasThreshold()) {
          unjudged++;
        }
        alerts += j.verdict().alert() ? 1 : 0;
        published.add(j.verdict().score(), truth[r], j.verdict().anomaly());
        errors.add(j.error(), truth[r], j.verdict().anomaly());
      }
    }
    double detectSeconds = (System.nanoTime() - t0) / 1e9;
    BinaryMetrics detector = published.build();
    BinaryMetrics byError = errors.build();

    long t1 = System.nanoTime();
    List<float[]> normals = stream.warmupNormals();
    PcaBaseline pca = PcaBaseline.fit(normals, Math.min(pcaK, Math.min(normals.size(), stream.dimension())));
    BinaryMetrics.Builder pcaScores = BinaryMetrics.builder();
    for (LabelledVector v : stream.evaluation()) {
      pcaScores.add(pca.score(v.values()), v.anomaly(), false);
    }
    BinaryMetrics baseline = pcaScores.build();
    double pcaSeconds = (System.nanoTime() - t1) / 1e9;

    double q = anomaly.falseAlarmRate();
    SummaryTable t = new SummaryTable();
    t.add("dataset", dataset);
    t.add("stream", stream.description());
    t.add("warmup records", stream.warmup().size());
    t.add("evaluated records", stream.evaluation().size());
    t.add("anomalies", detector.anomalies());
    t.add("threshold mode", anomaly.mode().configName());
    t.add("target false alarm rate", q);
    t.add("unjudged", unjudged);
    t.add("flagged", detector.flagged());
    t.add("alerts", alerts);
    t.add("false alarm rate", value(detector.falseAlarmRate()));
    t.add("precision", value(detector.precision()));
    t.add("recall", value(detector.recall()));
    t.add("f1", value(detector.f1()));
    t.add("auc roc", value(detector.aucRoc()));
    t.add("auc pr", value(detector.aucPr()));
    double rocRecall = value(detector.recallAtFalseAlarmRate(q));
    t.add("roc recall at target", rocRecall);
    t.add("recall vs roc", rocRecall > 0 ? value(detector.recall()) / rocRecall : 0);
    // the same comparison where the detector actually operates: how much recall its threshold,
    // which moves with the stream, gives up against one fixed threshold at the same rate
    double measured = value(detector.falseAlarmRate());
    double rocRecallMeasured = value(detector.recallAtFalseAlarmRate(measured));
    t.add("roc recall at measured rate", rocRecallMeasured);
    t.add("recall vs roc at measured rate", rocRecallMeasured > 0 ? value(detector.recall()) / rocRecallMeasured : 0);
    t.add("error auc roc", value(byError.aucRoc()));
    t.add("pca k", pca.k());
    t.add("pca auc roc", value(baseline.aucRoc()));
    t.add("pca auc pr", value(baseline.aucPr()));
    t.add("pca roc recall at target", value(baseline.recallAtFalseAlarmRate(q)));
    t.add("trained samples", detection.trainedSamples());
    t.add("seconds", detectSeconds);
    t.add("pca seconds", pcaSeconds);
    return new Result(t, detector, baseline, q);
  }

  /** A metric for the table: 0 where it is undefined (JSON never carries NaN). */
  private static double value(OptionalDouble d) {
    return d.orElse(0);
  }

  /** The one-class stream a data set specification describes. */
  static OneClassStream stream(DatasetSpec data, Integer normalClass, int passes, double anomalyFraction,
      int warmup, int evaluation, long seed) {
    return switch (data.kind()) {
      case IDX -> {
        if (normalClass == null) {
          throw new IllegalArgumentException("evaluate --anomaly on IDX data needs --normal-class C: the class"
              + " taken as normal, the other classes being the anomalies");
        }
        yield OneClassStream.idx(data.path(), normalClass, passes, anomalyFraction, seed);
      }
      case CSV -> OneClassStream.csv(data.path(), warmup);
      case SYNTHETIC -> OneClassStream.synthetic(data.syntheticConfig(seed), warmup, evaluation);
    };
  }
}
