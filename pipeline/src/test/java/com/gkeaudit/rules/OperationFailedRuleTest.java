package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.transforms.DetectFindings;
import static com.gkeaudit.rules.ClusterEvents.ALICE;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.internal;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** operation-failed: joined LROs, orphan lasts, one-entry operations and synchronous failures. */
class OperationFailedRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final String OP = "operation-1731232800000-5c1e2a";

  /** Operation-keyed rule for LRO entries, plus the per-entry rules for synchronous ones, as DetectFindings runs them. */
  private static List<Finding> run(ClusterEvent... events) {
    List<Finding> out = new ArrayList<>(RuleRun.sequential(new OperationFailedRule(CONFIG), List.of(events)));
    out.addAll(Findings.ofRule(RuleRun.perEvent(CONFIG, List.of(events)), Rule.OPERATION_FAILED));
    return out;
  }

  private static ClusterEvents.Builder updateClusterFirst() {
    return change("UpdateCluster").operationFirst(OP).from("198.51.100.20").request("{'update': {'desiredNodeVersion': '1.30'}}");
  }

  private static ClusterEvents.Builder updateClusterLast(int code) {
    ClusterEvents.Builder last = change("UpdateCluster").operationLast(OP).at(T0.plus(Duration.ofMinutes(20)));
    return code == 0 ? last : last.failed(code);
  }

  @Test
  void failedLastIsJoinedToItsFirst() {
    ClusterEvent first = updateClusterFirst().build();
    ClusterEvent last = updateClusterLast(13).build();

    List<Finding> findings = run(first, last);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("operation-failed"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.eventTimeNanos(), is(last.timeNanos()));
    assertThat(f.principal(), is(ALICE));
    assertThat(f.callerIp(), is("198.51.100.20"));
    assertThat(f.method(), is("UpdateCluster"));
    assertThat(f.operationId(), is(OP));
    assertThat(f.evidenceInsertIds(), containsInAnyOrder(first.insertId(), last.insertId()));
    assertThat(Findings.details(f).get("status_code").asInt(), is(13));
    assertThat(Findings.details(f).get("orphan").asBoolean(), is(false));
  }

  @Test
  void successfulLastIsNotAFailure() {
    assertThat(run(updateClusterFirst().build(), updateClusterLast(0).build()), is(empty()));
  }

  @Test
  void orphanLastCountsWithNoPrincipal() {
    ClusterEvent last = updateClusterLast(13).build();

    List<Finding> findings = run(last);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).principal(), is(nullValue()));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(last)));
    assertThat(Findings.details(findings.get(0)).get("orphan").asBoolean(), is(true));
  }

  @Test
  void lastOfAnotherOperationIsAnOrphanNotAJoin() {
    ClusterEvent first = updateClusterFirst().build();
    ClusterEvent otherLast = change("UpdateCluster").operationLast("operation-other").failed(13).at(T0.plusSeconds(60)).build();

    List<Finding> findings = run(first, otherLast);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).principal(), is(nullValue()));
  }

  @Test
  void lastArrivingDaysAfterItsFirstIsStillJoined() {
    ClusterEvent first = updateClusterFirst().build();
    ClusterEvent last = updateClusterLast(13).at(T0.plus(Duration.ofDays(8))).build();

    assertThat(run(first, last).get(0).principal(), is(ALICE));
  }

  @Test
  void lastAtExactlyTheAbandonHorizonIsStillJoinedAndOneNanosecondLaterIsAnOrphan() {
    ClusterEvent first = updateClusterFirst().build();
    long horizon = first.timeNanos() + OperationFailedRule.ABANDON_AFTER_NANOS;

    assertThat(run(first, updateClusterLast(13).atNanos(horizon).build()).get(0).principal(), is(ALICE));
    assertThat(run(first, updateClusterLast(13).atNanos(horizon + 1).build()).get(0).principal(), is(nullValue()));
  }

  @Test
  void firstAndLastInOneEntryIsJoinedToItself() {
    ClusterEvent immediate = change("SetLabels").operationFirstAndLast(OP).request("{'resourceLabels': {'a': 'b'}}")
        .failed(9).build();

    List<Finding> findings = run(immediate);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).principal(), is(ALICE));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(immediate)));
    assertThat(Findings.details(findings.get(0)).get("orphan").asBoolean(), is(false));
  }

  @Test
  void synchronousFailureIsReportedWithItsCaller() {
    ClusterEvent sync = change("SetLegacyAbac").request("{'enabled': false}").status(3, "Invalid argument").build();

    List<Finding> findings = run(sync);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.eventTimeNanos(), is(nanos(T0)));
    assertThat(f.principal(), is(ALICE));
    assertThat(f.operationId(), is(nullValue()));
    assertThat(Findings.details(f).get("status_code").asInt(), is(3));
  }

  @Test
  void synchronousFailureIsNotDescribedAsAnOrphan() {
    ClusterEvent sync = change("SetLegacyAbac").request("{'enabled': false}").status(3, "Invalid argument").build();

    Finding f = run(sync).get(0);

    assertThat(Findings.details(f).get("orphan").asBoolean(), is(false));
    assertThat(f.description(), containsString("started by " + ALICE));
    assertThat(f.description(), not(containsString("unknown principal")));
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 16})
  void permissionDeniedAndUnauthenticatedAreNotOperationFailures(int code) {
    assertThat(run(updateClusterFirst().build(), updateClusterLast(code).build()), is(empty()));
    assertThat(run(change("SetLabels").request("{}").status(code, "denied").build()), is(empty()));
  }

  @Test
  void googleInitiatedOperationsDoNotCount() {
    ClusterEvent robotFirst = updateClusterFirst().by("service-42@container-engine-robot.iam.gserviceaccount.com").build();
    ClusterEvent robotLast = updateClusterLast(13).build();
    ClusterEvent internalLast = internal("UpdateClusterInternal").operationLast("operation-auto").failed(13).build();
    ClusterEvent systemSync = change("UpdateMaster").by("system:gke-master-upgrader").request("{'masterVersion': '1.30'}")
        .failed(13).build();

    assertThat(robotFirst.initiator(), is(ClusterEvent.GOOGLE));
    assertThat(run(robotFirst, robotLast), is(empty()));
    assertThat(run(internalLast), is(empty()));
    assertThat(run(systemSync), is(empty()));
  }

  @Test
  void deleteClusterFailureCounts() {
    ClusterEvent first = call("DeleteCluster").operationFirst(OP).build();
    ClusterEvent last = call("DeleteCluster").operationLast(OP).failed(9).at(T0.plusSeconds(600)).build();

    List<Finding> findings = run(first, last);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).method(), is("DeleteCluster"));
  }

  @Test
  void nodePoolAndReadMethodFailuresDoNotCount() {
    ClusterEvent nodePoolFirst = call("CreateNodePool").nodepool("np1").operationFirst(OP).build();
    ClusterEvent nodePoolLast = call("CreateNodePool").nodepool("np1").operationLast(OP).failed(13).at(T0.plusSeconds(60)).build();
    ClusterEvent readFailure = call("GetCluster").dataAccess().status(5, "Not found").build();

    assertThat(run(nodePoolFirst, nodePoolLast, readFailure), is(empty()));
  }

  @Test
  void interleavedOperationsAreJoinedByOperationId() {
    ClusterEvent aFirst = change("SetLabels").operationFirst("op-a").by("a@example.com").request("{}").build();
    ClusterEvent bFirst = change("SetLabels").operationFirst("op-b").by("b@example.com").request("{}").at(T0.plusSeconds(1)).build();
    ClusterEvent aLast = change("SetLabels").operationLast("op-a").failed(13).at(T0.plusSeconds(30)).build();
    ClusterEvent bLast = change("SetLabels").operationLast("op-b").failed(10).at(T0.plusSeconds(20)).build();

    List<Finding> findings = run(aFirst, bFirst, aLast, bLast);

    assertThat(findings, hasSize(2));
    for (Finding f : findings) {
      String expected = f.operationId().equals("op-a") ? "a@example.com" : "b@example.com";
      assertThat(f.principal(), is(expected));
    }
  }

  @Test
  void productionClusterRaisesSeverity() {
    var prod = metadata("c1").label("env", "production").build();

    Finding f = run(updateClusterFirst().withCluster(prod).build(), updateClusterLast(13).withCluster(prod).build()).get(0);

    assertThat(f.severity(), is("HIGH"));
  }
}
