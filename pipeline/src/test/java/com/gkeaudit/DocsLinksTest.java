package com.gkeaudit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user documentation lives in the repository: README.md stays a short entry point (at most 15,000 bytes), and every
 * relative link in README.md and docs/*.md resolves to a file or directory inside the repository.
 */
class DocsLinksTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final int README_MAX_BYTES = 15_000;

  /** Markdown inline links and images: [text](target) or [text](target "title"). */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  @Test
  void readmeIsAShortEntryPoint() throws IOException {
    long size = Files.size(REPO.resolve("README.md"));
    assertTrue(size <= README_MAX_BYTES, "README.md is " + size + " bytes; keep it at most " + README_MAX_BYTES
        + " and move details into docs/");
  }

  @Test
  void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 5, "docs/*.md pages: " + pages);
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readString(page))) {
        if (target.matches("(?i)(https?|mailto):.*") || target.startsWith("#")) {
          continue; // web links, and anchors within the page
        }
        checked++;
        String path = target.replaceFirst("#.*$", "");
        Path resolved = page.getParent().resolve(path).normalize();
        String where = REPO.relativize(page) + ": " + target;
        if (path.startsWith("/") || !resolved.startsWith(REPO)) {
          broken.add(where + " (points outside the repository)");
        } else if (!Files.exists(resolved)) {
          broken.add(where + " (no such file)");
        }
      }
    }
    assertTrue(checked > 20, "relative links checked: " + checked);
    assertEquals(List.of(), broken);
  }

  @Test
  void theLinkPatternFindsLinks() {
    assertEquals(
        List.of("docs/rules.md", "../schemas/findings.json", "a.md#x"),
        links("see [rules](docs/rules.md) and [`x`](../schemas/findings.json \"title\"), [a](a.md#x)."));
  }

  private static List<String> links(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = LINK.matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
