package io.saestreams.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import io.saestreams.model.linalg.VectorOps;
import java.util.Arrays;

/**
 * Stateful first-order optimiser over a fixed list of flat tensors: holds the moments, applies
 * warm-up and global-norm clipping, and can reset the moments of single rows (dead-latent
 * revival). State round-trips through {@link #write}/{@link #read}.
 */
public final class Optimizer {
  private final OptimizerConfig cfg;
  private final float[][] first; // momentum / Adam m (null when unused)
  private final float[][] second; // RMSprop / Adam v (null when unused)
  private long step;

  /**
   * @param sizes length of each tensor, in the order the tensors will be passed to {@link #apply}
   */
  public Optimizer(OptimizerConfig cfg, int[] sizes) {
    this.cfg = cfg;
    boolean useFirst = cfg.kind() == OptimizerKind.MOMENTUM || cfg.kind() == OptimizerKind.ADAM;
    boolean useSecond = cfg.kind() == OptimizerKind.RMSPROP || cfg.kind() == OptimizerKind.ADAM;
    first = useFirst ? new float[sizes.length][] : null;
    second = useSecond ? new float[sizes.length][] : null;
    for (int t = 0; t < sizes.length; t++) {
      if (useFirst) {
        first[t] = new float[sizes[t]];
      }
      if (useSecond) {
        second[t] = new float[sizes[t]];
      }
    }
  }

  public OptimizerConfig config() {
    return cfg;
  }

  /** Updates applied so far. */
  public long step() {
    return step;
  }

  /** Global L2 norm of the gradient (double accumulation); NaN/Inf when any entry is. */
  public static double globalNorm(float[][] grads) {
    double s = 0;
    for (float[] g : grads) {
      s += VectorOps.sumOfSquares(g, 0, g.length);
    }
    return Math.sqrt(s);
  }

  /**
   * One update. Clips the gradient in place when its global norm exceeds the clip norm.
   *
   * @param params tensors. Modified.
   * @param grads gradients, same shapes. Modified (scaled) when clipping.
   * @param gradNorm the global norm of {@code grads}, from {@link #globalNorm}
   * @return the learning rate used
   */
  public float apply(float[][] params, float[][] grads, double gradNorm) {
    step++;
    float lr = cfg.learningRateAt(step);
    float scale = 1f;
    if (cfg.clipNorm() > 0 && gradNorm > cfg.clipNorm()) {
      scale = (float) (cfg.clipNorm() / gradNorm);
    }
    for (int t = 0; t < params.length; t++) {
      update(t, params[t], grads[t], lr, scale);
    }
    return lr;
  }

  private void update(int t, float[] p, float[] g, float lr, float scale) {
    int len = p.length;
    switch (cfg.kind()) {
      case SGD -> {
        float a = lr * scale;
        for (int i = 0; i < len; i++) {
          p[i] -= a * g[i];
        }
      }
      case MOMENTUM -> {
        float[] v = first[t];
        float mu = cfg.beta1();
        for (int i = 0; i < len; i++) {
          float vi = mu * v[i] + scale * g[i];
          v[i] = vi;
          p[i] -= lr * vi;
        }
      }
      case RMSPROP -> {
        float[] s = second[t];
        float rho = cfg.beta2();
        float eps = cfg.epsilon();
        for (int i = 0; i < len; i++) {
          float gi = scale * g[i];
          float si = rho * s[i] + (1f - rho) * gi * gi;
          s[i] = si;
          p[i] -= lr * gi / ((float) Math.sqrt(si) + eps);
        }
      }
      case ADAM -> {
        float[] m = first[t];
        float[] v = second[t];
        float b1 = cfg.beta1();
        float b2 = cfg.beta2();
        // bias correction folded into the step size: η_t = η·√(1−β2^t)/(1−β1^t)
        double c1 = 1 - Math.pow(b1, step);
        double c2 = 1 - Math.pow(b2, step);
        float a = (float) (lr * Math.sqrt(c2) / c1);
        float eps = (float) (cfg.epsilon() * Math.sqrt(c2));
        for (int i = 0; i < len; i++) {
          float gi = scale * g[i];
          float mi = b1 * m[i] + (1f - b1) * gi;
          float vi = b2 * v[i] + (1f - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          p[i] -= a * mi / ((float) Math.sqrt(vi) + eps);
        }
      }
      default -> throw new IllegalStateException("unhandled optimizer " + cfg.kind());
    }
  }

  /**
   * The live first-moment arrays (momentum velocity, Adam's m), one per tensor in {@link #apply}'s
   * order, or null when this kind keeps none (SGD, RMSprop). Writes change the next updates; data-
   * parallel training uses this to average the moments of replicas.
   */
  public float[][] firstMoments() {
    return first;
  }

  /**
   * The live second-moment arrays (RMSprop's and Adam's v), one per tensor in {@link #apply}'s
   * order, or null when this kind keeps none (SGD, momentum). Writes change the next updates.
   */
  public float[][] secondMoments() {
    return second;
  }

  /** Zeroes the moments of {@code tensor[from..from+len)} (e.g. a revived latent's row). */
  public void resetRange(int tensor, int from, int len) {
    if (first != null) {
      Arrays.fill(first[tensor], from, from + len, 0f);
    }
    if (second != null) {
      Arrays.fill(second[tensor], from, from + len, 0f);
    }
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(step);
    out.writeBoolean(first != null);
    if (first != null) {
      out.writeInt(first.length);
      for (float[] a : first) {
        SaeParameters.writeFloats(out, a);
      }
    }
    out.writeBoolean(second != null);
    if (second != null) {
      out.writeInt(second.length);
      for (float[] a : second) {
        SaeParameters.writeFloats(out, a);
      }
    }
  }

  /** Reads state written by {@link #write} into this optimiser (same kind and sizes). */
  public void read(DataInput in) throws IOException {
    step = in.readLong();
    readMoments(in, first, "first");
    readMoments(in, second, "second");
  }

  private static void readMoments(DataInput in, float[][] into, String what) throws IOException {
    boolean present = in.readBoolean();
    if (present != (into != null)) {
      throw new IOException("checkpoint optimiser state does not match: " + what + " moments "
          + (present ? "present" : "absent"));
    }
    if (!present) {
      return;
    }
    int count = in.readInt();
    if (count != into.length) {
      throw new IOException("expected " + into.length + " tensors of " + what + " moments, found "
          + count);
    }
    for (float[] a : into) {
      SaeParameters.readFloats(in, a);
    }
  }
}
