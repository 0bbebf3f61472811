package com.gkeaudit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad --suppressions file or --findingsTopic stops the run before anything runs or any output is touched. */
class SuppressionsOptionTest {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

  private static String[] errorOf(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = GkeAuditPipeline.run(args);
    } finally {
      System.setErr(saved);
    }
    return new String[] {String.valueOf(exit), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void aMalformedFileIsOneLineAndExitTwoBeforeOutputIsReplaced(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("findings"));
    Path previous = Files.writeString(out.resolve("findings/previous.json"), "{\"finding_id\":\"kept\"}\n");
    Path file = Files.writeString(dir.resolve("s.yaml"), "suppressions:\n  - rule_id: change-burst\n");
    String[] result =
        errorOf("--inputFiles=" + SAMPLES.resolve("cloudaudit.googleapis.com") + "/**", "--outputDir=" + out,
            "--suppressions=" + file);
    assertThat(result[0], is("2"));
    assertThat(result[1], is("error: --suppressions " + file + ": entry 1: reason is required (it is written into "
        + "suppressed_by)\n"));
    try (var files = Files.list(out.resolve("findings"))) {
      assertThat(files.toList(), is(List.of(previous)));
    }
  }

  @Test
  void aMissingFileIsOneLineAndExitTwo(@TempDir Path dir) {
    String[] result =
        errorOf("--inputFiles=" + SAMPLES.resolve("cloudaudit.googleapis.com") + "/**", "--outputDir=" + dir,
            "--suppressions=" + dir.resolve("nope.yaml"));
    assertThat(result[0], is("2"));
    assertThat(result[1], containsString("--suppressions " + dir.resolve("nope.yaml") + ": cannot read it"));
    assertThat(result[1].strip().lines().count(), is(1L));
  }

  @Test
  void aTopicThatIsNotATopicNameIsOneLineAndExitTwo(@TempDir Path dir) {
    String[] result =
        errorOf("--inputFiles=" + SAMPLES.resolve("cloudaudit.googleapis.com") + "/**", "--outputDir=" + dir,
            "--findingsTopic=gke-audit-findings");
    assertThat(result[0], is("2"));
    assertThat(result[1], is("error: --findingsTopic must look like projects/PROJECT/topics/NAME, got "
        + "'gke-audit-findings'\n"));
  }
}
