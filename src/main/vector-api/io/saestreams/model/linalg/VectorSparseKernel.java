package io.saestreams.model.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link SparseKernel} on the Vector API ({@code jdk.incubator.vector}): the same bits as
 * {@link ScalarSparseKernel}, without its copies into scratch rows and with vector loads.
 *
 * <ul>
 *   <li>A dot product's eight partial sums are the eight lanes of one 256-bit accumulator (lane l
 *       takes the elements t ≡ l mod 8, as the scalar sum l does), finished in the scalar order.
 *       One accumulator is bound by the fused multiply-add's latency, so the gathered dot products
 *       of a row are taken four at a time, each with its own accumulator.
 *   <li>The multiply-adds into rows (decode, outer-product accumulation) are element-wise, so any
 *       vector width gives the same bits: they use the CPU's preferred width, straight on the
 *       arrays. Decode keeps a slice of the output row in a register across all of its terms.
 * </ul>
 *
 * <p>Compiled from {@code src/main/vector-api} and only loaded reflectively by {@link
 * VectorKernel}; the constructor refuses a CPU whose vectors are narrower than 256 bits, where
 * the 256-bit species would not be compiled to vector instructions.
 */
final class VectorSparseKernel implements SparseKernel {
  /** Eight lanes: the scalar dot product's eight partial sums. */
  private static final VectorSpecies<Float> DOT = FloatVector.SPECIES_256;
  /** Element-wise loops: the widest vectors the CPU has. */
  private static final VectorSpecies<Float> ROW = FloatVector.SPECIES_PREFERRED;
  private static final int ROW_LANES = ROW.length();

  /** Per thread: the valid terms of one batch row (output slot or value, and weight row offset). */
  private static final ThreadLocal<Terms> TERMS = ThreadLocal.withInitial(Terms::new);

  private static final class Terms {
    int[] slot = new int[0];
    int[] row = new int[0];
    float[] val = new float[0];

    Terms ensure(int k) {
      if (row.length < k) {
        slot = new int[k];
        row = new int[k];
        val = new float[k];
      }
      return this;
    }
  }

  VectorSparseKernel() {
    if (ROW.vectorBitSize() < 256) {
      throw new UnsupportedOperationException("the Vector API sparse kernel needs vectors of 256 bits or more;"
          + " this CPU's are " + ROW.vectorBitSize() + " bits");
    }
  }

  @Override
  public String name() {
    return "vector-" + ROW.vectorBitSize();
  }

  @Override
  public float dot(float[] x, int xo, float[] y, int yo, int len) {
    FloatVector acc = FloatVector.zero(DOT);
    int t = 0;
    for (; t + 8 <= len; t += 8) {
      acc = FloatVector.fromArray(DOT, x, xo + t).fma(FloatVector.fromArray(DOT, y, yo + t), acc);
    }
    return finish(acc, x, xo, y, yo, t, len);
  }

  /** The scalar order: the tail into partial sum 0, then the sums added pairwise. */
  private static float finish(FloatVector acc, float[] x, int xo, float[] y, int yo, int from, int len) {
    float s0 = acc.lane(0);
    for (int t = from; t < len; t++) {
      s0 = Math.fma(x[xo + t], y[yo + t], s0);
    }
    return ((s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3)))
        + ((acc.lane(4) + acc.lane(5)) + (acc.lane(6) + acc.lane(7)));
  }

  @Override
  public void decode(int batch, int k, int[] idx, float[] val, float[] w, int wRows, int d, float[] out) {
    Terms terms = TERMS.get().ensure(k);
    int[] rows = terms.row;
    float[] vals = terms.val;
    int bound = ROW.loopBound(d);
    for (int b = 0; b < batch; b++) {
      int o = b * d;
      int base = b * k;
      int n = 0;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id >= 0) {
          rows[n] = SparseOps.rowOf(id, wRows, d);
          vals[n] = val[base + j];
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      int t = 0;
      for (; t < bound; t += ROW_LANES) {
        FloatVector acc = FloatVector.fromArray(ROW, out, o + t);
        for (int i = 0; i < n; i++) {
          acc = FloatVector.broadcast(ROW, vals[i]).fma(FloatVector.fromArray(ROW, w, rows[i] + t), acc);
        }
        acc.intoArray(out, o + t);
      }
      for (; t < d; t++) {
        float acc = out[o + t];
        for (int i = 0; i < n; i++) {
          acc = Math.fma(vals[i], w[rows[i] + t], acc);
        }
        out[o + t] = acc;
      }
    }
  }

  @Override
  public void accumulateOuter(int batch, int k, int[] idx, float[] val, float[] g, int d, float[] dw, int wRows) {
    int bound = ROW.loopBound(d);
    for (int b = 0; b < batch; b++) {
      int go = b * d;
      int base = b * k;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          continue;
        }
        int row = SparseOps.rowOf(id, wRows, d);
        float v = val[base + j];
        FloatVector vv = FloatVector.broadcast(ROW, v);
        int t = 0;
        for (; t < bound; t += ROW_LANES) {
          vv.fma(FloatVector.fromArray(ROW, g, go + t), FloatVector.fromArray(ROW, dw, row + t))
              .intoArray(dw, row + t);
        }
        for (; t < d; t++) {
          dw[row + t] = Math.fma(v, g[go + t], dw[row + t]);
        }
      }
    }
  }

  @Override
  public void gatherDots(int batch, int k, int[] idx, float[] g, float[] w, int d, int wRows, float[] out) {
    Terms terms = TERMS.get().ensure(k);
    int[] slots = terms.slot;
    int[] rows = terms.row;
    for (int b = 0; b < batch; b++) {
      int go = b * d;
      int base = b * k;
      int n = 0;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          out[base + j] = 0f;
          continue;
        }
        slots[n] = base + j;
        rows[n] = SparseOps.rowOf(id, wRows, d);
        n++;
      }
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        dots4(g, go, w, rows[i], rows[i + 1], rows[i + 2], rows[i + 3], d, out, slots[i], slots[i + 1],
            slots[i + 2], slots[i + 3]);
      }
      for (; i < n; i++) {
        out[slots[i]] = dot(g, go, w, rows[i], d);
      }
    }
  }

  /** Four dot products of g's row with w's rows, each as {@link #dot} takes it, interleaved. */
  private static void dots4(float[] g, int go, float[] w, int r0, int r1, int r2, int r3, int d,
      float[] out, int o0, int o1, int o2, int o3) {
    FloatVector a0 = FloatVector.zero(DOT);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int t = 0;
    for (; t + 8 <= d; t += 8) {
      FloatVector x = FloatVector.fromArray(DOT, g, go + t);
      a0 = x.fma(FloatVector.fromArray(DOT, w, r0 + t), a0);
      a1 = x.fma(FloatVector.fromArray(DOT, w, r1 + t), a1);
      a2 = x.fma(FloatVector.fromArray(DOT, w, r2 + t), a2);
      a3 = x.fma(FloatVector.fromArray(DOT, w, r3 + t), a3);
    }
    out[o0] = finish(a0, g, go, w, r0, t, d);
    out[o1] = finish(a1, g, go, w, r1, t, d);
    out[o2] = finish(a2, g, go, w, r2, t, d);
    out[o3] = finish(a3, g, go, w, r3, t, d);
  }
}
