package com.gkeaudit.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.gkeaudit.scripts.Scripts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell script of the project is shellcheck-clean (Debian package {@code shellcheck}; .ci/run installs it).
 * Skipped, saying so, where shellcheck is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class ShellcheckTest {
  @Test
  void everyScriptIsShellcheckClean() throws IOException, InterruptedException {
    assumeTrue(Scripts.onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck): not linted");
    List<String> scripts = scripts();
    assertTrue(scripts.size() >= 4, "expected the deployment scripts, found " + scripts);
    List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources", "--severity=style"));
    command.addAll(scripts);
    Result r = Scripts.run(Scripts.REPO, Map.of(), command);
    assertEquals(0, r.exit(), "shellcheck findings:\n" + r.out() + r.err());
  }

  /** scripts/**.sh and .ci/run, relative to the repository. */
  private static List<String> scripts() throws IOException {
    try (Stream<Path> files = Files.walk(Scripts.SCRIPTS)) {
      List<String> found =
          files
              .filter(f -> f.toString().endsWith(".sh"))
              .map(f -> Scripts.REPO.relativize(f).toString())
              .sorted()
              .collect(Collectors.toCollection(ArrayList::new));
      if (Files.exists(Scripts.REPO.resolve(".ci/run"))) {
        found.add(".ci/run");
      }
      return found;
    }
  }
}
