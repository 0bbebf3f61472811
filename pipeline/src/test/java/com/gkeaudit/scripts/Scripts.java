package com.gkeaudit.scripts;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the repository's shell scripts and tools from the tests; the module directory is Surefire's working dir. */
final class Scripts {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path SCRIPTS = REPO.resolve("scripts");

  private Scripts() {}

  record Result(int exit, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Whether {@code tool} is an executable on the PATH. */
  static boolean onPath(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
  }

  static void assumeBash() {
    assumeTrue(onPath("bash"), "bash is not installed: the deployment scripts and their dry runs cannot be tested here");
  }

  /** Runs {@code scripts/<script>} with bash. */
  static Result script(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
    command.addAll(List.of(args));
    return run(REPO, Map.of(), command);
  }

  /** Runs a command in {@code dir} with extra environment variables; stdout and stderr go through files. */
  static Result run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("script-out", ".txt");
    Path err = Files.createTempFile("script-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(
          process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
