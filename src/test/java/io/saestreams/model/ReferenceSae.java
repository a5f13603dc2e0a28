package io.saestreams.model;

import java.util.Arrays;

/**
 * A plain, per-sample, double-precision implementation of the training loss, written
 * independently of {@link SaeEngine} (no GEMM, no sparse tricks), used for finite-difference
 * gradient checks. Parameters are double arrays in {@link SaeParameters}' layouts.
 */
final class ReferenceSae {
  final SaeConfig cfg;
  final int d;
  final int n;
  double[] wEnc;
  double[] bEnc;
  double[] wDec;
  double[] bDec;
  double[] theta;
  double inferenceThreshold;

  ReferenceSae(SaeConfig cfg, SaeParameters p) {
    this.cfg = cfg;
    this.d = cfg.inputDim();
    this.n = cfg.latentDim();
    wEnc = toDouble(p.wEnc);
    bEnc = toDouble(p.bEnc);
    wDec = toDouble(p.wDec);
    bDec = toDouble(p.bDec);
    theta = toDouble(p.theta);
    inferenceThreshold = p.inferenceThreshold;
  }

  static double[] toDouble(float[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i];
    }
    return r;
  }

  double[][] tensors() {
    return new double[][] {wEnc, bEnc, wDec, bDec, theta};
  }

  /** Pre-activations z (rows×n) for inputs xIn. */
  double[] preActivations(double[] xIn, int rows) {
    double[] z = new double[rows * n];
    for (int b = 0; b < rows; b++) {
      for (int j = 0; j < n; j++) {
        double s = bEnc[j];
        for (int i = 0; i < d; i++) {
          s += (xIn[b * d + i] - bDec[i]) * wEnc[j * d + i];
        }
        z[b * n + j] = s;
      }
    }
    return z;
  }

  /** Activations h (rows×n) in training mode. */
  double[] activations(double[] z, int rows) {
    double[] h = new double[rows * n];
    switch (cfg.activation()) {
      case SIGMOID -> {
        for (int i = 0; i < h.length; i++) {
          h[i] = 1 / (1 + Math.exp(-z[i]));
        }
      }
      case RELU -> {
        for (int i = 0; i < h.length; i++) {
          h[i] = Math.max(0, z[i]);
        }
      }
      case JUMPRELU -> {
        for (int b = 0; b < rows; b++) {
          for (int j = 0; j < n; j++) {
            double v = z[b * n + j];
            h[b * n + j] = v > theta[j] && v > 0 ? v : 0;
          }
        }
      }
      case TOPK -> {
        for (int b = 0; b < rows; b++) {
          double[] row = Arrays.copyOfRange(z, b * n, b * n + n);
          double[] sorted = row.clone();
          Arrays.sort(sorted);
          double kth = sorted[n - cfg.k()];
          for (int j = 0; j < n; j++) {
            h[b * n + j] = row[j] >= kth && row[j] > 0 ? row[j] : 0;
          }
        }
      }
      case BATCH_TOPK -> {
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        int want = Math.min(cfg.k() * rows, z.length);
        double kth = sorted[z.length - want];
        for (int i = 0; i < z.length; i++) {
          h[i] = z[i] >= kth && z[i] > 0 ? z[i] : 0;
        }
      }
      default -> throw new IllegalStateException();
    }
    return h;
  }

  double[] decode(double[] h, int rows) {
    double[] xhat = new double[rows * d];
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < d; i++) {
        double s = bDec[i];
        for (int j = 0; j < n; j++) {
          s += h[b * n + j] * wDec[j * d + i];
        }
        xhat[b * d + i] = s;
      }
    }
    return xhat;
  }

  /**
   * The training loss whose gradient the engine computes.
   *
   * @param klSlope for KL: β·KL'(ρ̂_j) evaluated at the (detached) running estimate; the surrogate
   *     Σ_j klSlope_j·mean_b h_bj has the engine's gradient
   * @param dead AuxK dead mask (null = no AuxK)
   * @param residual AuxK's detached residual x − x̂ (rows×d)
   */
  double loss(double[] xIn, double[] target, int rows, double[] klSlope, boolean[] dead,
      double[] residual) {
    double[] z = preActivations(xIn, rows);
    double[] h = activations(z, rows);
    double loss = reconstructionLoss(h, target, rows);
    if (cfg.sparsity() == Sparsity.L1) {
      double s = 0;
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < n; j++) {
          double w = cfg.l1DecoderNorm() ? decoderNorm(j) : 1;
          s += Math.abs(h[b * n + j]) * w;
        }
      }
      loss += cfg.l1Coefficient() * s / rows;
    } else if (cfg.sparsity() == Sparsity.TANH_L0) {
      double s = 0;
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < n; j++) {
          s += Math.tanh(cfg.tanhL0Scale() * h[b * n + j] * decoderNorm(j));
        }
      }
      loss += cfg.tanhL0Coefficient() * s / rows;
    } else if (cfg.sparsity() == Sparsity.KL) {
      for (int j = 0; j < n; j++) {
        double mean = 0;
        for (int b = 0; b < rows; b++) {
          mean += h[b * n + j];
        }
        loss += klSlope[j] * mean / rows;
      }
    }
    if (cfg.preActCoefficient() > 0) {
      double s = 0;
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < n; j++) {
          double th = cfg.activation() == Activation.JUMPRELU ? theta[j] : 0;
          s += Math.max(0, th - z[b * n + j]) * decoderNorm(j);
        }
      }
      loss += cfg.preActCoefficient() * s / rows;
    }
    if (cfg.weightDecay() > 0) {
      double sq = 0;
      for (int i = 0; i < wEnc.length; i++) {
        sq += wEnc[i] * wEnc[i] + wDec[i] * wDec[i];
      }
      loss += 0.5 * cfg.weightDecay() * sq;
    }
    if (dead != null) {
      loss += auxLoss(z, rows, dead, residual);
    }
    return loss;
  }

  /**
   * (1/B)·Σ_b ‖x̂_b − x_b‖², or with Matryoshka prefixes the mean over prefixes m of the same
   * with x̂ decoded from the first m latents only.
   */
  double reconstructionLoss(double[] h, double[] target, int rows) {
    java.util.List<Integer> prefixes =
        cfg.matryoshka() ? cfg.matryoshkaPrefixes() : java.util.List.of(n);
    double total = 0;
    for (int m : prefixes) {
      double[] hm = h.clone();
      for (int b = 0; b < rows; b++) {
        for (int j = m; j < n; j++) {
          hm[b * n + j] = 0;
        }
      }
      double[] xhat = decode(hm, rows);
      double loss = 0;
      for (int t = 0; t < rows * d; t++) {
        double e = xhat[t] - target[t];
        loss += e * e;
      }
      total += loss / rows;
    }
    return total / prefixes.size();
  }

  double decoderNorm(int j) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += wDec[j * d + i] * wDec[j * d + i];
    }
    return Math.sqrt(s);
  }

  double auxLoss(double[] z, int rows, boolean[] dead, double[] residual) {
    int deadCount = 0;
    for (boolean b : dead) {
      deadCount += b ? 1 : 0;
    }
    if (deadCount == 0) {
      return 0;
    }
    int ka = Math.min(cfg.auxK(), deadCount);
    double loss = 0;
    for (int b = 0; b < rows; b++) {
      double[] cand = new double[deadCount];
      int c = 0;
      for (int j = 0; j < n; j++) {
        if (dead[j]) {
          cand[c++] = z[b * n + j];
        }
      }
      Arrays.sort(cand);
      double kth = cand[deadCount - ka];
      double[] ehat = new double[d];
      for (int j = 0; j < n; j++) {
        double v = z[b * n + j];
        if (dead[j] && v >= kth && v > 0) {
          for (int i = 0; i < d; i++) {
            ehat[i] += v * wDec[j * d + i];
          }
        }
      }
      for (int i = 0; i < d; i++) {
        double diff = residual[b * d + i] - ehat[i];
        loss += diff * diff;
      }
    }
    return cfg.auxKCoefficient() * loss / rows;
  }
}
