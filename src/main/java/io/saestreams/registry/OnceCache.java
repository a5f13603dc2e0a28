package io.saestreams.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A concurrent cache that loads each key at most once at a time: concurrent callers for the same
 * missing key wait for the one load in flight instead of issuing their own. Failed loads are not
 * cached. Entries are never evicted; the caches it backs hold schemas, of which a deployment has a
 * small, bounded number.
 */
final class OnceCache<K, V> {
  private final ConcurrentMap<K, CompletableFuture<V>> entries = new ConcurrentHashMap<>();

  V get(K key, Supplier<V> loader) {
    CompletableFuture<V> existing = entries.get(key);
    if (existing == null) {
      CompletableFuture<V> mine = new CompletableFuture<>();
      existing = entries.putIfAbsent(key, mine);
      if (existing == null) {
        try {
          V value = loader.get();
          mine.complete(value);
          return value;
        } catch (RuntimeException | Error e) {
          entries.remove(key, mine);
          mine.completeExceptionally(e);
          throw e;
        }
      }
    }
    return await(existing);
  }

  void put(K key, V value) {
    entries.put(key, CompletableFuture.completedFuture(value));
  }

  void removeIf(Predicate<K> predicate) {
    entries.keySet().removeIf(predicate);
  }

  void clear() {
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  private static <V> V await(CompletableFuture<V> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          0, 0, "interrupted while waiting for the schema registry call another thread makes for the same question", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SchemaRegistryException(
          0, 0, "schema registry call failed: " + SchemaRegistryClient.describe(cause), cause);
    }
  }
}
