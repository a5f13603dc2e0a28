package io.saestreams.stream.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Numeric validators that {@link ConfigDef.Range} cannot express: open and half-open bounds. */
final class Validators {
  private Validators() {}

  /** Accepts finite numbers v with lo &lt; v &lt; hi. */
  static ConfigDef.Validator open(double lo, double hi) {
    return new Interval(lo, false, hi, false);
  }

  /** Accepts finite numbers v with lo &le; v &lt; hi. */
  static ConfigDef.Validator closedOpen(double lo, double hi) {
    return new Interval(lo, true, hi, false);
  }

  /** Accepts finite numbers v &gt; lo. */
  static ConfigDef.Validator above(double lo) {
    return new Interval(lo, false, Double.POSITIVE_INFINITY, false);
  }

  /** Accepts finite numbers v &ge; lo. */
  static ConfigDef.Validator atLeast(double lo) {
    return new Interval(lo, true, Double.POSITIVE_INFINITY, false);
  }

  /** Accepts the given names, ignoring case; the message lists them as written. */
  static ConfigDef.Validator oneOf(String... names) {
    return new OneOf(java.util.List.of(names));
  }

  private record OneOf(java.util.List<String> names) implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || names.stream().noneMatch(n -> n.equalsIgnoreCase(value.toString().trim()))) {
        throw new ConfigException(name, value, "Value must be one of " + this + " (case insensitive)");
      }
    }

    @Override
    public String toString() {
      return String.join(", ", names);
    }
  }

  private record Interval(double lo, boolean loClosed, double hi, boolean hiClosed)
      implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        return;
      }
      double v = ((Number) value).doubleValue();
      boolean ok =
          Double.isFinite(v)
              && (loClosed ? v >= lo : v > lo)
              && (hiClosed ? v <= hi : v < hi);
      if (!ok) {
        throw new ConfigException(name, value, "Value must be a finite number in " + this);
      }
    }

    @Override
    public String toString() {
      String right = Double.isInfinite(hi) ? "∞)" : hi + (hiClosed ? "]" : ")");
      return (loClosed ? "[" : "(") + lo + ", " + right;
    }
  }
}
