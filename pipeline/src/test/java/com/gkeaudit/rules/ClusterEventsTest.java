package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.internal;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The fixtures themselves: defaults, derived fields, and the runner's order in {@link RuleRun}. */
class ClusterEventsTest {

  @Test
  void defaultsAreASuccessfulSynchronousUserChange() {
    ClusterEvent e = change("UpdateMaster").request("{'masterVersion': '1.31'}").build();

    assertThat(e.method(), is("UpdateMaster"));
    assertThat(e.apiVersion(), is("v1"));
    assertThat(e.logType(), is("activity"));
    assertThat(e.clusterKey(), is("p/us-central1/c1"));
    assertThat(e.principal(), is("alice@example.com"));
    assertThat(e.initiator(), is(ClusterEvent.USER));
    assertThat(e.timeNanos(), is(nanos(T0)));
    assertThat(e.operationId(), is(nullValue()));
    assertThat(e.requestedMasterVersion(), is("1.31"));
    assertThat(e.successfulChange(), is(true));
  }

  @Test
  void initiatorIsDerivedAsTheParserDoes() {
    assertThat(change("SetLabels").by("ci@p.iam.gserviceaccount.com").build().initiator(), is(ClusterEvent.AUTOMATION));
    assertThat(change("SetLabels").by("p.svc.id.goog[ns/ksa]").build().initiator(), is(ClusterEvent.AUTOMATION));
    assertThat(change("SetLabels").by("service-1@container-engine-robot.iam.gserviceaccount.com").build().initiator(),
        is(ClusterEvent.GOOGLE));
    assertThat(internal("UpdateClusterInternal").build().initiator(), is(ClusterEvent.GOOGLE));
  }

  @Test
  void eachBuilderIsItsOwnEntryAndBuildingTwiceGivesTheSameEntry() {
    ClusterEvents.Builder builder = change("SetLabels");

    assertThat(builder.build().insertId(), is(builder.build().insertId()));
    assertThat(change("SetLabels").build().insertId(), not(builder.build().insertId()));
    assertThat(builder.another().build().insertId(), not(builder.build().insertId()));
  }

  @Test
  void lastEntryCarriesNoPrincipalCallerOrRequest() {
    ClusterEvent last = change("UpdateCluster").operationLast("op").failed(13).build();

    assertThat(last.principal(), is(nullValue()));
    assertThat(last.callerIp(), is(nullValue()));
    assertThat(last.requestJson(), is(nullValue()));
    assertThat(last.initiator(), is(ClusterEvent.UNKNOWN));
    assertThat(last.operationLast(), is(true));
    assertThat(last.statusCode(), is(13));
  }

  /** Records what a rule saw, so the helper's interleaving of deadlines and events can be checked. */
  private static final class Recorder implements SequentialRule<Recorder.State> {
    public static final class State {
      public List<Long> deadlines = new ArrayList<>();
      public List<String> seen = new ArrayList<>();
    }

    private final List<String> log;

    Recorder(List<String> log) {
      this.log = log;
    }

    @Override
    public String keyOf(ClusterEvent event) {
      return "k";
    }

    @Override
    public Class<State> stateClass() {
      return State.class;
    }

    @Override
    public void onEvent(State state, ClusterEvent event, Consumer<Finding> out) {
      log.add("event@" + (event.timeNanos() - nanos(T0)));
      if (state.deadlines.isEmpty()) {
        state.deadlines.add(event.timeNanos() + 10);
        state.deadlines.add(event.timeNanos() + 100);
      }
    }

    @Override
    public Long nextDeadline(State state) {
      return state.deadlines.isEmpty() ? null : state.deadlines.get(0);
    }

    @Override
    public void onDeadline(State state, long deadlineNanos, Consumer<Finding> out) {
      log.add("deadline@" + (state.deadlines.remove(0) - nanos(T0)));
    }

    @Override
    public boolean isEmpty(State state) {
      return state.deadlines.isEmpty();
    }
  }

  @Test
  void helperFiresDeadlinesStrictlyBeforeAnEventFirstAndTheRestUpToTheEnd() {
    List<String> log = new ArrayList<>();
    List<ClusterEvent> events = List.of(
        change("SetLabels").atNanos(nanos(T0) + 10).build(), // at exactly the first deadline
        change("SetLabels").atNanos(nanos(T0)).build(),
        change("SetLabels").atNanos(nanos(T0) + 50).build());

    RuleRun.sequential(new Recorder(log), events, nanos(T0) + 99);

    assertThat(log, is(List.of("event@0", "event@10", "deadline@10", "event@50")));
  }
}
