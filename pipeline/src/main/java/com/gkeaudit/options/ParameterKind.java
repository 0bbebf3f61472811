package com.gkeaudit.options;

import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.TrustedNetworks;
import java.util.regex.Pattern;

/**
 * The kinds of value an option takes. Each kind declares, once, how a value is checked before the job runs and how
 * the Flex Template presents it: the Dataflow parameter type and the regex the console and {@code gcloud} apply.
 *
 * <p>The template regexes are stricter than the checks where Google's resource names are stricter than what Beam
 * accepts (a template always runs in Google Cloud; a local run may name a short emulator project, a local path, or
 * {@code PROJECT.DATASET.TABLE}).
 */
public enum ParameterKind {
  /** Comma-separated file patterns, local or gs:// (existence is checked with the inputs). */
  FILE_PATTERNS("GCS_READ_FILE", "^" + Regexes.GCS_PATTERN + "(," + Regexes.GCS_PATTERN + ")*$"),
  /** One file pattern. */
  FILE_PATTERN("GCS_READ_FILE", "^gs://" + Regexes.BUCKET + "/[^,\\s]+$"),
  /** One file, local or gs:// (no wildcards). */
  FILE("GCS_READ_FILE", "^gs://" + Regexes.BUCKET + "/[^,*\\s]+$"),
  /** A folder that output is written below. */
  OUTPUT_FOLDER("GCS_WRITE_FOLDER", "^gs://" + Regexes.BUCKET + "(/[^,\\s]*)?$"),
  SUBSCRIPTION("PUBSUB_SUBSCRIPTION", "^" + Regexes.SUBSCRIPTION + "$") {
    @Override
    String problem(String value, Parameter parameter) {
      return Regexes.LOOSE_SUBSCRIPTION.matcher(value).matches()
          ? null
          : "must look like projects/PROJECT/subscriptions/NAME, got '" + value + "'";
    }
  },
  TOPIC("PUBSUB_TOPIC", "^" + Regexes.TOPIC + "$") {
    @Override
    String problem(String value, Parameter parameter) {
      return Regexes.LOOSE_TOPIC.matcher(value).matches()
          ? null
          : "must look like projects/PROJECT/topics/NAME, got '" + value + "'";
    }
  },
  TABLE(
      "BIGQUERY_TABLE",
      "^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]:[A-Za-z0-9_]{1,1024}\\.[-A-Za-z0-9_]{1,1024}$") {
    @Override
    String problem(String value, Parameter parameter) {
      return Regexes.LOOSE_TABLE.matcher(value).matches() && beamAccepts(value)
          ? null
          : "must look like PROJECT:DATASET.TABLE, got '" + value + "'";
    }
  },
  /** A whole number from 1. */
  POSITIVE("NUMBER", null) {
    @Override
    String problem(String value, Parameter parameter) {
      return wholeNumber(value, 1, parameter.max(), "a positive whole number");
    }
  },
  /** A whole number from 0. */
  COUNT("NUMBER", null) {
    @Override
    String problem(String value, Parameter parameter) {
      return wholeNumber(value, 0, parameter.max(), "zero or more");
    }
  },
  /** A decimal number from 0. */
  DECIMAL("NUMBER", "^(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?$") {
    @Override
    String problem(String value, Parameter parameter) {
      try {
        double number = Double.parseDouble(value);
        return Double.isFinite(number) && number >= 0 ? null : "must be a number zero or more, got " + value;
      } catch (NumberFormatException e) {
        return "must be a number zero or more, got " + value;
      }
    }
  },
  /** Comma-separated IPv4/IPv6 CIDRs or addresses; empty allowed. */
  CIDRS(
      "TEXT",
      "^(" + Regexes.CIDR + ")(,(" + Regexes.CIDR + "))*$") {
    @Override
    String problem(String value, Parameter parameter) {
      try {
        TrustedNetworks.parse(RuleConfig.splitList(value));
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
  },
  /** A Kubernetes-style label key. */
  LABEL_KEY("TEXT", "^[a-z][-_a-z0-9]{0,62}$") {
    @Override
    String problem(String value, Parameter parameter) {
      return value == null || value.isBlank() ? "must not be empty" : null;
    }
  },
  /** Comma-separated label values. */
  LABEL_VALUES("TEXT", "^[-_a-z0-9]{1,63}(,[-_a-z0-9]{1,63})*$");

  private final String paramType;
  private final String templateRegex;

  ParameterKind(String paramType, String templateRegex) {
    this.paramType = paramType;
    this.templateRegex = templateRegex;
  }

  /** The Dataflow API's ParameterType of the template parameter. */
  public String paramType() {
    return paramType;
  }

  /** The template parameter's regex; numbers derive theirs from {@link Parameter#max()}. */
  public String templateRegex(Parameter parameter) {
    if (this == POSITIVE || this == COUNT) {
      int digits = Long.toString(parameter.max()).length();
      String positive = "[1-9][0-9]{0," + (digits - 1) + "}";
      return this == POSITIVE ? "^" + positive + "$" : "^(0|" + positive + ")$";
    }
    return templateRegex;
  }

  /**
   * Why {@code value} (as the option holds it, in text) is not acceptable, or null. Called for values that are set;
   * blank strings count as unset except where the kind says otherwise.
   */
  String problem(String value, Parameter parameter) {
    return null;
  }

  /** The BigQuery sink parses the spec again: what it rejects must be rejected before the job, in one line. */
  private static boolean beamAccepts(String table) {
    try {
      org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers.parseTableSpec(table);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String wholeNumber(String value, long min, long max, String what) {
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      return "must be " + what + ", got " + value;
    }
    if (number < min) {
      return "must be " + what + ", got " + value;
    }
    if (number > max) {
      return "must be at most " + max + ", got " + value;
    }
    return null;
  }

  /** Pieces of the regexes above (an enum's constants cannot refer to its own static fields). */
  static final class Regexes {
    static final String BUCKET = "[a-z0-9][-_.a-z0-9]{1,220}[a-z0-9]";
    static final String GCS_PATTERN = "gs://" + BUCKET + "/[^,\\s]*";
    static final String SUBSCRIPTION = "projects/[a-z][-a-z0-9.:]*[a-z0-9]/subscriptions/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}";
    static final String TOPIC = "projects/[a-z][-a-z0-9.:]*[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}";
    static final String CIDR =
        "[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*(/[0-9]{1,3})?";
    /** What Beam's Pub/Sub client accepts (emulator projects may be one letter). */
    static final Pattern LOOSE_SUBSCRIPTION = Pattern.compile("projects/[^/\\s]+/subscriptions/[^/\\s]+");
    static final Pattern LOOSE_TOPIC = Pattern.compile("projects/[^/\\s]+/topics/[^/\\s]+");
    /** PROJECT:DATASET.TABLE or PROJECT.DATASET.TABLE, as BigQueryIO parses table specs. */
    static final Pattern LOOSE_TABLE = Pattern.compile("[a-z0-9.:\\-]+[:.][A-Za-z0-9_]+\\.[A-Za-z0-9_$\\-]+");

    private Regexes() {}
  }
}
