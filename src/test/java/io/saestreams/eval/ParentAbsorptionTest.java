package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ParentAbsorptionTest {
  private static final double EPS = 1e-12;

  /** Feature 0 has children 1 and 2; feature 3 is free; feature 4 has child 5. */
  private static final int[] PARENT_OF = {-1, 0, 0, -1, -1, 4};

  private static void add(ParentAbsorption a, int[] features, int[] latents) {
    a.add(features, features.length, latents, latents.length);
  }

  @Test
  void anAbsorbedParentAndAnIntactOneAreToldApart() {
    // features 0..5 <-> latents 5, 4, 3, 2, 1, 0
    ParentAbsorption a = new ParentAbsorption(new int[] {5, 4, 3, 2, 1, 0}, PARENT_OF, 6);
    // parent 0: its latent 5 fires on 2 of 2 samples alone, on 1 of 4 with a child (absorbed)
    add(a, new int[] {0}, new int[] {5});
    add(a, new int[] {0, 3}, new int[] {5, 2});
    add(a, new int[] {0, 1}, new int[] {4}); // child 1's latent fires instead
    add(a, new int[] {0, 1}, new int[] {4});
    add(a, new int[] {0, 2}, new int[] {3, 5});
    add(a, new int[] {0, 2}, new int[] {3});
    // parent 4: latent 1 fires on 1 of 2 alone and 2 of 3 with its child (not absorbed)
    add(a, new int[] {4}, new int[] {1});
    add(a, new int[] {4}, new int[] {});
    add(a, new int[] {4, 5}, new int[] {1, 0});
    add(a, new int[] {4, 5}, new int[] {1});
    add(a, new int[] {4, 5}, new int[] {0});
    // a child's latent firing without the parent's sample changes nothing for the parent
    add(a, new int[] {3}, new int[] {4, 2});
    ParentAbsorption.Result r = a.result();
    assertThat(r.evaluated()).containsExactly(true, false, false, false, true, false);
    assertThat(r.evaluatedParents()).isEqualTo(2);
    assertThat(r.rateAlone()[0]).isEqualTo(1.0);
    assertThat(r.rateWithChild()[0]).isEqualTo(0.25);
    assertThat(r.rateAlone()[4]).isEqualTo(0.5);
    assertThat(r.rateWithChild()[4]).isCloseTo(2.0 / 3, within(EPS));
    assertThat(r.absorbedParents()).isEqualTo(1);
    assertThat(r.meanRateAlone().getAsDouble()).isCloseTo(0.75, within(EPS));
    assertThat(r.meanRateWithChild().getAsDouble()).isCloseTo((0.25 + 2.0 / 3) / 2, within(EPS));
    assertThat(r.meanDrop().getAsDouble())
        .isCloseTo(((1 - 0.25) + (0.5 - 2.0 / 3)) / 2, within(EPS));
    assertThat(a.samples()).isEqualTo(12);
  }

  @Test
  void aParentSeenOnlyWithOrOnlyWithoutAChildIsNotEvaluated() {
    ParentAbsorption a = new ParentAbsorption(new int[] {0, 1, 2, 3, 4, 5}, PARENT_OF, 6);
    assertThat(a.result().meanDrop()).isEmpty();
    add(a, new int[] {0, 1}, new int[] {0, 1}); // parent 0 only with a child
    add(a, new int[] {4}, new int[] {4}); // parent 4 only alone
    ParentAbsorption.Result r = a.result();
    assertThat(r.evaluatedParents()).isZero();
    assertThat(r.meanRateWithChild()).isEmpty();
    add(a, new int[] {0}, new int[] {});
    r = a.result();
    assertThat(r.evaluatedParents()).isEqualTo(1);
    assertThat(r.rateWithChild()[0]).isEqualTo(1.0);
    assertThat(r.rateAlone()[0]).isZero();
    assertThat(r.meanDrop()).hasValue(-1.0);
    assertThat(r.absorbedParents()).isZero();
  }

  @Test
  void anUnmatchedParentCountsZeroAndOnlyTheFirstCountEntriesAreRead() {
    ParentAbsorption a = new ParentAbsorption(new int[] {-1, 1, 2, 3, 4, 5}, PARENT_OF, 6);
    add(a, new int[] {0, 1}, new int[] {0, 1});
    add(a, new int[] {0}, new int[] {0});
    // child 5 and latent 4 lie past the counts: parent 4 is alone and its latent silent
    a.add(new int[] {4, 5}, 1, new int[] {0, 4}, 1);
    a.add(new int[] {4, 5}, 2, new int[] {4}, 1);
    ParentAbsorption.Result r = a.result();
    assertThat(r.evaluated()).containsExactly(true, false, false, false, true, false);
    assertThat(r.rateWithChild()[0]).isZero();
    assertThat(r.rateAlone()[0]).isZero();
    assertThat(r.rateAlone()[4]).isZero();
    assertThat(r.rateWithChild()[4]).isEqualTo(1.0);
  }

  @Test
  void childParentCosineAveragesTheMatchedChildrensDecoderRowsAgainstTheirParents() {
    float r = (float) Math.sqrt(0.5);
    float[][] dictionary = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
    // latent 0 = child 1 having absorbed parent 0 (cosine 1/sqrt 2), latent 1 = child 5 (cosine
    // 0 with parent 4's direction, and unnormalised), child 2 unmatched; parents' rows ignored
    float[][] decoder = {{r, r, 0}, {3, 0, 0}, {1, 0, 0}};
    int[] featureToLatent = {2, 0, -1, -1, -1, 1};
    assertThat(ParentAbsorption.childParentCosine(dictionary, decoder, featureToLatent, PARENT_OF)
        .getAsDouble()).isCloseTo(r / 2, within(1e-6));
    assertThat(ParentAbsorption.childParentCosine(dictionary, decoder,
        new int[] {2, -1, -1, -1, -1, -1}, PARENT_OF)).isEmpty();
  }

  @Test
  void rejectsInconsistentArguments() {
    assertThatThrownBy(() -> new ParentAbsorption(new int[] {0}, new int[] {-1, 0}, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parentOf");
    assertThatThrownBy(() -> new ParentAbsorption(new int[] {0, 2}, new int[] {-1, 0}, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latent 2");
    assertThatThrownBy(() -> new ParentAbsorption(new int[] {0, 1}, new int[] {1, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent");
  }
}
