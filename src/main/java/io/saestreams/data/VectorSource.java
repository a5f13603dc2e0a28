package io.saestreams.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A stream of vectors of one fixed dimension. Sources read lazily; {@link #next()} may throw a
 * {@link DataFileException} when a file turns out to be malformed further on, or an {@link
 * java.io.UncheckedIOException} when reading fails. Close the source when done (try-with-resources);
 * closing twice is harmless.
 */
public interface VectorSource extends Iterator<LabelledVector>, AutoCloseable {

  /** The length of every vector this source yields. */
  int dimension();

  /** A one-line human-readable description, e.g. for logs and report headers. */
  String description();

  /** The number of vectors in total (not the number left), or {@code -1} if unbounded or unknown. */
  long size();

  /** Releases files; never throws a checked exception. */
  @Override
  void close();

  /**
   * A view of this source that stops after {@code max} vectors; a negative {@code max} means no
   * limit and returns this source itself. Closing the view closes this source.
   */
  default VectorSource limit(long max) {
    if (max < 0) {
      return this;
    }
    VectorSource inner = this;
    return new VectorSource() {
      private long taken;

      @Override
      public int dimension() {
        return inner.dimension();
      }

      @Override
      public String description() {
        return inner.description() + " (first " + max + ")";
      }

      @Override
      public long size() {
        long s = inner.size();
        return s < 0 ? -1 : Math.min(s, max);
      }

      @Override
      public boolean hasNext() {
        return taken < max && inner.hasNext();
      }

      @Override
      public LabelledVector next() {
        if (!hasNext()) {
          throw new NoSuchElementException("limit of " + max + " vectors reached");
        }
        taken++;
        return inner.next();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  /** Reads up to {@code n} further vectors into a list (fewer when the source ends first). */
  default List<LabelledVector> take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    List<LabelledVector> out = new ArrayList<>(Math.min(n, 1 << 16));
    while (out.size() < n && hasNext()) {
      out.add(next());
    }
    return out;
  }
}
