package com.gkeaudit.tools;

import com.gkeaudit.io.OutputTable;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.QueryJobConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Creates the BigQuery dataset, the three tables and the views, idempotently, by sending DDL: {@code CREATE SCHEMA
 * IF NOT EXISTS}, {@code CREATE TABLE IF NOT EXISTS} (partitioning, clustering, descriptions and the optional
 * partition expiration, which {@code ALTER TABLE} also applies to a table that exists) and {@code CREATE OR REPLACE
 * VIEW}. Columns come from the jar's schema files and the layout from {@link OutputTable}, exactly what the
 * pipeline's own sink creates; views from {@code /schemas/views/*.sql}. {@code --dry-run} prints the statements and
 * contacts nothing.
 *
 * <pre>
 * SetupBigQuery --project=P --dataset=D [--location=L] [--partition-expiration-days=N] [--dry-run]
 * </pre>
 */
public final class SetupBigQuery {
  /** In creation order: a view may read the tables and the views before it. */
  static final List<String> VIEWS =
      List.of("all_findings", "latest_findings", "daily_finding_counts", "cluster_change_timeline", "open_rotations",
          "cluster_risk_summary");

  /** Nullable columns added to a table after its first release, by table (docs/alerts-and-suppressions.md: suppressions). */
  static final Map<OutputTable, List<String>> ADDED_COLUMNS =
      Map.of(OutputTable.FINDINGS, List.of("suppressed", "suppressed_by"));

  static final String DATASET_DESCRIPTION =
      "GKE control-plane audit: findings, enriched ClusterManager events, dead letters, and views for dashboards.";

  // Project ids, optionally domain-scoped (example.com:my-project); dataset names; BigQuery locations.
  private static final Pattern PROJECT = Pattern.compile("([a-z0-9.\\-]+:)?[a-z][a-z0-9\\-]{4,28}[a-z0-9]");
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
  private static final Pattern LOCATION = Pattern.compile("[A-Za-z0-9\\-]+");

  private SetupBigQuery() {}

  /** What the command line asks for. */
  record Settings(String project, String dataset, String location, Integer partitionExpirationDays, boolean dryRun) {
    static Settings parse(String... args) {
      String project = null;
      String dataset = null;
      String location = null;
      Integer expiration = null;
      boolean dryRun = false;
      for (String arg : args) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
        switch (name) {
          case "--project" -> project = required(name, value, PROJECT);
          case "--dataset" -> dataset = required(name, value, DATASET);
          case "--location" -> location = required(name, value, LOCATION);
          case "--partition-expiration-days" -> {
            try {
              expiration = Integer.parseInt(value == null ? "" : value);
            } catch (NumberFormatException e) {
              expiration = 0;
            }
            if (expiration <= 0) {
              throw new IllegalArgumentException(name + " must be a positive whole number, got '" + value + "'");
            }
          }
          case "--dry-run" -> dryRun = true;
          default -> throw new IllegalArgumentException("unknown argument: " + arg);
        }
      }
      if (project == null || dataset == null) {
        throw new IllegalArgumentException("--project and --dataset are required");
      }
      return new Settings(project, dataset, location, expiration, dryRun);
    }

