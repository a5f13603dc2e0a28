package io.saestreams.stream.config;

import java.util.Collection;
import java.util.Optional;

/** The closest known key to a misspelt one, by Levenshtein distance. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate nearest to {@code key}, if it is within a small edit distance: at most 2
   * insertions, deletions or substitutions, or one per 10 characters for longer keys. Ties go to
   * the candidate that sorts first.
   */
  static Optional<String> closest(String key, Collection<String> candidates) {
    int limit = Math.max(2, key.length() / 10);
    String best = null;
    int bestDistance = limit + 1;
    for (String c : candidates) {
      if (Math.abs(c.length() - key.length()) >= bestDistance) {
        continue;
      }
      int d = distance(key, c);
      if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
