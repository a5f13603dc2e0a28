package io.saestreams.eval;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * How well each matched latent fires when its true feature is active, counted over labelled
 * samples. For true feature {@code f} and its matched latent {@code l} (see {@link
 * FeatureMatching}), over the samples added:
 *
 * <ul>
 *   <li>precision {@code = P(f active | l fires) = both / fires(l)}, 0 when {@code l} never fires;
 *   <li>recall {@code = P(l fires | f active) = both / active(f)};
 *   <li>F1 {@code = 2 precision recall / (precision + recall)}, 0 when both are 0.
 * </ul>
 *
 * <p>A feature that is never active in the samples has no recall and is left out of the means
 * ({@link Result#evaluated}); an unmatched feature (fewer latents than features) counts 0 for all
 * three. The means are macro averages over the evaluated features, empty when there are none.
 * Adding a sample costs {@code O(active features + firing latents)}.
 */
public final class FiringAgreement {
  private final int[] featureToLatent;
  private final int[] latentToFeature;
  private final long[] active;
  private final long[] fires;
  private final long[] both;
  private final long[] activeStamp;
  private long samples;

  /**
   * @param featureToLatent per true feature, its matched latent or -1 (each latent at most once)
   * @param latents the number of learned latents
   */
  public FiringAgreement(int[] featureToLatent, int latents) {
    this.featureToLatent = featureToLatent.clone();
    latentToFeature = new int[latents];
    Arrays.fill(latentToFeature, -1);
    for (int f = 0; f < featureToLatent.length; f++) {
      int l = featureToLatent[f];
      if (l < -1 || l >= latents) {
        throw new IllegalArgumentException("feature " + f + " is matched to latent " + l
            + ", outside [-1, " + latents + ")");
      }
      if (l >= 0) {
        if (latentToFeature[l] >= 0) {
          throw new IllegalArgumentException("latent " + l + " is matched to features "
              + latentToFeature[l] + " and " + f);
        }
        latentToFeature[l] = f;
      }
    }
    active = new long[featureToLatent.length];
    fires = new long[latents];
    both = new long[featureToLatent.length];
    activeStamp = new long[featureToLatent.length];
    Arrays.fill(activeStamp, -1);
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
    for (int k = 0; k < activeCount; k++) {
      int f = activeFeatures[k];
      active[f]++;
      activeStamp[f] = stamp;
    }
    for (int k = 0; k < firingCount; k++) {
      int l = firingLatents[k];
      fires[l]++;
      int f = latentToFeature[l];
      if (f >= 0 && activeStamp[f] == stamp) {
        both[f]++;
      }
    }
  }

  /** The samples added so far. */
  public long samples() {
    return samples;
  }

  /**
   * The figures per feature and their macro averages.
   *
   * @param precision per true feature (0 where not evaluated)
   * @param recall per true feature (0 where not evaluated)
   * @param f1 per true feature (0 where not evaluated)
   * @param evaluated per true feature, whether it was active in some sample
   * @param evaluatedFeatures how many were
   * @param meanPrecision mean precision over the evaluated features
   * @param meanRecall mean recall over the evaluated features
   * @param meanF1 mean F1 over the evaluated features
   */
  public record Result(double[] precision, double[] recall, double[] f1, boolean[] evaluated,
      int evaluatedFeatures, OptionalDouble meanPrecision, OptionalDouble meanRecall,
      OptionalDouble meanF1) {}

  /** The figures for the samples added so far. */
  public Result result() {
    int n = featureToLatent.length;
    double[] precision = new double[n];
    double[] recall = new double[n];
    double[] f1 = new double[n];
    boolean[] evaluated = new boolean[n];
    int count = 0;
    double sumP = 0;
    double sumR = 0;
    double sumF = 0;
    for (int f = 0; f < n; f++) {
      if (active[f] == 0) {
        continue;
      }
      evaluated[f] = true;
      count++;
      int l = featureToLatent[f];
      if (l < 0) {
        continue;
      }
      precision[f] = fires[l] == 0 ? 0 : (double) both[f] / fires[l];
      recall[f] = (double) both[f] / active[f];
      double pr = precision[f] + recall[f];
      f1[f] = pr == 0 ? 0 : 2 * precision[f] * recall[f] / pr;
      sumP += precision[f];
      sumR += recall[f];
      sumF += f1[f];
    }
    return new Result(precision, recall, f1, evaluated, count, mean(sumP, count),
        mean(sumR, count), mean(sumF, count));
  }

  /** sum / count, empty when count is 0: the macro average of the figures of this package. */
  static OptionalDouble mean(double sum, int count) {
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / count);
  }
}
