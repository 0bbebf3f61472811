package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.transforms.JsonCoder;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behavioural state of a principal is bounded by distinct clients, networks, methods and days within the
 * lookback, never by the number of entries, and is released once they leave it.
 */
class PrincipalHistoryTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long DAY = Times.NANOS_PER_DAY;
  static final String SA = "busy@proj.iam.gserviceaccount.com";

  static int encodedSize(PrincipalHistory history) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonCoder.of(PrincipalHistory.class).encode(history, bytes);
    return bytes.size();
  }

  static ClusterEvent entry(long at, int i) {
    return (i % 3 == 0 ? call("GetCluster").dataAccess() : change("SetLabels").request("{}"))
        .by(SA).agent(i % 2 == 0 ? "Terraform/1.7" : "gcloud/480").from(i % 2 == 0 ? "private" : "198.51.100." + (i % 200))
        .cluster("c" + (i % 4)).atNanos(at).build();
  }

  @Test
  void stateDoesNotGrowWithEntries() throws IOException {
    BehaviourRules rule = BehaviourRules.all(CONFIG);
    PrincipalHistory history = rule.newState();
    List<Finding> findings = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    // 20 days, 500 entries a day (10,000 entries): two clients, two networks, one method, four clusters.
    int i = 0;
    for (int day = 0; day < 20; day++) {
      for (int k = 0; k < 500; k++, i++) {
        rule.onEvent(history, entry(nanos(T0) + day * DAY + k * 100_000_000_000L, i), findings::add);
      }
      sizes.add(encodedSize(history));
    }
    // 2 clients + 2 networks + 1 method + at most 2 × 5 change times (ties) + at most 15 days + 4 clusters today.
    assertThat(history.heldItems(), lessThanOrEqualTo(2 + 2 + 1 + 10 + 15 + 4));
    // The state of day 20 is no bigger than a small multiple of day 1's: days are few, entries many.
    assertThat(sizes.get(19), lessThan(2 * sizes.get(0) + 400));
    assertThat(encodedSize(history), lessThan(2_000));
  }

  @Test
  void historyIsReleasedWhenItLeavesTheLookback() {
    BehaviourRules rule = BehaviourRules.all(CONFIG);
    PrincipalHistory history = rule.newState();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rule.onEvent(history, entry(nanos(T0) + i * 3_600_000_000_000L, i), findings::add);
    }
    assertThat(history.clients.isEmpty(), is(false));
    long last = nanos(T0) + 49 * 3_600_000_000_000L;

    // The runner fires deadlines as the watermark passes them (at most one a day: UTC midnights).
    Long deadline;
    long lastDeadline = 0;
    int fired = 0;
    while ((deadline = rule.nextDeadline(history)) != null) {
      assertThat(deadline % DAY, is(0L));
      rule.onDeadline(history, deadline, findings::add);
      lastDeadline = deadline;
      fired++;
    }
    assertThat(fired, lessThanOrEqualTo(40));
    assertThat(history.heldItems(), is(0));
    assertThat(history.clients.isEmpty() && history.networks.isEmpty() && history.changeMethods.isEmpty(), is(true));
    assertThat(history.changesPerDay.isEmpty(), is(true));
    assertThat(history.openBursts, is(empty()));
    // Only the first-seen time stays: the principal remains established when it comes back.
    assertThat(history.firstSeenNanos, notNullValue());
    assertThat(history.volumeFiredDay, nullValue());
    // Everything was released within a day after the last sighting left the 30-day lookback.
    assertThat(rule.nextDeadline(history), nullValue());
    assertThat(lastDeadline, lessThanOrEqualTo(last + 30 * DAY + DAY + 1));
  }

  @Test
  void releaseNeverChangesFindings() {
    // The same entries with the pruning deadlines fired between them (RuleRun) and without: same findings.
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(entry(nanos(T0) + i * DAY / 3, i));
    }
    events.add(change("SetMasterAuth").by(SA).agent("curl/8").from("203.0.113.5").request("{}")
        .atNanos(nanos(T0) + 70 * DAY).build());
    List<Finding> withDeadlines = RuleRun.sequential(BehaviourRules.all(CONFIG), events);

    BehaviourRules rule = BehaviourRules.all(CONFIG);
    PrincipalHistory history = rule.newState();
    List<Finding> without = new ArrayList<>();
    events.stream().sorted(SequentialRule.EVENT_ORDER).forEach(e -> rule.onEvent(history, e, without::add));

    assertThat(withDeadlines.stream().map(Finding::findingId).sorted().toList(),
        is(without.stream().map(Finding::findingId).sorted().toList()));
    assertThat(withDeadlines.isEmpty(), is(false));
  }
}
