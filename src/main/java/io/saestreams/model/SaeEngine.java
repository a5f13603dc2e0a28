package io.saestreams.model;

import io.saestreams.model.linalg.Gemm;
import io.saestreams.model.linalg.SparseOps;
import io.saestreams.model.linalg.VectorOps;
import java.util.Arrays;

/**
 * Forward and backward passes of a sparse autoencoder over a mini-batch, on work arrays allocated
 * once for a maximum batch size and reused (a hot step allocates nothing).
 *
 * <pre>
 *   Xc = X̃ − b_dec                 (X̃: the possibly corrupted input)
 *   Z  = Xc·W_encᵀ + b_enc
 *   H  = act(Z)
 *   X̂  = H·W_dec + b_dec
 *   L  = (1/B)·Σ_b ‖x̂_b − x_b‖²  + sparsity + (λ/2)(‖W_enc‖² + ‖W_dec‖²) + α·AuxK
 * </pre>
 *
 * With Matryoshka prefixes m_1 &lt; … &lt; m_P = n (Bussmann, Nabeshima, Karvonen and Nanda 2025,
 * "Learning multi-level features with Matryoshka sparse autoencoders") the reconstruction term
 * is the mean over the prefixes of the error of the first m_p latents alone, the selection (e.g.
 * BatchTopK) being made once over the whole dictionary:
 *
 * <pre>
 *   X̂⁽ᵖ⁾ = H[:, 0:m_p]·W_dec[0:m_p] + b_dec,   L_rec = (1/P)·Σ_p (1/B)·Σ_b ‖x̂⁽ᵖ⁾_b − x_b‖²
 * </pre>
 *
 * so latent j in group g = [m_{g−1}, m_g) receives G_g = (2/(PB))·Σ_{p ≥ g} (X̂⁽ᵖ⁾ − X).
 *
 * TopK codes are kept sparse (k indices and values per row): the decoder's forward and backward
 * products then touch only the k active decoder rows. Other activations use dense products.
 *
 * <p>Not thread-safe: one engine per thread.
 */
public final class SaeEngine {
  private final SaeConfig cfg;
  private final Gemm gemm;
  private final int maxBatch;
  private final int d;
  private final int n;
  private final boolean sparseCodes;
  private final int kSparse;

  // work arrays, row-major
  private final float[] xc; // B×d
  private final float[] z; // B×n
  private final float[] h; // B×n (dense activations)
  private final float[] xhat; // B×d, then reused for dL/dX̂
  private final float[] dh; // B×n (dense) — dL/dH then dL/dZ in place
  private final int[] idx; // B×k (TopK)
  private final float[] val; // B×k
  private final float[] dval; // B×k
  private final float[] rowError; // B
  private final float[] selectScratch; // B·n for BatchTopK selection
  private final float[] heapVal;
  private final int[] heapIdx;
  private final float[] perLatent; // n: decoder norms (L1) or KL derivative coefficients
  // AuxK work arrays, allocated on first use
  private int[] auxIdx;
  private float[] auxVal;
  private float[] auxDval;
  private float[] auxResidual;

  private int rows;
  // activity statistics work arrays (dense codes), allocated on first use
  private float[] mask;
  private float[] columnSums;
  private double[] latentSums; // n: Σ_b h_bj for the sparse decoder-norm L1 gradient
  private final float[] ones; // maxBatch ones: column sums and rank-one updates as products
  private final float[] diff; // B×d: X̂ − X
  private float lastBatchThreshold = Float.NaN;
  private float sparsityScale = 1f; // sparsity-coefficient warm-up, applied by the trainer
  private boolean constantWeights; // the weights forward() is given never change (a scorer's)
  // Matryoshka: group ends m_p, and per prefix but the last the error X̂⁽ᵖ⁾ − X, then G_p
  private final int[] prefixEnds;
  private final float[][] prefixErr;
  private final double[] prefixLoss;

