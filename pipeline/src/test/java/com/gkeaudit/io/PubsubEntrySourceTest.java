package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.gkeaudit.model.Times;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient.IncomingMessage;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** The pure parts of {@link PubsubEntrySource}: event times of messages, and its coders. */
class PubsubEntrySourceTest {
  private static final String T = "2026-11-10T10:00:00.123456789Z";
  private static final String RECEIVED = "2026-11-10T10:00:01.5Z";
  private static final String ATTRIBUTE = "2026-11-10T09:59:59.25Z";
  private static final long PUBLISHED_MILLIS = Instant.parse("2026-11-10T10:00:02Z").toEpochMilli();
  private static final long WALL = 1_800_000_000_000L;

  private static long nanos(String rfc3339) {
    return Times.toNanos(Instant.parse(rfc3339));
  }

  private static long millis(String rfc3339) {
    return Instant.parse(rfc3339).toEpochMilli();
  }

  private static Long entryTimestamp(String text) {
    return StreamEntry.entryTimestamp(text.getBytes(StandardCharsets.UTF_8));
  }

  /** JSON with single quotes for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  // entryTimestamp

  @Test
  void entryTimestampIsTheTopLevelTimestamp() {
    assertThat(entryTimestamp(json("{'insertId': 'a', 'timestamp': '" + T + "', 'receiveTimestamp': '" + RECEIVED
        + "'}")), is(nanos(T)));
  }

  @Test
  void timestampWinsOverAnEarlierReceiveTimestamp() {
    assertThat(entryTimestamp(json("{'receiveTimestamp': '" + RECEIVED + "', 'timestamp': '" + T + "'}")),
        is(nanos(T)));
  }

  @Test
  void withoutTimestampTheReceiveTimestamp() {
    assertThat(entryTimestamp(json("{'insertId': 'a', 'receiveTimestamp': '" + RECEIVED + "'}")),
        is(nanos(RECEIVED)));
  }

  @Test
  void nestedTimestampsAreIgnored() {
    String nested = "{'protoPayload': {'timestamp': '" + T + "', 'request': {'timestamp': '" + T + "'}}, "
        + "'labels': [{'timestamp': '" + T + "'}]";
    assertThat(entryTimestamp(json(nested + ", 'receiveTimestamp': '" + RECEIVED + "'}")), is(nanos(RECEIVED)));
    assertThat(entryTimestamp(json(nested + "}")), is(nullValue()));
  }

  @Test
  void noTimeFieldsOrNotAnObjectGiveNone() {
    assertThat(entryTimestamp(json("{'insertId': 'a'}")), is(nullValue()));
    assertThat(entryTimestamp(json("{'timestamp': 1731232800}")), is(nullValue()));
    assertThat(entryTimestamp("not json at all"), is(nullValue()));
    assertThat(entryTimestamp(json("[{'timestamp': '" + T + "'}]")), is(nullValue()));
    assertThat(entryTimestamp(json("'" + T + "'")), is(nullValue()));
    assertThat(entryTimestamp(""), is(nullValue()));
  }

  @Test
  void truncatedJsonKeepsWhatWasReadBeforeTheError() {
    assertThat(entryTimestamp(json("{'receiveTimestamp': '" + RECEIVED + "', 'protoPayload': {")),
        is(nanos(RECEIVED)));
    assertThat(entryTimestamp(json("{'protoPayload': {'a': ")), is(nullValue()));
  }

  private static byte[] withInvalidUtf8(String before, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void invalidUtf8GivesTheTimeReadBeforeItOrNone() {
    // After the timestamp: the timestamp (the parser dead-letters the entry; it only needs an event time to flow).
    assertThat(StreamEntry.entryTimestamp(
        withInvalidUtf8(json("{'timestamp': '" + T + "', 'textPayload': '"), "'}")), is(nanos(T)));
    // Before any time field: none, without throwing.
    assertThat(StreamEntry.entryTimestamp(
        withInvalidUtf8(json("{'textPayload': '"), json("', 'timestamp': '" + T + "'}"))), is(nullValue()));
    // Inside the timestamp itself: not a time.
    assertThat(StreamEntry.entryTimestamp(
        withInvalidUtf8(json("{'receiveTimestamp': '" + RECEIVED + "', 'timestamp': '2026"), "'}")),
        is(nanos(RECEIVED)));
  }

  // toEntry

  private static IncomingMessage message(String data, Map<String, String> attributes, String messageId) {
    return message(data.getBytes(StandardCharsets.UTF_8), attributes, messageId);
  }

  private static IncomingMessage message(byte[] data, Map<String, String> attributes, String messageId) {
    PubsubMessage proto =
        PubsubMessage.newBuilder().setData(ByteString.copyFrom(data)).putAllAttributes(attributes).build();
    return IncomingMessage.of(proto, PUBLISHED_MILLIS, WALL, "ack-" + messageId, messageId);
  }

  private static InputWatermark fresh() {
    return new InputWatermark(10_000, 60_000, InputWatermark.Snapshot.initial());
  }

  private static final String ENTRY = json("{'insertId': 'a', 'timestamp': '" + T + "'}");

  @Test
  void theSinksAttributeComesFirst() {
    StreamEntry entry = PubsubEntrySource.toEntry(
        message(ENTRY, Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, ATTRIBUTE), "m1"), fresh(), WALL);
    assertThat(entry.timestampMillis(), is(millis(ATTRIBUTE)));
    assertThat(entry.timestampSource(), is(StreamEntry.FROM_ATTRIBUTE));
    assertThat(entry.recordId(), is("m1"));
    assertThat(new String(entry.data(), StandardCharsets.UTF_8), is(ENTRY));
    assertThat(entry.late(), is(false));
    assertThat(entry.watermarkMillis(), is(InputWatermark.NONE));
  }

  @Test
  void missingOrInvalidAttributeFallsBackToTheEntrysTimestamp() {
    for (Map<String, String> attributes : List.of(
        Map.<String, String>of(),
        Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, "yesterday"),
        Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, ""),
        Map.of("other", ATTRIBUTE))) {
      StreamEntry entry = PubsubEntrySource.toEntry(message(ENTRY, attributes, "m1"), fresh(), WALL);
      assertThat(attributes.toString(), entry.timestampSource(), is(StreamEntry.FROM_ENTRY));
      // Nanoseconds are floored to the millisecond.
      assertThat(entry.timestampMillis(), is(millis("2026-11-10T10:00:00.123Z")));
    }
  }

  @Test
  void receiveTimestampIsStillTheEntrysTime() {
    StreamEntry entry = PubsubEntrySource.toEntry(
        message(json("{'receiveTimestamp': '" + RECEIVED + "'}"), Map.of(), "m1"), fresh(), WALL);
    assertThat(entry.timestampSource(), is(StreamEntry.FROM_ENTRY));
    assertThat(entry.timestampMillis(), is(millis(RECEIVED)));
  }

  @Test
  void neitherGivesThePublishTimeBeforeAnythingWasRead() {
    StreamEntry entry = PubsubEntrySource.toEntry(message("not json", Map.of(), "m9"), fresh(), WALL);
    assertThat(entry.timestampSource(), is(StreamEntry.FROM_NONE));
    assertThat(entry.timestampMillis(), is(PUBLISHED_MILLIS));
    assertThat(entry.recordId(), is("m9"));

    byte[] invalid = withInvalidUtf8("{\"textPayload\": \"", "\"}");
    StreamEntry bad = PubsubEntrySource.toEntry(message(invalid, Map.of(), "m10"), fresh(), WALL);
    assertThat(bad.timestampSource(), is(StreamEntry.FROM_NONE));
    assertThat(bad.data(), is(invalid));
  }

  @Test
  void anEntryBehindTheWatermarkIsMarkedLateWithTheWatermarkItMissed() {
    InputWatermark watermark = fresh();
    PubsubEntrySource.toEntry(message(ENTRY, Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, ATTRIBUTE), "m1"), watermark,
        WALL);
    // Quiet for the idle span: the watermark moves just past the attribute's time.
    long expectedWatermark = millis(ATTRIBUTE) + 1;
    StreamEntry late = PubsubEntrySource.toEntry(
        message(ENTRY, Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, "2026-11-10T09:00:00Z"), "m2"), watermark,
        WALL + 10_000);
    assertThat(late.late(), is(true));
    assertThat(late.watermarkMillis(), is(expectedWatermark));
    StreamEntry onTime = PubsubEntrySource.toEntry(message(ENTRY, Map.of(), "m3"), watermark, WALL + 10_001);
    assertThat(onTime.late(), is(false));
    assertThat(onTime.watermarkMillis(), is(expectedWatermark));
  }

  // Coders

  private static <T> T roundTrip(Coder<T> coder, Coder.Context context, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value, context), context);
  }

  @Test
  void streamEntryCoderRoundTrips() throws Exception {
    byte[] invalid = withInvalidUtf8("{", "}");
    for (StreamEntry entry : List.of(
        new StreamEntry(ENTRY.getBytes(StandardCharsets.UTF_8), "m1", millis(T), StreamEntry.FROM_ATTRIBUTE, false,
            InputWatermark.NONE),
        new StreamEntry(invalid, "", -1, StreamEntry.FROM_NONE, true, millis(T)),
        new StreamEntry(new byte[0], "m\u00e9", Long.MAX_VALUE, StreamEntry.FROM_ENTRY, true, Long.MIN_VALUE),
        new StreamEntry(new byte[] {'{'}, "/exports/a.json.gz", millis(T), StreamEntry.FROM_NONE, false,
            InputWatermark.NONE, 42, 17L << 20))) {
      for (Coder.Context context : List.of(Coder.Context.OUTER, Coder.Context.NESTED)) {
        StreamEntry decoded = roundTrip(StreamEntry.Coder.of(), context, entry);
        assertThat(decoded.data(), is(entry.data()));
        assertThat(decoded.recordId(), is(entry.recordId()));
        assertThat(decoded.timestampMillis(), is(entry.timestampMillis()));
        assertThat(decoded.timestampSource(), is(entry.timestampSource()));
        assertThat(decoded.late(), is(entry.late()));
        assertThat(decoded.watermarkMillis(), is(entry.watermarkMillis()));
        assertThat(decoded.lineNumber(), is(entry.lineNumber()));
        assertThat(decoded.fullLength(), is(entry.fullLength()));
      }
      CoderProperties.structuralValueDecodeEncodeEqual(StreamEntry.Coder.of(), entry);
      CoderProperties.coderDeterministic(StreamEntry.Coder.of(), entry, entry);
    }
    CoderProperties.coderSerializable(StreamEntry.Coder.of());
  }

  @Test
  void checkpointCoderRoundTripsTheWatermarkState() throws Exception {
    InputWatermark watermark = fresh();
    watermark.onRead(millis(T), WALL);
    watermark.onRead(millis(T) - 5_000, WALL + 1_500);
    watermark.onRead(millis(T) + 5_000, WALL + 9_000);
    watermark.watermark(WALL + 9_000);
    List<PubsubEntrySource.Checkpoint> checkpoints = List.of(
        new PubsubEntrySource.Checkpoint(List.of("ack-1", "ack-2"), watermark.snapshot(), null),
        new PubsubEntrySource.Checkpoint(List.of(), InputWatermark.Snapshot.initial(), null));
    assertThat(checkpoints.get(0).watermark().recent().size() > 1, is(true));

    for (PubsubEntrySource.Checkpoint checkpoint : checkpoints) {
      for (Coder.Context context : List.of(Coder.Context.OUTER, Coder.Context.NESTED)) {
        PubsubEntrySource.Checkpoint decoded =
            roundTrip(PubsubEntrySource.CheckpointCoder.INSTANCE, context, checkpoint);
        assertThat(decoded.watermark(), is(checkpoint.watermark()));
        // Restored from its encoding, it has no reader: finalizing acknowledges nothing and does not fail.
        decoded.finalizeCheckpoint();
      }
      CoderProperties.structuralValueDecodeEncodeEqual(PubsubEntrySource.CheckpointCoder.INSTANCE, checkpoint);
    }
  }

  @Test
  void aDecodedCheckpointResumesTheEstimatorIdentically() throws Exception {
    InputWatermark original = fresh();
    original.onRead(millis(T), WALL);
    original.onRead(millis(T) - 3_000, WALL + 2_000);
    PubsubEntrySource.Checkpoint decoded = roundTrip(
        PubsubEntrySource.CheckpointCoder.INSTANCE, Coder.Context.OUTER,
        new PubsubEntrySource.Checkpoint(List.of("ack-1"), original.snapshot(), null));
    InputWatermark resumed = new InputWatermark(10_000, 60_000, decoded.watermark());
    for (long wall = WALL + 2_000; wall <= WALL + 20_000; wall += 500) {
      assertThat(resumed.watermark(wall), is(original.watermark(wall)));
    }
    assertThat(resumed.watermark(WALL + 20_000), is(millis(T) + 1));
  }

  @Test
  void aCheckpointStartsWithItsLayoutVersionAndAnUnknownOneIsRejectedClearly() throws Exception {
    byte[] bytes = org.apache.beam.sdk.util.CoderUtils.encodeToByteArray(
        PubsubEntrySource.CheckpointCoder.INSTANCE,
        new PubsubEntrySource.Checkpoint(List.of("ack-1"), InputWatermark.Snapshot.initial(), null));
    assertThat((int) bytes[0], is(CheckpointVersion.CURRENT));
    bytes[0] = 7;
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> PubsubEntrySource.CheckpointCoder.INSTANCE.decode(new java.io.ByteArrayInputStream(bytes)));
    assertThat(e.getMessage(), org.hamcrest.Matchers.containsString("unknown layout version 7"));
  }
}
