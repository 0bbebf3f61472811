package com.gkeaudit.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Renders what is generated from the option declarations in {@link GkeAuditOptions}: the Flex Template's parameter
 * list ({@code templates/metadata.json}) and the option reference ({@code docs/options.md}).
 * {@link GeneratedOptionFilesTest} fails when the committed files differ and rewrites them when asked
 * ({@code scripts/generate-option-docs.sh}).
 */
final class OptionDocs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OptionDocs() {}

  /** {@code current} with its {@code parameters} replaced by the declared ones (name and description are kept). */
  static String metadataJson(String current) throws IOException {
    ObjectNode metadata = (ObjectNode) JSON.readTree(current);
    ArrayNode parameters = JSON.createArrayNode();
    for (Method getter : OptionsValidator.declaredParameters()) {
      Parameter parameter = getter.getAnnotation(Parameter.class);
      ObjectNode node = parameters.addObject();
      node.put("name", OptionsValidator.optionName(getter));
      node.put("label", parameter.label());
      node.put("helpText", helpText(getter));
      node.put("isOptional", true);
      node.putArray("regexes").add(parameter.kind().templateRegex(parameter));
      node.put("paramType", parameter.kind().paramType());
      String declared = defaultValue(getter);
      if (declared != null && !declared.isEmpty()) {
        node.put("defaultValue", declared);
      }
    }
    metadata.set("parameters", parameters);
    // Jackson 2.15's pretty printer writes `"key" : value` and `[ "x" ]`; keep the usual `"key": value`, `["x"]`
    // (scripts/run-template.sh looks parameters up as `"name": "..."`). An escaped quote is never followed by these.
    return JSON.writeValueAsString(metadata)
            .replaceAll("(?<!\\\\)\" : ", "\": ")
            .replaceAll("\\[ \"", "[\"")
            .replaceAll("(?<!\\\\)\" ]", "\"]")
        + "\n";
  }

  /** The whole of docs/options.md. */
  static String optionsMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Options\n\n")
        .append("<!-- Generated from pipeline/src/main/java/com/gkeaudit/options/GkeAuditOptions.java by\n")
        .append("     scripts/generate-option-docs.sh; edit the declarations there, not this file. -->\n\n")
        .append("Every option is passed as `--name=value`: to `scripts/run-local.sh` locally, after `--` to\n")
        .append("`scripts/run-template.sh` on Dataflow (the Flex Template's parameters are the same options, with the\n")
        .append("same checks). Exactly one input and at least one output; a bad value is a one-line error (exit 2)\n")
        .append("before anything runs. Without `--outputDir`, `--findingsTable` and `--deadLetterTable` are\n")
        .append("required: findings and dead letters always land somewhere.\n\n")
        .append("`scripts/run-local.sh` adds defaults of its own when you leave them out: `--inputFiles` =\n")
        .append("`samples/cloudaudit.googleapis.com/**` with `--clusterMetadata=samples/cluster-metadata.json`, and\n")
        .append("`--outputDir=out`.\n");
    Parameter.Group group = null;
    for (Method getter : OptionsValidator.declaredParameters()) {
      Parameter parameter = getter.getAnnotation(Parameter.class);
      if (parameter.group() != group) {
        group = parameter.group();
        out.append("\n## ").append(group.title()).append("\n\n")
            .append("| option | meaning | default |\n")
            .append("|---|---|---|\n");
      }
      String declared = defaultValue(getter);
      out.append("| `--").append(OptionsValidator.optionName(getter)).append("` | ")
          .append(markdownCell(description(getter) + examplesSentence(parameter, "`")))
          .append(" | ")
          .append(declared == null ? "none" : declared.isEmpty() ? "empty" : "`" + declared + "`")
          .append(" |\n");
    }
    return out.toString();
  }

  private static String helpText(Method getter) {
    Parameter parameter = getter.getAnnotation(Parameter.class);
    String text = description(getter) + examplesSentence(parameter, "`");
    String declared = defaultValue(getter);
    if (declared != null && !declared.isEmpty()) {
      text += " Default: " + declared + ".";
    }
    return text;
  }

  private static String description(Method getter) {
    return getter.getAnnotation(Description.class).value();
  }

  private static String examplesSentence(Parameter parameter, String quote) {
    if (parameter.examples().length == 0) {
      return "";
    }
    List<String> quoted = Arrays.stream(parameter.examples()).map(e -> quote + e + quote).collect(Collectors.toList());
    return (quoted.size() == 1 ? " Example: " : " Examples: ") + String.join(", ", quoted) + ".";
  }

  private static String markdownCell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** The {@code @Default.*} value of a getter as a user would type it, or null. */
  static String defaultValue(Method getter) {
    Default.Integer integer = getter.getAnnotation(Default.Integer.class);
    if (integer != null) {
      return Integer.toString(integer.value());
    }
    Default.Double decimal = getter.getAnnotation(Default.Double.class);
    if (decimal != null) {
      return stripZero(Double.toString(decimal.value()));
    }
    Default.String string = getter.getAnnotation(Default.String.class);
    if (string != null) {
      return string.value();
    }
    Default.Boolean bool = getter.getAnnotation(Default.Boolean.class);
    if (bool != null) {
      return Boolean.toString(bool.value());
    }
    return null;
  }

  private static String stripZero(String number) {
    return number.endsWith(".0") ? number.substring(0, number.length() - 2) : number;
  }

  static JsonNode parse(String json) throws IOException {
    return JSON.readTree(json);
  }
}
