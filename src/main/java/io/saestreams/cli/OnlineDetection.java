package io.saestreams.cli;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.stream.anomaly.AnomalyDetector;
import io.saestreams.stream.anomaly.AnomalySettings;
import io.saestreams.stream.anomaly.AnomalyVerdict;
import io.saestreams.stream.anomaly.Observation;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.score.ModelCache;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;

/**
 * The topology's scoring, detection and training path for one partition, in one thread and
 * without Kafka: inputs are scored in batches by the model version in force (and, during a
 * handover, by the next version alongside, through the topology's {@link ModelCache}), judged in
 * order by the topology's {@link AnomalyDetector}, and — unless flagged, with skip-anomalies — trained
 * on; every {@code publishIntervalSteps} training steps a version is published to the scorer.
 * What {@code evaluate --anomaly} streams a labelled data set through.
 */
final class OnlineDetection {
  /** One judged input. */
  record Judged(double error, AnomalyVerdict verdict, long modelVersion) {}

  private final OnlineTrainer trainer;
  private final ModelCache models;
  private final AnomalyDetector detector;
  private final int publishIntervalSteps;
  private final boolean skipAnomalies;
  private final int batchSize;
  private final int d;
  private final float[] batch;
  private long publishedVersion;
  private byte[] publishedModel;

  OnlineDetection(TrainerConfig trainerConfig, AnomalySettings anomaly, int publishIntervalSteps,
      boolean skipAnomalies, int scoreBatchSize, Gemm gemm) {
    this.trainer = new OnlineTrainer(trainerConfig, gemm);
    this.detector = new AnomalyDetector(anomaly);
    this.publishIntervalSteps = publishIntervalSteps;
    this.skipAnomalies = skipAnomalies;
    this.batchSize = scoreBatchSize;
    SaeModel initial = InitialModel.of(trainerConfig);
    this.d = initial.inputDim();
    this.batch = new float[scoreBatchSize * d];
    this.models = new ModelCache(initial, gemm, scoreBatchSize, anomaly.handsOver() ? anomaly.handoverRecords() : 0,
        SaeMetricsSink.NOOP, 0);
  }

  /**
   * Scores, judges and (maybe) trains on {@code rows} inputs in order; the i-th result belongs to
   * the i-th input. At most the score batch size at a time.
   */
  Judged[] next(float[][] xs, long[] timestamps, int rows) {
    if (rows > batchSize) {
      throw new IllegalArgumentException("at most " + batchSize + " rows at a time, got " + rows);
    }
    SaeModel.Scorer scorer = models.current(publishedVersion, () -> publishedModel);
    SaeModel.Scorer shadow = models.shadow();
    for (int r = 0; r < rows; r++) {
      System.arraycopy(xs[r], 0, batch, r * d, d);
    }
    scorer.score(batch, rows);
    if (shadow != null) {
      shadow.score(batch, rows);
    }
    long samplesPerVersion = trainer.config().batchSize();
    long version = scorer.model().version();
    Judged[] out = new Judged[rows];
    for (int r = 0; r < rows; r++) {
      double error = (double) scorer.squaredError(r) / d;
      Observation o = new Observation(error, version, AnomalyDetector.trainedSamples(version, samplesPerVersion),
          timestamps[r],
          shadow == null ? -1 : shadow.model().version(),
          shadow == null ? Double.NaN : (double) shadow.squaredError(r) / d);
      AnomalyVerdict v = detector.observe(o);
      out[r] = new Judged(error, v, version);
      if (!(skipAnomalies && v.anomaly())) {
        train(xs[r]);
      }
    }
    models.scored(rows);
    return out;
  }

  private void train(float[] x) {
    if (trainer.accept(x) != null && trainer.steps() % publishIntervalSteps == 0) {
      publishedVersion = trainer.steps();
      publishedModel = trainer.model().toBytes();
    }
  }

  /** The trainer's model now (for the final quality figures). */
  SaeModel model() {
    return trainer.model();
  }

  long trainedSamples() {
    return trainer.samplesSeen();
  }
}
