package com.gkeaudit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The main packages form layers (docs/architecture.md): each may use only the layers below it, so there is no import
 * cycle and the value types depend on nothing of ours. Read from the sources: an import, or a fully qualified name in
 * code, is a use.
 */
class PackageLayersTest {
  private static final Path MAIN = Path.of("src", "main", "java", "com", "gkeaudit");
  private static final Pattern USE = Pattern.compile("\\bcom\\.gkeaudit\\.([a-z]+)\\.[A-Z]");

  /** Each package and the packages of ours it may use. The root package (the entry point) may use all. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "model", Set.of(),
          "parse", Set.of("model"),
          "rules", Set.of("model", "parse"),
          "transforms", Set.of("model", "parse", "rules"),
          "io", Set.of("model", "parse", "rules", "transforms"),
          "options", Set.of("model", "parse", "rules", "transforms", "io"));

  @Test
  void eachPackageUsesOnlyTheLayersBelowIt() throws IOException {
    Map<String, Set<String>> uses = uses();
    assertEquals(ALLOWED.keySet(), uses.keySet(), "the main packages (a new one needs a place in ALLOWED)");
    List<String> problems = new ArrayList<>();
    uses.forEach(
        (pkg, used) -> {
          Set<String> extra = new TreeSet<>(used);
          extra.removeAll(ALLOWED.get(pkg));
          extra.remove(pkg);
          if (!extra.isEmpty()) {
            problems.add(pkg + " uses " + extra + " (allowed: " + ALLOWED.get(pkg) + ")");
          }
        });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** Package -> the packages of ours its sources refer to. */
  private static Map<String, Set<String>> uses() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        Path dir = MAIN.relativize(file.getParent());
        if (dir.toString().isEmpty()) {
          continue; // the entry point sits on top of everything
        }
        String pkg = dir.toString().replace('/', '.');
        Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher matcher = USE.matcher(withoutComments(Files.readString(file)));
        while (matcher.find()) {
          used.add(matcher.group(1));
        }
      }
    }
    return uses;
  }

  private static String withoutComments(String source) {
    return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
  }
}
