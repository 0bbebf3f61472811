package com.gkeaudit.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.gkeaudit.io.OutputTable;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.ZetaSQLType.TypeKind;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateViewStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedOutputColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedQueryStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every statement the setup tool sends (dataset, tables, views) and every sample query, analyzed offline by ZetaSQL,
 * BigQuery's SQL front end, in BigQuery's external product mode with the tables registered from the schema files:
 * syntax, names, column references and types are checked as BigQuery would before running anything.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class BigQuerySqlAnalyzerTest {
  private static final String PROJECT = "my-project";
  private static final String DATASET = "gke_audit";

  private AnalyzerOptions options;
  private SimpleCatalog catalog;

  @BeforeEach
  void setUp() {
    LanguageOptions language = new LanguageOptions().enableMaximumLanguageFeatures();
    language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
    language.setSupportsAllStatementKinds();
    options = new AnalyzerOptions();
    options.setLanguageOptions(language);
    catalog = new SimpleCatalog("bigquery");
    catalog.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language));
    for (OutputTable table : OutputTable.values()) {
      SimpleTable simple = new SimpleTable(qualified(table.schemaName()));
      for (TableFieldSchema field : table.schema().getFields()) {
        simple.addSimpleColumn(field.getName(), type(field));
      }
      catalog.addSimpleTable(simple);
    }
  }

  @Test
  void everySetupStatementAnalyzes() {
    List<String> statements =
        SetupBigQuery.statements(SetupBigQuery.Settings.parse(
            "--project=" + PROJECT, "--dataset=" + DATASET, "--location=EU", "--partition-expiration-days=400"));
    for (String statement : statements) {
      ResolvedStatement resolved = analyze(statement);
      if (resolved instanceof ResolvedCreateViewStmt view) {
        // Later views read earlier ones: register each view's output as a table.
        register(String.join(".", view.getNamePath()), view.getOutputColumnList());
      }
    }
  }

  @Test
  void everySampleQueryAnalyzes() throws IOException {
    registerViews();
    try (Stream<Path> files = Files.list(Path.of("../schemas/queries"))) {
      List<Path> queries = files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
      assertThat(queries.isEmpty(), is(false));
      for (Path query : queries) {
        String sql =
            Files.readString(query, StandardCharsets.UTF_8)
                .replace("${project}", PROJECT)
                .replace("${dataset}", DATASET)
                .strip();
        assertThat(query.toString(), analyze(sql) instanceof ResolvedQueryStmt, is(true));
      }
    }
  }

  @Test
  void theAnalyzerRejectsAColumnTheSchemaLacks() {
    AssertionError error =
        assertThrows(
            AssertionError.class,
            () -> analyze("SELECT rule, COUNT(*) FROM `" + qualified("findings") + "` GROUP BY rule"));
    assertThat(error.getMessage(), containsString("Unrecognized name: rule"));
  }

  private void registerViews() {
    for (SetupBigQuery.View view : SetupBigQuery.views(PROJECT, DATASET)) {
      ResolvedQueryStmt query = (ResolvedQueryStmt) analyze(view.query());
      register(qualified(view.name()), query.getOutputColumnList());
    }
  }

  private ResolvedStatement analyze(String sql) {
    try {
      return Analyzer.analyzeStatement(sql, options, catalog);
    } catch (SqlException e) {
      throw new AssertionError(e.getMessage() + "\nin:\n" + sql, e);
    }
  }

  private void register(String name, List<ResolvedOutputColumn> columns) {
    SimpleTable table = new SimpleTable(name);
    for (ResolvedOutputColumn column : columns) {
      table.addSimpleColumn(column.getName(), column.getColumn().getType());
    }
    catalog.addSimpleTable(table);
  }

  private static String qualified(String table) {
    return PROJECT + "." + DATASET + "." + table;
  }

  private static Type type(TableFieldSchema field) {
    Type scalar =
        TypeFactory.createSimpleType(
            switch (field.getType()) {
              case "STRING" -> TypeKind.TYPE_STRING;
              case "INTEGER" -> TypeKind.TYPE_INT64;
              case "BOOLEAN" -> TypeKind.TYPE_BOOL;
              case "TIMESTAMP" -> TypeKind.TYPE_TIMESTAMP;
              default -> throw new IllegalArgumentException("unmapped BigQuery type " + field.getType());
            });
    return "REPEATED".equals(field.getMode()) ? TypeFactory.createArrayType(scalar) : scalar;
  }
}
