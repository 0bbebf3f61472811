package com.gkeaudit.options;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks the options before anything runs; every problem is a one-line message naming the option. Each option's own
 * value is checked by the kind its {@link Parameter} declares; what involves several options (one input, outputs
 * that can hold findings and dead letters) is checked here.
 */
public final class OptionsValidator {
  private OptionsValidator() {}

  /** Throws {@link IllegalArgumentException} naming the first bad option. */
  public static void validate(GkeAuditOptions options) {
    List<String> inputs = new ArrayList<>();
    if (notBlank(options.getInputFiles())) {
      inputs.add("--inputFiles");
    }
    if (notBlank(options.getInputSubscription())) {
      inputs.add("--inputSubscription");
    }
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "exactly one input is required: --inputFiles or --inputSubscription (got "
              + (inputs.isEmpty() ? "none" : String.join(" and ", inputs)) + ")");
    }
    for (Method getter : declaredParameters()) {
      Parameter parameter = getter.getAnnotation(Parameter.class);
      Object value = read(getter, options);
      if (value == null && !parameter.kind().paramType().equals("NUMBER")) {
        continue;
      }
      String text = value == null ? null : value.toString();
      if (value instanceof String && text.isBlank() && parameter.kind() != ParameterKind.LABEL_KEY) {
        continue;
      }
      String problem = text == null ? "must be set" : parameter.kind().problem(text, parameter);
      if (problem != null) {
        throw new IllegalArgumentException("--" + optionName(getter) + (problem.startsWith("must") ? " " : ": ") + problem);
      }
    }
    // Without NDJSON files, the findings and the dead letters (unusable input, rows BigQuery rejects) each need a
    // table, or they would be computed and dropped (docs/output.md: nothing lost).
    if (!notBlank(options.getOutputDir())) {
      if (!notBlank(options.getFindingsTable())) {
        throw new IllegalArgumentException("an output for findings is required: --outputDir or --findingsTable");
      }
      if (!notBlank(options.getDeadLetterTable())) {
        throw new IllegalArgumentException(
            "an output for dead letters is required with BigQuery tables: --deadLetterTable or --outputDir");
      }
    }
    if (options.getWatchIntervalSeconds() > 0 && !notBlank(options.getInputFiles())) {
      throw new IllegalArgumentException("--watchIntervalSeconds watches --inputFiles; a subscription is a stream already");
    }
  }

  /** The getters of {@link GkeAuditOptions} that declare a {@link Parameter}, in declaration order. */
  public static List<Method> declaredParameters() {
    List<Method> getters = new ArrayList<>();
    for (Method method : GkeAuditOptions.class.getDeclaredMethods()) {
      if (method.isAnnotationPresent(Parameter.class)) {
        getters.add(method);
      }
    }
    // getDeclaredMethods() has no defined order: list by section, then by name, so generated files are stable.
    getters.sort(
        Comparator.comparing((Method m) -> m.getAnnotation(Parameter.class).group())
            .thenComparing(OptionsValidator::optionName));
    return getters;
  }

  /** The option's command-line name: the getter's name without {@code get}, first letter lower-cased. */
  public static String optionName(Method getter) {
    String name = getter.getName().replaceFirst("^(get|is)", "");
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object read(Method getter, GkeAuditOptions options) {
    try {
      return getter.invoke(options);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read option " + getter.getName(), e);
    }
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
