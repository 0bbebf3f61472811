package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks rows against the BigQuery JSON schemas in {@code schemas/} (shipped in the jar): every field a row has is
 * declared, required fields are present, and each value has the declared type. Used by the sink tests and the
 * end-to-end test, so rows and schemas cannot drift apart.
 */
public final class SchemaAssertions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SchemaAssertions() {}

  public static Map<String, JsonNode> schema(String table) throws IOException {
    try (InputStream in = SchemaAssertions.class.getResourceAsStream("/schemas/" + table + ".json")) {
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      for (JsonNode field : MAPPER.readTree(in)) {
        fields.put(field.get("name").asText(), field);
      }
      return fields;
    }
  }

  /** Problems of one row against a schema; empty when it conforms. */
  public static List<String> violations(JsonNode row, Map<String, JsonNode> schema) {
    List<String> problems = new ArrayList<>();
    for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!schema.containsKey(name)) {
        problems.add("field not in schema: " + name);
      }
    }
    for (JsonNode field : schema.values()) {
      String name = field.get("name").asText();
      String mode = field.path("mode").asText("NULLABLE");
      JsonNode value = row.get(name);
      if (value == null || value.isNull()) {
        if (mode.equals("REQUIRED")) {
          problems.add("required field missing: " + name);
        }
        continue;
      }
      if (mode.equals("REPEATED")) {
        if (!value.isArray()) {
          problems.add(name + " must be an array");
          continue;
        }
        for (JsonNode item : value) {
          checkType(name, field.get("type").asText(), item, problems);
        }
      } else {
        checkType(name, field.get("type").asText(), value, problems);
      }
    }
    return problems;
  }

  public static void assertConforms(JsonNode row, String table) throws IOException {
    assertThat(row.toString(), violations(row, schema(table)), is(empty()));
  }

  private static void checkType(String name, String type, JsonNode value, List<String> problems) {
    boolean ok =
        switch (type) {
          case "STRING" -> value.isTextual();
          case "INTEGER", "INT64" -> value.isIntegralNumber();
          case "BOOLEAN", "BOOL" -> value.isBoolean();
          case "TIMESTAMP" -> value.isTextual() && Times.parseRfc3339(value.asText()) != null;
          default -> false;
        };
    if (!ok) {
      problems.add(name + " is not a " + type + ": " + value);
    }
  }
}
