package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.linalg.NaiveGemm;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JumpReLU's threshold gradient is a straight-through estimate: the loss is piecewise constant in
 * θ, so a central difference with a small step is zero. With a rectangle kernel of width ε the
 * estimator approximates the derivative of the loss smoothed over a window of width ε, i.e. the
 * central difference (L(θ+ε/2) − L(θ−ε/2))/ε. This checks it against that difference, computed
 * in double precision by the reference implementation. The two agree to first order: thresholds
 * are kept small so the jump's second-order term (z²‖w_dec‖²) is small, and ε ≪ θ so z ≈ θ
 * within the window.
 */
class JumpReluEstimatorTest {
  private static final float EPS = 0.004f;

  @Test
  void thresholdGradientApproximatesTheSmoothedLossDerivative() {
    check(SaeConfig.builder(8, 6).activation(Activation.JUMPRELU).sparsity(Sparsity.L1)
        .l1Coefficient(0.05f).jumpBandwidth(EPS).unitNormDecoder(false).build());
  }

  /**
   * With the tanh-L0 penalty the threshold also receives the penalty's jump λ·tanh(c·θ·‖w‖) at
   * z = θ; the penalty dominates here (λ = 0.2), so a wrong sign or size of that term fails.
   */
  @Test
  void tanhL0ThresholdGradientApproximatesTheSmoothedLossDerivative() {
    check(SaeConfig.builder(8, 6).activation(Activation.JUMPRELU).sparsity(Sparsity.TANH_L0)
        .tanhL0Coefficient(0.2f).tanhL0Scale(4f).jumpBandwidth(EPS).unitNormDecoder(false)
        .build());
  }

  private static void check(SaeConfig cfg) {
    int d = cfg.inputDim();
    int n = cfg.latentDim();
    int rows = 4000;
    float eps = EPS;
    Random rnd = new Random(3);
    SaeParameters p = new SaeParameters(d, n);
    for (int i = 0; i < p.wEnc.length; i++) {
      p.wEnc[i] = (float) (0.5 * rnd.nextGaussian());
      p.wDec[i] = (float) (0.5 * rnd.nextGaussian());
    }
    for (int j = 0; j < n; j++) {
      p.theta[j] = 0.05f + 0.01f * j;
    }
    float[] x = new float[rows * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    SaeEngine engine = new SaeEngine(cfg, new NaiveGemm(), rows);
    engine.forward(p, x, x, rows, true);
    SaeParameters grad = new SaeParameters(d, n);
    engine.backward(p, x, null, null, grad, null);

    ReferenceSae ref = new ReferenceSae(cfg, p);
    double[] xd = ReferenceSae.toDouble(x);
    int agreeing = 0;
    for (int j = 0; j < n; j++) {
      double keep = ref.theta[j];
      ref.theta[j] = keep + eps / 2;
      double up = ref.loss(xd, xd, rows, null, null, null);
      ref.theta[j] = keep - eps / 2;
      double down = ref.loss(xd, xd, rows, null, null, null);
      ref.theta[j] = keep;
      double smoothed = (up - down) / eps;
      double ste = grad.theta[j];
      assertThat(Math.signum(ste)).as("latent %d: sign", j).isEqualTo(Math.signum(smoothed));
      if (Math.abs(ste - smoothed) <= 0.25 * Math.abs(smoothed)) {
        agreeing++;
      }
    }
    assertThat(agreeing).as("latents whose estimate is within 25% of the smoothed derivative")
        .isGreaterThanOrEqualTo(n - 1);
  }
}
