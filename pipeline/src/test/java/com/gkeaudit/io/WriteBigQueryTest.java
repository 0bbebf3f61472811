package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.any;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.parse.LogEntryParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.apache.beam.sdk.io.gcp.testing.FakeJobService;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class WriteBigQueryTest {
  private static final String PROJECT = "test-project";
  /** The fake keeps its tables in static state: every test gets its own dataset. */
  private static final AtomicInteger DATASETS = new AtomicInteger();

  private FakeDatasetService datasets;
  private FakeBigQueryServices services;
  private String dataset;

  @BeforeEach
  void setUp() throws Exception {
    FakeDatasetService.setUp();
    FakeJobService.setUp();
    datasets = new FakeDatasetService();
    dataset = "gke_audit_" + DATASETS.incrementAndGet();
    datasets.createDataset(PROJECT, dataset, "US", "", null);
    services = new FakeBigQueryServices().withDatasetService(datasets).withJobService(new FakeJobService());
  }

  @Test
  void findingsLandWithTheirTypes(TestPipeline pipeline) throws Exception {
    PCollection<DeadLetter> rejected =
        pipeline
            .apply(Create.of(List.of(finding("f-1", 1_762_000_000_123_456_789L), finding("f-2", 1_762_000_100_000_000_000L)))
                .withCoder(JsonCoder.of(Finding.class)))
            .apply(sink(OutputTable.FINDINGS, "findings", Rows::finding));
    PAssert.that(rejected).empty();
    pipeline.run().waitUntilFinish();

    List<TableRow> rows = datasets.getAllRows(PROJECT, dataset, "findings");
    assertThat(rows, hasSize(2));
    TableRow first = rows.stream().filter(r -> r.get("finding_id").equals("f-1")).findFirst().orElseThrow();
    assertThat(first.get("rule_id"), is("change-burst"));
    assertThat(first.get("evidence_insert_ids"), is(List.of("a", "b")));
    assertThat(first.get("mitre_techniques"), is(List.of("T1578")));
    assertThat(String.valueOf(first.get("event_time")), startsWith("2025-11-01"));
    assertThat(String.valueOf(first.get("event_time")), containsString("12:26:40.123456"));
    assertThat(first.containsKey("window_end"), is(false));
  }

  @Test
  void aBadlyTypedRowIsDeadLetteredAndTheOthersLand(TestPipeline pipeline) throws Exception {
    SerializableFunction<Finding, ObjectNode> withOneBadTime =
        f -> {
          ObjectNode row = Rows.finding(f);
          if (f.findingId().equals("bad")) {
            row.put("event_time", "yesterday afternoon");
          }
          return row;
        };
    PCollection<DeadLetter> rejected =
        pipeline
            .apply(Create.of(List.of(finding("good", 1_762_000_000_000_000_000L), finding("bad", 1_762_000_000_000_000_000L)))
                .withCoder(JsonCoder.of(Finding.class)))
            .apply(sink(OutputTable.FINDINGS, "findings", withOneBadTime));
    String tableSpec = PROJECT + ":" + dataset + ".findings";
    PAssert.that(rejected)
        .satisfies(
            letters -> {
              assertThat(letters, contains(any(DeadLetter.class)));
              DeadLetter letter = letters.iterator().next();
              assertThat(letter.reason(), is(DeadLetter.SINK_REJECTED));
              assertThat(letter.source(), is("bigquery:" + tableSpec));
              assertThat(letter.rawRecord(), containsString("\"finding_id\":\"bad\""));
              assertThat(letter.error() != null && !letter.error().isBlank(), is(true));
              try {
                SchemaAssertions.assertConforms(Rows.deadLetter(letter), "deadletter");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return null;
            });
    pipeline.run().waitUntilFinish();

    List<TableRow> rows = datasets.getAllRows(PROJECT, dataset, "findings");
    assertThat(rows.stream().map(r -> r.get("finding_id")).toList(), contains("good"));
  }

  @Test
  void theTableIsCreatedDayPartitionedOnTheEventDateAndClustered(TestPipeline pipeline) throws Exception {
    pipeline
        .apply(Create.of(List.of(finding("f-1", 1_762_000_000_000_000_000L))).withCoder(JsonCoder.of(Finding.class)))
        .apply(sink(OutputTable.FINDINGS, "findings", Rows::finding));
    pipeline.run().waitUntilFinish();

    Table table = datasets.getTable(new TableReference().setProjectId(PROJECT).setDatasetId(dataset).setTableId("findings"));
    assertThat(table.getTimePartitioning().getType(), is("DAY"));
    assertThat(table.getTimePartitioning().getField(), is("event_time"));
    assertThat(table.getClustering().getFields(), contains("project_id", "cluster_name", "rule_id"));
    assertThat(table.getSchema().getFields().get(0).getName(), is("finding_id"));
  }

  @Test
  void aStreamOfFindingsLands(TestPipeline pipeline) throws Exception {
    Instant start = new Instant(1_762_000_000_000L);
    TestStream<Finding> stream =
        TestStream.create(JsonCoder.of(Finding.class))
            .advanceWatermarkTo(start)
            .addElements(finding("s-1", 1_762_000_000_000_000_000L))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .addElements(finding("s-2", 1_762_000_060_000_000_000L))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .advanceWatermarkToInfinity();
    PCollection<DeadLetter> rejected =
        pipeline.apply(stream).apply(sink(OutputTable.FINDINGS, "findings", Rows::finding));
    PAssert.that(rejected).empty();
    pipeline.run().waitUntilFinish();

    assertThat(
        datasets.getAllRows(PROJECT, dataset, "findings").stream().map(r -> r.get("finding_id")).toList(),
        containsInAnyOrder("s-1", "s-2"));
  }

  @Test
  void eventAndDeadLetterRowsLandWithTheirTypes(TestPipeline pipeline) throws Exception {
    ClusterEvent event =
        LogEntryParser.parse(
                ("{\"insertId\":\"x\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
                        + "\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":"
                        + "{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}},\"protoPayload\":"
                        + "{\"serviceName\":\"container.googleapis.com\",\"methodName\":"
                        + "\"google.container.v1.ClusterManager.SetLegacyAbac\",\"authenticationInfo\":"
                        + "{\"principalEmail\":\"alice@example.com\"},\"request\":{\"enabled\":true},"
                        + "\"status\":{\"code\":7}}}")
                    .getBytes(StandardCharsets.UTF_8),
                "file")
            .event();
    byte[] raw = "not json".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetter.of(DeadLetter.NOT_JSON, "bad", "file", 7L, raw, 0, raw.length, raw.length, null);
    PAssert.that(
            pipeline
                .apply("Events", Create.of(List.of(event)).withCoder(JsonCoder.of(ClusterEvent.class)))
                .apply("EventsSink", sink(OutputTable.EVENTS, "events", e -> Rows.event(e, "env", "criticality"))))
        .empty();
    PAssert.that(
            pipeline
                .apply("DeadLetters", Create.of(List.of(letter)).withCoder(JsonCoder.of(DeadLetter.class)))
                .apply("DeadLetterSink", sink(OutputTable.DEAD_LETTER, "deadletter", Rows::deadLetter)))
        .empty();
    pipeline.run().waitUntilFinish();

    TableRow eventRow = datasets.getAllRows(PROJECT, dataset, "events").get(0);
    assertThat(eventRow.get("method"), is("SetLegacyAbac"));
    // The fake hands rows back the way tabledata.list does: scalars as strings. The types were checked on the way
    // in, when each row was converted to the table's proto schema (a mistyped value is rejected, see above).
    assertThat(eventRow.get("denied_call"), is("true"));
    assertThat(String.valueOf(eventRow.get("status_code")), is("7"));
    assertThat(eventRow.get("weakened_controls"), is(List.of("legacy_abac")));
    TableRow letterRow = datasets.getAllRows(PROJECT, dataset, "deadletter").get(0);
    assertThat(letterRow.get("reason"), is("not-json"));
    assertThat(String.valueOf(letterRow.get("line_number")), is("7"));
    assertThat(letterRow.get("truncated"), is("false"));
    Table deadLetterTable =
        datasets.getTable(new TableReference().setProjectId(PROJECT).setDatasetId(dataset).setTableId("deadletter"));
    assertThat(deadLetterTable.getTimePartitioning().getField(), is("failed_at"));
    assertThat(deadLetterTable.getClustering().getFields(), contains("reason", "source"));
  }

  private <T> WriteBigQuery<T> sink(OutputTable table, String name, SerializableFunction<T, ObjectNode> toRow) {
    return WriteBigQuery.to(table, PROJECT + ":" + dataset + "." + name, toRow).withTestServices(services);
  }

  static Finding finding(String id, long eventTimeNanos) {
    return new Finding(
        id, "change-burst", "MEDIUM", "t", "d", "r", eventTimeNanos, eventTimeNanos, null, "p", "us-central1", "c",
        "alice@example.com", null, null, "SetLabels", null, List.of("a", "b"), List.of("configuration-drift"),
        List.of("T1578"), null, null, null, null, null, "{\"count\":4}", 1_762_000_000_000L, null);
  }
}
