package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.linalg.BlasLibrary.Lookup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlasLibraryTest {
  @TempDir Path tmp;

  private Path dir(String name) throws IOException {
    return Files.createDirectories(tmp.resolve(name));
  }

  private Lookup linux(String ldLibraryPath, Path cache, List<Path> systemDirs) {
    return new Lookup("Linux", null, ldLibraryPath, cache, systemDirs);
  }

  @Test
  void missingEverywhereExplainsWhereItLookedAndWhatToInstall() throws IOException {
    Path empty = dir("empty");
    Lookup l = linux(empty.toString(), tmp.resolve("no-cache"), List.of(dir("usr-lib")));
    assertThat(BlasLibrary.missing(l)).hasValueSatisfying(reason -> assertThat(reason)
        .contains("native BLAS")
        .contains("libblas.so.3")
        .contains("LD_LIBRARY_PATH")
        .contains(tmp.resolve("usr-lib").toString())
        .contains("libopenblas0")
        .contains(BlasLibrary.NATIVE_LIB_PATH_PROPERTY));
  }

  @Test
  void foundInLdLibraryPath() throws IOException {
    Path lib = dir("lib");
    Files.writeString(lib.resolve("libblas.so.3"), "elf");
    String path = dir("other") + java.io.File.pathSeparator + lib;
    assertThat(BlasLibrary.missing(linux(path, tmp.resolve("no-cache"), List.of()))).isEmpty();
  }

  @Test
  void foundInASystemDirectoryEvenThroughASymlink() throws IOException {
    Path real = dir("openblas-pthread");
    Files.writeString(real.resolve("libblas.so.3"), "elf");
    Path system = dir("usr-lib");
    Files.createSymbolicLink(system.resolve("libblas.so.3"), real.resolve("libblas.so.3"));
    assertThat(BlasLibrary.missing(linux(null, tmp.resolve("no-cache"), List.of(system)))).isEmpty();
    // a dangling alternatives link is no library
    Files.delete(real.resolve("libblas.so.3"));
    assertThat(BlasLibrary.missing(linux(null, tmp.resolve("no-cache"), List.of(system)))).isPresent();
  }

  @Test
  void foundThroughTheLinkerCache() throws IOException {
    Path lib = dir("opt-blas");
    Files.writeString(lib.resolve("libblas.so.3"), "elf");
    Path cache = tmp.resolve("ld.so.cache");
    String table = "glibc-ld.so.cache1.1\0libc.so.6\0/lib/x86_64-linux-gnu/libc.so.6\0libblas.so.3\0"
        + lib.resolve("libblas.so.3") + "\0";
    Files.write(cache, table.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(BlasLibrary.cachedPaths(cache)).containsExactly(lib.resolve("libblas.so.3"));
    assertThat(BlasLibrary.missing(linux(null, cache, List.of()))).isEmpty();
    // a cache entry whose file is gone does not count
    Files.delete(lib.resolve("libblas.so.3"));
    assertThat(BlasLibrary.missing(linux(null, cache, List.of()))).isPresent();
  }

  @Test
  void aLibraryTheUserChoseAndOtherSystemsAreLeftToNetlib() {
    Path nowhere = tmp.resolve("nowhere");
    assertThat(BlasLibrary.missing(new Lookup("Linux", "/opt/blas/libblas.so", null, nowhere, List.of())))
        .isEmpty();
    assertThat(BlasLibrary.missing(new Lookup("Mac OS X", null, null, nowhere, List.of()))).isEmpty();
  }

  @Test
  void systemDirectoriesIncludeTheMultiarchOnes() {
    assertThat(BlasLibrary.systemDirs("amd64"))
        .startsWith(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"))
        .contains(Path.of("/usr/lib"));
    assertThat(BlasLibrary.systemDirs("aarch64")).contains(Path.of("/usr/lib/aarch64-linux-gnu"));
    assertThat(BlasLibrary.systemDirs("s390x")).doesNotContain(Path.of("/usr/lib/x86_64-linux-gnu"));
  }
}
