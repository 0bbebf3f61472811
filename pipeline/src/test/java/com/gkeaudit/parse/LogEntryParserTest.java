package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every shared real sample (test resources samples/, provenance in SOURCES.md there), and bad input. */
class LogEntryParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A sample file (pretty-printed upstream) as the single NDJSON line a sink writes. */
  static byte[] sampleLine(String name) throws IOException {
    try (InputStream in = LogEntryParserTest.class.getResourceAsStream("/samples/" + name)) {
      return MAPPER.writeValueAsBytes(MAPPER.readTree(in));
    }
  }

  static ObjectNode sampleTree(String name) throws IOException {
    return (ObjectNode) MAPPER.readTree(sampleLine(name));
  }

  private static ClusterEvent event(byte[] line) {
    ParseOutcome outcome = LogEntryParser.parse(line, "test");
    assertThat(outcome.error(), outcome.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
    return outcome.event();
  }

  private static ParseOutcome parse(String text) {
    return LogEntryParser.parse(text.getBytes(StandardCharsets.UTF_8), "test");
  }

  @Test
  void clusterCreationStartedCarriesPrincipalCallerAndRequest() throws IOException {
    ClusterEvent e = event(sampleLine("khi_gke_audit_cluster_creation_started.json"));
    assertThat(e.method(), is("CreateCluster"));
    assertThat(e.apiVersion(), is("v1"));
    assertThat(e.resourceType(), is("gke_cluster"));
    assertThat(e.clusterKey(), notNullValue());
    assertThat(e.principal(), notNullValue());
    assertThat(e.userAgent(), containsString("Terraform"));
    assertThat(e.operationFirst(), is(true));
    assertThat(e.operationLast(), is(false));
    assertThat(e.requestBearing(), is(true));
    assertThat(e.statusCode(), is(0));
    assertThat(e.logType(), is("activity"));
    assertThat(e.requestJson(), containsString("CreateClusterRequest"));
  }

  @Test
  void clusterCreationFinishedHasNoPrincipalAndIsALastEntry() throws IOException {
    ClusterEvent e = event(sampleLine("khi_gke_audit_cluster_creation_finished.json"));
    assertThat(e.method(), is("CreateCluster"));
    assertThat(e.clusterKey(), is("khi-testing/us-central1-a/gke-basic-1"));
    assertThat(e.principal(), nullValue());
    assertThat(e.initiator(), is(ClusterEvent.UNKNOWN));
    assertThat(e.operationLast(), is(true));
    assertThat(e.operationFirst(), is(false));
    assertThat(e.requestBearing(), is(false));
    assertThat(e.operationId(), is("operation-1726191072114-d3db4945-ad7b-4fff-aff7-55a867e4bc54"));
    assertThat(e.operationProducer(), is("container.googleapis.com"));
    assertThat(e.timeNanos(), is(Times.parseRfc3339("2025-01-01T00:00:00.000Z")));
  }

  @Test
  void synchronousFailureWithDelegationHasNoOperationAndItsStatus() throws IOException {
    ClusterEvent e = event(sampleLine("khi_gke_audit_cluster_creation_started_with_error.json"));
    assertThat(e.operationId(), nullValue());
    assertThat(e.requestBearing(), is(true));
    assertThat(e.statusCode(), is(3));
    assertThat(e.statusMessage(), containsString("No valid versions"));
    assertThat(e.severity(), is("ERROR"));
    assertThat(e.principal(), is("user@example.com"));
    assertThat(e.initiator(), is(ClusterEvent.USER));
    assertThat(
        e.delegationChain(),
        contains("serviceAccount:project-id.svc.id.goog[composer-2-6-5-airflow-2-7-3-a86c53dd/default]"));
    assertThat(e.callerIp(), is("10.0.0.0"));
    assertThat(e.clusterKey(), is("project-id/us-central1-a/p0-gke-basic-1"));
  }

  @Test
  void deletionPairParses() throws IOException {
    ClusterEvent started = event(sampleLine("khi_gke_audit_cluster_deletion_started.json"));
    ClusterEvent finished = event(sampleLine("khi_gke_audit_cluster_deletion_finished.json"));
    assertThat(started.method(), is("DeleteCluster"));
    assertThat(finished.method(), is("DeleteCluster"));
    assertThat(started.operationFirst(), is(true));
    assertThat(finished.operationLast(), is(true));
  }

  @Test
  void nodePoolEntriesCarryTheNodePoolAndAreNotChanges() throws IOException {
    for (String name :
        new String[] {
          "khi_gke_audit_nodepool_creation_started.json", "khi_gke_audit_nodepool_creation_finished.json",
          "khi_gke_audit_nodepool_deletion_started.json", "khi_gke_audit_nodepool_deletion_finished.json"
        }) {
      ClusterEvent e = event(sampleLine(name));
      assertThat(name, e.resourceType(), is("gke_nodepool"));
      assertThat(name, e.nodepoolName(), notNullValue());
      assertThat(name, e.method(), org.hamcrest.Matchers.endsWith("NodePool"));
      assertThat(name, e.successfulChange(), is(false));
    }
  }

  @Test
  void kubernetesApiEntriesAreOtherServiceWithTheirTimestamp() throws IOException {
    for (String name :
        new String[] {
          "k8s_cluster_khi_k8s_audit_pods_create.json", "k8s_cluster_elastic_anonymous_readyz_data_access.json",
          "k8s_cluster_elastic_nodes_list_console_data_access.json"
        }) {
      byte[] line = sampleLine(name);
      ParseOutcome outcome = LogEntryParser.parse(line, "test");
      assertThat(name, outcome.kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
      assertThat(name, outcome.timeNanos(), is(Times.parseRfc3339(MAPPER.readTree(line).get("timestamp").asText())));
    }
  }

  @Test
  void recordsThatAreNotLogEntriesAreDeadLettered() throws IOException {
    // Panther's trimmed fixture (timestamp inside protoPayload), a Pub/Sub push envelope, a cluster notification.
    for (String name :
        new String[] {
          "k8s_cluster_panther_pods_exec_create.json", "pubsub_push_envelope_loki_k8s_cluster.json",
          "gke_cluster_notification_upgrade_event_elastic.json"
        }) {
      ParseOutcome outcome = LogEntryParser.parse(sampleLine(name), "test");
      assertThat(name, outcome.kind(), is(ParseOutcome.Kind.DEAD_LETTER));
      assertThat(name, outcome.reason(), is(DeadLetter.NO_TIMESTAMP));
    }
  }

  @Test
  void methodIsNormalisedAcrossApiVersionsAndInternal() throws IOException {
    for (String version : new String[] {"v1", "v1beta1", "v1alpha1", "v2"}) {
      ObjectNode tree = sampleTree("khi_gke_audit_cluster_creation_started.json");
      ((ObjectNode) tree.get("protoPayload"))
          .put("methodName", "google.container." + version + ".ClusterManager.UpdateMaster");
      ClusterEvent e = event(MAPPER.writeValueAsBytes(tree));
      assertThat(e.method(), is("UpdateMaster"));
      assertThat(e.apiVersion(), is(version));
    }
    ObjectNode tree = sampleTree("khi_gke_audit_cluster_creation_started.json");
    ((ObjectNode) tree.get("protoPayload"))
        .put("methodName", "google.container.internal.ClusterManagerInternal.UpdateClusterInternal");
    ClusterEvent internal = event(MAPPER.writeValueAsBytes(tree));
    assertThat(internal.method(), is("UpdateClusterInternal"));
    assertThat(internal.initiator(), is(ClusterEvent.GOOGLE));
  }

  @Test
  void otherMethodsOfTheServiceAreNotClusterManagerEntries() throws IOException {
    ObjectNode tree = sampleTree("khi_gke_audit_cluster_creation_started.json");
    ((ObjectNode) tree.get("protoPayload")).put("methodName", "google.longrunning.Operations.GetOperation");
    assertThat(LogEntryParser.parse(MAPPER.writeValueAsBytes(tree), "t").kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
  }

  @Test
  void k8sLineThatMerelyMentionsTheServiceIsOtherService() {
    ParseOutcome outcome =
        parse(
            "{\"timestamp\":\"2026-11-02T10:00:00Z\",\"protoPayload\":{\"serviceName\":\"k8s.io\","
                + "\"methodName\":\"io.k8s.core.v1.nodes.update\",\"request\":{\"metadata\":{\"annotations\":"
                + "{\"container.googleapis.com/instance_id\":\"123\"}}}}}");
    assertThat(outcome.kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
  }

  @Test
  void principalFallsBackToSubjectAndServiceAccountsAreAutomation() throws IOException {
    ObjectNode tree = sampleTree("khi_gke_audit_cluster_creation_started.json");
    ObjectNode auth = (ObjectNode) tree.get("protoPayload").get("authenticationInfo");
    auth.remove("principalEmail");
    auth.put("principalSubject", "serviceAccount:deployer@p.iam.gserviceaccount.com");
    ClusterEvent e = event(MAPPER.writeValueAsBytes(tree));
    assertThat(e.principal(), is("serviceAccount:deployer@p.iam.gserviceaccount.com"));
    assertThat(e.initiator(), is(ClusterEvent.AUTOMATION));
  }

  @Test
  void setMasterAuthPasswordNeverLeavesTheParser() throws IOException {
    ObjectNode tree = sampleTree("khi_gke_audit_cluster_creation_started.json");
    ObjectNode payload = (ObjectNode) tree.get("protoPayload");
    payload.put("methodName", "google.container.v1.ClusterManager.SetMasterAuth");
    ObjectNode request = payload.putObject("request");
    request.put("action", "SET_PASSWORD");
    request.putObject("update").put("username", "admin").put("password", "hunter2-do-not-leak");
    ClusterEvent e = event(MAPPER.writeValueAsBytes(tree));
    assertThat(e.toString(), not(containsString("hunter2")));
    assertThat(e.weakenedControls(), contains("basic_auth"));
  }

  @Test
  void requestFactsForTheRules() {
    ClusterEvent upgrade =
        event(
            ("{\"insertId\":\"a\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\","
                    + "\"labels\":{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}},"
                    + "\"protoPayload\":{\"serviceName\":\"container.googleapis.com\",\"methodName\":"
                    + "\"google.container.v1beta1.ClusterManager.UpdateCluster\",\"authenticationInfo\":"
                    + "{\"principalEmail\":\"alice@example.com\"},\"request\":{\"update\":"
                    + "{\"desiredMasterVersion\":\"1.30.5-gke.1\"}}}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(upgrade.requestedMasterVersion(), is("1.30.5-gke.1"));
    assertThat(upgrade.successfulChange(), is(true));
    assertThat(upgrade.weakenedControls(), empty());
    ClusterEvent rotation =
        event(
            ("{\"insertId\":\"b\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\","
                    + "\"labels\":{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}},"
                    + "\"protoPayload\":{\"serviceName\":\"container.googleapis.com\",\"methodName\":"
                    + "\"google.container.v1.ClusterManager.StartIPRotation\",\"request\":{\"rotateCredentials\":true}}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(rotation.rotateCredentials(), is(true));
  }

  @Test
  void receiveTimestampIsTheFallback() {
    ParseOutcome outcome = parse("{\"receiveTimestamp\":\"2026-11-02T10:00:00.123456789Z\"}");
    assertThat(outcome.kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
    assertThat(outcome.timeNanos(), is(Times.parseRfc3339("2026-11-02T10:00:00.123456789Z")));
  }

  @Test
  void badInputBecomesOneDeadLetterWithAReason() {
    assertDead("not json at all", DeadLetter.NOT_JSON);
    assertDead("[1,2,3]", DeadLetter.NOT_OBJECT);
    assertDead("\"a string\"", DeadLetter.NOT_OBJECT);
    assertDead("42", DeadLetter.NOT_OBJECT);
    assertDead("{}", DeadLetter.NO_TIMESTAMP);
    assertDead("{\"timestamp\":\"yesterday\"}", DeadLetter.BAD_TIMESTAMP);
    assertDead("{\"timestamp\":\"2026-11-02T10:00:00Z\",\"protoPayload\":{", DeadLetter.NOT_JSON);
    assertDead("{\"timestamp\":\"2026-11-02T10:00:00Z\"} trailing", DeadLetter.NOT_JSON);
    assertDead(
        "{\"timestamp\":\"2026-11-02T10:00:00Z\",\"protoPayload\":{\"serviceName\":\"container.googleapis.com\"",
        DeadLetter.NOT_JSON);
    assertDead("{\"protoPayload\":{\"serviceName\":\"container.googleapis.com\"}}", DeadLetter.NO_TIMESTAMP);
  }

  @Test
  void binaryAndInvalidUtf8AreDeadLettered() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 37 + 11);
    }
    assertThat(LogEntryParser.parse(binary, "t").kind(), is(ParseOutcome.Kind.DEAD_LETTER));
    for (String service : new String[] {"k8s.io", "container.googleapis.com"}) {
      byte[] prefix = ("{\"timestamp\":\"2026-11-02T10:00:00Z\",\"protoPayload\":{\"serviceName\":\"" + service
              + "\",\"x\":\"")
          .getBytes(StandardCharsets.UTF_8);
      byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
      byte[] line = Arrays.copyOf(prefix, prefix.length + 2 + suffix.length);
      line[prefix.length] = (byte) 0xC3;
      line[prefix.length + 1] = (byte) 0x28; // not a continuation byte
      System.arraycopy(suffix, 0, line, prefix.length + 2, suffix.length);
      ParseOutcome outcome = LogEntryParser.parse(line, "t");
      assertThat(service, outcome.kind(), is(ParseOutcome.Kind.DEAD_LETTER));
      assertThat(service, outcome.reason(), is(DeadLetter.INVALID_UTF8));
    }
  }

  @Test
  void emptyAndWhitespaceLinesAreEmpty() {
    assertThat(parse("").kind(), is(ParseOutcome.Kind.EMPTY));
    assertThat(parse("  \t \r").kind(), is(ParseOutcome.Kind.EMPTY));
  }

  @Test
  void aThreeMegabyteLineParses() {
    String big = "x".repeat(3 * 1024 * 1024);
    ParseOutcome other = parse("{\"timestamp\":\"2026-11-02T10:00:00Z\",\"blob\":\"" + big + "\"}");
    assertThat(other.kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
    ParseOutcome cm =
        parse(
            "{\"insertId\":\"big\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"protoPayload\":{\"serviceName\":"
                + "\"container.googleapis.com\",\"methodName\":\"google.container.v1.ClusterManager.SetLabels\","
                + "\"request\":{\"resourceLabels\":{\"blob\":\"" + big + "\"}}}}");
    assertThat(cm.kind(), is(ParseOutcome.Kind.CLUSTER_MANAGER));
  }

  private static void assertDead(String text, String reason) {
    ParseOutcome outcome = parse(text);
    assertThat(text, outcome.kind(), is(ParseOutcome.Kind.DEAD_LETTER));
    assertThat(text, outcome.reason(), equalTo(reason));
    assertThat(text, outcome.error(), notNullValue());
  }
}
