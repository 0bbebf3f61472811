package com.gkeaudit.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gkeaudit.scripts.Scripts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment scripts' dry runs print exactly the commands a real run executes (so these assertions pin the real
 * gcloud calls), their errors are one clear line, and a dry run calls nothing. {@link GcloudAcceptsDryRunsTest}
 * feeds the printed commands to the real gcloud parser.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class DeploymentScriptsTest {
  static final String FILTER =
      "(log_id(\"cloudaudit.googleapis.com/activity\") OR log_id(\"cloudaudit.googleapis.com/data_access\"))"
          + " AND resource.type=(\"gke_cluster\" OR \"gke_nodepool\")"
          + " AND protoPayload.serviceName=\"container.googleapis.com\"";

  private static final String TEMPLATE_FLAGS =
      " --project=my-project-1 --region=europe-west4"
          + " --template-file-gcs-location=gs://my-dataflow/templates/gke-audit.json"
          + " --temp-location=gs://my-dataflow/temp --staging-location=gs://my-dataflow/staging";

  @BeforeEach
  void needsBash() {
    Scripts.assumeBash();
  }

  // ---- build-template.sh

  @Test
  void buildTemplateDryRunPrintsTheBuild() throws Exception {
    Result r =
        Scripts.script(
            "build-template.sh", "--project", "my-project-1", "--region", "europe-west4", "--bucket", "gs://my-dataflow",
            "--repository=images", "--tag", "v1.2", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    String image = "europe-west4-docker.pkg.dev/my-project-1/images/gke-audit:v1.2";
    assertEquals(
        List.of(
            "mvn -q -B -DskipTests package",
            "rm -rf pipeline/target/flex-template",
            "mkdir -p pipeline/target/flex-template",
            "cp templates/Dockerfile pipeline/target/gke-audit-pipeline-bundled.jar pipeline/target/flex-template/",
            "gcloud builds submit pipeline/target/flex-template --project=my-project-1 --region=europe-west4 --tag="
                + image,
            "gcloud dataflow flex-template build gs://my-dataflow/templates/gke-audit.json --project=my-project-1"
                + " --image=" + image + " --sdk-language=JAVA --metadata-file=templates/metadata.json"),
        r.lines());
  }

  @Test
  void buildTemplateTagsTheImageWithTheCommitByDefault() throws Exception {
    Result r =
        Scripts.script(
            "build-template.sh", "--project=my-project-1", "--region=us-central1", "--bucket=gs://my-dataflow/",
            "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    // The default repository; the tag is the commit (-dirty with local changes), or a UTC time outside git.
    assertTrue(
        r.out().matches("(?s).*--tag=us-central1-docker\\.pkg\\.dev/my-project-1/gke-audit/gke-audit:"
            + "([0-9a-f]{12}(-dirty)?|[0-9]{8}-[0-9]{6})\n.*"),
        r.out());
  }

  @Test
  void theDockerfileIsTheLauncherImageOfTheBundledJar() throws IOException {
    String dockerfile = Files.readString(Scripts.REPO.resolve("templates/Dockerfile"));
    assertTrue(dockerfile.contains("gcr.io/dataflow-templates-base/java17-template-launcher-base"), dockerfile);
    assertTrue(dockerfile.contains("ENV FLEX_TEMPLATE_JAVA_MAIN_CLASS=com.gkeaudit.GkeAuditPipeline"), dockerfile);
    assertTrue(
        dockerfile.contains("ENV FLEX_TEMPLATE_JAVA_CLASSPATH=${WORKDIR}/gke-audit-pipeline-bundled.jar"), dockerfile);
    assertTrue(dockerfile.contains("COPY gke-audit-pipeline-bundled.jar ${WORKDIR}/"), dockerfile);
  }

  // ---- run-template.sh

  @Test
  void runTemplateBatchDryRunPassesEachOptionAsAParameter() throws Exception {
    Result r =
        Scripts.script(
            "run-template.sh", "--project", "my-project-1", "--region", "europe-west4", "--bucket", "gs://my-dataflow",
            "--job-name", "gke-audit-backfill-may", "--dry-run", "--",
            "--inputFiles=gs://my-audit-export/cloudaudit.googleapis.com/activity/**,"
                + "gs://my-audit-export/cloudaudit.googleapis.com/data_access/**",
            "--outputDir=gs://my-results/gke-audit", "--burstThreshold=6");
    assertEquals(0, r.exit(), r.toString());
    // gcloud splits --parameters on commas: a comma-separated value needs gcloud's ^~^ delimiter escape.
    assertEquals(
        List.of(
            "gcloud dataflow flex-template run gke-audit-backfill-may" + TEMPLATE_FLAGS
                + " '--parameters=^~^inputFiles=gs://my-audit-export/cloudaudit.googleapis.com/activity/**,"
                + "gs://my-audit-export/cloudaudit.googleapis.com/data_access/**'"
                + " --parameters=outputDir=gs://my-results/gke-audit --parameters=burstThreshold=6"),
        r.lines());
  }

  @Test
  void runTemplateNamesBatchJobsByTime() throws Exception {
    Result r =
        Scripts.script(
            "run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--dry-run", "--", "--inputFiles=gs://my-audit-export/x/**", "--outputDir=gs://my-results/out");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().matches("gcloud dataflow flex-template run gke-audit-backfill-[0-9]{8}-[0-9]{6} --project=.*\n"),
        r.out());
  }

  @Test
  void runTemplateStreamingDryRunUsesStreamingEngineAndCanUpdate() throws Exception {
    Result r =
        Scripts.script(
            "run-template.sh", "--project", "my-project-1", "--region", "europe-west4", "--bucket", "gs://my-dataflow",
            "--mode", "streaming", "--service-account", "gke-audit@my-project-1.iam.gserviceaccount.com",
            "--max-workers", "4", "--update", "--dry-run", "--",
            "--inputSubscription=projects/my-project-1/subscriptions/gke-audit",
            "--findingsTable=my-project-1:gke_audit.findings", "--deadLetterTable=my-project-1:gke_audit.deadletter",
            "--trustedCidrs=203.0.113.0/24,2001:db8::/32");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        List.of(
            "gcloud dataflow flex-template run gke-audit-stream" + TEMPLATE_FLAGS
                + " --service-account-email=gke-audit@my-project-1.iam.gserviceaccount.com --max-workers=4"
                + " --enable-streaming-engine --update"
                + " --parameters=inputSubscription=projects/my-project-1/subscriptions/gke-audit"
                + " --parameters=findingsTable=my-project-1:gke_audit.findings"
                + " --parameters=deadLetterTable=my-project-1:gke_audit.deadletter"
                + " '--parameters=^~^trustedCidrs=203.0.113.0/24,2001:db8::/32'"),
        r.lines());
  }

  @Test
  void runTemplatePicksAnotherDelimiterWhenTheValueHoldsATilde() throws Exception {
    Result r =
        Scripts.script(
            "run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--job-name=j1", "--dry-run", "--", "--inputFiles=gs://my-audit-export/a~1/**,gs://my-audit-export/b/**",
            "--outputDir=gs://my-results/out");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains(" '--parameters=^|^inputFiles=gs://my-audit-export/a~1/**,gs://my-audit-export/b/**' "),
        r.out());
  }

  // ---- create-log-sink.sh

  @Test
  void createLogSinkToABucketGrantsObjectCreator() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--project", "my-project-1", "--bucket", "gs://my-audit-export",
        "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        List.of(
            "gcloud logging sinks describe gke-audit --project=my-project-1 >/dev/null 2>&1 ||"
                + " gcloud logging sinks create gke-audit storage.googleapis.com/my-audit-export --project=my-project-1"
                + " '--log-filter=" + FILTER + "'"
                + " '--description=GKE ClusterManager audit entries for the gke-audit pipeline'",
            "WRITER_IDENTITY=$(gcloud logging sinks describe gke-audit --project=my-project-1"
                + " '--format=value(writerIdentity)')",
            "gcloud storage buckets add-iam-policy-binding gs://my-audit-export --role=roles/storage.objectCreator"
                + " --member=\"$WRITER_IDENTITY\""),
        r.lines());
  }

  @Test
  void createLogSinkToATopicGrantsPublisher() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--project=my-project-1", "--topic=gke-audit-entries",
        "--sink-name=gke-audit-stream", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        List.of(
            "gcloud logging sinks describe gke-audit-stream --project=my-project-1 >/dev/null 2>&1 ||"
                + " gcloud logging sinks create gke-audit-stream"
                + " pubsub.googleapis.com/projects/my-project-1/topics/gke-audit-entries --project=my-project-1"
                + " '--log-filter=" + FILTER + "'"
                + " '--description=GKE ClusterManager audit entries for the gke-audit pipeline'",
            "WRITER_IDENTITY=$(gcloud logging sinks describe gke-audit-stream --project=my-project-1"
                + " '--format=value(writerIdentity)')",
            "gcloud pubsub topics add-iam-policy-binding projects/my-project-1/topics/gke-audit-entries"
                + " --role=roles/pubsub.publisher --member=\"$WRITER_IDENTITY\""),
        r.lines());
  }

  @Test
  void createLogSinkTakesATopicOfAnotherProject() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--project=my-project-1",
        "--topic=projects/security-hub/topics/gke-audit", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains(" pubsub.googleapis.com/projects/security-hub/topics/gke-audit --project=my-project-1 "),
        r.out());
  }


  @Test
  void createLogSinkOnAnOrganizationIsAnAggregatedSinkGrantedOnTheDestination() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--organization=123456789012", "--include-children",
        "--topic=projects/security-hub-1/topics/gke-audit", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.err());
    assertEquals(
        List.of(
            "gcloud logging sinks describe gke-audit --organization=123456789012 >/dev/null 2>&1 ||"
                + " gcloud logging sinks create gke-audit pubsub.googleapis.com/projects/security-hub-1/topics/gke-audit"
                + " --organization=123456789012 '--log-filter=" + FILTER + "'"
                + " '--description=GKE ClusterManager audit entries for the gke-audit pipeline' --include-children",
            "WRITER_IDENTITY=$(gcloud logging sinks describe gke-audit --organization=123456789012"
                + " '--format=value(writerIdentity)')",
            // The grant is on the topic itself, in the destination's project, not on the organization.
            "gcloud pubsub topics add-iam-policy-binding projects/security-hub-1/topics/gke-audit"
                + " --role=roles/pubsub.publisher --member=\"$WRITER_IDENTITY\""),
        r.lines());
  }

  @Test
  void createLogSinkOnAFolderToABucket() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--folder", "345678901234", "--include-children",
        "--bucket", "gs://fleet-audit-export", "--sink-name", "gke-audit-fleet", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.lines().get(0).startsWith("gcloud logging sinks describe gke-audit-fleet --folder=345678901234 "
        + ">/dev/null 2>&1 || gcloud logging sinks create gke-audit-fleet storage.googleapis.com/fleet-audit-export"
        + " --folder=345678901234 "), r.out());
    assertTrue(r.lines().get(0).endsWith(" --include-children"), r.out());
    assertEquals("gcloud storage buckets add-iam-policy-binding gs://fleet-audit-export"
        + " --role=roles/storage.objectCreator --member=\"$WRITER_IDENTITY\"", r.lines().get(2));
  }

  @Test
  void anAggregatedSinkWithoutChildrenIsAllowedButWarned() throws Exception {
    Result r = Scripts.script("create-log-sink.sh", "--organization=123456789012",
        "--topic=projects/security-hub-1/topics/gke-audit", "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("warning: without --include-children"), r.err());
    assertFalse(r.out().contains("--include-children"), r.out());
  }

  // ---- deploy.sh

  private static final List<String> DEPLOY =
      List.of("--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow", "--dry-run");

  private static List<String> deployCommands(String... extra) throws Exception {
    List<String> args = new ArrayList<>(DEPLOY);
    args.addAll(List.of(extra));
    Result r = Scripts.script("deploy.sh", args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    return r.lines().stream().filter(line -> !line.startsWith("# ")).toList();
  }

  /** The index of the first command starting with one of the prefixes (after a describe guard, if any). */
  private static int indexOf(List<String> commands, String prefix) {
    for (int i = 0; i < commands.size(); i++) {
      String line = commands.get(i);
      String action = line.contains(" >/dev/null 2>&1 || ") ? line.substring(line.indexOf(" || ") + 4) : line;
      if (action.startsWith(prefix) || line.startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no command starting with '" + prefix + "' in\n" + String.join("\n", commands));
  }

  @Test
  void deployDryRunGoesFromNothingToALaunchedStreamingJobInOrder() throws Exception {
    List<String> commands = deployCommands();
    List<String> sequence =
        List.of(
            "gcloud services enable dataflow.googleapis.com",
            "gcloud storage buckets create gs://my-dataflow --project=my-project-1 --location=europe-west4",
            "scripts/setup-bigquery.sh --project=my-project-1 --dataset=gke_audit --location=europe-west4",
            "gcloud pubsub topics create gke-audit-entries",
            "gcloud pubsub subscriptions create gke-audit --project=my-project-1 --topic=gke-audit-entries",
            "gcloud pubsub topics create gke-audit-findings",
            "gcloud artifacts repositories create gke-audit",
            "gcloud iam service-accounts create gke-audit-worker",
            "gcloud iam service-accounts create gke-audit-build",
            "gcloud projects add-iam-policy-binding my-project-1"
                + " --member=serviceAccount:gke-audit-worker@my-project-1.iam.gserviceaccount.com"
                + " --role=roles/dataflow.worker",
            "bq --project_id=my-project-1 query --use_legacy_sql=false 'GRANT `roles/bigquery.dataEditor` ON SCHEMA"
                + " `my-project-1.gke_audit` TO \"serviceAccount:gke-audit-worker@my-project-1.iam.gserviceaccount.com\"'",
            "gcloud artifacts repositories add-iam-policy-binding gke-audit --project=my-project-1"
                + " --location=europe-west4 --member=serviceAccount:gke-audit-build@my-project-1.iam.gserviceaccount.com"
                + " --role=roles/artifactregistry.writer",
            "gcloud logging sinks create gke-audit pubsub.googleapis.com/projects/my-project-1/topics/gke-audit-entries"
                + " --project=my-project-1",
            "gcloud pubsub topics add-iam-policy-binding projects/my-project-1/topics/gke-audit-entries"
                + " --role=roles/pubsub.publisher",
            "mvn -q -B -DskipTests package",
            "gcloud builds submit pipeline/target/flex-template --project=my-project-1 --region=europe-west4",
            "gcloud dataflow flex-template build gs://my-dataflow/templates/gke-audit.json",
            "[ -n \"$(gcloud dataflow jobs list --project=my-project-1 --region=europe-west4 --status=active");
    int previous = -1;
    for (String step : sequence) {
      int at = indexOf(commands, step);
      assertTrue(at > previous, "'" + step + "' comes after the step before it:\n" + String.join("\n", commands));
      previous = at;
    }
    // Every create is guarded by its describe: rerunning changes nothing that exists.
    for (String line : commands) {
      if (line.matches("gcloud \\S+( \\S+)? (create|buckets create) .*") || line.contains(" create ")) {
        assertTrue(line.contains(" >/dev/null 2>&1 || ") && line.startsWith("gcloud ")
                && line.substring(0, line.indexOf(" >/dev/null")).contains(" describe "),
            "not idempotent: " + line);
      }
    }
    String launch = commands.get(commands.size() - 1);
    assertTrue(launch.contains(" || gcloud dataflow flex-template run gke-audit-stream "), launch);
    for (String expected :
        List.of(
            " --service-account-email=gke-audit-worker@my-project-1.iam.gserviceaccount.com",
            " --enable-streaming-engine",
            " --parameters=inputSubscription=projects/my-project-1/subscriptions/gke-audit",
            " --parameters=findingsTable=my-project-1:gke_audit.findings",
            " --parameters=deadLetterTable=my-project-1:gke_audit.deadletter",
            " --parameters=findingsTopic=projects/my-project-1/topics/gke-audit-findings")) {
      assertTrue(launch.contains(expected), "launch lacks" + expected + ": " + launch);
    }
    // Exactly-once is the default: no at-least-once experiment.
    assertFalse(launch.contains("streaming_mode_at_least_once"), launch);
    String build = commands.get(indexOf(commands, "gcloud builds submit"));
    assertTrue(build.endsWith(" --service-account=projects/my-project-1/serviceAccounts/"
        + "gke-audit-build@my-project-1.iam.gserviceaccount.com --gcs-source-staging-dir=gs://my-dataflow/cloudbuild/source"
        + " --gcs-log-dir=gs://my-dataflow/cloudbuild/logs"), build);
  }

  @Test
  void deployForAnOrganizationMakesAnAggregatedSinkAndPassesSuppressions(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("suppressions.yaml"), "suppressions: []\n");
    List<String> commands =
        deployCommands("--organization=123456789012", "--suppressions=" + file, "--streaming-mode=at-least-once");
    String sink = commands.get(indexOf(commands, "gcloud logging sinks create"));
    assertTrue(sink.contains(" --organization=123456789012 ") && sink.endsWith(" --include-children"), sink);
    assertEquals("gcloud storage cp " + file + " gs://my-dataflow/config/suppressions.yaml --project=my-project-1",
        commands.get(indexOf(commands, "gcloud storage cp")));
    String launch = commands.get(commands.size() - 1);
    assertTrue(launch.contains(" --parameters=suppressions=gs://my-dataflow/config/suppressions.yaml"), launch);
    assertTrue(launch.contains(" --additional-experiments=streaming_mode_at_least_once"), launch);
  }

  // ---- run-template.sh and build-template.sh: streaming mode and build service account

  @Test
  void atLeastOnceIsChosenAtLaunchAndOnlyForStreams() throws Exception {
    Result r =
        Scripts.script("run-template.sh", "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
            "--mode=streaming", "--streaming-mode=at-least-once", "--dry-run", "--",
            "--inputSubscription=projects/my-project-1/subscriptions/gke-audit", "--outputDir=gs://my-results/out");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains(" --enable-streaming-engine --additional-experiments=streaming_mode_at_least_once "),
        r.out());
    expectError("run-template.sh", "--streaming-mode is for --mode streaming", "--project=my-project-1",
        "--region=europe-west4", "--bucket=gs://my-dataflow", "--streaming-mode=at-least-once", "--dry-run", "--",
        "--inputFiles=gs://my-audit-export/**");
    expectError("run-template.sh", "--streaming-mode must be exactly-once or at-least-once",
        "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow", "--mode=streaming",
        "--streaming-mode=once", "--dry-run", "--", "--inputSubscription=projects/p-1/subscriptions/s-1");
  }

  // ---- every script

  @ParameterizedTest
  @ValueSource(strings = {"build-template.sh", "run-template.sh", "create-log-sink.sh", "deploy.sh"})
  void helpDescribesTheScript(String script) throws Exception {
    for (String flag : List.of("--help", "-h")) {
      Result r = Scripts.script(script, flag);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("scripts/" + script + " --project P"), r.out());
      assertTrue(r.out().contains("--dry-run"), r.out());
      assertFalse(r.out().contains("set -euo pipefail"), "help runs past the header comment:\n" + r.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"build-template.sh", "run-template.sh", "create-log-sink.sh", "deploy.sh"})
  void missingProjectIsAClearError(String script) throws Exception {
    Result r = Scripts.script(script, "--dry-run");
    assertEquals(2, r.exit(), r.toString());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith(script + ": error: --project is required\n"), r.err());
  }

  @Test
  void badArgumentsAreClearErrors() throws Exception {
    String[] template = {"--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow", "--dry-run"};
    expectError("build-template.sh", "--region is required", "--project=my-project-1", "--bucket=gs://b-1");
    expectError("build-template.sh", "--bucket must be gs://BUCKET", "--project=my-project-1",
        "--region=europe-west4", "--bucket=my-dataflow");
    expectError("build-template.sh", "--bucket must be gs://BUCKET", "--project=my-project-1",
        "--region=europe-west4", "--bucket=gs://my-dataflow/templates");
    expectError("build-template.sh", "--project must be a project id", "--project=My Project", "--region=us-east1",
        "--bucket=gs://my-dataflow");
    expectError("build-template.sh", "--region must be a region", "--project=my-project-1", "--region=Europe",
        "--bucket=gs://my-dataflow");
    expectError("build-template.sh", "--tag needs a value", "--project=my-project-1", "--tag");
    expectError("build-template.sh", "unknown argument '--bogus'", "--bogus");
    expectError("run-template.sh", "--mode batch needs the pipeline option --inputFiles", template);
    expectError("run-template.sh", "--mode must be batch or streaming", concat(template, "--mode=stream"));
    expectError("run-template.sh", "--mode streaming needs the pipeline option --inputSubscription",
        concat(template, "--mode=streaming", "--", "--inputFiles=gs://my-audit-export/**"));
    expectError("run-template.sh", "--inputSubscription does not go with --mode batch",
        concat(template, "--", "--inputFiles=gs://a-b/**", "--inputSubscription=projects/p-1/subscriptions/s-1"));
    expectError("run-template.sh", "--update replaces a running streaming job",
        concat(template, "--update", "--", "--inputFiles=gs://my-audit-export/**"));
    expectError("run-template.sh", "--numWorkers is not a parameter of the template",
        concat(template, "--", "--inputFiles=gs://my-audit-export/**", "--numWorkers=3"));
    expectError("run-template.sh", "pipeline options must look like --name=value, got 'inputFiles=gs://a/b'",
        concat(template, "--", "inputFiles=gs://a/b"));
    expectError("run-template.sh", "unknown argument '--inputFiles=gs://a/b' (pipeline options go after --)",
        concat(template, "--inputFiles=gs://a/b"));
    expectError("run-template.sh", "--job-name must be lower-case",
        concat(template, "--job-name=Nightly_Run", "--", "--inputFiles=gs://my-audit-export/**"));
    expectError("create-log-sink.sh", "a destination is required", "--project=my-project-1");
    expectError("create-log-sink.sh", "--bucket and --topic are exclusive", "--project=my-project-1",
        "--bucket=gs://my-audit-export", "--topic=t-1");
    expectError("create-log-sink.sh", "--topic must be a topic name or projects/PROJECT/topics/NAME",
        "--project=my-project-1", "--topic=projects/p/subscriptions/s");
    expectError("create-log-sink.sh", "--organization and --folder are exclusive", "--organization=1",
        "--folder=2", "--topic=projects/p-1/topics/t-1");
    expectError("create-log-sink.sh", "--organization must be a numeric organization id",
        "--organization=example.com", "--topic=projects/p-1/topics/t-1");
    expectError("create-log-sink.sh", "--include-children is for an aggregated sink", "--project=my-project-1",
        "--include-children", "--topic=t-1");
    expectError("create-log-sink.sh", "is a bare name: give projects/PROJECT/topics/gke-audit or --project",
        "--folder=345678901234", "--include-children", "--topic=gke-audit");
    expectError("build-template.sh", "--build-service-account must be a service account email",
        "--project=my-project-1", "--region=europe-west4", "--bucket=gs://my-dataflow",
        "--build-service-account=builder");
    expectError("deploy.sh", "--region is required", "--project=my-project-1", "--bucket=gs://b-1");
    expectError("deploy.sh", "--organization and --folder are exclusive", "--project=my-project-1",
        "--region=europe-west4", "--bucket=gs://b-1", "--organization=1", "--folder=2");
    expectError("deploy.sh", "--suppressions must be a local file", "--project=my-project-1",
        "--region=europe-west4", "--bucket=gs://b-1", "--suppressions=gs://b-1/s.yaml");
    expectError("deploy.sh", "--streaming-mode must be exactly-once or at-least-once", "--project=my-project-1",
        "--region=europe-west4", "--bucket=gs://b-1", "--streaming-mode=fast");
  }

  @ParameterizedTest
  @ValueSource(strings = {"build-template.sh", "run-template.sh", "create-log-sink.sh", "deploy.sh"})
  void aDryRunCallsNothing(String script, @TempDir Path fakeBin) throws Exception {
    // gcloud, mvn and the file commands replaced by stubs that leave a trace when called.
    Path trace = fakeBin.resolve("called");
    for (String tool : List.of("gcloud", "bq", "mvn", "docker", "rm", "mkdir", "cp", "java")) {
      Path stub = fakeBin.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho " + tool + " >> '" + trace + "'\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<String> args =
        switch (script) {
          case "build-template.sh", "deploy.sh" ->
              List.of("--project=my-project-1", "--region=europe-west4", "--bucket=gs://b-1");
          case "run-template.sh" ->
              List.of("--project=my-project-1", "--region=europe-west4", "--bucket=gs://b-1", "--",
                  "--inputFiles=gs://b-1/x/**", "--outputDir=gs://b-1/out");
          default -> List.of("--project=my-project-1", "--bucket=gs://b-1");
        };
    List<String> command = new ArrayList<>(List.of("bash", Scripts.SCRIPTS.resolve(script).toString()));
    command.add("--dry-run");
    command.addAll(args);
    Result r = Scripts.run(Scripts.REPO, Map.of("PATH", fakeBin + ":" + System.getenv("PATH")), command);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("gcloud "), r.out());
    assertFalse(Files.exists(trace), () -> "a dry run called: " + readQuietly(trace));
  }

  private static void expectError(String script, String message, String... args) throws Exception {
    Result r = Scripts.script(script, args);
    assertEquals(2, r.exit(), script + " " + String.join(" ", args) + "\n" + r);
    assertEquals("", r.out(), "nothing on stdout when the arguments are wrong");
    assertTrue(r.err().startsWith(script + ": error: ") && r.err().contains(message),
        "expected '" + message + "' from " + script + " " + String.join(" ", args) + "\n" + r.err());
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
