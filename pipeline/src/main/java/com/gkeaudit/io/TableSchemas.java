package com.gkeaudit.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the BigQuery JSON schemas ({@code schemas/*.json}, shipped in the jar under {@code /schemas/}) into
 * {@link TableSchema}s. The same files describe the NDJSON rows, the tables the pipeline creates and the DDL of the
 * setup tool, so there is one definition of every column.
 */
public final class TableSchemas {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TableSchemas() {}

  /** The schema of {@code /schemas/<name>.json}, e.g. {@code findings}. */
  public static TableSchema load(String name) {
    String resource = "/schemas/" + name + ".json";
    try (InputStream in = TableSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema not in the jar: " + resource);
      }
      return new TableSchema().setFields(fields(MAPPER.readTree(in)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static List<TableFieldSchema> fields(JsonNode array) {
    List<TableFieldSchema> fields = new ArrayList<>();
    for (JsonNode field : array) {
      TableFieldSchema schema =
          new TableFieldSchema()
              .setName(field.get("name").asText())
              .setType(field.get("type").asText())
              .setMode(field.path("mode").asText("NULLABLE"));
      if (field.hasNonNull("description")) {
        schema.setDescription(field.get("description").asText());
      }
      fields.add(schema);
    }
    return fields;
  }
}