    private static String required(String name, String value, Pattern pattern) {
      if (value == null || !pattern.matcher(value).matches()) {
        throw new IllegalArgumentException(name + ": not a valid value: '" + value + "'");
      }
      return value;
    }
  }

  /** Sends one statement. */
  interface Executor {
    void execute(String statement);
  }

  public static void main(String[] args) {
    try {
      run(Settings.parse(args), System.out, SetupBigQuery::bigQuery);
    } catch (IllegalArgumentException | IllegalStateException | BigQueryException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(e instanceof IllegalArgumentException ? 2 : 1);
    }
  }

  /** Prints the statements (dry run) or sends them in order through the executor {@code connect} makes. */
  static void run(Settings settings, PrintStream out, Function<Settings, Executor> connect) {
    List<String> statements = statements(settings);
    if (settings.dryRun()) {
      statements.forEach(statement -> out.println(statement + ";\n"));
      return;
    }
    Executor executor = connect.apply(settings);
    for (String statement : statements) {
      executor.execute(statement);
      out.println("done: " + statement.lines().findFirst().orElse(""));
    }
  }

  /** Every statement the setup sends, in order: the dataset, the tables, the views. */
  static List<String> statements(Settings settings) {
    List<String> statements = new ArrayList<>();
    List<String> datasetOptions = new ArrayList<>();
    if (settings.location() != null) {
      datasetOptions.add("location = " + literal(settings.location()));
    }
    datasetOptions.add("description = " + literal(DATASET_DESCRIPTION));
    statements.add(
        "CREATE SCHEMA IF NOT EXISTS " + path(settings, null) + "\nOPTIONS (" + String.join(", ", datasetOptions)
            + ")");
    for (OutputTable table : OutputTable.values()) {
      statements.add(createTable(settings, table));
      if (settings.partitionExpirationDays() != null) {
        // CREATE ... IF NOT EXISTS leaves an existing table alone; a changed expiration still has to apply.
        statements.add(
            "ALTER TABLE " + path(settings, table.schemaName()) + "\nSET OPTIONS (partition_expiration_days = "
                + settings.partitionExpirationDays() + ")");
      }
    }
    // CREATE TABLE IF NOT EXISTS leaves a table made by an earlier release as it was: columns added since then are
    // added here, or the pipeline's writes of them would be rejected.
    for (Map.Entry<OutputTable, List<String>> added : ADDED_COLUMNS.entrySet()) {
      Map<String, TableFieldSchema> fields = new LinkedHashMap<>();
      added.getKey().schema().getFields().forEach(field -> fields.put(field.getName(), field));
      statements.add(
          "ALTER TABLE " + path(settings, added.getKey().schemaName()) + "\n"
              + added.getValue().stream()
                  .map(name -> "ADD COLUMN IF NOT EXISTS " + column(fields.get(name)))
                  .collect(Collectors.joining(",\n")));
    }
    for (View view : views(settings.project(), settings.dataset())) {
      statements.add(
          "CREATE OR REPLACE VIEW " + path(settings, view.name()) + "\nOPTIONS (description = "
              + literal(view.description()) + ")\nAS\n" + view.query());
    }
    return statements;
  }

  private static String createTable(Settings settings, OutputTable table) {
    String columns =
        table.schema().getFields().stream().map(field -> "  " + column(field)).collect(Collectors.joining(",\n"));
    List<String> options = new ArrayList<>();
    options.add("description = " + literal(table.description()));
    if (settings.partitionExpirationDays() != null) {
      options.add("partition_expiration_days = " + settings.partitionExpirationDays());
    }
    return "CREATE TABLE IF NOT EXISTS " + path(settings, table.schemaName()) + " (\n" + columns + "\n)"
        + "\nPARTITION BY DATE(" + table.partitionField() + ")"
        + "\nCLUSTER BY " + String.join(", ", table.clusteringFields())
        + "\nOPTIONS (" + String.join(", ", options) + ")";
  }

  private static String column(TableFieldSchema field) {
    String type =
        switch (field.getType()) {
          case "INTEGER" -> "INT64";
          case "BOOLEAN" -> "BOOL";
          default -> field.getType();
        };
    String mode = field.getMode() == null ? "NULLABLE" : field.getMode();
    StringBuilder column = new StringBuilder(field.getName()).append(' ');
    column.append(mode.equals("REPEATED") ? "ARRAY<" + type + ">" : type);
    if (mode.equals("REQUIRED")) {
      column.append(" NOT NULL");
    }
    if (field.getDescription() != null) {
      column.append(" OPTIONS (description = ").append(literal(field.getDescription())).append(')');
    }
    return column.toString();
  }

  /** A view: its name, the description (the file's leading comment) and its query for one dataset. */
  record View(String name, String description, String query) {}

  /** The views with {@code ${project}} and {@code ${dataset}} replaced, in creation order. */
  static List<View> views(String project, String dataset) {
    List<View> views = new ArrayList<>();
    for (String name : VIEWS) {
      String text = resource("/schemas/views/" + name + ".sql");
      List<String> comment = new ArrayList<>();
      List<String> query = new ArrayList<>();
      for (String line : text.split("\n", -1)) {
        if (query.isEmpty() && line.startsWith("--")) {
          comment.add(line.replaceFirst("^--\\s?", ""));
        } else {
          query.add(line);
        }
      }
      views.add(
          new View(
              name,
              String.join(" ", comment),
              String.join("\n", query).strip().replace("${project}", project).replace("${dataset}", dataset)));
    }
    return views;
  }

  private static String resource(String name) {
    try (InputStream in = SetupBigQuery.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("not in the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code `project.dataset`} or {@code `project.dataset.table`}. */
  private static String path(Settings settings, String table) {
    return "`" + settings.project() + "." + settings.dataset() + (table == null ? "" : "." + table) + "`";
  }

  /** A GoogleSQL string literal. */
  static String literal(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  private static Executor bigQuery(Settings settings) {
    GoogleCredentials credentials;
    try {
      credentials = GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no Google credentials (" + e.getMessage() + "); run 'gcloud auth application-default login', or use "
              + "--dry-run to print the DDL",
          e);
    }
    BigQueryOptions.Builder options =
        BigQueryOptions.newBuilder().setProjectId(settings.project()).setCredentials(credentials);
    if (settings.location() != null) {
      options.setLocation(settings.location());
    }
    BigQuery bigQuery = options.build().getService();
    return statement -> {
      try {
        bigQuery.query(QueryJobConfiguration.newBuilder(statement).setUseLegacySql(false).build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    };
  }
}
