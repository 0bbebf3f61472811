package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ip-rotation-stalled and credential-rotation-stalled. */
class RotationRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final long LIMIT = 24 * Times.NANOS_PER_HOUR;

  private static ClusterEvents.Builder startIpRotation() {
    return change("StartIPRotation").operationFirst("operation-start-ip").request("{}");
  }

  private static ClusterEvents.Builder startCredentialRotation() {
    return change("StartIPRotation").operationFirst("operation-start-cred").request("{'rotateCredentials': true}");
  }

  private static ClusterEvents.Builder completeRotation(Instant at) {
    return change("CompleteIPRotation").operationFirst("operation-complete-" + at.toEpochMilli()).at(at);
  }

  private static List<Finding> run(ClusterEvent... events) {
    return RuleRun.sequential(new RotationRule(CONFIG), List.of(events));
  }

  @Test
  void ipRotationNeverCompletedIsReportedAtStartPlusLimit() {
    ClusterEvent start = startIpRotation().build();
    ClusterEvent startDone = change("StartIPRotation").operationLast("operation-start-ip").at(T0.plusSeconds(300)).build();

    List<Finding> findings = run(start, startDone);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("ip-rotation-stalled"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.eventTimeNanos(), is(nanos(T0) + LIMIT));
    assertThat(f.windowStartNanos(), is(nanos(T0)));
    assertThat(f.windowEndNanos(), is(nanos(T0) + LIMIT));
    assertThat(f.principal(), is(ClusterEvents.ALICE));
    assertThat(f.clusterName(), is("c1"));
    assertThat(f.method(), is("StartIPRotation"));
    assertThat(f.evidenceInsertIds(), is(List.of(start.insertId())));
    assertThat(f.riskCategories(), is(List.of("network-disruption", "unauthorized-access")));
    assertThat(f.remediation(), containsString(
        "gcloud container clusters update c1 --location us-central1 --project p --complete-ip-rotation"));
    assertThat(Findings.details(f).get("rotate_credentials").asBoolean(), is(false));
  }

  @Test
  void credentialRotationNeverCompletedIsReportedAsCredentialRotationStalled() {
    List<Finding> findings = run(startCredentialRotation().build());

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("credential-rotation-stalled"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.riskCategories(), is(List.of("certificate-validation", "unauthorized-access")));
    assertThat(f.remediation(), containsString("--complete-credential-rotation"));
  }

  @Test
  void rotationCompletedWithinTheLimitIsNotReported() {
    assertThat(run(startIpRotation().build(), completeRotation(T0.plus(Duration.ofHours(3))).build()), is(empty()));
    assertThat(
        run(startCredentialRotation().build(), completeRotation(T0.plus(Duration.ofHours(23))).build()), is(empty()));
  }

  @Test
  void completionAtExactlyTheLimitIsWithinIt() {
    ClusterEvent complete = completeRotation(T0).atNanos(nanos(T0) + LIMIT).build();

    assertThat(run(startIpRotation().build(), complete), is(empty()));
  }

  @Test
  void completionOneNanosecondAfterTheLimitIsTooLate() {
    ClusterEvent complete = completeRotation(T0).atNanos(nanos(T0) + LIMIT + 1).build();

    List<Finding> findings = run(startIpRotation().build(), complete);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).eventTimeNanos(), is(nanos(T0) + LIMIT));
  }

  @Test
  void inputEndingJustBeforeTheDeadlineReportsNothingAndAtTheDeadlineReportsIt() {
    ClusterEvent start = startIpRotation().build();
    RotationRule rule = new RotationRule(CONFIG);

    assertThat(RuleRun.sequential(rule, List.of(start), nanos(T0) + LIMIT - 1), is(empty()));
    assertThat(RuleRun.sequential(rule, List.of(start), nanos(T0) + LIMIT), hasSize(1));
  }

  @Test
  void limitComesFromRotationMaxOpenHours() {
    RuleConfig twoDays = RuleConfigs.of("--rotationMaxOpenHours=48");
    List<ClusterEvent> events =
        List.of(startIpRotation().build(), completeRotation(T0.plus(Duration.ofHours(30))).build());

    assertThat(RuleRun.sequential(new RotationRule(twoDays), events), is(empty()));
    assertThat(RuleRun.sequential(new RotationRule(CONFIG), events), hasSize(1));
  }

  @Test
  void completionOnAnotherClusterDoesNotCloseTheRotation() {
    List<Finding> findings =
        run(startIpRotation().build(), completeRotation(T0.plusSeconds(3600)).cluster("c2").build());

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).clusterName(), is("c1"));
  }

  @Test
  void completionBeforeTheStartDoesNotCloseIt() {
    List<Finding> findings =
        run(completeRotation(T0.minusSeconds(60)).build(), startIpRotation().build());

    assertThat(findings, hasSize(1));
  }

  @Test
  void startThatFailedSynchronouslyOrWasDeniedOpensNoRotation() {
    ClusterEvent failed = change("StartIPRotation").request("{}").failed(9).build();
    ClusterEvent denied = change("StartIPRotation").request("{}").denied().build();

    assertThat(run(failed, denied), is(empty()));
  }

  @Test
  void googleInitiatedStartIsNotCounted() {
    ClusterEvent byGke =
        startIpRotation().by("service-123@container-engine-robot.iam.gserviceaccount.com").build();

    assertThat(byGke.initiator(), is(ClusterEvent.GOOGLE));
    assertThat(run(byGke), is(empty()));
  }

  @Test
  void automationStartIsCounted() {
    ClusterEvent byCi = startIpRotation().by("deployer@proj.iam.gserviceaccount.com").build();

    assertThat(byCi.initiator(), is(ClusterEvent.AUTOMATION));
    assertThat(run(byCi), hasSize(1));
  }

  @Test
  void twoStartsWithoutCompletionAreTwoFindingsWithDistinctIds() {
    ClusterEvent first = startIpRotation().build();
    ClusterEvent second = startIpRotation().at(T0.plus(Duration.ofHours(1))).build();

    List<Finding> findings = run(first, second);

    assertThat(findings, hasSize(2));
    assertThat(findings.get(0).findingId().equals(findings.get(1).findingId()), is(false));
  }

  @Test
  void productionClusterRaisesSeverityOneLevel() {
    var prod = metadata("c1").label("env", "prod").build();

    assertThat(run(startIpRotation().withCluster(prod).build()).get(0).severity(), is("HIGH"));
    assertThat(run(startCredentialRotation().withCluster(prod).build()).get(0).severity(), is("CRITICAL"));
  }
}
