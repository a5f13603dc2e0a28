package io.saestreams.eval;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Whether a parent feature's matched latent stops firing when one of its children is active: the
 * firing pattern of feature absorption, where a child's latent takes over the parent's direction
 * and the parent's latent is switched off. For each parent {@code q} (a feature with at least one
 * child) and its matched latent {@code l} (see {@link FeatureMatching}), over the samples added:
 *
 * <ul>
 *   <li>the firing rate with a child {@code = P(l fires | q active, some child of q active)};
 *   <li>the firing rate alone {@code = P(l fires | q active, no child of q active)};
 *   <li>the drop {@code = rate alone - rate with a child}: near 0 without absorption, up to 1 when
 *       the latent fires on every sample where the parent is alone and on none where it has a
 *       child.
 * </ul>
 *
 * <p>A parent is evaluated when it was active both with and without a child; an unmatched parent
 * counts rate 0 for both. The means are macro averages over the evaluated parents, empty when there
 * are none; {@link Result#absorbedParents} counts the evaluated parents whose rate with a child is
 * less than half their rate alone. Adding a sample costs {@code O(active features + firing
 * latents)}.
 */
public final class ParentAbsorption {
  private final int[] featureToLatent;
  private final int[] parentOf;
  private final boolean[] isParent;
  private final long[] firedStamp;
  private final long[] childStamp;
  private final long[] withChild;
  private final long[] withChildFires;
  private final long[] alone;
  private final long[] aloneFires;
  private long samples;

  /**
   * @param featureToLatent per true feature, its matched latent or -1
   * @param parentOf per true feature, its parent's index or -1 for a feature without a parent
   * @param latents the number of learned latents
   */
  public ParentAbsorption(int[] featureToLatent, int[] parentOf, int latents) {
    if (featureToLatent.length != parentOf.length) {
      throw new IllegalArgumentException("featureToLatent has " + featureToLatent.length
          + " features, parentOf " + parentOf.length);
    }
    int n = featureToLatent.length;
    this.featureToLatent = featureToLatent.clone();
    this.parentOf = parentOf.clone();
    isParent = new boolean[n];
    for (int f = 0; f < n; f++) {
      int l = featureToLatent[f];
      if (l < -1 || l >= latents) {
        throw new IllegalArgumentException("feature " + f + " is matched to latent " + l
            + ", outside [-1, " + latents + ")");
      }
      int q = parentOf[f];
      if (q < -1 || q >= n || q == f) {
        throw new IllegalArgumentException("feature " + f + " has parent " + q);
      }
      if (q >= 0) {
        isParent[q] = true;
      }
    }
    firedStamp = new long[latents];
    Arrays.fill(firedStamp, -1);
    childStamp = new long[n];
    Arrays.fill(childStamp, -1);
    withChild = new long[n];
    withChildFires = new long[n];
    alone = new long[n];
    aloneFires = new long[n];
  }

  /**
   * Counts one sample.
   *
   * @param activeFeatures the true features active in it (distinct), in the first {@code
   *     activeCount} entries
   * @param firingLatents the latents that fire on it (distinct), in the first {@code firingCount}
   *     entries
   */
  public void add(int[] activeFeatures, int activeCount, int[] firingLatents, int firingCount) {
    long stamp = samples++;
    for (int k = 0; k < firingCount; k++) {
      firedStamp[firingLatents[k]] = stamp;
    }
    for (int k = 0; k < activeCount; k++) {
      int q = parentOf[activeFeatures[k]];
      if (q >= 0) {
        childStamp[q] = stamp;
      }
    }
    for (int k = 0; k < activeCount; k++) {
      int q = activeFeatures[k];
      if (!isParent[q]) {
        continue;
      }
      int l = featureToLatent[q];
      boolean fires = l >= 0 && firedStamp[l] == stamp;
      if (childStamp[q] == stamp) {
        withChild[q]++;
        withChildFires[q] += fires ? 1 : 0;
      } else {
        alone[q]++;
        aloneFires[q] += fires ? 1 : 0;
      }
    }
  }

  /** The samples added so far. */
  public long samples() {
    return samples;
  }

  /**
   * The figures per parent and their means.
   *
   * @param rateWithChild per feature, its latent's firing rate when it is active with a child (0
   *     where not evaluated)
   * @param rateAlone per feature, its latent's firing rate when it is active without a child (0
   *     where not evaluated)
   * @param evaluated per feature, whether it is a parent active both with and without a child
   * @param evaluatedParents how many were
   * @param absorbedParents evaluated parents whose rate with a child is below half their rate alone
   * @param meanRateWithChild mean rate with a child over the evaluated parents
   * @param meanRateAlone mean rate alone over the evaluated parents
   * @param meanDrop mean of (rate alone - rate with a child) over the evaluated parents
   */
  public record Result(double[] rateWithChild, double[] rateAlone, boolean[] evaluated,
      int evaluatedParents, int absorbedParents, OptionalDouble meanRateWithChild,
      OptionalDouble meanRateAlone, OptionalDouble meanDrop) {}

  /** The figures for the samples added so far. */
  public Result result() {
    int n = featureToLatent.length;
    double[] with = new double[n];
    double[] without = new double[n];
    boolean[] evaluated = new boolean[n];
    int count = 0;
    int absorbed = 0;
    double sumWith = 0;
    double sumAlone = 0;
    for (int q = 0; q < n; q++) {
      if (!isParent[q] || withChild[q] == 0 || alone[q] == 0) {
        continue;
      }
      evaluated[q] = true;
      count++;
      with[q] = (double) withChildFires[q] / withChild[q];
      without[q] = (double) aloneFires[q] / alone[q];
      if (with[q] < 0.5 * without[q]) {
        absorbed++;
      }
      sumWith += with[q];
      sumAlone += without[q];
    }
    return new Result(with, without, evaluated, count, absorbed,
        FiringAgreement.mean(sumWith, count), FiringAgreement.mean(sumAlone, count),
        FiringAgreement.mean(sumAlone - sumWith, count));
  }

  /**
   * The other signature of absorption, in the decoder: the mean cosine between each child's matched
   * latent's decoder row and its parent's true direction, over the matched children; empty when
   * none is. A child latent that has absorbed its parent points partly along the parent (a positive
   * mean); one that has not is about as close to it as to any other direction.
   *
   * @param dictionary the true directions, one row per feature
   * @param decoderRows the decoder directions, one row per latent
   * @param featureToLatent per true feature, its matched latent or -1
   * @param parentOf per true feature, its parent's index or -1
   */
  public static OptionalDouble childParentCosine(float[][] dictionary, float[][] decoderRows,
      int[] featureToLatent, int[] parentOf) {
    double sum = 0;
    int count = 0;
    for (int c = 0; c < parentOf.length; c++) {
      int l = featureToLatent[c];
      if (parentOf[c] < 0 || l < 0) {
        continue;
      }
      float[] w = decoderRows[l];
      float[] p = dictionary[parentOf[c]];
      double dot = 0;
      double ww = 0;
      double pp = 0;
      for (int i = 0; i < w.length; i++) {
        dot += (double) w[i] * p[i];
        ww += (double) w[i] * w[i];
        pp += (double) p[i] * p[i];
      }
      if (ww > 0 && pp > 0) {
        sum += dot / Math.sqrt(ww * pp);
      }
      count++;
    }
    return FiringAgreement.mean(sum, count);
  }
}
