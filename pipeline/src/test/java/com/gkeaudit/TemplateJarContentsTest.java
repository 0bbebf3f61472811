package com.gkeaudit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The Flex Template's bundled jar holds the job and nothing else: no sample generator, replay publisher or BigQuery
 * setup class (they live in the tools module, docs/architecture.md). The shade plugin builds that jar from exactly this
 * module's classes and its runtime dependencies, so the first test checks those inputs on every test run; the second
 * checks the jar itself, which the package phase builds before this test runs again (scripts/build-template.sh also
 * checks it before uploading).
 */
class TemplateJarContentsTest {

  private static final List<String> TOOL_CLASSES =
      List.of(
          "AuditPlan", "Fleet", "GenUtil", "K8sLines", "PlannedLine", "PublishExport", "PubsubRest",
          "SampleExportGenerator", "SetupBigQuery");

  @Test
  void theJobsClassPathHasNoToolClass() throws IOException {
    ClassLoader loader = getClass().getClassLoader();
    List<URL> toolPackages = Collections.list(loader.getResources("com/gkeaudit/tools"));
    assertEquals(List.of(), toolPackages, "the tools package must not be on the pipeline module's class path");
    for (String name : TOOL_CLASSES) {
      assertThrows(
          ClassNotFoundException.class,
          () -> Class.forName("com.gkeaudit.tools." + name, false, loader),
          name + " must live in the tools module, not in the pipeline");
    }
    assertFalse(Files.exists(Path.of("target/classes/com/gkeaudit/tools")), "target/classes/com/gkeaudit/tools");
    // The job itself is there: the check above is about the right class path.
    assertTrue(Files.exists(Path.of("target/classes/com/gkeaudit/GkeAuditPipeline.class")));
  }

  @Test
  void theBuiltTemplateJarHasNoToolClass() throws IOException {
    Path jar = Path.of("target/gke-audit-pipeline-bundled.jar");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(jar), "the bundled jar is built by the package phase (mvn -DskipTests package)");
    List<String> tools = new ArrayList<>();
    boolean pipeline = false;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        if (entry.getName().startsWith("com/gkeaudit/tools/")) {
          tools.add(entry.getName());
        }
        pipeline |= entry.getName().equals("com/gkeaudit/GkeAuditPipeline.class");
      }
    }
    assertTrue(pipeline, "the jar holds the pipeline");
    assertEquals(List.of(), tools, "the template jar must hold no tool or generator class");
  }
}
