package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.transforms.JsonCoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 13: entries crafted to be misread, and records crafted to exhaust memory, parse right and stay bounded. */
class HostileEntriesTest {
  private static String entry(String service, String method, String extraPayload, String extraRoot) {
    return "{\"insertId\":\"i1\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
        + "\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":"
        + "{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}}" + extraRoot + ",\"protoPayload\":{"
        + "\"serviceName\":\"" + service + "\",\"methodName\":\"" + method + "\","
        + "\"authenticationInfo\":{\"principalEmail\":\"alice@example.com\"}" + extraPayload + "}}";
  }

  private static ParseOutcome parse(String line) {
    return LogEntryParser.parse(line.getBytes(StandardCharsets.UTF_8), "test");
  }

  @Test
  void lowerCasedAndSpacePaddedMethodNamesAreClusterManagerEntries() {
    for (String method :
        new String[] {
          "google.container.v1.clustermanager.updatemaster", " google.container.v1.ClusterManager.UpdateMaster ",
          "GOOGLE.CONTAINER.V1BETA1.CLUSTERMANAGER.UPDATEMASTER"
        }) {
      ParseOutcome outcome = parse(entry("container.googleapis.com", method, "", ""));
      assertThat(method, outcome.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
      assertThat(method, outcome.event().method(), is("UpdateMaster"));
      assertThat(method, outcome.event().changeMethodOnCluster(), is(true));
    }
    ParseOutcome padded = parse(entry(" Container.googleapis.com ", "google.container.v1.ClusterManager.SetLabels", "", ""));
    assertThat(padded.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
  }

  @Test
  void escapedKeysAndValuesAreRecognisedAsClusterManager() {
    String line =
        entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels", "", "")
            .replace("\"serviceName\"", "\"service\\u004eame\"")
            .replace("\"timestamp\"", "\"time\\u0073tamp\"");
    ParseOutcome outcome = parse(line);
    assertThat(outcome.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
    ParseOutcome escapedValue = parse(
        entry("container\\u002egoogleapis.com", "google.container.v1.ClusterManager.SetLabels", "", ""));
    assertThat(escapedValue.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
  }

  @Test
  void statusCodesOutOfIntRangeAreFailuresNotSuccesses() {
    for (String code : new String[] {"4294967303", "1e400", "7.5", "\"DENIED\"", "-99999999999999999999"}) {
      ParseOutcome outcome = parse(entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels",
          ",\"status\":{\"code\":" + code + "}", ""));
      assertThat(code, outcome.event().statusCode(), is(LogEntryParser.UNKNOWN_CODE));
      assertThat(code, outcome.event().successfulChange(), is(false));
    }
    ParseOutcome seven = parse(entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels",
        ",\"status\":{\"code\":7.0}", ""));
    assertThat(seven.event().deniedCall(), is(true));
  }

  @Test
  void twoEntriesWithoutInsertIdAtOneTimestampStayTwo() {
    String a = entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels", "", "")
        .replace("\"insertId\":\"i1\",", "");
    String b = a.replace("alice@example.com", "bob@example.com");
    ClusterEvent first = parse(a).event();
    ClusterEvent second = parse(b).event();
    assertThat(first.insertId(), startsWith("raw-sha256:"));
    assertThat(first.dedupeKey(), not(is(second.dedupeKey())));
    // The same line replayed is still one entry.
    assertThat(parse(a).event().dedupeKey(), is(first.dedupeKey()));
  }

  @Test
  void timestampsOutsideTheRangeAreBadTimestampsWhateverTheirOffset() {
    for (String time : new String[] {"1677-09-21T00:00:00Z", "1677-09-21T00:00:00+00:00", "2262-04-12T00:00:00Z",
        "9999-12-31T23:59:59Z"}) {
      String k8s = "{\"insertId\":\"k\",\"timestamp\":\"" + time + "\",\"protoPayload\":{\"serviceName\":\"k8s.io\"}}";
      ParseOutcome outcome = parse(k8s);
      assertThat(time, outcome.kind(), is(ParseOutcome.Kind.DEAD_LETTER));
      assertThat(time, outcome.reason(), is(DeadLetter.BAD_TIMESTAMP));
      assertThat(time, LogEntryParser.eventTimeNanos(k8s.getBytes(StandardCharsets.UTF_8)), is((Long) null));
    }
  }

  /** A 16,000,000-byte request of empty objects once took 1.9 GB; now it is a bounded, redacted excerpt. */
  @Test
  void aHugeRequestIsKeptAsATruncatedRedactedExcerptWithBoundedMemory() throws IOException {
    StringBuilder request = new StringBuilder(16_000_000).append("{\"password\":\"s3cr3t-marker\",\"x\":[");
    while (request.length() < 16_000_000) {
      request.append("{},");
    }
    request.append("{}]}");
    String line = entry("container.googleapis.com", "google.container.v1.ClusterManager.SetMasterAuth",
        ",\"request\":" + request, "");
    System.gc();
    long before = usedHeap();
    ParseOutcome outcome = parse(line);
    long grew = usedHeap() - before;
    ClusterEvent event = outcome.event();
    assertThat(event.requestTruncated(), is(true));
    assertThat(event.requestJson(), not(containsString("s3cr3t-marker")));
    assertThat(event.requestJson().length(), lessThanOrEqualTo(LogEntryParser.REQUEST_EXCERPT_BYTES + 16));
    // The line itself is 16 MB (32 MB as a Java string here); parsing adds far less than the 1.9 GB it once did.
    assertThat(grew, lessThan(200L * 1024 * 1024));
    // Item 13: what the parser emits always encodes and decodes (a runner encodes between steps).
    JsonCoder<ClusterEvent> coder = JsonCoder.of(ClusterEvent.class);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    coder.encode(event, bytes);
    assertThat(coder.decode(new ByteArrayInputStream(bytes.toByteArray())), is(event));
  }

  /** Item 13: a long string field (here a 17-million-character status message) survives the coder. */
  @Test
  void theCoderHasNoStringLimitAValidRecordCanReach() throws IOException {
    String message = "m".repeat(17_000_000);
    ClusterEvent event = parse(entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels",
        ",\"status\":{\"code\":3,\"message\":\"" + message + "\"}", "")).event();
    JsonCoder<ClusterEvent> coder = JsonCoder.of(ClusterEvent.class);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    coder.encode(event, bytes);
    assertThat(coder.decode(new ByteArrayInputStream(bytes.toByteArray())).statusMessage().length(), is(17_000_000));
  }

  @Test
  void aHugeStatusStillSaysTheCallFailed() {
    StringBuilder details = new StringBuilder("[");
    while (details.length() < 2_000_000) {
      details.append("{},");
    }
    details.append("{}]");
    ParseOutcome outcome = parse(entry("container.googleapis.com", "google.container.v1.ClusterManager.SetLabels",
        ",\"status\":{\"details\":" + details + ",\"code\":7}", ""));
    assertThat(outcome.event().statusCode(), is(7));
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
