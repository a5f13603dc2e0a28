package io.saestreams.metrics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One holder per tag value, for at most {@code limit} distinct values; later values share the
 * holder of {@link #OVERFLOW}. Values are normalised to lower-case {@code [a-z0-9_.-]}, at most
 * {@value #MAX_LENGTH} characters; null or blank becomes {@link #UNKNOWN}. The lookup of a value
 * seen before is lock-free; a new value is created under a lock and announced to {@code onNew}.
 */
final class BoundedTagValues<T> {
  static final String OVERFLOW = "other";
  static final String UNKNOWN = "unknown";
  static final int MAX_LENGTH = 48;
  private static final String NULL_KEY = "\u0000null";

  private final int limit;
  private final Supplier<T> factory;
  private final BiConsumer<String, T> onNew;
  private final Object lock;

  /** Raw value as passed in → holder; bounded so that odd inputs cannot grow it without end. */
  private final Map<String, T> byRaw = new ConcurrentHashMap<>();

  /** Normalised tag value → holder, in creation order for re-binding; guarded by the lock. */
  private final Map<String, T> byValue = new LinkedHashMap<>();

  BoundedTagValues(int limit, Supplier<T> factory, BiConsumer<String, T> onNew, Object lock) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
    this.factory = factory;
    this.onNew = onNew;
    this.lock = lock;
  }

  /** The holder for {@code raw}, creating it (and announcing it) when new. */
  T get(String raw) {
    T cell = byRaw.get(raw == null ? NULL_KEY : raw);
    return cell != null ? cell : slowGet(raw);
  }

  private T slowGet(String raw) {
    String key = raw == null ? NULL_KEY : raw;
    synchronized (lock) {
      T cell = byRaw.get(key);
      if (cell != null) {
        return cell;
      }
      String value = normalize(raw);
      cell = byValue.get(value);
      if (cell == null) {
        if (byValue.size() >= limit && !value.equals(OVERFLOW)) {
          // Not cached by raw value: a flood of distinct values must not grow the map.
          return create(OVERFLOW);
        }
        cell = create(value);
      }
      if (byRaw.size() < 4 * limit) {
        byRaw.put(key, cell);
      }
      return cell;
    }
  }

  private T create(String value) {
    T cell = byValue.get(value);
    if (cell == null) {
      cell = factory.get();
      byValue.put(value, cell);
      onNew.accept(value, cell);
    }
    return cell;
  }

  /** Every tag value with its holder; call with the lock held. */
  Collection<Map.Entry<String, T>> entries() {
    return byValue.entrySet();
  }

  static String normalize(String raw) {
    if (raw == null || raw.isBlank()) {
      return UNKNOWN;
    }
    String s = raw.strip().toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_LENGTH));
    for (int i = 0; i < s.length() && b.length() < MAX_LENGTH; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
      b.append(ok ? c : '_');
    }
    return b.toString();
  }
}
