package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureMatchingTest {
  private static final double EPS = 1e-9;

  /** The standard basis of R^d, rows 0..n-1. */
  private static float[][] basis(int n, int d) {
    float[][] e = new float[n][d];
    for (int i = 0; i < n; i++) {
      e[i][i] = 1;
    }
    return e;
  }

  @Test
  void aPermutedScaledAndSignFlippedCopyScoresOne() {
    float[][] truth = basis(3, 4);
    float[][] learned = {
      {0, 0, -2, 0}, // feature 2, flipped and scaled
      {0.5f, 0, 0, 0}, // feature 0
      {0, 3, 0, 0}, // feature 1
    };
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    assertThat(m.featureToLatent()).containsExactly(1, 2, 0);
    assertThat(m.mcc()).isCloseTo(1, within(EPS));
    assertThat(m.goodLatents()).isEqualTo(3);
    assertThat(m.distinctFeatures()).isEqualTo(3);
    assertThat(m.uniqueness()).hasValue(1.0);
  }

  @Test
  void knownAnglesGiveTheirMeanCosine() {
    // latent 0 at 60 degrees from feature 0 (cos 1/2), latent 1 exactly feature 1
    float[][] truth = basis(2, 2);
    float[][] learned = {{0.5f, (float) Math.sqrt(0.75)}, {0, 1}};
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    // one-to-one: feature 1 must take latent 1 (cos 1), feature 0 latent 0 (cos 1/2)
    assertThat(m.featureToLatent()).containsExactly(0, 1);
    assertThat(m.matchedSimilarity()[0]).isCloseTo(0.5, within(1e-6));
    assertThat(m.mcc()).isCloseTo(0.75, within(1e-6));
    // latent 0's best feature is feature 1 (cos 0.866 < 0.9, so not good); latent 1 is good
    assertThat(m.goodLatents()).isEqualTo(1);
    assertThat(m.uniqueness()).hasValue(1.0);
  }

  @Test
  void duplicatedLatentsHalveUniquenessButNotMcc() {
    float[][] truth = basis(2, 3);
    float[][] learned = {
      {1, 0, 0}, {1, 0.01f, 0}, // both on feature 0
      {0, 1, 0}, {0, 2, 0.02f}, // both on feature 1
      {0, 0, 1}, // on no feature (unit vector 2 is not a true feature)
    };
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    assertThat(m.mcc()).isCloseTo(1, within(EPS));
    assertThat(m.goodLatents()).isEqualTo(4);
    assertThat(m.distinctFeatures()).isEqualTo(2);
    assertThat(m.uniqueness()).hasValue(0.5);
  }

  @Test
  void fewerLatentsThanFeaturesLeaveFeaturesUnmatchedAtZero() {
    float[][] truth = basis(4, 4);
    float[][] learned = {{0, 0, 1, 0}};
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    assertThat(m.featureToLatent()).containsExactly(-1, -1, 0, -1);
    assertThat(m.mcc()).isCloseTo(0.25, within(EPS));
    assertThat(m.matchedSimilarity()).containsExactly(0, 0, 1, 0);
  }

  @Test
  void noGoodLatentLeavesUniquenessUndefinedAndZeroNormsCountZero() {
    float[][] truth = basis(2, 2);
    float[][] learned = {{0, 0}, {1, 1}};
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    assertThat(m.goodLatents()).isZero();
    assertThat(m.uniqueness()).isEmpty();
    // one feature takes the diagonal latent (cos 0.707), the other the zero latent (0)
    assertThat(m.mcc()).isCloseTo(Math.sqrt(0.5) / 2, within(1e-6));
  }

  @Test
  void matchingBeatsPerFeatureBest() {
    // MMCS-style "best latent per feature" would give both features latent 0; one-to-one may not
    Random random = new Random(3);
    float[][] truth = new float[20][16];
    for (float[] row : truth) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    float[][] learned = new float[20][];
    for (int l = 0; l < 20; l++) {
      learned[l] = truth[(l + 7) % 20].clone();
      learned[l][l % 16] += 0.3f;
    }
    FeatureMatching m = FeatureMatching.of(truth, learned, 0.9);
    for (int f = 0; f < 20; f++) {
      assertThat(m.featureToLatent()[f]).isEqualTo((f + 13) % 20);
    }
    assertThat(m.mcc()).isBetween(0.95, 1.0);
  }

  @Test
  void badInputsAreRejected() {
    assertThatThrownBy(() -> FeatureMatching.of(new float[0][], basis(1, 1), 0.9))
        .hasMessage("need at least one true feature and one learned latent, got 0 and 1");
    assertThatThrownBy(() -> FeatureMatching.of(basis(1, 2), new float[][] {{1, 0, 0}}, 0.9))
        .hasMessage("learned latent 0 has dimension 3, expected 2");
    assertThatThrownBy(() -> FeatureMatching.of(basis(1, 2), basis(1, 2), 1.0))
        .hasMessage("threshold must be in [0, 1), got 1.0");
  }
}
