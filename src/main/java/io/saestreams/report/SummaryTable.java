package io.saestreams.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Name/value pairs rendered two ways.
 *
 * <p>{@link #toText()}: one line per row, the names left-aligned and padded to the longest name,
 * two spaces, then the value; lines end with {@code \n}. Doubles are shown with 6 significant
 * digits, without trailing zeros, in plain notation for magnitudes from 1e-4 to below 1e7 and as
 * {@code 1.5e+10} otherwise; {@code NaN} and {@code Infinity} are shown as such.
 *
 * <p>{@link #toJson()}: one JSON object on one line, keys in insertion order made snake_case by
 * {@link #snakeCase(String)} ({@code "Reconstruction MSE"} becomes {@code "reconstruction_mse"}),
 * doubles written in full precision ({@link Double#toString(double)}) with NaN and infinities as
 * {@code null}, strings escaped.
 */
public final class SummaryTable {
  private final List<String> names = new ArrayList<>();
  private final List<Object> values = new ArrayList<>();
  private final Map<String, String> keys = new HashMap<>();

  /** Adds a text value. */
  public SummaryTable add(String name, String value) {
    return put(name, Objects.requireNonNull(value, "value"));
  }

  /** Adds a floating-point value. */
  public SummaryTable add(String name, double value) {
    return put(name, value);
  }

  /** Adds an integer value. */
  public SummaryTable add(String name, long value) {
    return put(name, value);
  }

  /** Adds a yes/no value. */
  public SummaryTable add(String name, boolean value) {
    return put(name, value);
  }

  private SummaryTable put(String name, Object value) {
    Objects.requireNonNull(name, "name");
    String key = snakeCase(name);
    String before = keys.putIfAbsent(key, name);
    if (before != null) {
      throw new IllegalArgumentException("row '" + name + "' has the same JSON key '" + key
          + "' as row '" + before + "'");
    }
    names.add(name);
    values.add(value);
    return this;
  }

  /** The row names in order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /** The aligned text table. */
  public String toText() {
    int width = 0;
    for (String n : names) {
      width = Math.max(width, n.length());
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      sb.append(n).append(" ".repeat(width - n.length())).append("  ")
          .append(textValue(values.get(i))).append('\n');
    }
    return sb.toString();
  }

  /** The JSON object. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(jsonString(snakeCase(names.get(i)))).append(':').append(jsonValue(values.get(i)));
    }
    return sb.append('}').toString();
  }

  /** Writes {@link #toText()} to a file (UTF-8). */
  public void writeText(Path file) {
    write(file, toText());
  }

  /** Writes {@link #toJson()} and a newline to a file (UTF-8). */
  public void writeJson(Path file) {
    write(file, toJson() + "\n");
  }

  private static void write(Path file, String content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String textValue(Object v) {
    return v instanceof Double d ? formatNumber(d) : String.valueOf(v);
  }

  private static String jsonValue(Object v) {
    if (v instanceof Double d) {
      return Double.isFinite(d) ? Double.toString(d) : "null";
    }
    if (v instanceof String s) {
      return jsonString(s);
    }
    return String.valueOf(v); // Long or Boolean
  }

  /** A double for people: 6 significant digits, plain or scientific as described above. */
  public static String formatNumber(double x) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "Infinity" : "-Infinity";
    }
    if (x == 0) {
      return "0";
    }
    double a = Math.abs(x);
    BigDecimal rounded = new BigDecimal(x).round(new MathContext(6));
    if (a >= 1e-4 && rounded.abs().compareTo(BigDecimal.valueOf(10_000_000)) < 0) {
      return rounded.stripTrailingZeros().toPlainString();
    }
    String s = String.format(Locale.ROOT, "%.5e", x);
    int e = s.indexOf('e');
    String mantissa = s.substring(0, e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + s.substring(e);
  }

  /**
   * A JSON key from a display name: words are split at characters that are neither letters nor
   * digits and where a lower-case letter or digit is followed by an upper-case letter (or an
   * upper-case run by a capitalised word), lower-cased and joined with {@code _}. {@code
   * "meanActivation"} gives {@code mean_activation}, {@code "L1 loss"} gives {@code l1_loss}, {@code
   * "HTTPServer"} gives {@code http_server}.
   *
   * @throws IllegalArgumentException when the name has no letters or digits
   */
  public static String snakeCase(String name) {
    StringBuilder out = new StringBuilder();
    boolean pendingBreak = false;
    int n = name.length();
    for (int i = 0; i < n; ) {
      int c = name.codePointAt(i);
      int next = i + Character.charCount(c);
      if (!Character.isLetterOrDigit(c)) {
        pendingBreak = true;
        i = next;
        continue;
      }
      if (out.length() > 0 && Character.isUpperCase(c)) {
        int prev = name.codePointBefore(i);
        boolean afterLowerOrDigit = Character.isLowerCase(prev) || Character.isDigit(prev);
        boolean endOfCapitalRun = Character.isUpperCase(prev) && next < n
            && Character.isLowerCase(name.codePointAt(next));
        if (afterLowerOrDigit || endOfCapitalRun) {
          pendingBreak = true;
        }
      }
      if (pendingBreak && out.length() > 0) {
        out.append('_');
      }
      pendingBreak = false;
      out.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
      i = next;
    }
    if (out.length() == 0) {
      throw new IllegalArgumentException("name '" + name + "' has no letters or digits for a JSON key");
    }
    return out.toString();
  }

  /** A JSON string literal with quotes, backslashes and control characters escaped. */
  public static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7F) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
