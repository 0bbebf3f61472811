package com.gkeaudit.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one declaration of an option beside Beam's {@code @Description} (its help text) and {@code @Default} (its
 * default): what kind of value it takes, which fixes both its validation ({@link OptionsValidator}) and its Flex
 * Template parameter (type and regex in {@code templates/metadata.json}, generated from these annotations together
 * with the option table in {@code docs/options.md}; see docs/architecture.md, "Adding an option").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Parameter {
  /** The template parameter's label in the Dataflow console. */
  String label();

  ParameterKind kind();

  /** The section the option is listed under in the docs and the template. */
  Group group();

  /** Values shown to users (the help text's "Example:") and checked against the template regex by a test. */
  String[] examples() default {};

  /** For numbers: the largest value accepted. */
  long max() default 999_999;

  /** Sections of the option list, in the order shown; options are alphabetical within one. */
  enum Group {
    INPUT("Input"),
    OUTPUT("Output"),
    RULES("Rule thresholds"),
    SEVERITY("Severity"),
    PROCESSING("Duplicates, streaming and performance");

    private final String title;

    Group(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }
}
