package com.gkeaudit.rules;

import java.util.List;
import java.util.Locale;

/**
 * docs/behavioural-rules.md client family of an entry, from {@code requestMetadata.callerSuppliedUserAgent}: the first matching row
 * of the table wins (Terraform's agent also contains {@code google-api-go-client}, so the order is the contract).
 */
public final class ClientFamily {
  public static final String UNKNOWN = "unknown";

  private record Row(String family, List<String> needles) {}

  private static final List<Row> TABLE =
      List.of(
          new Row("terraform", List.of("terraform")),
          new Row("gcloud", List.of("google-cloud-sdk", "gcloud/")),
          new Row("console", List.of("googlecloudconsole", "mozilla/")),
          new Row("kubectl", List.of("kubectl/")),
          new Row("config-connector", List.of("config-connector", "cnrm")),
          new Row("python-requests", List.of("python-requests/")),
          new Row("curl", List.of("curl/")),
          new Row("python-client", List.of("google-api-python-client", "gl-python/")),
          new Row("go-client", List.of("google-api-go-client", "gl-go/")),
          new Row("java-client", List.of("google-api-java-client", "gl-java/")),
          new Row("go-http", List.of("go-http-client/")));

  private ClientFamily() {}

  /**
   * The family of a user agent as logged. Absent or blank is {@code unknown}; an agent no row matches is named by
   * its text before the first {@code /} or space (U+0020), lower-cased, taken literally (so
   * {@code "my-tool,gzip(gfe)"} is its own family).
   */
  public static String of(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UNKNOWN;
    }
    String agent = userAgent.toLowerCase(Locale.ROOT);
    for (Row row : TABLE) {
      for (String needle : row.needles()) {
        if (agent.contains(needle)) {
          return row.family();
        }
      }
    }
    int end = agent.length();
    int slash = agent.indexOf('/');
    int space = agent.indexOf(' ');
    if (slash >= 0) {
      end = slash;
    }
    if (space >= 0 && space < end) {
      end = space;
    }
    return agent.substring(0, end);
  }
}
