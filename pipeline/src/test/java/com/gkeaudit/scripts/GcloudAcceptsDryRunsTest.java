package com.gkeaudit.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.scripts.Scripts.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds the commands the dry runs print to the installed gcloud, offline: with an empty configuration (no account)
 * gcloud parses and checks every flag, then stops at "You do not currently have an active account selected" before
 * any request. A misspelt flag or a malformed value fails earlier, with "unrecognized arguments" or "Invalid value",
 * and exit status 2. The template build also runs with {@code --print-only}, which needs no account and shows the
 * template spec gcloud would store. Skipped where gcloud is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class GcloudAcceptsDryRunsTest {
  private static final String NO_ACCOUNT = "You do not currently have an active account selected";

  @TempDir Path work;
  private Map<String, String> env;

  @BeforeEach
  void offlineGcloud() throws Exception {
    Scripts.assumeBash();
    assumeTrue(Scripts.onPath("gcloud"), "gcloud is not installed: the dry-run commands are not checked against it");
    env = new HashMap<>();
    // A fresh configuration directory: no account, no project, nothing of the machine's own gcloud setup.
    env.put("CLOUDSDK_CONFIG", work.resolve("gcloud-config").toString());
    env.put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
    env.put("CLOUDSDK_CORE_CHECK_GCE_METADATA", "false");
    env.put("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true");
    env.put("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true");
    env.put("WRITER_IDENTITY", "serviceAccount:service-123@gcp-sa-logging.iam.gserviceaccount.com");
    // What the commands read from the work tree: `builds submit` insists on a Dockerfile in its source directory.
    Files.createDirectories(work.resolve("pipeline/target/flex-template"));
    Files.copy(Scripts.REPO.resolve("templates/Dockerfile"), work.resolve("pipeline/target/flex-template/Dockerfile"));
    Files.createDirectories(work.resolve("templates"));
    Files.copy(Scripts.REPO.resolve("templates/metadata.json"), work.resolve("templates/metadata.json"));
  }

  @Test
  void buildTemplateCommandsParse() throws Exception {
    expectParsed(
        dryRun("build-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--tag=t1"));
  }

  @Test
  void runTemplateCommandsParse() throws Exception {
    expectParsed(
        dryRun("run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow", "--",
            "--inputFiles=gs://my-audit-export/a/**,gs://my-audit-export/b/**", "--outputDir=gs://my-results/out",
            "--trustedCidrs=10.0.0.0/8,2001:db8::/32"));
    expectParsed(
        dryRun("run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--mode=streaming", "--update", "--max-workers=3",
            "--service-account=gke-audit@my-project-1.iam.gserviceaccount.com", "--",
            "--inputSubscription=projects/my-project-1/subscriptions/gke-audit",
            "--findingsTable=my-project-1:gke_audit.findings", "--deadLetterTable=my-project-1:gke_audit.deadletter"));
  }

  @Test
  void createLogSinkCommandsParse() throws Exception {
    expectParsed(dryRun("create-log-sink.sh", "--project=my-project-1", "--bucket=gs://my-audit-export"));
    expectParsed(dryRun("create-log-sink.sh", "--project=my-project-1", "--topic=gke-audit"));
  }

  @Test
  void aggregatedSinkCommandsParse() throws Exception {
    expectParsed(dryRun("create-log-sink.sh", "--organization=123456789012", "--include-children",
        "--topic=projects/security-hub-1/topics/gke-audit"));
    expectParsed(dryRun("create-log-sink.sh", "--folder=345678901234", "--include-children",
        "--bucket=gs://fleet-audit-export"));
  }

  @Test
  void streamingModeAndBuildServiceAccountFlagsParse() throws Exception {
    expectParsed(
        dryRun("run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--mode=streaming", "--streaming-mode=at-least-once", "--",
            "--inputSubscription=projects/my-project-1/subscriptions/gke-audit",
            "--findingsTopic=projects/my-project-1/topics/gke-audit-findings", "--outputDir=gs://my-results/out"));
    expectParsed(
        dryRun("build-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--tag=t1", "--build-service-account=gke-audit-build@my-project-1.iam.gserviceaccount.com"));
  }

  @Test
  void everyGcloudCommandOfTheDeploymentParses() throws Exception {
    Files.writeString(work.resolve("suppressions.yaml"), "suppressions: []\n");
    List<String> lines =
        dryRun("deploy.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--organization=123456789012", "--suppressions=" + work.resolve("suppressions.yaml"));
    // Guards and their actions are checked apart: "describe >/dev/null 2>&1 || create" would hide the describe's
    // own parse errors, and "[ -n "$(list)" ] || run" the list's.
    List<String> commands = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.contains(" >/dev/null 2>&1 || ")) {
        commands.add(line.substring(0, line.indexOf(" >/dev/null 2>&1 || ")));
        commands.add(line.substring(line.indexOf(" >/dev/null 2>&1 || ") + " >/dev/null 2>&1 || ".length()));
      } else if (line.startsWith("[ -n \"$(")) {
        commands.add(line.substring("[ -n \"$(".length(), line.indexOf(")\" ] || ")));
        commands.add(line.substring(line.indexOf(")\" ] || ") + ")\" ] || ".length()));
      } else {
        commands.add(line);
      }
    }
    expectParsed(commands);
    assertTrue(commands.stream().filter(c -> c.startsWith("gcloud ")).count() >= 25, String.join("\n", commands));
  }

  @Test
  void gcloudKeepsEveryParameterInTheTemplateSpec() throws Exception {
    String build =
        dryRun("build-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
                "--tag=t1")
            .stream()
            .filter(line -> line.startsWith("gcloud dataflow flex-template build "))
            .findFirst()
            .orElseThrow();
    Result r = Scripts.run(work, env, List.of("bash", "-c", build + " --print-only --format=json"));
    assertEquals(0, r.exit(), r.toString());
    // --format=json prints the spec as one JSON string.
    ObjectMapper json = new ObjectMapper();
    JsonNode spec = json.readTree(json.readTree(r.out()).textValue());
    assertEquals("europe-west4-docker.pkg.dev/my-project-1/gke-audit/gke-audit:t1", spec.path("image").asText());
    assertEquals("JAVA", spec.path("sdkInfo").path("language").asText());
    JsonNode local = json.readTree(Scripts.REPO.resolve("templates/metadata.json").toFile());
    assertEquals(local.path("name"), spec.path("metadata").path("name"));
    assertEquals(local.path("parameters"), spec.path("metadata").path("parameters"));
    // Not asserted: gcloud 528 copies only name, description and parameters, and drops streaming,
    // supportsAtLeastOnce and supportsExactlyOnce. They only steer the Console's streaming-mode choice; the job's
    // mode follows from its input (an unbounded Pub/Sub read makes a streaming job).
  }

  private List<String> dryRun(String script, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--dry-run"));
    all.addAll(List.of(args));
    Result r = Scripts.script(script, all.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    return r.lines();
  }

  /** Runs each printed gcloud line as the shell would and expects gcloud to get as far as wanting an account. */
  private void expectParsed(List<String> lines) throws Exception {
    int checked = 0;
    for (String line : lines) {
      if (!line.contains("gcloud ")) {
        continue; // mvn, rm, mkdir, cp, bq, setup-bigquery.sh: not gcloud's to judge
      }
      Result r = Scripts.run(work, env, List.of("bash", "-c", line));
      assertTrue(r.exit() == 1 && r.err().contains(NO_ACCOUNT), "gcloud rejected: " + line + "\n" + r);
      checked++;
    }
    assertTrue(checked > 0, "no gcloud command in " + lines);
  }
}
