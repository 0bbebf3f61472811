package com.gkeaudit.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.dataflow.model.ParameterMetadata;
import com.google.api.services.dataflow.model.TemplateMetadata;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code templates/metadata.json} (the Flex Template's parameter list, written by hand because Google's template
 * annotations are not on Maven Central) against {@link GkeAuditOptions}: both directions, defaults, and the
 * regexes. The file is read from the source tree ({@code ../templates} from the module, Surefire's working directory)
 * rather than copied into the jar: it is consumed only by {@code gcloud dataflow flex-template build}, never by the
 * pipeline, and one copy cannot drift from another.
 */
class TemplateMetadataTest {
  static final Path METADATA = Path.of("..", "templates", "metadata.json");

  /**
   * The Dataflow API's ParameterType values; the Console picks its input widget from them. gcloud passes any string
   * through to the template spec, so a misspelt type would only fail when someone opens the template.
   */
  private static final Set<String> PARAM_TYPES =
      Set.of(
          "DEFAULT", "TEXT", "GCS_READ_BUCKET", "GCS_WRITE_BUCKET", "GCS_READ_FILE", "GCS_WRITE_FILE",
          "GCS_READ_FOLDER", "GCS_WRITE_FOLDER", "PUBSUB_TOPIC", "PUBSUB_SUBSCRIPTION", "BIGQUERY_TABLE",
          "JAVASCRIPT_UDF_FILE", "SERVICE_ACCOUNT", "MACHINE_TYPE", "KMS_KEY_NAME", "WORKER_REGION", "WORKER_ZONE",
          "BOOLEAN", "ENUM", "NUMBER", "KAFKA_READ_TOPIC", "KAFKA_WRITE_TOPIC");

  /** Values no parameter may take: whitespace, shell and URL garbage, empty values, control characters. */
  private static final List<String> GARBAGE =
      List.of(
          "", " ", "two words", "$(rm -rf /)", "a;b", "line\nbreak", "tab\there", "\"quoted\"", "x*y?<>", "é",
          ",", "..", "gs://", "http://example.com/x");

  /** Values that must fail a parameter's regex because of what that parameter means. */
  private static final Map<String, List<String>> WRONG_FOR_PARAM_TYPE =
      Map.of(
          "GCS_READ_FILE", List.of("/local/path/*.json", "gs://Bad_Bucket/x", "gs://b/x", "s3://bucket/key"),
          "GCS_WRITE_FOLDER", List.of("/tmp/out", "gs://UPPER/out", "out"),
          "PUBSUB_SUBSCRIPTION",
              List.of("gke-audit", "projects/p/topics/gke-audit", "projects/my-project/subscriptions/",
                  "projects/my-project/subscriptions/a/b"),
          "BIGQUERY_TABLE",
              List.of("dataset.table", "my-project:dataset", "my-project:dataset.table.extra", "My-Project:d.t",
                  "my-project:data set.table"));

  /** Values that must fail because of what the option means (numbers, CIDRs, label keys and values). */
  private static final Map<String, List<String>> WRONG_FOR_OPTION =
      Map.ofEntries(
          Map.entry("trustedCidrs", List.of("10.0.0.0/8,", "10.0.0.0/800", "example.com", "10.0.0/8/1")),
          Map.entry("environmentLabel", List.of("Env", "1env", "env:prod", "e".repeat(64))),
          Map.entry("criticalityLabel", List.of("Criticality", "_x")),
          Map.entry("productionValues", List.of("Prod", "prod,,production", "prod,")),
          Map.entry("baselineDays", List.of("-1", "1.5", "07", "seven", "9999999")),
          Map.entry("volumeSigma", List.of("-1", "1e3", "07", "NaN", "Infinity", "3.", ".5", "1.2345", "99999")));

  private static final List<String> WRONG_FOR_POSITIVE_NUMBER = List.of("0", "-1", "1.5", "1e3", "07", "x", "9999999");

  private static final Pattern EXAMPLES = Pattern.compile("Examples?: ((?:`[^`]+`(?:, )?)+)");
  private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");

  private static TemplateMetadata metadata;
  private static Map<String, ParameterMetadata> parameters;
  private static Map<String, Method> options;

  @BeforeAll
  static void load() throws IOException {
    assertTrue(Files.isRegularFile(METADATA), "missing " + METADATA.toAbsolutePath() + " (tests run from pipeline/)");
    metadata = GsonFactory.getDefaultInstance().fromString(Files.readString(METADATA), TemplateMetadata.class);
    parameters = new LinkedHashMap<>();
    for (ParameterMetadata parameter : metadata.getParameters()) {
      assertNotNull(parameter.getName(), "a parameter without a name");
      assertTrue(parameters.put(parameter.getName(), parameter) == null, "duplicate parameter " + parameter.getName());
    }
    options = new LinkedHashMap<>();
    for (Method getter : GkeAuditOptions.class.getDeclaredMethods()) {
      if (!Modifier.isStatic(getter.getModifiers()) && getter.getParameterCount() == 0) {
        String name = getter.getName().replaceFirst("^(get|is)", "");
        options.put(Character.toLowerCase(name.charAt(0)) + name.substring(1), getter);
      }
    }
  }

  @Test
  void usesOnlyFieldsTheDataflowApiKnows() {
    // The API model classes ignore unknown keys when parsing; a misspelt "isOptinal" would silently do nothing.
    assertEquals(Set.of(), metadata.getUnknownKeys().keySet(), "unknown top-level keys");
    for (ParameterMetadata parameter : parameters.values()) {
      assertEquals(Set.of(), parameter.getUnknownKeys().keySet(), "unknown keys in " + parameter.getName());
    }
  }

  @Test
  void describesTheTemplate() {
    assertFalse(isBlank(metadata.getName()), "name");
    assertFalse(isBlank(metadata.getDescription()), "description");
    // One template runs both modes; the job's mode follows from its input (inputSubscription makes a stream). The
    // streaming flags describe the Pub/Sub job (gcloud flex-template build drops them; see GcloudAcceptsDryRunsTest).
    assertEquals(Boolean.TRUE, metadata.getStreaming(), "streaming");
    assertEquals(Boolean.TRUE, metadata.getSupportsAtLeastOnce(), "supportsAtLeastOnce");
    assertEquals(Boolean.TRUE, metadata.getSupportsExactlyOnce(), "supportsExactlyOnce");
  }

  @Test
  void everyOptionIsAParameterAndEveryParameterAnOption() {
    Set<String> undocumented = new TreeSet<>(options.keySet());
    undocumented.removeAll(parameters.keySet());
    Set<String> unknown = new TreeSet<>(parameters.keySet());
    unknown.removeAll(options.keySet());
    assertTrue(
        undocumented.isEmpty() && unknown.isEmpty(),
        "options missing from templates/metadata.json: " + undocumented
            + "; parameters that are not GkeAuditOptions: " + unknown);
  }

  @Test
  void everyParameterIsFullyDocumented() {
    List<String> problems = new ArrayList<>();
    for (ParameterMetadata p : parameters.values()) {
      if (isBlank(p.getLabel())) {
        problems.add(p.getName() + ": no label");
      }
      if (isBlank(p.getHelpText()) || p.getHelpText().length() < 40) {
        problems.add(p.getName() + ": help text missing or too short");
      }
      if (!PARAM_TYPES.contains(p.getParamType())) {
        problems.add(p.getName() + ": paramType " + p.getParamType() + " is not one of " + PARAM_TYPES);
      }
      // Inputs and outputs are either-or combinations that the pipeline validates, and every other option has a
      // default: no single parameter is required on its own.
      if (!Boolean.TRUE.equals(p.getIsOptional())) {
        problems.add(p.getName() + ": should be isOptional");
      }
      if (p.getRegexes() == null || p.getRegexes().isEmpty()) {
        problems.add(p.getName() + ": no regexes");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void inputsSayWhichModeTheyServe() {
    assertTrue(parameters.get("inputFiles").getHelpText().startsWith("Batch input"));
    String subscription = parameters.get("inputSubscription").getHelpText();
    assertTrue(subscription.startsWith("Streaming input"), subscription);
    // Streaming has shipped: the template must not say it has not.
    assertFalse(subscription.contains("Not in this release"), subscription);
    assertFalse(metadata.getDescription().contains("not in this release"), metadata.getDescription());
  }

  @Test
  void paramTypesMatchWhatTheOptionsHold() {
    assertEquals("GCS_READ_FILE", parameters.get("inputFiles").getParamType());
    assertEquals("GCS_READ_FILE", parameters.get("clusterMetadata").getParamType());
    assertEquals("PUBSUB_SUBSCRIPTION", parameters.get("inputSubscription").getParamType());
    assertEquals("GCS_WRITE_FOLDER", parameters.get("outputDir").getParamType());
    for (String table : List.of("findingsTable", "eventsTable", "deadLetterTable")) {
      assertEquals("BIGQUERY_TABLE", parameters.get(table).getParamType(), table);
    }
    for (Map.Entry<String, Method> option : options.entrySet()) {
      boolean number =
          Integer.class.equals(option.getValue().getReturnType())
              || Double.class.equals(option.getValue().getReturnType());
      ParameterMetadata p = parameters.get(option.getKey());
      if (p != null) {
        assertEquals(number, "NUMBER".equals(p.getParamType()), option.getKey() + ": NUMBER exactly for numbers");
      }
    }
  }

  @Test
  void defaultsAgreeWithTheOptionsInterface() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Method> option : options.entrySet()) {
      ParameterMetadata p = parameters.get(option.getKey());
      if (p == null) {
        continue; // reported by everyOptionIsAParameterAndEveryParameterAnOption
      }
      String declared = declaredDefault(option.getValue());
      String documented = p.getDefaultValue();
      if (declared == null || declared.isEmpty()) {
        if (documented != null) {
          problems.add(option.getKey() + ": defaultValue " + documented + " but the option has no default");
        }
        continue;
      }
      if (!declared.equals(documented)) {
        problems.add(option.getKey() + ": defaultValue " + documented + ", option default " + declared);
      }
      if (!p.getHelpText().contains("Default: " + declared + ".")) {
        problems.add(option.getKey() + ": help text does not say 'Default: " + declared + ".'");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void regexesAcceptTheDocumentedExamplesAndDefaults() {
    List<String> problems = new ArrayList<>();
    for (ParameterMetadata p : parameters.values()) {
      List<String> good = examples(p.getHelpText());
      if (p.getDefaultValue() != null) {
        good.add(p.getDefaultValue());
      }
      if (good.isEmpty()) {
        problems.add(p.getName() + ": neither an 'Example: `...`' in the help text nor a default to test the regex on");
      }
      for (String value : good) {
        if (!matchesAll(p, value)) {
          problems.add(p.getName() + ": rejects its documented value '" + value + "'");
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void regexesRejectGarbage() {
    List<String> problems = new ArrayList<>();
    for (ParameterMetadata p : parameters.values()) {
      List<String> bad = new ArrayList<>(GARBAGE);
      bad.addAll(WRONG_FOR_PARAM_TYPE.getOrDefault(p.getParamType(), List.of()));
      bad.addAll(WRONG_FOR_OPTION.getOrDefault(p.getName(), List.of()));
      Method getter = options.get(p.getName());
      // Numbers take zero exactly where OptionsValidator does; otherwise they must be positive.
      if (getter != null && Integer.class.equals(getter.getReturnType())) {
        bad.addAll(WRONG_FOR_POSITIVE_NUMBER);
        if (validatorAcceptsZero(p.getName())) {
          bad.remove("0");
        }
      }
      for (String value : bad) {
        if (matchesAll(p, value)) {
          problems.add(p.getName() + ": accepts '" + value.replace("\n", "\\n").replace("\t", "\\t") + "'");
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void numbersTakeZeroExactlyWhereTheValidatorDoes() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Method> option : options.entrySet()) {
      ParameterMetadata p = parameters.get(option.getKey());
      if (p == null || !Integer.class.equals(option.getValue().getReturnType())) {
        continue;
      }
      boolean validator = validatorAcceptsZero(option.getKey());
      if (validator != matchesAll(p, "0")) {
        problems.add(option.getKey() + ": OptionsValidator " + (validator ? "accepts" : "rejects") + " 0, the regex not");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** Whether {@link OptionsValidator} accepts {@code --name=0} in an otherwise valid batch command line. */
  private static boolean validatorAcceptsZero(String name) {
    PipelineOptionsFactory.register(GkeAuditOptions.class);
    GkeAuditOptions parsed =
        PipelineOptionsFactory.fromArgs("--inputFiles=x", "--outputDir=/tmp/out", "--" + name + "=0")
            .as(GkeAuditOptions.class);
    try {
      OptionsValidator.validate(parsed);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void regexesAreAnchoredAndCompile() {
    // Where the service applies them with find() or full-match semantics is not documented: anchor every one.
    for (ParameterMetadata p : parameters.values()) {
      for (String regex : p.getRegexes()) {
        assertTrue(regex.startsWith("^") && regex.endsWith("$"), p.getName() + ": unanchored regex " + regex);
        Pattern.compile(regex);
      }
    }
  }

  /** Backtick-quoted values after "Example:" / "Examples:" in a help text. */
  static List<String> examples(String helpText) {
    List<String> found = new ArrayList<>();
    Matcher list = EXAMPLES.matcher(helpText == null ? "" : helpText);
    while (list.find()) {
      Matcher quoted = QUOTED.matcher(list.group(1));
      while (quoted.find()) {
        found.add(quoted.group(1));
      }
    }
    return found;
  }

  private static boolean matchesAll(ParameterMetadata p, String value) {
    return p.getRegexes().stream().allMatch(regex -> Pattern.compile(regex).matcher(value).find());
  }

  /** The {@code @Default.*} value of a getter as the text a user would type, or null. */
  private static String declaredDefault(Method getter) {
    Default.Integer integer = getter.getAnnotation(Default.Integer.class);
    if (integer != null) {
      return Integer.toString(integer.value());
    }
    Default.Double decimal = getter.getAnnotation(Default.Double.class);
    if (decimal != null) {
      // As a user would type it: 3, not 3.0.
      return java.math.BigDecimal.valueOf(decimal.value()).stripTrailingZeros().toPlainString();
    }
    Default.String string = getter.getAnnotation(Default.String.class);
    if (string != null) {
      return string.value();
    }
    List<String> unsupported =
        Arrays.stream(getter.getAnnotations())
            .map(a -> a.annotationType().getName())
            .filter(n -> n.startsWith(Default.class.getName()))
            .collect(Collectors.toList());
    if (!unsupported.isEmpty()) {
      fail(getter.getName() + ": teach this test the default kind " + unsupported);
    }
    return null;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
