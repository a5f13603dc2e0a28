package io.saestreams.model;

/** Order statistics on float arrays. */
final class Selection {
  private Selection() {}

  /**
   * The {@code rank}-th smallest (0-based) of {@code a[from..to)}, by Hoare's quickselect with a
   * median-of-three pivot. Reorders that range.
   */
  static float select(float[] a, int from, int to, int rank) {
    int lo = from;
    int hi = to - 1;
    int target = from + rank;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float x = a[lo];
      float y = a[mid];
      float w = a[hi];
      float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), w));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return a[target];
      }
    }
    return a[target];
  }
}
