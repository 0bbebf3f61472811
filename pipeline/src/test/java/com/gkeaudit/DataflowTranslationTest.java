package com.gkeaudit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.options.OptionsValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.beam.model.pipeline.v1.RunnerApi;
import org.apache.beam.runners.dataflow.DataflowRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch pipeline translates into the Dataflow job a Flex Template launch would submit, offline.
 *
 * <p>This is a true translation, not an imitation: {@link GkeAuditPipeline#main} runs on the {@link DataflowRunner}
 * exactly as the template launcher runs it, through the runner's overrides (stateful ParDos become the batch
 * GroupByKey-and-sort expansion, side inputs become ISM views), the step translation (every DoFn, coder and
 * windowing strategy serialised into the job) and the portable pipeline proto that Runner v2 executes. What keeps
 * it offline:
 *
 * <ul>
 *   <li>{@code --templateLocation}: the runner writes the Job it would create to that file and returns before
 *       {@code projects.jobs.create}, its one call to the Dataflow service;
 *   <li>{@link NoopCredentialFactory}: no Application Default Credentials lookup (no metadata server);
 *   <li>{@link NoopPathValidator} and a local {@code --stagingLocation}: no bucket checks, and the pipeline proto and
 *       the files to stage are "uploaded" to a temporary directory;
 *   <li>a local {@code --clusterMetadata}: the Runner v1 translation of a bounded read asks the source for its size,
 *       which for a {@code gs://} pattern is a Cloud Storage call (on Dataflow, the launcher makes it with the
 *       worker service account). Inputs and outputs stay on {@code gs://}: they are resolved only on the workers.
 * </ul>
 *
 * <p>The streaming pipeline ({@code --inputSubscription}) is translated the same way: the Pub/Sub read needs no
 * service call to translate, and streaming switches the runner to its streaming overrides (stateful ParDos stay
 * stateful, the NDJSON sinks write windowed panes, the metadata refresh runs on a PeriodicImpulse).
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class DataflowTranslationTest {
  @TempDir Path work;
  private Path metadata;

  @BeforeEach
  void localClusterMetadata() throws IOException {
    metadata = Files.writeString(work.resolve("cluster-metadata.json"), "{}\n");
  }

  @ParameterizedTest(name = "experiments={0}")
  @ValueSource(strings = {"-", "use_runner_v2"})
  void mainTranslatesTheBatchPipelineForDataflowAndReturns(String experiment) throws IOException {
    boolean runnerV2 = !experiment.equals("-");
    List<String> args = new ArrayList<>(dataflowArgs());
    if (runnerV2) {
      args.add("--experiments=" + experiment);
    }
    // The launcher's call. main returns after submission; waiting here would keep a launcher alive for the whole job.
    GkeAuditPipeline.main(args.toArray(String[]::new));

    JsonNode job = new ObjectMapper().readTree(work.resolve("job.json").toFile());
    assertEquals("JOB_TYPE_BATCH", job.path("type").asText());

    // Runner v2 executes the portable pipeline proto the runner staged; Runner v1 the job's steps.
    Path proto = Path.of(job.path("environment").path("sdkPipelineOptions").path("options").path("pipelineUrl").asText());
    assertTrue(proto.startsWith(work.resolve("staging")), "pipeline proto staged at " + proto);
    Set<String> transforms = new TreeSet<>();
    for (RunnerApi.PTransform transform :
        RunnerApi.Pipeline.parseFrom(Files.readAllBytes(proto)).getComponents().getTransformsMap().values()) {
      transforms.add(transform.getUniqueName());
    }
    assertCoversThePipeline(transforms);

    Set<String> stepNames = new TreeSet<>();
    Set<String> kinds = new TreeSet<>();
    for (JsonNode step : job.path("steps")) {
      stepNames.add(step.path("properties").path("user_name").path("value").asText());
      kinds.add(step.path("kind").asText());
    }
    if (runnerV2) {
      assertTrue(stepNames.isEmpty(), "a portable submission carries no v1 steps: " + stepNames);
      assertTrue(job.path("environment").path("experiments").toString().contains("use_runner_v2"));
    } else {
      assertCoversThePipeline(stepNames);
      assertTrue(kinds.containsAll(Set.of("ParallelDo", "GroupByKey")), "step kinds " + kinds);
    }
  }

  @ParameterizedTest(name = "experiments={0}")
  @ValueSource(strings = {"-", "use_runner_v2"})
  void mainTranslatesTheStreamingPipelineForDataflowAndReturns(String experiment) throws IOException {
    boolean runnerV2 = !experiment.equals("-");
    List<String> args = new ArrayList<>();
    for (String arg : dataflowArgs()) {
      args.add(arg.startsWith("--inputFiles=") ? "--inputSubscription=" + SUBSCRIPTION : arg);
    }
    if (runnerV2) {
      args.add("--experiments=" + experiment);
    }
    GkeAuditPipeline.main(args.toArray(String[]::new));

    JsonNode job = new ObjectMapper().readTree(work.resolve("job.json").toFile());
    assertEquals("JOB_TYPE_STREAMING", job.path("type").asText());

    Path proto = Path.of(job.path("environment").path("sdkPipelineOptions").path("options").path("pipelineUrl").asText());
    Set<String> transforms = new TreeSet<>();
    for (RunnerApi.PTransform transform :
        RunnerApi.Pipeline.parseFrom(Files.readAllBytes(proto)).getComponents().getTransformsMap().values()) {
      transforms.add(transform.getUniqueName());
    }
    assertCoversThePipeline(transforms, "ReadSubscription");
    assertNativePubsubReadInTheProto(RunnerApi.Pipeline.parseFrom(Files.readAllBytes(proto)));
    if (!runnerV2) {
      Set<String> stepNames = new TreeSet<>();
      for (JsonNode step : job.path("steps")) {
        stepNames.add(step.path("properties").path("user_name").path("value").asText());
      }
      assertCoversThePipeline(stepNames, "ReadSubscription");
      assertNativePubsubReadStep(job);
    }
  }

  // Beam's Pub/Sub read checks the project id's form (6 to 30 characters).
  private static final String SUBSCRIPTION = "projects/test-project/subscriptions/gke-audit";

  /**
   * The portable proto (what Runner v2 runs) reads the subscription with Beam's Pub/Sub read, which Dataflow executes
   * with its own source: one pubsub_read transform with the subscription and the sink's timestamp attribute, and no
   * Read of a custom UnboundedSource anywhere under ReadSubscription.
   */
  private static void assertNativePubsubReadInTheProto(RunnerApi.Pipeline pipeline) throws IOException {
    List<RunnerApi.PubSubReadPayload> reads = new ArrayList<>();
    List<String> customReads = new ArrayList<>();
    for (RunnerApi.PTransform transform : pipeline.getComponents().getTransformsMap().values()) {
      String urn = transform.getSpec().getUrn();
      if (urn.equals("beam:transform:pubsub_read:v1")) {
        reads.add(RunnerApi.PubSubReadPayload.parseFrom(transform.getSpec().getPayload()));
      }
      boolean custom = urn.equals("beam:transform:read:v1")
          || transform.getSpec().getPayload().toStringUtf8().contains("PubsubEntrySource");
      if (transform.getUniqueName().startsWith("ReadSubscription/") && custom) {
        customReads.add(transform.getUniqueName() + " " + urn);
      }
    }
    assertEquals(1, reads.size(), "pubsub_read transforms: " + reads);
    // Dataflow's own path form of projects/test-project/subscriptions/gke-audit.
    assertEquals("/subscriptions/test-project/gke-audit", reads.get(0).getSubscription());
    assertEquals("logging.googleapis.com/timestamp", reads.get(0).getTimestampAttribute());
    assertTrue(reads.get(0).getWithAttributes(), "the read keeps the attributes");
    assertTrue(customReads.isEmpty(), "a custom source is read: " + customReads);
  }

  /**
   * The Runner v1 job: the read step is a ParallelRead of format "pubsub" (Dataflow's native source) with the
   * subscription and the timestamp label, and no step of the read is a custom source.
   */
  private static void assertNativePubsubReadStep(JsonNode job) {
    List<JsonNode> pubsub = new ArrayList<>();
    List<String> custom = new ArrayList<>();
    for (JsonNode step : job.path("steps")) {
      JsonNode properties = step.path("properties");
      String name = properties.path("user_name").path("value").asText();
      String format = properties.path("format").path("value").asText();
      if (format.equals("pubsub")) {
        pubsub.add(properties);
      }
      if (name.startsWith("ReadSubscription") && step.path("kind").asText().equals("ParallelRead")
          && !format.equals("pubsub")) {
        custom.add(name + " " + format);
      }
    }
    assertEquals(1, pubsub.size(), "pubsub read steps: " + pubsub);
    JsonNode read = pubsub.get(0);
    assertTrue(read.path("user_name").path("value").asText().startsWith("ReadSubscription/"), read.toString());
    assertTrue(read.path("pubsub_subscription").path("value").asText().endsWith("test-project/gke-audit"), read.toString());
    assertEquals("logging.googleapis.com/timestamp", read.path("pubsub_timestamp_label").path("value").asText());
    assertTrue(custom.isEmpty(), "custom source steps: " + custom);
  }

  private static void assertCoversThePipeline(Set<String> names) {
    assertCoversThePipeline(names, "ReadExports");
  }

  private static void assertCoversThePipeline(Set<String> names, String read) {
    for (String transform :
        List.of(read, "Dedupe", "Enrich", "Detect", "WriteFindings", "WriteEvents", "WriteDeadLetters")) {
      assertTrue(
          names.stream().anyMatch(name -> name.equals(transform) || name.startsWith(transform + "/")),
          "nothing of " + transform + " in " + names);
    }
  }

  @Test
  void everyDoFnIsSerializable() {
    List<String> checked = new ArrayList<>();
    visitPrimitives(
        node -> {
          if (node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo) {
            SerializableUtils.ensureSerializable(parDo.getFn());
            checked.add(node.getFullName());
          }
        });
    assertTrue(checked.size() > 20, "suspiciously few DoFns: " + checked);
  }

  @Test
  void everyKeyedInputHasADeterministicKeyCoder() {
    // Dataflow groups and keys state by the encoded key: a key coder that encodes one key two ways splits its
    // events between two states, and the rules would silently see halves.
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    visitPrimitives(
        node -> {
          PTransform<?, ?> transform = node.getTransform();
          boolean grouping = transform instanceof GroupByKey;
          boolean stateful = transform instanceof ParDo.MultiOutput<?, ?> parDo && usesStateOrTimers(parDo.getFn());
          if (!grouping && !stateful) {
            return;
          }
          Coder<?> coder = mainInput(node).getCoder();
          if (!(coder instanceof KvCoder<?, ?> kv)) {
            problems.add(node.getFullName() + ": input coder " + coder + " is not a KvCoder");
            return;
          }
          try {
            kv.getKeyCoder().verifyDeterministic();
            checked.add(node.getFullName());
          } catch (Coder.NonDeterministicException e) {
            problems.add(node.getFullName() + ": " + e.getMessage());
          }
        });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertTrue(
        checked.stream().filter(name -> name.startsWith("Detect/")).count() >= 5,
        "the rules' stateful steps were not found: " + checked);
  }

  @Test
  void everyStateIsOfAKindDataflowStreamingSupports() {
    // Dataflow does not support MapState or SetState for Java streaming on Runner v2: a job using them is
    // rejected (or, on v1, pays for them on every access). Value and bag state are supported everywhere.
    List<String> problems = new ArrayList<>();
    List<String> stateful = new ArrayList<>();
    visitPrimitives(
        node -> {
          if (node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo && usesStateOrTimers(parDo.getFn())) {
            stateful.add(node.getFullName());
            for (DoFnSignature.StateDeclaration state :
                DoFnSignatures.getSignature(parDo.getFn().getClass()).stateDeclarations().values()) {
              Class<?> kind = state.stateType().getRawType();
              if (!kind.equals(org.apache.beam.sdk.state.ValueState.class)
                  && !kind.equals(org.apache.beam.sdk.state.BagState.class)) {
                problems.add(node.getFullName() + ": " + state.id() + " is a " + kind.getSimpleName());
              }
            }
          }
        });
    assertTrue(stateful.size() >= 9, "stateful steps: " + stateful);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void noStatefulStepKeysEverythingByOneConstant() {
    // A step keyed by a constant runs on one worker thread whatever the job's size (docs/streaming.md "scales out"). Every
    // stateful step's key must come from the data: a shard of a rule key, of an entry identity, or of a cluster.
    List<String> problems = new ArrayList<>();
    visitPrimitives(
        node -> {
          if (node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo && usesStateOrTimers(parDo.getFn())) {
            Coder<?> coder = mainInput(node).getCoder();
            if (coder instanceof KvCoder<?, ?> kv && !(kv.getKeyCoder() instanceof org.apache.beam.sdk.coders.VarIntCoder)) {
              problems.add(node.getFullName() + " is keyed by " + kv.getKeyCoder());
            }
          }
        });
    assertTrue(problems.isEmpty(), "keys other than shards: " + problems);
  }

  @Test
  void everyCoderIsSerializable() {
    // The job carries each PCollection's coder serialised; a coder holding an unserialisable field fails only there.
    Pipeline pipeline = GkeAuditPipeline.build(options());
    List<String> problems = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> collection) {
              try {
                SerializableUtils.ensureSerializable(collection.getCoder());
              } catch (RuntimeException e) {
                problems.add(collection.getName() + ": " + e.getMessage());
              }
            }
          }
        });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private List<String> dataflowArgs() {
    return List.of(
        "--runner=DataflowRunner",
        "--project=test-project",
        "--region=europe-west4",
        "--gcpTempLocation=gs://test-bucket/temp",
        "--stagingLocation=" + work.resolve("staging"),
        "--templateLocation=" + work.resolve("job.json"),
        "--filesToStage=" + metadata,
        "--credentialFactoryClass=" + NoopCredentialFactory.class.getName(),
        "--pathValidatorClass=" + NoopPathValidator.class.getName(),
        "--inputFiles=gs://test-bucket/cloudaudit.googleapis.com/**",
        "--clusterMetadata=" + metadata,
        "--outputDir=gs://test-bucket/gke-audit",
        "--trustedCidrs=203.0.113.0/24");
  }

  private GkeAuditOptions options() {
    PipelineOptionsFactory.register(GkeAuditOptions.class);
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(dataflowArgs().toArray(String[]::new)).withValidation().as(GkeAuditOptions.class);
    OptionsValidator.validate(options);
    return options;
  }

  /** Visits the primitive transforms of the pipeline as built for Dataflow, before the runner's overrides. */
  private void visitPrimitives(Consumer<TransformHierarchy.Node> check) {
    GkeAuditPipeline.build(options())
        .traverseTopologically(
            new Pipeline.PipelineVisitor.Defaults() {
              @Override
              public void visitPrimitiveTransform(TransformHierarchy.Node node) {
                check.accept(node);
              }
            });
  }

  private static boolean usesStateOrTimers(DoFn<?, ?> fn) {
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    return signature.usesState() || signature.usesTimers();
  }

  /** The input that is not a side input. */
  private static PCollection<?> mainInput(TransformHierarchy.Node node) {
    Set<?> sideInputs = Set.copyOf(node.getTransform().getAdditionalInputs().values());
    return node.getInputs().values().stream()
        .filter(input -> !sideInputs.contains(input))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node.getFullName() + " has no main input"));
  }
}
