package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.linalg.NaiveGemm;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks every analytic gradient of {@link SaeEngine} (float32, the production code) against
 * central finite differences of {@link ReferenceSae}'s loss taken in double precision, for every
 * activation, penalty, weight decay, denoising and AuxK, for every parameter and the input.
 */
class GradientCheckTest {
  private static final int D = 6;
  private static final int N = 8;
  private static final int ROWS = 5;
  private static final double STEP = 1e-6;
  /** Relative error allowed between float32 analytic and double FD gradients, per tensor. */
  private static final double REL_TOL = 2e-3;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sigmoid, none", b().activation(Activation.SIGMOID).sparsity(Sparsity.NONE)),
        Arguments.of("sigmoid, kl", b().activation(Activation.SIGMOID).sparsity(Sparsity.KL)
            .klWeight(0.5f).klTarget(0.1f)),
        Arguments.of("sigmoid, l1", b().activation(Activation.SIGMOID).sparsity(Sparsity.L1)
            .l1Coefficient(0.05f)),
        Arguments.of("relu, l1", b().activation(Activation.RELU).l1Coefficient(0.05f)),
        Arguments.of("relu, l1 by decoder norm", b().activation(Activation.RELU)
            .l1Coefficient(0.05f).l1DecoderNorm(true)),
        Arguments.of("relu, none, weight decay", b().activation(Activation.RELU)
            .sparsity(Sparsity.NONE).weightDecay(0.01f)),
        Arguments.of("relu, gaussian noise", b().activation(Activation.RELU)
            .noise(Noise.GAUSSIAN).noiseLevel(0.1f)),
        Arguments.of("relu, masking noise, weight decay", b().activation(Activation.RELU)
            .noise(Noise.MASK).noiseLevel(0.3f).weightDecay(0.02f)),
        Arguments.of("topk, none", b().activation(Activation.TOPK).k(3).sparsity(Sparsity.NONE)),
        Arguments.of("topk, l1 by decoder norm", b().activation(Activation.TOPK).k(3)
            .l1Coefficient(0.05f).l1DecoderNorm(true)),
        Arguments.of("topk, auxk", b().activation(Activation.TOPK).k(2).sparsity(Sparsity.NONE)
            .auxKCoefficient(0.5f).auxK(2)),
        Arguments.of("batch-topk, l1", b().activation(Activation.BATCH_TOPK).k(3)
            .l1Coefficient(0.05f)),
        Arguments.of("batch-topk, auxk", b().activation(Activation.BATCH_TOPK).k(2)
            .sparsity(Sparsity.NONE).auxKCoefficient(0.5f).auxK(3)),
        Arguments.of("jumprelu, l1", b().activation(Activation.JUMPRELU).jumpThreshold(0.1f)
            .l1Coefficient(0.05f)),
        Arguments.of("relu, auxk", b().activation(Activation.RELU).sparsity(Sparsity.NONE)
            .auxKCoefficient(1f).auxK(2)),
        Arguments.of("jumprelu, tanh-l0", b().activation(Activation.JUMPRELU)
            .jumpThreshold(0.1f).sparsity(Sparsity.TANH_L0).tanhL0Coefficient(0.05f)
            .tanhL0Scale(3f)),
        Arguments.of("relu, tanh-l0", b().activation(Activation.RELU).sparsity(Sparsity.TANH_L0)
            .tanhL0Coefficient(0.05f).tanhL0Scale(3f)),
        Arguments.of("batch-topk, matryoshka", b().activation(Activation.BATCH_TOPK).k(3)
            .sparsity(Sparsity.NONE).matryoshkaPrefixes(List.of(2, 5))),
        Arguments.of("batch-topk, matryoshka, auxk", b().activation(Activation.BATCH_TOPK).k(2)
            .sparsity(Sparsity.NONE).matryoshkaPrefixes(List.of(1, 3, 6, 8))
            .auxKCoefficient(0.5f).auxK(3)),
        Arguments.of("batch-topk, matryoshka, gaussian noise", b()
            .activation(Activation.BATCH_TOPK).k(3).sparsity(Sparsity.NONE)
            .matryoshkaPrefixes(List.of(4)).noise(Noise.GAUSSIAN).noiseLevel(0.1f)),
        Arguments.of("relu, matryoshka, l1 by decoder norm", b().activation(Activation.RELU)
            .l1Coefficient(0.05f).l1DecoderNorm(true).matryoshkaPrefixes(List.of(3, 6))),
        Arguments.of("jumprelu, tanh-l0, matryoshka", b().activation(Activation.JUMPRELU)
            .jumpThreshold(0.1f).sparsity(Sparsity.TANH_L0).tanhL0Coefficient(0.05f)
            .matryoshkaPrefixes(List.of(2, 4))),
        Arguments.of("jumprelu, tanh-l0, pre-activation", b().activation(Activation.JUMPRELU)
            .jumpThreshold(0.1f).sparsity(Sparsity.TANH_L0).tanhL0Coefficient(0.05f)
            .preActCoefficient(0.2f)),
        Arguments.of("relu, l1, pre-activation", b().activation(Activation.RELU)
            .l1Coefficient(0.05f).preActCoefficient(0.2f)),
        Arguments.of("relu, none, pre-activation, gaussian noise", b().activation(Activation.RELU)
            .sparsity(Sparsity.NONE).preActCoefficient(0.3f).noise(Noise.GAUSSIAN).noiseLevel(0.1f)));
  }

  private static SaeConfig.Builder b() {
    return SaeConfig.builder(D, N).unitNormDecoder(false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void analyticGradientsMatchFiniteDifferences(String name, SaeConfig.Builder builder) {
    SaeConfig cfg = builder.build();
    Random rnd = new Random(name.hashCode());
    SaeParameters p = randomParameters(rnd, 0.2f);
    float[] target = new float[ROWS * D];
    fill(target, rnd, 1.0);
    float[] input = target.clone();
    if (cfg.noise() == Noise.GAUSSIAN) {
      for (int i = 0; i < input.length; i++) {
        input[i] += (float) (cfg.noiseLevel() * rnd.nextGaussian());
      }
    } else if (cfg.noise() == Noise.MASK) {
      for (int i = 0; i < input.length; i++) {
        if (rnd.nextFloat() < cfg.noiseLevel()) {
          input[i] = 0f;
        }
      }
    }
    float[] rhoHat = new float[N];
    double[] klSlope = new double[N];
    for (int j = 0; j < N; j++) {
      rhoHat[j] = 0.02f + 0.5f * rnd.nextFloat();
      double r = rhoHat[j];
      double rho = cfg.klTarget();
      klSlope[j] = cfg.klWeight() * (-rho / r + (1 - rho) / (1 - r));
    }
    boolean[] dead = null;
    if (cfg.auxKEnabled()) {
      dead = new boolean[N];
      for (int j = 0; j < N; j += 2) {
        dead[j] = true;
      }
    }

    SaeEngine engine = new SaeEngine(cfg, new NaiveGemm(), ROWS);
    engine.forward(p, input, target, ROWS, true);
    SaeParameters grad = new SaeParameters(D, N);
    float[] inputGrad = new float[ROWS * D];
    engine.backward(p, target, rhoHat, dead, grad, inputGrad);

    ReferenceSae ref = new ReferenceSae(cfg, p);
    double[] xIn = ReferenceSae.toDouble(input);
    double[] xT = ReferenceSae.toDouble(target);
    double[] residual = null;
    if (dead != null) {
      double[] xhat = ref.decode(ref.activations(ref.preActivations(xIn, ROWS), ROWS), ROWS);
      residual = new double[xhat.length];
      for (int i = 0; i < xhat.length; i++) {
        residual[i] = xT[i] - xhat[i];
      }
    }
    final boolean[] deadMask = dead;
    final double[] res = residual;
    String[] names = SaeParameters.TENSOR_NAMES;
    float[][] analytic = grad.tensors();
    double[][] tensors = ref.tensors();
    int checked = 0;
    for (int t = 0; t < tensors.length; t++) {
      if (t == SaeParameters.THETA) {
        assertThat(cfg.activation() == Activation.JUMPRELU || allZero(analytic[t]))
            .as("theta gradient must be zero unless JumpReLU").isTrue();
        continue; // JumpReLU's θ gradient is a straight-through estimate: checked separately
      }
      double[] fd = new double[tensors[t].length];
      for (int i = 0; i < fd.length; i++) {
        double keep = tensors[t][i];
        tensors[t][i] = keep + STEP;
        double up = ref.loss(xIn, xT, ROWS, klSlope, deadMask, res);
        tensors[t][i] = keep - STEP;
        double down = ref.loss(xIn, xT, ROWS, klSlope, deadMask, res);
        tensors[t][i] = keep;
        fd[i] = (up - down) / (2 * STEP);
      }
      assertClose(name + " " + names[t], analytic[t], fd);
      checked++;
    }
    assertThat(checked).isEqualTo(4);
    if (!cfg.auxKEnabled()) {
      // the input: dL/dx̃ through the encoder plus, when x̃ is also the target, −(2/B)(x̂ − x)
      double[] fd = new double[xIn.length];
      // Matryoshka: the target's own gradient is not −(2/B)(x̂ − x); hold the target fixed
      boolean same = cfg.noise() == Noise.NONE && !cfg.matryoshka();
      for (int i = 0; i < fd.length; i++) {
        double keep = xIn[i];
        xIn[i] = keep + STEP;
        double up = ref.loss(xIn, same ? xIn : xT, ROWS, klSlope, null, null);
        xIn[i] = keep - STEP;
        double down = ref.loss(xIn, same ? xIn : xT, ROWS, klSlope, null, null);
        xIn[i] = keep;
        fd[i] = (up - down) / (2 * STEP);
      }
      float[] full = inputGrad.clone();
      if (same) {
        float[] xhat = new float[D];
        engine.forward(p, input, target, ROWS, true);
        for (int b = 0; b < ROWS; b++) {
          engine.reconstruction(b, xhat);
          for (int i = 0; i < D; i++) {
            full[b * D + i] -= 2f / ROWS * (xhat[i] - target[b * D + i]);
          }
        }
      }
      assertClose(name + " input", full, fd);
    }
  }

  /**
   * JumpReLU's θ: the pre-activation penalty's part of its gradient is exact (θ appears in the
   * penalty itself), so it is checked against finite differences of the reference loss in θ —
   * where no pre-activation lies within the step of θ, the jump does not move and only the
   * penalty varies — as the engine's θ gradient with the penalty minus the one without it
   * (which leaves the straight-through estimate of the jump out).
   */
  @ParameterizedTest(name = "seed {0}")
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
  void preActivationThetaGradientMatchesFiniteDifferences(long seed) {
    Random rnd = new Random(seed);
    SaeParameters p = randomParameters(rnd, 0.4f);
    float[] x = new float[ROWS * D];
    fill(x, rnd, 1.0);
    SaeConfig with = b().activation(Activation.JUMPRELU).sparsity(Sparsity.L1).l1Coefficient(0.05f)
        .preActCoefficient(0.3f).build();
    SaeConfig without = b().activation(Activation.JUMPRELU).sparsity(Sparsity.L1)
        .l1Coefficient(0.05f).build();
    float[] thetaWith = thetaGradient(with, p, x);
    float[] thetaWithout = thetaGradient(without, p, x);
    float[] penaltyPart = new float[N];
    for (int j = 0; j < N; j++) {
      penaltyPart[j] = thetaWith[j] - thetaWithout[j];
    }
    ReferenceSae ref = new ReferenceSae(with, p);
    double[] xd = ReferenceSae.toDouble(x);
    double[] z = ref.preActivations(xd, ROWS);
    double[] fd = new double[N];
    for (int j = 0; j < N; j++) {
      for (int bRow = 0; bRow < ROWS; bRow++) {
        assertThat(Math.abs(z[bRow * N + j] - ref.theta[j])).as("pre-activation next to θ")
            .isGreaterThan(10 * STEP);
      }
      double keep = ref.theta[j];
      ref.theta[j] = keep + STEP;
      double up = ref.loss(xd, xd, ROWS, new double[N], null, null);
      ref.theta[j] = keep - STEP;
      double down = ref.loss(xd, xd, ROWS, new double[N], null, null);
      ref.theta[j] = keep;
      fd[j] = (up - down) / (2 * STEP);
    }
    assertClose("jumprelu pre-activation theta", penaltyPart, fd);
  }

  /** Gaussian weights and biases; JumpReLU thresholds uniform in [0.1, 0.1 + thetaSpread). */
  private static SaeParameters randomParameters(Random rnd, float thetaSpread) {
    SaeParameters p = new SaeParameters(D, N);
    fill(p.wEnc, rnd, 0.6);
    fill(p.bEnc, rnd, 0.2);
    fill(p.wDec, rnd, 0.6);
    fill(p.bDec, rnd, 0.2);
    for (int j = 0; j < N; j++) {
      p.theta[j] = 0.1f + thetaSpread * rnd.nextFloat();
    }
    return p;
  }

  private static float[] thetaGradient(SaeConfig cfg, SaeParameters p, float[] x) {
    SaeEngine engine = new SaeEngine(cfg, new NaiveGemm(), ROWS);
    engine.forward(p, x, x, ROWS, true);
    SaeParameters grad = new SaeParameters(D, N);
    engine.backward(p, x, new float[N], null, grad, new float[ROWS * D]);
    return grad.theta.clone();
  }

  private static boolean allZero(float[] a) {
    for (float v : a) {
      if (v != 0f) {
        return false;
      }
    }
    return true;
  }

  private static void fill(float[] a, Random rnd, double scale) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (scale * rnd.nextGaussian());
    }
  }

  static void assertClose(String what, float[] analytic, double[] fd) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < fd.length; i++) {
      diff += (analytic[i] - fd[i]) * (analytic[i] - fd[i]);
      norm += fd[i] * fd[i];
    }
    double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8);
    assertThat(rel).as("%s: relative error of analytic vs finite-difference gradient (|fd|=%g)",
        what, Math.sqrt(norm)).isLessThan(REL_TOL);
    assertThat(Math.sqrt(norm)).as("%s: gradient should not vanish", what).isGreaterThan(0);
  }
}
