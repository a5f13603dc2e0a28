package io.saestreams.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.Objects;

/**
 * The JVM's and the process's own metrics (class loading, memory, garbage collection, threads,
 * CPU, uptime, open file descriptors) in a Micrometer registry, through Micrometer's binders.
 * {@link #close()} closes the garbage-collection binder, which listens to GC notifications.
 */
public final class JvmMeters implements AutoCloseable {
  private final JvmGcMetrics gc;

  private JvmMeters(JvmGcMetrics gc) {
    this.gc = gc;
  }

  /** Binds the JVM and process metrics to {@code registry}. */
  public static JvmMeters bind(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    try {
      gc.bindTo(registry);
    } catch (RuntimeException e) {
      gc.close();
      throw e;
    }
    return new JvmMeters(gc);
  }

  /** Stops listening to garbage-collection notifications; idempotent. */
  @Override
  public void close() {
    gc.close();
  }
}