  public SaeEngine(SaeConfig cfg, Gemm gemm, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
    }
    this.cfg = cfg;
    this.gemm = gemm;
    this.maxBatch = maxBatch;
    this.d = cfg.inputDim();
    this.n = cfg.latentDim();
    this.sparseCodes = cfg.activation() == Activation.TOPK;
    this.kSparse = sparseCodes ? cfg.k() : 0;
    xc = new float[maxBatch * d];
    z = new float[maxBatch * n];
    h = sparseCodes ? new float[0] : new float[maxBatch * n];
    dh = sparseCodes ? new float[0] : new float[maxBatch * n];
    xhat = new float[maxBatch * d];
    diff = new float[maxBatch * d];
    ones = new float[maxBatch];
    Arrays.fill(ones, 1f);
    idx = new int[maxBatch * kSparse];
    val = new float[maxBatch * kSparse];
    dval = new float[maxBatch * kSparse];
    rowError = new float[maxBatch];
    selectScratch = cfg.activation() == Activation.BATCH_TOPK ? new float[maxBatch * n] : null;
    int heap = Math.max(kSparse, cfg.auxKEnabled() ? Math.min(cfg.auxK(), n) : 0);
    heapVal = new float[Math.max(heap, 1)];
    heapIdx = new int[Math.max(heap, 1)];
    perLatent = new float[n];
    int groups = cfg.matryoshka() ? cfg.matryoshkaPrefixes().size() : 0;
    prefixEnds = cfg.matryoshkaPrefixes().stream().mapToInt(Integer::intValue).toArray();
    prefixErr = new float[Math.max(groups - 1, 0)][maxBatch * d];
    prefixLoss = new double[groups];
  }

  public SaeConfig config() {
    return cfg;
  }

  public int maxBatch() {
    return maxBatch;
  }

  public Gemm gemm() {
    return gemm;
  }

  /**
   * Declares that every {@link #forward} call gets weights that nobody modifies while this engine
   * is in use (an immutable model's, as a scorer has): the weight products then go through
   * {@link Gemm#gemmConstantB}, which lets a backend keep its copy of the weights between batches.
   * Training engines, whose weights change every step, must not call this.
   *
   * @return this engine
   */
  public SaeEngine constantWeights() {
    this.constantWeights = true;
    return this;
  }

  /** Rows of the last forward pass. */
  public int rows() {
    return rows;
  }

  /**
   * Multiplies the sparsity coefficient (L1 λ, KL β) in {@link #backward}: the trainer's
   * sparsity warm-up ramps it from 0 to 1. Default 1.
   */
  public void sparsityScale(float scale) {
    this.sparsityScale = scale;
  }

  /** The BatchTopK selection threshold of the last training forward pass (NaN otherwise). */
  public float lastBatchThreshold() {
    return lastBatchThreshold;
  }

  // ---------------------------------------------------------------------------------------------
  // forward

  /**
   * Encodes and reconstructs {@code rows} inputs. In training mode BatchTopK selects over the
   * batch; otherwise it uses the running threshold.
   *
   * @param p parameters. Not modified.
   * @param x input, rows×d. Not modified.
   * @param target clean input the error is measured against (may be {@code x}). Not modified.
   */
  public void forward(SaeParameters p, float[] x, float[] target, int rows, boolean training) {
    if (rows < 0 || rows > maxBatch) {
      throw new IllegalArgumentException("rows must be in [0, " + maxBatch + "], got " + rows);
    }
    this.rows = rows;
    if (rows == 0) {
      return;
    }
    // Xc = X̃ − 1·b_decᵀ (a copy and a rank-one update)
    System.arraycopy(x, 0, xc, 0, rows * d);
    gemm.gemm(false, false, rows, d, 1, -1f, ones, 0, 1, p.bDec, 0, d, 1f, xc, 0, d);
    // Z = Xc·W_encᵀ + b_enc (bias rows first, then accumulate the product)
    for (int b = 0; b < rows; b++) {
      System.arraycopy(p.bEnc, 0, z, b * n, n);
    }
    if (constantWeights) {
      gemm.gemmConstantB(false, true, rows, n, d, 1f, xc, 0, d, p.wEnc, 0, d, 1f, z, 0, n);
    } else {
      gemm.gemm(false, true, rows, n, d, 1f, xc, 0, d, p.wEnc, 0, d, 1f, z, 0, n);
    }
    activate(p, training);
    // X̂ = H·W_dec + b_dec
    for (int b = 0; b < rows; b++) {
      System.arraycopy(p.bDec, 0, xhat, b * d, d);
    }
    if (sparseCodes) {
      SparseOps.decode(rows, kSparse, idx, val, p.wDec, d, xhat);
    } else if (training && cfg.matryoshka()) {
      decodeNested(p, target);
    } else if (constantWeights) {
      gemm.gemmConstantB(false, false, rows, d, n, 1f, h, 0, n, p.wDec, 0, d, 1f, xhat, 0, d);
    } else {
      gemm.gemm(false, false, rows, d, n, 1f, h, 0, n, p.wDec, 0, d, 1f, xhat, 0, d);
    }
    // E = X̂ − X (kept for the backward pass); ‖e_b‖² per row
    int len = rows * d;
    for (int i = 0; i < len; i++) {
      diff[i] = xhat[i] - target[i];
    }
    for (int b = 0; b < rows; b++) {
      rowError[b] = (float) VectorOps.sumOfSquares(diff, b * d, d);
    }
    if (training && cfg.matryoshka()) {
      prefixLoss[prefixEnds.length - 1] = VectorOps.sumOfSquares(diff, 0, len);
    }
  }

  /**
   * X̂ group by group: X̂ += H[:, m_{p−1}:m_p]·W_dec[m_{p−1}:m_p]; after each group but the last,
   * the prefix error X̂⁽ᵖ⁾ − X and its squared sum are kept.
   */
  private void decodeNested(SaeParameters p, float[] target) {
    int len = rows * d;
    int lo = 0;
    for (int g = 0; g < prefixEnds.length; g++) {
      int hi = prefixEnds[g];
      gemm.gemm(false, false, rows, d, hi - lo, 1f, h, lo, n, p.wDec, lo * d, d, 1f, xhat, 0, d);
      if (g < prefixErr.length) {
        float[] e = prefixErr[g];
        for (int i = 0; i < len; i++) {
          e[i] = xhat[i] - target[i];
        }
        prefixLoss[g] = VectorOps.sumOfSquares(e, 0, len);
      }
      lo = hi;
    }
  }

  private void activate(SaeParameters p, boolean training) {
    int total = rows * n;
    switch (cfg.activation()) {
      case SIGMOID -> {
        for (int i = 0; i < total; i++) {
          h[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
        }
      }
      case RELU -> {
        for (int i = 0; i < total; i++) {
          h[i] = Math.max(z[i], 0f);
        }
      }
      case JUMPRELU -> {
        for (int b = 0; b < rows; b++) {
          int o = b * n;
          for (int j = 0; j < n; j++) {
            float v = z[o + j];
            h[o + j] = v > p.theta[j] && v > 0f ? v : 0f;
          }
        }
      }
      case TOPK -> {
        for (int b = 0; b < rows; b++) {
          selectTopK(z, b * n, n, null, kSparse, idx, val, b * kSparse);
        }
      }
      case BATCH_TOPK -> {
        float thr;
        if (training) {
          thr = batchThreshold(total);
          lastBatchThreshold = thr;
        } else {
          thr = p.inferenceThreshold;
        }
        for (int i = 0; i < total; i++) {
          float v = z[i];
          h[i] = v > 0f && v >= thr ? v : 0f;
        }
      }
      default -> throw new IllegalStateException("unhandled activation " + cfg.activation());
    }
  }

  /** The (k·B)-th largest positive pre-activation of the batch (0 when fewer are positive). */
  private float batchThreshold(int total) {
    int m = 0;
    for (int i = 0; i < total; i++) {
      if (z[i] > 0f) {
        selectScratch[m++] = z[i];
      }
    }
    int want = Math.min(cfg.k() * rows, total);
    if (m <= want) {
      return Float.MIN_VALUE; // every positive value is kept
    }
    // the want-th largest = the (m − want)-th smallest (0-based)
    return Selection.select(selectScratch, 0, m, m - want);
  }

  /**
   * Keeps the k largest positive values of {@code src[off..off+len)} (restricted to {@code mask}
   * when non-null) in descending order into idx/val at {@code outOff}; unused slots get index −1.
   */
  private void selectTopK(
      float[] src, int off, int len, boolean[] mask, int k, int[] outIdx, float[] outVal, int outOff) {
    int size = 0;
    int j = 0;
    // fill the heap with the first k positive (unmasked) values
    for (; j < len && size < k; j++) {
      float v = src[off + j];
      if (v > 0f && (mask == null || mask[j])) {
        int c = size++;
        while (c > 0) {
          int parent = (c - 1) >>> 1;
          if (heapVal[parent] <= v) {
            break;
          }
          heapVal[c] = heapVal[parent];
          heapIdx[c] = heapIdx[parent];
          c = parent;
        }
        heapVal[c] = v;
        heapIdx[c] = j;
      }
    }
    // then only values above the heap's minimum enter (one comparison per element)
    if (size == k) {
      float min = heapVal[0];
      if (mask == null) {
        for (; j < len; j++) {
          float v = src[off + j];
          if (v > min) {
            siftDown(v, j, size);
            min = heapVal[0];
          }
        }
      } else {
        for (; j < len; j++) {
          float v = src[off + j];
          if (v > min && mask[j]) {
            siftDown(v, j, size);
            min = heapVal[0];
          }
        }
      }
    }
    // pop ascending, fill from the back so the output is descending
    for (int s = size; s < k; s++) {
      outIdx[outOff + s] = -1;
      outVal[outOff + s] = 0f;
    }
    for (int s = size - 1; s >= 0; s--) {
      outIdx[outOff + s] = heapIdx[0];
      outVal[outOff + s] = heapVal[0];
      float lastV = heapVal[s];
      int lastI = heapIdx[s];
      if (s > 0) {
        siftDown(lastV, lastI, s);
      }
    }
  }

  private void siftDown(float v, int j, int size) {
    int c = 0;
    while (true) {
      int l = 2 * c + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = r < size && heapVal[r] < heapVal[l] ? r : l;
      if (heapVal[m] >= v) {
        break;
      }
      heapVal[c] = heapVal[m];
      heapIdx[c] = heapIdx[m];
      c = m;
    }
    heapVal[c] = v;
    heapIdx[c] = j;
  }

  // ---------------------------------------------------------------------------------------------
  // backward

  /**
   * After {@link #forward} in training mode: the loss and its gradient.
   *
   * @param p parameters. Not modified.
   * @param target the clean input, rows×d. Not modified.
   * @param rhoHat running average activation per latent, already updated with this batch (KL
   *     only; may be null otherwise). Not modified.
   * @param dead dead-latent mask for AuxK (may be null). Not modified.
   * @param grad receives the gradient. Modified.
   * @param inputGrad when non-null, receives dL/dX̃ (rows×d, through the encoder) — the gradient
   *     with respect to the clean target is {@code −(2/B)(x̂ − x)} (with Matryoshka prefixes, the
   *     mean over the prefixes of the same with each prefix's x̂). Modified.
   * @return the loss by component
   */
  public LossParts backward(
      SaeParameters p,
      float[] target,
      float[] rhoHat,
      boolean[] dead,
      SaeParameters grad,
      float[] inputGrad) {
    int rows = this.rows;
    if (sparseCodes || cfg.auxKEnabled()) {
      grad.zero();
    } else {
      // the dense products overwrite the weight gradients; only the small tensors accumulate
      grad.zeroBiases();
    }
    if (rows == 0) {
      return LossParts.ZERO;
    }
    float invB = 1f / rows;
    double recon = 0;
    for (int b = 0; b < rows; b++) {
      recon += rowError[b];
    }
    recon *= invB;
    // G = dL/dX̂ = (2/B)(X̂ − X), stored in xhat; db_dec = Σ_b G_b = 1ᵀ·G (encoder part below)
    float two = 2f * invB;
    int len = rows * d;
    if (cfg.matryoshka()) {
      recon = nestedErrorGradients(invB);
    } else {
      for (int i = 0; i < len; i++) {
        xhat[i] = two * diff[i];
      }
    }
    float[] gAll = cfg.matryoshka() ? prefixErr[0] : xhat;
    gemm.gemm(false, false, 1, d, rows, 1f, ones, 0, rows, gAll, 0, d, 1f, grad.bDec, 0, d);
    // the decoder norms, once, for every term that weighs a latent by them (none writes p here)
    if ((cfg.sparsity() == Sparsity.L1 && cfg.l1DecoderNorm()) || cfg.sparsity() == Sparsity.TANH_L0
        || cfg.preActCoefficient() > 0) {
      for (int j = 0; j < n; j++) {
        perLatent[j] = (float) p.decoderNorm(j);
      }
    }
    double sparsity;
    double aux = 0;
    if (sparseCodes) {
      sparsity = backwardSparse(p, grad, invB);
    } else {
      sparsity = backwardDense(p, rhoHat, grad, invB);
    }
    if (cfg.auxKEnabled() && dead != null) {
      aux = auxK(p, target, dead, grad, invB);
    }
    // encoder half of b_dec: Xc = X̃ − b_dec ⇒ db_dec −= Σ_b dZ_b·W_enc = (Σ_b dZ_b)·W_enc = db_enc·W_enc
    gemm.gemm(false, false, 1, d, n, -1f, grad.bEnc, 0, n, p.wEnc, 0, d, 1f, grad.bDec, 0, d);
    double wd = 0;
    if (cfg.weightDecay() > 0) {
      float lambda = cfg.weightDecay();
      double sq = 0;
      for (int i = 0; i < p.wEnc.length; i++) {
        sq += (double) p.wEnc[i] * p.wEnc[i] + (double) p.wDec[i] * p.wDec[i];
        grad.wEnc[i] += lambda * p.wEnc[i];
        grad.wDec[i] += lambda * p.wDec[i];
      }
      wd = 0.5 * lambda * sq;
    }
    if (inputGrad != null) {
      inputGradient(p, inputGrad);
    }
    return new LossParts(recon, sparsity, wd, aux);
  }

  /**
   * Matryoshka: G_P = c·(X̂ − X) into xhat and, from the last prefix down, G_g = c·(X̂⁽ᵍ⁾ − X) +
   * G_{g+1} in place of the prefix errors, c = 2/(PB); returns L_rec.
   */
  private double nestedErrorGradients(float invB) {
    int groups = prefixEnds.length;
    int len = rows * d;
    float c = 2f * invB / groups;
    for (int i = 0; i < len; i++) {
      xhat[i] = c * diff[i];
    }
    float[] next = xhat;
    for (int g = groups - 2; g >= 0; g--) {
      float[] e = prefixErr[g];
      for (int i = 0; i < len; i++) {
        e[i] = c * e[i] + next[i];
      }
      next = e;
    }
    double sum = 0;
    for (double l : prefixLoss) {
      sum += l;
    }
    return sum * invB / groups;
  }

  private double backwardDense(SaeParameters p, float[] rhoHat, SaeParameters grad, float invB) {
    int total = rows * n;
    if (cfg.matryoshka()) {
      // per group g = [lo, hi): dW_dec[lo:hi] = H[:, lo:hi]ᵀ·G_g ; dH[:, lo:hi] = G_g·W_dec[lo:hi]ᵀ
      int lo = 0;
      for (int g = 0; g < prefixEnds.length; g++) {
        int hi = prefixEnds[g];
        float[] gg = g < prefixErr.length ? prefixErr[g] : xhat;
        gemm.gemm(true, false, hi - lo, d, rows, 1f, h, lo, n, gg, 0, d, 0f, grad.wDec, lo * d, d);
        gemm.gemm(false, true, rows, hi - lo, d, 1f, gg, 0, d, p.wDec, lo * d, d, 0f, dh, lo, n);
        lo = hi;
      }
    } else {
      // dW_dec = Hᵀ·G
      gemm.gemm(true, false, n, d, rows, 1f, h, 0, n, xhat, 0, d, 0f, grad.wDec, 0, d);
      // dH = G·W_decᵀ
      gemm.gemm(false, true, rows, n, d, 1f, xhat, 0, d, p.wDec, 0, d, 0f, dh, 0, n);
    }
    double sparsity = 0;
    if (cfg.sparsity() == Sparsity.L1) {
      float lambda = cfg.l1Coefficient() * sparsityScale;
      double s = 0;
      if (cfg.l1DecoderNorm()) {
        for (int b = 0; b < rows; b++) {
          int o = b * n;
          for (int j = 0; j < n; j++) {
            float hv = h[o + j];
            if (hv != 0f) {
              s += (double) hv * perLatent[j];
              dh[o + j] += lambda * invB * perLatent[j];
            }
          }
        }
        addDecoderNormGradient(p, grad, lambda * invB);
      } else {
        // activations are non-negative: |h| = h, and d|h|/dh = 1 where h > 0; added everywhere,
        // since the activation's derivative below is 0 wherever h = 0
        float c = lambda * invB;
        for (int i = 0; i < total; i++) {
          dh[i] += c;
        }
        s = VectorOps.sum(h, 0, total);
      }
      sparsity = lambda * invB * s;
    } else if (cfg.sparsity() == Sparsity.KL) {
      float rho = cfg.klTarget();
      float beta = cfg.klWeight() * sparsityScale;
      double kl = 0;
      for (int j = 0; j < n; j++) {
        double r = clampRho(rhoHat[j]);
        kl += rho * Math.log(rho / r) + (1 - rho) * Math.log((1 - rho) / (1 - r));
        // d KL / d ρ̂_j, applied per sample with weight 1/B
        perLatent[j] = (float) (beta * invB * (-rho / r + (1 - rho) / (1 - r)));
      }
      for (int b = 0; b < rows; b++) {
        int o = b * n;
        for (int j = 0; j < n; j++) {
          dh[o + j] += perLatent[j];
        }
      }
      sparsity = beta * kl;
    }
    // dZ = dH ⊙ act'(Z), in place in dh
    switch (cfg.activation()) {
      case SIGMOID -> {
        for (int i = 0; i < total; i++) {
          float hv = h[i];
          dh[i] *= hv * (1f - hv);
        }
      }
      case RELU, BATCH_TOPK -> {
        for (int i = 0; i < total; i++) {
          dh[i] = h[i] > 0f ? dh[i] : 0f;
        }
      }
      case JUMPRELU -> {
        // straight-through estimator: ∂h/∂θ_j = −(θ_j/ε)·K((z − θ_j)/ε), K = 1 on |u| < 1/2
        float eps = cfg.jumpBandwidth();
        for (int b = 0; b < rows; b++) {
          int o = b * n;
          for (int j = 0; j < n; j++) {
            float zv = z[o + j];
            float th = p.theta[j];
            if (Math.abs(zv - th) < 0.5f * eps) {
              grad.theta[j] -= dh[o + j] * th / eps;
            }
            if (h[o + j] == 0f) {
              dh[o + j] = 0f;
            }
          }
        }
      }
      default -> throw new IllegalStateException("dense backward for " + cfg.activation());
    }
    if (cfg.sparsity() == Sparsity.TANH_L0) {
      sparsity = tanhL0(p, grad, invB);
    }
    if (cfg.preActCoefficient() > 0) {
      sparsity += preActivation(p, grad, invB);
    }
    // db_enc = Σ_b dZ_b = 1ᵀ·dZ ; dW_enc = dZᵀ·Xc
    gemm.gemm(false, false, 1, n, rows, 1f, ones, 0, rows, dh, 0, n, 1f, grad.bEnc, 0, n);
    gemm.gemm(true, false, n, d, rows, 1f, dh, 0, n, xc, 0, d, 0f, grad.wEnc, 0, d);
    return sparsity;
  }

  private double backwardSparse(SaeParameters p, SaeParameters grad, float invB) {
    int k = kSparse;
    // dW_dec[idx] += val·G ; dval = G·W_dec[idx]ᵀ
    SparseOps.accumulateOuter(rows, k, idx, val, xhat, d, grad.wDec);
    SparseOps.gatherDots(rows, k, idx, xhat, p.wDec, d, dval);
    double sparsity = 0;
    if (cfg.sparsity() == Sparsity.L1) {
      float lambda = cfg.l1Coefficient() * sparsityScale;
      double s = 0;
      for (int t = 0; t < rows * k; t++) {
        int j = idx[t];
        if (j >= 0) {
          float w = cfg.l1DecoderNorm() ? perLatent[j] : 1f;
          s += (double) val[t] * w;
          dval[t] += lambda * invB * w;
        }
      }
      if (cfg.l1DecoderNorm()) {
        addDecoderNormGradientSparse(p, grad, lambda * invB);
      }
      sparsity = lambda * invB * s;
    }
    // dZ at the selected entries (ReLU of the kept values: selected values are > 0)
    for (int t = 0; t < rows * k; t++) {
      int j = idx[t];
      if (j >= 0) {
        grad.bEnc[j] += dval[t];
      } else {
        dval[t] = 0f;
      }
    }
    SparseOps.accumulateOuter(rows, k, idx, dval, xc, d, grad.wEnc);
    return sparsity;
  }

  /**
   * The tanh-L0 penalty S = (λ/B)·Σ_b Σ_j tanh(c·h_bj·‖w_j‖) (see {@link Sparsity#TANH_L0}),
   * applied after the activation's derivative (dh holds dZ): where h_bj > 0, dZ_bj += (λ/B)·
   * c·‖w_j‖·sech²(a_bj), a_bj = c·h_bj·‖w_j‖, and dW_dec,j += (λ/B)·Σ_b c·h_bj·sech²(a_bj)·
   * w_j/‖w_j‖; for JumpReLU, θ_j gets the penalty's jump tanh(c·θ_j·‖w_j‖) through the kernel:
   * dθ_j −= (λ/B)·tanh(c·θ_j·‖w_j‖)/ε for every b with |z_bj − θ_j| &lt; ε/2. Reads the decoder
   * norms from perLatent ({@link #backward} fills it).
   */
  private double tanhL0(SaeParameters p, SaeParameters grad, float invB) {
    double lam = cfg.tanhL0Coefficient() * (double) invB;
    double c = cfg.tanhL0Scale();
    boolean jump = cfg.activation() == Activation.JUMPRELU;
    float eps = cfg.jumpBandwidth();
    double s = 0;
    for (int j = 0; j < n; j++) {
      double norm = perLatent[j];
      double slope = lam * c * norm;
      double dirSum = 0;
      int inWindow = 0;
      float th = p.theta[j];
      for (int b = 0; b < rows; b++) {
        int i = b * n + j;
        float hv = h[i];
        if (hv > 0f) {
          double t = Math.tanh(c * hv * norm);
          double sech2 = 1 - t * t;
          s += t;
          dh[i] += (float) (slope * sech2);
          dirSum += c * hv * sech2;
        }
        if (jump && Math.abs(z[i] - th) < 0.5f * eps) {
          inWindow++;
        }
      }
      addScaledDirection(p, grad, j, lam * dirSum);
      if (inWindow > 0) {
        grad.theta[j] -= (float) (inWindow * lam * Math.tanh(c * th * norm) / eps);
      }
    }
    return lam * s;
  }

  /**
   * The pre-activation penalty P = (λ_p/B)·Σ_b Σ_j ReLU(θ_j − z_bj)·‖w_j‖ (θ_j = 0 for ReLU), added
   * to dZ (dh holds it) after the activation's derivative: where θ_j &gt; z_bj, dZ_bj −= (λ_p/B)·
   * ‖w_j‖, dθ_j += (λ_p/B)·‖w_j‖ (JumpReLU: an exact gradient, besides the straight-through one
   * of the jump) and dW_dec,j += (λ_p/B)·(θ_j − z_bj)·w_j/‖w_j‖. Reads the decoder norms from
   * perLatent ({@link #backward} fills it).
   */
  private double preActivation(SaeParameters p, SaeParameters grad, float invB) {
    double lam = cfg.preActCoefficient() * (double) invB;
    boolean jump = cfg.activation() == Activation.JUMPRELU;
    double s = 0;
    for (int j = 0; j < n; j++) {
      double norm = perLatent[j];
      float th = jump ? p.theta[j] : 0f;
      float dz = (float) (lam * norm);
      double gaps = 0;
      int below = 0;
      for (int b = 0; b < rows; b++) {
        int i = b * n + j;
        double gap = (double) th - z[i];
        if (gap > 0) {
          gaps += gap;
          below++;
          dh[i] -= dz;
        }
      }
      s += gaps * norm;
      addScaledDirection(p, grad, j, lam * gaps);
      if (jump && below > 0) {
        grad.theta[j] += (float) (below * lam * norm);
      }
    }
    return lam * s;
  }

  /** d/dW_dec of coef·Σ_b Σ_j h_bj·‖w_j‖ = coef·(Σ_b h_bj)·w_j/‖w_j‖ (dense codes). */
  private void addDecoderNormGradient(SaeParameters p, SaeParameters grad, float coef) {
    for (int j = 0; j < n; j++) {
      double sum = 0;
      for (int b = 0; b < rows; b++) {
        sum += h[b * n + j];
      }
      addScaledDirection(p, grad, j, coef * sum);
    }
  }

  private void addDecoderNormGradientSparse(SaeParameters p, SaeParameters grad, float coef) {
    if (latentSums == null) {
      latentSums = new double[n];
    }
    double[] sums = latentSums;
    Arrays.fill(sums, 0);
    for (int t = 0; t < rows * kSparse; t++) {
      if (idx[t] >= 0) {
        sums[idx[t]] += val[t];
      }
    }
    for (int j = 0; j < n; j++) {
      addScaledDirection(p, grad, j, coef * sums[j]);
    }
  }

  private void addScaledDirection(SaeParameters p, SaeParameters grad, int j, double scale) {
    float norm = perLatent[j];
    if (scale == 0 || norm == 0f) {
      return;
    }
    float f = (float) (scale / norm);
    int o = j * d;
    for (int i = 0; i < d; i++) {
      grad.wDec[o + i] += f * p.wDec[o + i];
    }
  }

  /**
   * AuxK (Gao et al. 2024): the top-k_aux dead latents reconstruct the main residual r = x − x̂
   * (held constant): L_aux = α·(1/B)·Σ_b ‖r_b − ê_b‖², ê = TopK_aux(Z on dead)·W_dec.
   */
  private double auxK(
      SaeParameters p, float[] target, boolean[] dead, SaeParameters grad, float invB) {
    int deadCount = 0;
    for (boolean dd : dead) {
      if (dd) {
        deadCount++;
      }
    }
    if (deadCount == 0) {
      return 0;
    }
    int ka = Math.min(cfg.auxK(), deadCount);
    if (auxIdx == null || auxIdx.length < maxBatch * ka) {
      int cap = maxBatch * Math.min(cfg.auxK(), n);
      auxIdx = new int[cap];
      auxVal = new float[cap];
      auxDval = new float[cap];
      auxResidual = new float[maxBatch * d];
    }
    for (int b = 0; b < rows; b++) {
      selectTopK(z, b * n, n, dead, ka, auxIdx, auxVal, b * ka);
    }
    // residual r = x − x̂ of the whole dictionary: −(B/2)·G from G in xhat (the rounding every
    // run before Matryoshka had, kept so that their results stay bit for bit), and, with
    // Matryoshka prefixes (xhat holds G scaled by 1/P there), −(x̂ − x) directly
    boolean nested = cfg.matryoshka();
    float back = -0.5f * rows;
    // ê into auxResidual, then dL/dê = (2α/B)(ê − r)
    Arrays.fill(auxResidual, 0, rows * d, 0f);
    SparseOps.decode(rows, ka, auxIdx, auxVal, p.wDec, d, auxResidual);
    float alpha = cfg.auxKCoefficient();
    double loss = 0;
    for (int t = 0; t < rows * d; t++) {
      float r = nested ? -this.diff[t] : back * xhat[t];
      float diff = auxResidual[t] - r;
      loss += (double) diff * diff;
      auxResidual[t] = 2f * alpha * invB * diff;
    }
    SparseOps.accumulateOuter(rows, ka, auxIdx, auxVal, auxResidual, d, grad.wDec);
    SparseOps.gatherDots(rows, ka, auxIdx, auxResidual, p.wDec, d, auxDval);
    for (int t = 0; t < rows * ka; t++) {
      int j = auxIdx[t];
      if (j >= 0) {
        grad.bEnc[j] += auxDval[t];
      } else {
        auxDval[t] = 0f;
      }
    }
    SparseOps.accumulateOuter(rows, ka, auxIdx, auxDval, xc, d, grad.wEnc);
    return alpha * invB * loss;
  }

  /** dL/dX̃ = dZ·W_enc (through the encoder only; auxiliary terms excluded). */
  private void inputGradient(SaeParameters p, float[] out) {
    if (sparseCodes) {
      Arrays.fill(out, 0, rows * d, 0f);
      SparseOps.decode(rows, kSparse, idx, dval, p.wEnc, d, out);
    } else {
      gemm.gemm(false, false, rows, d, n, 1f, dh, 0, n, p.wEnc, 0, d, 0f, out, 0, d);
    }
  }

  static double clampRho(double r) {
    return Math.min(Math.max(r, 1e-6), 1 - 1e-6);
  }

  // ---------------------------------------------------------------------------------------------
  // results of the last forward pass

  /** Squared reconstruction error ‖x̂_b − x_b‖² of row b. */
  public float rowError(int b) {
    return rowError[b];
  }

  /** Reconstruction of row b (only valid right after {@link #forward}, before backward). */
  public void reconstruction(int b, float[] out) {
    System.arraycopy(xhat, b * d, out, 0, d);
  }

  /**
   * Writes row b's active latents (value ≠ 0; for sigmoid, value > 0.5) into {@code outIdx} and
   * {@code outVal} (each at least n long, or k for TopK) and returns how many.
   */
  public int code(int b, int[] outIdx, float[] outVal) {
    int m = 0;
    if (sparseCodes) {
      for (int j = 0; j < kSparse; j++) {
        int c = idx[b * kSparse + j];
        if (c >= 0) {
          outIdx[m] = c;
          outVal[m++] = val[b * kSparse + j];
        }
      }
      return m;
    }
    float min = cfg.activation() == Activation.SIGMOID ? 0.5f : 0f;
    int o = b * n;
    for (int j = 0; j < n; j++) {
      float v = h[o + j];
      if (v > min) {
        outIdx[m] = j;
        outVal[m++] = v;
      }
    }
    return m;
  }

  /**
   * Adds this batch's activations into per-latent sums: {@code activationSum[j] += Σ_b h_bj},
   * {@code fired[j] += #(b: latent j active)}; returns the number of active (b, j) pairs.
   */
  public long accumulateActivity(double[] activationSum, long[] fired) {
    long active = 0;
    if (sparseCodes) {
      for (int t = 0; t < rows * kSparse; t++) {
        int j = idx[t];
        if (j >= 0) {
          activationSum[j] += val[t];
          fired[j]++;
          active++;
        }
      }
      return active;
    }
    // column sums as products with a row of ones (one GEMM each); the firing mask is built in
    // one contiguous pass
    float min = cfg.activation() == Activation.SIGMOID ? 0.5f : 0f;
    int total = rows * n;
    if (mask == null) {
      mask = new float[maxBatch * n];
      columnSums = new float[n];
    }
    for (int i = 0; i < total; i++) {
      mask[i] = h[i] > min ? 1f : 0f;
    }
    gemm.gemm(false, false, 1, n, rows, 1f, ones, 0, rows, h, 0, n, 0f, columnSums, 0, n);
    for (int j = 0; j < n; j++) {
      activationSum[j] += columnSums[j];
    }
    gemm.gemm(false, false, 1, n, rows, 1f, ones, 0, rows, mask, 0, n, 0f, columnSums, 0, n);
    for (int j = 0; j < n; j++) {
      long count = Math.round(columnSums[j]); // exact: small integers in float
      fired[j] += count;
      active += count;
    }
    return active;
  }

  /** Σ_b ‖x̂_b − x_b‖² over the last forward pass. */
  public double sumRowErrors() {
    double s = 0;
    for (int b = 0; b < rows; b++) {
      s += rowError[b];
    }
    return s;
  }

  /** Mean activation of each latent over the last batch into {@code out}. */
  public void batchMeanActivation(float[] out) {
    Arrays.fill(out, 0f);
    if (rows == 0) {
      return;
    }
    if (sparseCodes) {
      for (int t = 0; t < rows * kSparse; t++) {
        if (idx[t] >= 0) {
          out[idx[t]] += val[t];
        }
      }
    } else {
      for (int b = 0; b < rows; b++) {
        int o = b * n;
        for (int j = 0; j < n; j++) {
          out[j] += h[o + j];
        }
      }
    }
    float inv = 1f / rows;
    for (int j = 0; j < n; j++) {
      out[j] *= inv;
    }
  }
}
