package com.gkeaudit.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.bigquery.model.TableRow;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.model.Times;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO.Write.CreateDisposition;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO.Write.Method;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO.Write.WriteDisposition;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryStorageApiInsertError;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows (the same {@link Rows} the NDJSON files get) to one BigQuery table with the Storage Write API,
 * creating the table when needed with its schema file, day partitioning and clustering ({@link OutputTable}). The
 * output is every row BigQuery rejected, as a {@link DeadLetter#SINK_REJECTED} dead letter carrying the error and
 * the row, so nothing written is silently lost.
 */
public final class WriteBigQuery<T> extends PTransform<PCollection<T>, PCollection<DeadLetter>> {
  /**
   * How often an unbounded exactly-once write commits its buffered streams: the latency of a finding in the table.
   * Bounded writes commit once at the end and must not set it (BigQueryIO rejects it).
   */
  static final Duration STREAMING_COMMIT_INTERVAL = Duration.standardSeconds(5);

  private final OutputTable table;
  private final String tableSpec;
  private final SerializableFunction<T, ObjectNode> toRow;
  private final BigQueryServices testServices;

  private WriteBigQuery(
      OutputTable table, String tableSpec, SerializableFunction<T, ObjectNode> toRow, BigQueryServices testServices) {
    this.table = table;
    this.tableSpec = tableSpec;
    this.toRow = toRow;
    this.testServices = testServices;
  }

  /** Writes to {@code tableSpec} ({@code PROJECT:DATASET.TABLE}) with {@code table}'s layout. */
  public static <T> WriteBigQuery<T> to(OutputTable table, String tableSpec, SerializableFunction<T, ObjectNode> toRow) {
    return new WriteBigQuery<>(table, tableSpec, toRow, null);
  }

  /** Other BigQuery services than the real ones (tests pass Beam's fakes); null keeps the real ones. */
  public WriteBigQuery<T> withTestServices(BigQueryServices services) {
    return new WriteBigQuery<>(table, tableSpec, toRow, services);
  }

  @Override
  public PCollection<DeadLetter> expand(PCollection<T> input) {
    BigQueryIO.Write<TableRow> write =
        BigQueryIO.writeTableRows()
            .to(tableSpec)
            .withMethod(table.method())
            .withSchema(table.schema())
            .withTimePartitioning(table.timePartitioning())
            .withClustering(table.clustering())
            .withTableDescription(table.description())
            .withCreateDisposition(CreateDisposition.CREATE_IF_NEEDED)
            .withWriteDisposition(WriteDisposition.WRITE_APPEND);
    if (input.isBounded() == PCollection.IsBounded.UNBOUNDED && table.method() == Method.STORAGE_WRITE_API) {
      write = write.withTriggeringFrequency(STREAMING_COMMIT_INTERVAL).withAutoSharding();
    }
    if (testServices != null) {
      write = write.withTestServices(testServices);
    }
    SerializableFunction<T, ObjectNode> rowOf = toRow;
    return input
        .apply("ToTableRow", MapElements.into(TypeDescriptor.of(TableRow.class)).via(t -> Rows.tableRow(rowOf.apply(t))))
        .setCoder(TableRowJsonCoder.of())
        .apply("Write", write)
        .getFailedStorageApiInserts()
        .apply("RejectedToDeadLetters", ParDo.of(new ToDeadLetter(tableSpec, table)))
        .setCoder(JsonCoder.of(DeadLetter.class));
  }

  /**
   * For the dead-letter table itself: a row it rejects has nowhere further to go, so it is logged and counted
   * ({@code gkeaudit:deadletter_table_rejected}) instead. The log names the record (reason, source, line) and the
   * error but not its raw bytes: an unparsable audit line may hold a secret the parser would have redacted.
   */
  public static ParDo.SingleOutput<DeadLetter, Void> logAndCount() {
    return ParDo.of(new LogRejected());
  }

  private static final class ToDeadLetter extends DoFn<BigQueryStorageApiInsertError, DeadLetter> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String tableSpec;
    private final Counter rejected;

    ToDeadLetter(String tableSpec, OutputTable table) {
      this.tableSpec = tableSpec;
      this.rejected = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "sink_rejected." + table.schemaName());
    }

    @ProcessElement
    public void process(@Element BigQueryStorageApiInsertError error, OutputReceiver<DeadLetter> out)
        throws JsonProcessingException {
      rejected.inc();
      TableRow row = error.getRow();
      byte[] raw = MAPPER.writeValueAsBytes(row);
      Long eventTime = row.get("event_time") instanceof String time ? Times.parseRfc3339(time) : null;
      out.output(
          DeadLetter.of(
              DeadLetter.SINK_REJECTED, error.getErrorMessage(), "bigquery:" + tableSpec, null, raw, 0, raw.length,
              raw.length, eventTime));
    }
  }

  private static final class LogRejected extends DoFn<DeadLetter, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBigQuery.class);
    private static final Counter REJECTED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "deadletter_table_rejected");

    @ProcessElement
    public void process(@Element DeadLetter rejected) {
      REJECTED.inc();
      LOG.error(
          "the dead-letter table rejected a row: {} (its reason {}, source {}, line {})", rejected.error(),
          rejected.reason(), rejected.source(), rejected.lineNumber());
    }
  }
}
