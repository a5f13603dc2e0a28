package io.saestreams.eval;

import io.saestreams.data.LabelledVector;
import java.util.Objects;

/**
 * One record of a {@link OneClassStream}, with the phase it belongs to: warm-up records train the
 * detector (and fit the {@link PcaBaseline}) and are not scored; evaluation records are scored and
 * counted in the {@link BinaryMetrics}.
 *
 * @param vector the record; {@code vector.anomaly()} is its ground truth
 * @param warmup whether the record belongs to the warm-up phase
 */
public record EvalRecord(LabelledVector vector, boolean warmup) {
  public EvalRecord {
    Objects.requireNonNull(vector, "vector");
  }
}
