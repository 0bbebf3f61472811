package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.gkeaudit.tools.PublishExport;
import com.gkeaudit.tools.PubsubRest.Received;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PublishExport against the real Pub/Sub emulator: what a subscriber pulls is what a Cloud Logging sink would have
 * sent. Skipped, saying why, where the emulator is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class PubsubEmulatorTest extends WithPubsubEmulator {
  private static final String ATTRIBUTE = PublishExport.TIMESTAMP_ATTRIBUTE;

  @Test
  void publishedLinesArriveAsSinkMessages(@TempDir Path dir) throws IOException {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    String first = "{\"insertId\":\"a1\",\"timestamp\":\"2026-11-02T10:00:00.123456Z\",\"protoPayload\":{}}";
    String second = "{\"timestamp\":\"2026-11-02T09:00:00Z\",\"insertId\":\"b2\"}";
    String broken = "{\"insertId\":\"c3\",\"timestamp\":\"2026-11-02T11:00:00Z\""; // truncated: no attribute
    Files.writeString(dir.resolve("export.json"), first + "\n\n" + second + "\n" + broken + "\n");

    String output =
        publish("--topic", "projects/test-project/topics/three", "--create", "--subscription",
            "projects/test-project/subscriptions/three-sub", "--input", dir.toString(), "--batch", "2");
    assertThat(output, containsString("published 3 messages from 1 files"));
    assertThat(output, containsString("1 blank lines skipped"));

    List<Received> received = pull("projects/test-project/subscriptions/three-sub", 3);
    assertThat(received, hasSize(3));
    assertThat(text(received.get(0)), is(first));
    assertThat(received.get(0).attributes(), is(Map.of(ATTRIBUTE, "2026-11-02T10:00:00.123456Z")));
    assertThat(text(received.get(1)), is(second));
    assertThat(received.get(1).attributes(), is(Map.of(ATTRIBUTE, "2026-11-02T09:00:00Z")));
    assertThat(text(received.get(2)), is(broken));
    assertThat(received.get(2).attributes(), is(Map.of()));
  }

  @Test
  void theAfterTheLastEntryComesLastOneSecondAfterTheLatestEntry(@TempDir Path dir) throws IOException {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    Files.writeString(
        dir.resolve("a.json"),
        "{\"logName\":\"projects/acme-a/logs/x\",\"timestamp\":\"2026-11-02T10:00:00Z\"}\n"
            + "{\"logName\":\"projects/acme-b/logs/x\",\"timestamp\":\"2026-11-02T12:30:00.5Z\"}\n"
            + "{\"logName\":\"projects/acme-c/logs/x\",\"timestamp\":\"2026-11-02T11:00:00Z\"}\n");
    String output =
        publish("--topic", "projects/test-project/topics/last", "--create", "--subscription",
            "projects/test-project/subscriptions/last-sub", "--input", dir + "/*.json", "--shuffle", "3",
            "--append-after-last");
    assertThat(output, containsString("after-the-last entry at 2026-11-02T12:30:01.500Z"));

    List<Received> received = pull("projects/test-project/subscriptions/last-sub", 4);
    assertThat(received, hasSize(4));
    Received last = received.get(3);
    assertThat(last.attributes(), is(Map.of(ATTRIBUTE, "2026-11-02T12:30:01.500Z")));
    assertThat(text(last), containsString("\"serviceName\":\"k8s.io\""));
    assertThat(text(last), containsString("\"logName\":\"projects/acme-b/logs/"));
  }

  @Test
  void aMissingTopicWithoutCreateIsAOneLineFailure(@TempDir Path dir) throws IOException {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    Files.writeString(dir.resolve("a.json"), "{\"timestamp\":\"2026-11-02T10:00:00Z\"}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PublishExport.run(
            new String[] {"--topic", "projects/test-project/topics/missing", "--input", dir.toString(),
                "--pubsubRootUrl", emulator.rootUrl()},
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertThat(code, is(1));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("pass --create to create the topic"));
  }

  /**
   * The local source holds read messages past the subscription's 10 s ack deadline without a redelivery (it extends
   * their deadlines); a reader restored from a checkpoint elsewhere gets the uncommitted messages again once the
   * first reader stops extending (no loss), and acknowledging them leaves nothing in the subscription (no copy left
   * to come back).
   */
  @Test
  void heldMessagesAreNotRedeliveredAndARestoredReaderGetsTheUncommittedOnesOnce() throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    String subscription = "projects/test-project/subscriptions/held";
    List<String> ids = subscribeAndPublish("held", 3);
    org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions options = emulatorOptions();
    PubsubEntrySource source = source(subscription);

    var first = source.createReader(options, null);
    List<String> read = new java.util.ArrayList<>(readFor(first, first.start(), 2_000));
    assertThat(read.stream().sorted().toList(), is(ids.stream().sorted().toList()));
    // Held, not committed, for longer than the 10 s ack deadline: nothing comes back while the reader extends.
    assertThat(readFor(first, false, 14_000), is(List.of()));

    // The runner moves the read elsewhere: a reader from the encoded checkpoint (which cannot acknowledge), and the
    // first one goes away without its checkpoint being finalized (its output was never committed).
    PubsubEntrySource.Checkpoint checkpoint = org.apache.beam.sdk.util.CoderUtils.clone(
        source.getCheckpointMarkCoder(), (PubsubEntrySource.Checkpoint) first.getCheckpointMark());
    first.close();
    var second = source.createReader(options, checkpoint);
    List<String> again = readFor(second, second.start(), 25_000);
    assertThat("the uncommitted messages come back, each once", again.stream().sorted().toList(),
        is(ids.stream().sorted().toList()));
    second.getCheckpointMark().finalizeCheckpoint();
    assertThat(emulator.pullAtLeast(subscription, 1, Duration.ofSeconds(12)), is(List.of()));
  }

  /**
   * The checkpoint is bounded (it carries every held ack id): a reader holds at most its bound of unacknowledged
   * messages and pulls more only once the runner has committed, so all of them are read, each once, none lost.
   */
  @Test
  void aReaderHoldsAtMostItsBoundAndPullsMoreOnlyAfterACommit() throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    String subscription = "projects/test-project/subscriptions/bounded";
    List<String> ids = subscribeAndPublish("bounded", 5);
    org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions options = emulatorOptions();
    var reader = new PubsubEntrySource.Reader(
        source(subscription),
        org.apache.beam.sdk.io.gcp.pubsub.PubsubJsonClient.FACTORY.newClient(null, null, options),
        new InputWatermark(30_000, 0, 15_000, InputWatermark.Snapshot.initial()),
        2);
    List<String> read = new java.util.ArrayList<>(readFor(reader, reader.start(), 3_000));
    assertThat("held up to the bound, no further", read, hasSize(2));
    for (int round = 0; round < 2; round++) {
      reader.getCheckpointMark().finalizeCheckpoint();
      read.addAll(readFor(reader, reader.advance(), 3_000));
    }
    reader.getCheckpointMark().finalizeCheckpoint();
    reader.close();
    assertThat(read.stream().sorted().toList(), is(ids.stream().sorted().toList()));
    assertThat(emulator.pullAtLeast(subscription, 1, Duration.ofSeconds(12)), is(List.of()));
  }

  /**
   * Creates topic and subscription {@code name} in test-project and publishes {@code count} sink messages, entries
   * "a", "b", ... one second apart from 2026-11-10T08:00:00Z; returns their message ids.
   */
  private static List<String> subscribeAndPublish(String name, int count) throws IOException {
    String topic = "projects/test-project/topics/" + name;
    emulator.createTopic(topic);
    emulator.createSubscription("projects/test-project/subscriptions/" + name, topic);
    List<com.gkeaudit.tools.PubsubRest.Message> messages = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(message(String.format(java.util.Locale.ROOT, "2026-11-10T08:00:%02dZ", i), String.valueOf((char) ('a' + i))));
    }
    return emulator.rest().publish(topic, messages);
  }

  /** The local source on a subscription: 30 s idle span, no lateness held at the source. */
  private static PubsubEntrySource source(String subscription) {
    return PubsubEntrySource.of(
        subscription, org.joda.time.Duration.standardSeconds(30), org.joda.time.Duration.ZERO);
  }

  /** Options that point Beam's Pub/Sub client at the emulator, without credentials. */
  private static org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions emulatorOptions() {
    return org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(
            "--pubsubRootUrl=" + emulator.rootUrl(),
            "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory")
        .as(org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions.class);
  }

  /** Advances {@code reader} for {@code millis} (or until it has read three messages); the message ids read. */
  private static List<String> readFor(
      org.apache.beam.sdk.io.UnboundedSource.UnboundedReader<List<StreamEntry>> reader, boolean available, long millis)
      throws IOException, InterruptedException {
    List<String> ids = new java.util.ArrayList<>();
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end && ids.size() < 3) {
      if (available) {
        reader.getCurrent().forEach(entry -> ids.add(entry.recordId()));
      } else {
        Thread.sleep(250);
      }
      available = reader.advance();
    }
    return ids;
  }

  private static com.gkeaudit.tools.PubsubRest.Message message(String timestamp, String insertId) {
    String json = "{\"insertId\":\"" + insertId + "\",\"timestamp\":\"" + timestamp + "\"}";
    return new com.gkeaudit.tools.PubsubRest.Message(
        json.getBytes(StandardCharsets.UTF_8), Map.of(ATTRIBUTE, timestamp));
  }

  /** Runs PublishExport against the emulator; returns its stdout (the summary), failing with stderr on error. */
  @Test
  void theSourceChecksItsSubscriptionBeforeALocalRun() {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    emulator.createTopic("projects/test-project/topics/checked");
    emulator.createSubscription("projects/test-project/subscriptions/checked", "projects/test-project/topics/checked");
    org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions options = emulatorOptions();
    assertThat(PubsubEntrySource.unreadable("projects/test-project/subscriptions/checked", options), is((String) null));
    assertThat(
        PubsubEntrySource.unreadable("projects/test-project/subscriptions/missing", options),
        is("--inputSubscription projects/test-project/subscriptions/missing: 404 Subscription does not exist"));
  }

  private static String publish(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--pubsubRootUrl";
    all[args.length + 1] = emulator.rootUrl();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PublishExport.run(
            all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    assertThat("stderr: " + err.toString(StandardCharsets.UTF_8), code, is(0));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Pulls the messages, in publish order (the emulator numbers message ids in order). */
  private static List<Received> pull(String subscription, int count) {
    List<Received> received = emulator.pullAtLeast(subscription, count, Duration.ofSeconds(20));
    return received.stream().sorted(Comparator.comparingLong(r -> Long.parseLong(r.messageId()))).toList();
  }

  private static String text(Received received) {
    return new String(received.data(), StandardCharsets.UTF_8);
  }
}
