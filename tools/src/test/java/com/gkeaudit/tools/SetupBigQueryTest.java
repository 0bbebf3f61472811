package com.gkeaudit.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.gkeaudit.io.OutputTable;
import com.google.api.services.bigquery.model.TableFieldSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the setup tool would send to BigQuery, checked offline (no credentials needed). */
class SetupBigQueryTest {
  private static final SetupBigQuery.Settings SETTINGS =
      SetupBigQuery.Settings.parse("--project=my-project", "--dataset=gke_audit");

  @Test
  void aDryRunPrintsTheDdlAndConnectsToNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SetupBigQuery.run(
        SetupBigQuery.Settings.parse("--project=my-project", "--dataset=gke_audit", "--dry-run"),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        settings -> fail("a dry run must not connect"));
    String ddl = out.toString(StandardCharsets.UTF_8);
    assertThat(ddl, startsWith("CREATE SCHEMA IF NOT EXISTS `my-project.gke_audit`"));
    assertThat(count(ddl, "CREATE TABLE IF NOT EXISTS `my-project.gke_audit."), is(3));
    assertThat(count(ddl, "CREATE OR REPLACE VIEW `my-project.gke_audit."), is(SetupBigQuery.VIEWS.size()));
    assertThat(count(ddl, ";\n"), is(1 + 3 + 1 + SetupBigQuery.VIEWS.size()));
    assertThat(ddl, not(containsString("${")));
  }

  @Test
  void itSendsTheDatasetThenTheTablesThenTheViewsInOrder() {
    List<String> sent = new ArrayList<>();
    SetupBigQuery.run(SETTINGS, new PrintStream(new ByteArrayOutputStream()), settings -> sent::add);
    assertThat(sent, is(SetupBigQuery.statements(SETTINGS)));
    assertThat(sent.get(0), startsWith("CREATE SCHEMA IF NOT EXISTS `my-project.gke_audit`"));
    assertThat(sent.get(1), startsWith("CREATE TABLE IF NOT EXISTS `my-project.gke_audit.findings` ("));
    assertThat(sent.get(2), startsWith("CREATE TABLE IF NOT EXISTS `my-project.gke_audit.events` ("));
    assertThat(sent.get(3), startsWith("CREATE TABLE IF NOT EXISTS `my-project.gke_audit.deadletter` ("));
    // A findings table of an earlier release gets the suppression columns.
    assertThat(sent.get(4), is("ALTER TABLE `my-project.gke_audit.findings`\n"
        + "ADD COLUMN IF NOT EXISTS suppressed BOOL OPTIONS (description = " + descriptionOf("suppressed") + "),\n"
        + "ADD COLUMN IF NOT EXISTS suppressed_by STRING OPTIONS (description = " + descriptionOf("suppressed_by")
        + ")"));
    for (int i = 0; i < SetupBigQuery.VIEWS.size(); i++) {
      assertThat(
          sent.get(5 + i),
          startsWith("CREATE OR REPLACE VIEW `my-project.gke_audit." + SetupBigQuery.VIEWS.get(i) + "`"));
    }
  }

  @Test
  void tablesArePartitionedClusteredAndDescribedAsThePipelineCreatesThem() {
    List<String> statements = SetupBigQuery.statements(SETTINGS);
    String findings = statements.get(1);
    assertThat(findings, containsString("\nPARTITION BY DATE(event_time)\nCLUSTER BY project_id, cluster_name, rule_id\n"));
    assertThat(findings, containsString("OPTIONS (description = \"" + OutputTable.FINDINGS.description() + "\")"));
    assertThat(statements.get(2), containsString("\nPARTITION BY DATE(event_time)\nCLUSTER BY project_id, cluster_name, method\n"));
    assertThat(statements.get(3), containsString("\nPARTITION BY DATE(failed_at)\nCLUSTER BY reason, source\n"));
    assertThat(String.join("\n", statements), not(containsString("partition_expiration_days")));
  }

  @Test
  void everyColumnOfTheSchemaFilesIsDeclaredWithItsTypeModeAndDescription() {
    List<String> statements = SetupBigQuery.statements(SETTINGS);
    OutputTable[] tables = OutputTable.values();
    for (int i = 0; i < tables.length; i++) {
      String ddl = statements.get(1 + i);
      List<TableFieldSchema> fields = tables[i].schema().getFields();
      assertThat(count(ddl, " OPTIONS (description = "), is(fields.size()));
      for (TableFieldSchema field : fields) {
        String type =
            switch (field.getType()) {
              case "INTEGER" -> "INT64";
              case "BOOLEAN" -> "BOOL";
              default -> field.getType();
            };
        String declared =
            "  " + field.getName() + " "
                + switch (field.getMode()) {
                  case "REPEATED" -> "ARRAY<" + type + ">";
                  case "REQUIRED" -> type + " NOT NULL";
                  default -> type;
                }
                + " OPTIONS (description = " + SetupBigQuery.literal(field.getDescription()) + ")";
        assertThat(ddl.lines().toList(), hasItem(anyOf(is(declared), is(declared + ","))));
      }
    }
  }

  @Test
  void descriptionsAreGoogleSqlStringLiterals() {
    assertThat(SetupBigQuery.literal("e.g. {\"control\":\"legacy_abac\"} \\ end"),
        is("\"e.g. {\\\"control\\\":\\\"legacy_abac\\\"} \\\\ end\""));
    assertThat(SetupBigQuery.statements(SETTINGS).get(1),
        containsString("details STRING OPTIONS (description = \"Rule-specific JSON object, e.g. {\\\"control\\\":"));
  }

  @Test
  void locationAndPartitionExpirationAreOptionalAndReapplied() {
    List<String> statements =
        SetupBigQuery.statements(
            SetupBigQuery.Settings.parse(
                "--project=my-project", "--dataset=gke_audit", "--location=europe-west1",
                "--partition-expiration-days=400"));
    assertThat(statements.get(0), containsString("OPTIONS (location = \"europe-west1\", description = "));
    assertThat(statements.get(1), containsString(", partition_expiration_days = 400)"));
    // An existing table is left alone by CREATE ... IF NOT EXISTS, so the expiration is also set explicitly.
    assertThat(
        statements,
        hasItem("ALTER TABLE `my-project.gke_audit.findings`\nSET OPTIONS (partition_expiration_days = 400)"));
    assertThat(count(String.join("\n", statements), "ALTER TABLE"), is(3 + 1));
  }

  @Test
  void viewsAreTheFilesWithTheirCommentAsDescriptionAndTheDatasetFilledIn() {
    SetupBigQuery.View all = SetupBigQuery.views("my-project", "gke_audit").get(0);
    assertThat(all.name(), is("all_findings"));
    assertThat(all.description(), startsWith("Every finding, suppressed ones included"));
    assertThat(all.query(), startsWith("SELECT"));
    assertThat(all.query(), containsString("FROM `my-project.gke_audit.findings` AS f"));
    SetupBigQuery.View latest = SetupBigQuery.views("my-project", "gke_audit").get(1);
    assertThat(latest.name(), is("latest_findings"));
    assertThat(latest.description(), startsWith("Findings, one row per finding_id (the most recently detected copy),"));
    assertThat(latest.query(), containsString("FROM `my-project.gke_audit.all_findings`"));
    assertThat(latest.query(), containsString("WHERE NOT COALESCE(suppressed, FALSE)"));
  }

  @Test
  void everyViewFileIsCreatedAndReadsOnlyTablesAndEarlierViews() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../schemas/views"))) {
      assertThat(
          files.map(f -> f.getFileName().toString().replaceFirst("\\.sql$", "")).toList(),
          containsInAnyOrder(SetupBigQuery.VIEWS.toArray()));
    }
    Set<String> readable = new HashSet<>();
    for (OutputTable table : OutputTable.values()) {
      readable.add(table.schemaName());
    }
    Pattern reference = Pattern.compile("`p\\.d\\.([A-Za-z0-9_]+)`");
    for (SetupBigQuery.View view : SetupBigQuery.views("p", "d")) {
      Matcher matcher = reference.matcher(view.query());
      while (matcher.find()) {
        assertThat(view.name() + " reads " + matcher.group(1), readable.contains(matcher.group(1)), is(true));
      }
      readable.add(view.name());
    }
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    assertThat(error("--project=my-project"), is("--project and --dataset are required"));
    assertThat(error("--project=my-project", "--dataset=gke-audit"), is("--dataset: not a valid value: 'gke-audit'"));
    assertThat(error("--project=P", "--dataset=d"), is("--project: not a valid value: 'P'"));
    assertThat(
        error("--project=my-project", "--dataset=d", "--partition-expiration-days=0"),
        is("--partition-expiration-days must be a positive whole number, got '0'"));
    assertThat(error("--project=my-project", "--dataset=d", "--force"), is("unknown argument: --force"));
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> SetupBigQuery.Settings.parse(args)).getMessage();
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }

  private static String descriptionOf(String column) {
    return OutputTable.FINDINGS.schema().getFields().stream()
        .filter(field -> field.getName().equals(column))
        .findFirst()
        .map(field -> SetupBigQuery.literal(field.getDescription()))
        .orElseThrow();
  }
}
