package io.saestreams.model.linalg;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells, without loading anything, whether netlib-java's native loader will find its BLAS
 * library. Its JNI stub opens {@value #DEFAULT_LIBRARY} with {@code dlopen} and, when that fails,
 * prints the failure to standard error from native code, where no logger can catch it; so the
 * loader is asked only when the library is there.
 *
 * <p>On Linux the library is looked for the way the dynamic linker looks: in the directories of
 * {@code LD_LIBRARY_PATH}, among the paths of {@code /etc/ld.so.cache}, and in the system
 * directories ({@code /lib}, {@code /usr/lib}, their multiarch and {@code lib64} forms). A
 * library chosen with the system property {@value #NATIVE_LIB_PATH_PROPERTY} or {@value
 * #NATIVE_LIB_PROPERTY} is the user's choice and always handed to netlib-java, as is every other
 * operating system (whose default libraries differ).
 */
final class BlasLibrary {
  static final String NATIVE_LIB_PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";
  static final String NATIVE_LIB_PROPERTY = "dev.ludovic.netlib.blas.nativeLib";
  static final String DEFAULT_LIBRARY = "libblas.so.3";

  /**
   * Where to look.
   *
   * @param osName {@code os.name}
   * @param chosenLibrary the value of either netlib-java property, or null
   * @param ldLibraryPath {@code LD_LIBRARY_PATH}, or null
   * @param ldCache the dynamic linker's cache file
   * @param systemDirs the linker's default directories
   */
  record Lookup(String osName, String chosenLibrary, String ldLibraryPath, Path ldCache,
                List<Path> systemDirs) {

    /** This JVM and machine. */
    static Lookup current() {
      String chosen = System.getProperty(NATIVE_LIB_PATH_PROPERTY, System.getProperty(NATIVE_LIB_PROPERTY));
      return new Lookup(System.getProperty("os.name", ""), chosen, System.getenv("LD_LIBRARY_PATH"),
          Path.of("/etc/ld.so.cache"), BlasLibrary.systemDirs(System.getProperty("os.arch", "")));
    }
  }

  private BlasLibrary() {
  }

  /**
   * Explains why netlib-java would not find native BLAS.
   *
   * @return the reason, or empty when netlib-java should be asked to load it
   */
  static Optional<String> missing(Lookup lookup) {
    if (!lookup.osName().toLowerCase(Locale.ROOT).startsWith("linux") || lookup.chosenLibrary() != null) {
      return Optional.empty();
    }
    List<Path> searched = new ArrayList<>();
    if (lookup.ldLibraryPath() != null) {
      for (String dir : lookup.ldLibraryPath().split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          searched.add(path(dir));
        }
      }
    }
    for (Path dir : searched) {
      if (dir != null && Files.exists(dir.resolve(DEFAULT_LIBRARY))) {
        return Optional.empty();
      }
    }
    for (Path cached : cachedPaths(lookup.ldCache())) {
      if (Files.exists(cached)) {
        return Optional.empty();
      }
    }
    for (Path dir : lookup.systemDirs()) {
      if (Files.exists(dir.resolve(DEFAULT_LIBRARY))) {
        return Optional.empty();
      }
    }
    return Optional.of("native BLAS is not installed: no " + DEFAULT_LIBRARY + " in "
        + (searched.isEmpty() ? "" : "LD_LIBRARY_PATH, ") + lookup.ldCache() + " or "
        + lookup.systemDirs() + " (Debian: apt-get install libopenblas0; or choose a library"
        + " with -D" + NATIVE_LIB_PATH_PROPERTY + "=/path/to/libblas.so)");
  }

  /** The paths in the linker cache that end in the library's name. */
  static List<Path> cachedPaths(Path cache) {
    List<Path> paths = new ArrayList<>();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(cache);
    } catch (IOException | SecurityException e) {
      return paths;
    }
    // the cache is a table of NUL-terminated names and paths; only the paths matter here
    String suffix = "/" + DEFAULT_LIBRARY;
    for (String s : new String(bytes, StandardCharsets.ISO_8859_1).split("\0")) {
      if (s.startsWith("/") && s.endsWith(suffix)) {
        Path p = path(s);
        if (p != null) {
          paths.add(p);
        }
      }
    }
    return paths;
  }

  /** The dynamic linker's default directories on this architecture. */
  static List<Path> systemDirs(String osArch) {
    String triplet = switch (osArch) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64", "arm64" -> "aarch64-linux-gnu";
      case "riscv64" -> "riscv64-linux-gnu";
      default -> null;
    };
    List<Path> dirs = new ArrayList<>();
    if (triplet != null) {
      dirs.add(Path.of("/lib", triplet));
      dirs.add(Path.of("/usr/lib", triplet));
    }
    dirs.add(Path.of("/lib64"));
    dirs.add(Path.of("/usr/lib64"));
    dirs.add(Path.of("/lib"));
    dirs.add(Path.of("/usr/lib"));
    return dirs;
  }

  private static Path path(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
