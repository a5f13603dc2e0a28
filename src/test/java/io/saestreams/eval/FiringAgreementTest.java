package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FiringAgreementTest {
  private static final double EPS = 1e-12;

  private static void add(FiringAgreement a, int[] features, int[] latents) {
    a.add(features, features.length, latents, latents.length);
  }

  @Test
  void handCountedPrecisionRecallAndF1() {
    // feature 0 <-> latent 1, feature 1 <-> latent 0, feature 2 unmatched, feature 3 <-> latent 2
    FiringAgreement a = new FiringAgreement(new int[] {1, 0, -1, 2}, 3);
    add(a, new int[] {0}, new int[] {1}); // f0 hit
    add(a, new int[] {0, 1}, new int[] {1}); // f0 hit, f1 missed
    add(a, new int[] {}, new int[] {1, 0}); // latent 1 and latent 0 fire on nothing
    add(a, new int[] {0, 2}, new int[] {}); // f0 missed, f2 active (unmatched)
    add(a, new int[] {1}, new int[] {0}); // f1 hit
    // feature 3 never active: not evaluated
    FiringAgreement.Result r = a.result();
    // f0: active 3, latent 1 fires 3 times, both 2 -> P = 2/3, R = 2/3, F1 = 2/3
    assertThat(r.precision()[0]).isCloseTo(2.0 / 3, within(EPS));
    assertThat(r.recall()[0]).isCloseTo(2.0 / 3, within(EPS));
    assertThat(r.f1()[0]).isCloseTo(2.0 / 3, within(EPS));
    // f1: active 2, latent 0 fires 2 times, both 1 -> P = 1/2, R = 1/2
    assertThat(r.precision()[1]).isCloseTo(0.5, within(EPS));
    assertThat(r.recall()[1]).isCloseTo(0.5, within(EPS));
    // f2: unmatched, evaluated at 0
    assertThat(r.evaluated()).containsExactly(true, true, true, false);
    assertThat(r.f1()[2]).isZero();
    assertThat(r.evaluatedFeatures()).isEqualTo(3);
    assertThat(r.meanPrecision().getAsDouble()).isCloseTo((2.0 / 3 + 0.5 + 0) / 3, within(EPS));
    assertThat(r.meanRecall().getAsDouble()).isCloseTo((2.0 / 3 + 0.5 + 0) / 3, within(EPS));
    assertThat(r.meanF1().getAsDouble()).isCloseTo((2.0 / 3 + 0.5 + 0) / 3, within(EPS));
    assertThat(a.samples()).isEqualTo(5);
  }

  @Test
  void precisionAndRecallDifferWhenTheLatentFiresTooOftenOrTooRarely() {
    FiringAgreement a = new FiringAgreement(new int[] {0, 1}, 2);
    // feature 0 active 4 times; latent 0 fires on all 4 and on 4 more samples -> P 1/2, R 1
    // feature 1 active 4 times; latent 1 fires once, on one of them -> P 1, R 1/4
    for (int t = 0; t < 8; t++) {
      int[] features = t < 4 ? new int[] {0, 1} : new int[] {};
      int[] latents = t == 0 ? new int[] {0, 1} : new int[] {0};
      add(a, features, latents);
    }
    FiringAgreement.Result r = a.result();
    assertThat(r.precision()).containsExactly(0.5, 1.0);
    assertThat(r.recall()).containsExactly(1.0, 0.25);
    assertThat(r.f1()[0]).isCloseTo(2 * 0.5 / 1.5, within(EPS));
    assertThat(r.f1()[1]).isCloseTo(2 * 0.25 / 1.25, within(EPS));
  }

  @Test
  void aSilentLatentHasPrecisionZeroAndNoSamplesNoMeans() {
    FiringAgreement a = new FiringAgreement(new int[] {0}, 1);
    assertThat(a.result().meanF1()).isEmpty();
    assertThat(a.result().evaluatedFeatures()).isZero();
    add(a, new int[] {0}, new int[] {});
    FiringAgreement.Result r = a.result();
    assertThat(r.precision()).containsExactly(0.0);
    assertThat(r.recall()).containsExactly(0.0);
    assertThat(r.meanF1()).hasValue(0.0);
  }

  @Test
  void onlyTheFirstCountEntriesAreRead() {
    FiringAgreement a = new FiringAgreement(new int[] {0, 1}, 2);
    a.add(new int[] {0, 1}, 1, new int[] {0, 1}, 1); // feature 1 and latent 1 are past the counts
    FiringAgreement.Result r = a.result();
    assertThat(r.evaluated()).containsExactly(true, false);
    assertThat(r.f1()[0]).isEqualTo(1.0);
  }

  @Test
  void badMatchesAreRejected() {
    assertThatThrownBy(() -> new FiringAgreement(new int[] {0, 0}, 2))
        .hasMessage("latent 0 is matched to features 0 and 1");
    assertThatThrownBy(() -> new FiringAgreement(new int[] {2}, 2))
        .hasMessage("feature 0 is matched to latent 2, outside [-1, 2)");
  }
}
