package com.gkeaudit.io;

import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.rules.Glob;
import com.gkeaudit.transforms.JsonCoder;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SuppressionsTest {
  private static final String YAML =
      String.join(
          "\n",
          "suppressions:",
          "  - rule_id: untrusted-source",
          "    principal: \"*@ci-project.iam.gserviceaccount.com\"",
          "    reason: CI build pools run outside the office ranges",
          "  - cluster_name: \"sandbox-*\"",
          "    project_id: acme-dev-*",
          "    until: 2026-12-01T00:00:00Z",
          "    reason: sandboxes are rebuilt nightly until the migration ends",
          "");

  private static Finding finding(String rule, String principal, String project, String cluster, String time) {
    return new Finding("id-1", rule, "MEDIUM", "t", "d", "r", Times.parseRfc3339(time), null, null, project,
        "europe-west1", cluster, principal, null, null, "UpdateCluster", null, List.of("i1"), List.of(), List.of(),
        null, null, null, null, null, "{}", 0L, null);
  }

  @Test
  void yamlEntriesMatchByGlobAndTheFirstMatchNamesTheReason() {
    Suppressions s = Suppressions.parse(YAML, "s.yaml");
    assertThat(
        s.reasonFor(finding("untrusted-source", "deploy@ci-project.iam.gserviceaccount.com", "p-1", "c", "2026-11-02T00:00:00Z")),
        is("CI build pools run outside the office ranges"));
    // Every given glob must match: the same principal on another rule is not suppressed.
    assertThat(
        s.reasonFor(finding("change-burst", "deploy@ci-project.iam.gserviceaccount.com", "p-1", "c", "2026-11-02T00:00:00Z")),
        nullValue());
    assertThat(
        s.reasonFor(finding("change-burst", "alice@example.com", "acme-dev-apps", "sandbox-3", "2026-11-02T00:00:00Z")),
        is("sandboxes are rebuilt nightly until the migration ends"));
    assertThat(
        s.reasonFor(finding("change-burst", "alice@example.com", "acme-prod-apps", "sandbox-3", "2026-11-02T00:00:00Z")),
        nullValue());
  }

  @Test
  void untilIsExclusiveAndComparedWithTheEventTimeNotTheClock() {
    Suppressions s = Suppressions.parse(YAML, "s.yaml");
    assertThat(s.reasonFor(finding("change-burst", "a", "acme-dev-x", "sandbox-1", "2026-11-30T23:59:59.999999999Z")),
        is("sandboxes are rebuilt nightly until the migration ends"));
    assertThat(s.reasonFor(finding("change-burst", "a", "acme-dev-x", "sandbox-1", "2026-12-01T00:00:00Z")), nullValue());
  }

  @Test
  void aNullFieldIsMatchedAsEmptyTextSoStarMatchesItAndAPrefixDoesNot() {
    Suppressions star = Suppressions.parse("[{\"cluster_name\": \"*\", \"reason\": \"x\"}]", "s.json");
    Suppressions prefix = Suppressions.parse("[{\"cluster_name\": \"prod-*\", \"reason\": \"x\"}]", "s.json");
    Finding principalKeyed = finding("multi-cluster-change", "bob@example.com", null, null, "2026-11-02T00:00:00Z");
    assertThat(star.reasonFor(principalKeyed), is("x"));
    assertThat(prefix.reasonFor(principalKeyed), nullValue());
  }

  @Test
  void jsonWithTheSuppressionsKeyReadsLikeYaml() {
    Suppressions s =
        Suppressions.parse(
            "{\"suppressions\": [{\"rule_id\": \"untrusted-source\", \"reason\": \"lab\", \"until\": \"2027-01-01T01:00:00+01:00\"}]}",
            "s.json");
    assertThat(s.entries().get(0).untilNanos(), is(Times.parseRfc3339("2027-01-01T00:00:00Z")));
    assertThat(Suppressions.parse("suppressions: []\n", "empty.yaml").entries().size(), is(0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a*b | ab | true",
        "a*b | axxb | true",
        "a*b | axxbc | false",
        "*@example.com | alice@example.com | true",
        "*@example.com | alice@example.com.evil | false",
        "*a*a* | banana | true",
        "prod | prod-1 | false",
        "** | '' | true",
      })
  void globsMatchWholeTextWithStarForAnyRun(String glob, String text, boolean matches) {
    assertThat(Glob.matches(glob, text), is(matches));
  }

  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        Arguments.of("suppressions:\n  - rule_id: [unclosed\n", "not valid YAML at line"),
        Arguments.of("suppressions:\n  - rule_id: change-burst\n", "entry 1: reason is required"),
        Arguments.of("suppressions:\n  - rule_id: change-burst\n    reason: \"  \"\n", "entry 1: reason is required"),
        Arguments.of("suppressions:\n  - rule_id: change-burst\n    until: next week\n    reason: x\n", "entry 1: until must be an RFC 3339 time"),
        Arguments.of("suppressions:\n  - rule_id: change-burst\n    until: 2026-12-01\n    reason: x\n", "entry 1: until must be an RFC 3339 time"),
        Arguments.of("suppressions:\n  - rule: change-burst\n    reason: x\n", "entry 1: unknown key 'rule'"),
        Arguments.of("suppressions:\n  - cluster_name: prod-?\n    reason: x\n", "entry 1: cluster_name 'prod-?' uses '?'"),
        Arguments.of("suppressions:\n  - principal: \"[ab]*\"\n    reason: x\n", "entry 1: principal '[ab]*' uses '['"),
        Arguments.of("suppressions:\n  - project_id: \"\"\n    reason: x\n", "entry 1: project_id is empty"),
        Arguments.of("suppressions:\n  - reason: everything\n", "entry 1: give at least one of rule_id"),
        Arguments.of("suppressions:\n  - rule_id: change-bursts\n    reason: x\n", "entry 1: rule_id 'change-bursts' is not a rule"),
        Arguments.of("suppressions:\n  - rule_id: change-burst\n    reason: [a, b]\n", "entry 1: reason must be text"),
        Arguments.of("suppresions:\n  - rule_id: change-burst\n    reason: x\n", "unknown top-level key 'suppresions'"),
        Arguments.of("suppressions:\n  - rule_id: a\n    rule_id: b\n    reason: x\n", "not valid YAML"),
        Arguments.of("", "is empty"),
        Arguments.of("{\"suppressions\": [{\"rule_id\": \"change-burst\",}]}", "not valid JSON at line 1"),
        Arguments.of("\"just text\"", "must be a list of entries"));
  }

  @ParameterizedTest
  @MethodSource("malformedFiles")
  void aMalformedFileIsOneLineNamingTheFileAndTheEntry(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Suppressions.parse(text, "/etc/gke-audit/s.yaml"));
    assertThat(e.getMessage(), startsWith("--suppressions /etc/gke-audit/s.yaml: "));
    assertThat(e.getMessage(), containsString(expected));
    assertThat(e.getMessage(), not(containsString("\n")));
  }

  @Test
  void aSuppressedFindingKeepsItsIdAndRoundTripsThroughItsCoder() throws Exception {
    Finding plain = finding("change-burst", "a", "p", "c", "2026-11-02T00:00:00Z");
    Finding marked = Suppressions.parse(YAML.replace("untrusted-source", "change-burst").replace("\"*@ci-project.iam.gserviceaccount.com\"", "a"), "s")
        .apply(plain);
    assertThat(marked.suppressed(), is(true));
    assertThat(marked.findingId(), is(plain.findingId()));
    assertThat(marked.withSuppressedBy(null), is(plain));
    JsonCoder<Finding> coder = JsonCoder.of(Finding.class);
    for (Finding f : List.of(plain, marked)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(f, out);
      assertThat(coder.decode(new ByteArrayInputStream(out.toByteArray())), is(f));
    }
  }

  @Test
  void theDocumentedExampleFileIsValid() throws Exception {
    Suppressions example =
        Suppressions.parse(
            java.nio.file.Files.readString(java.nio.file.Path.of("../docs/examples/suppressions.yaml")), "example");
    assertThat(example.entries().size(), is(3));
    assertThat(example.entries().get(2).untilNanos(), is(Times.parseRfc3339("2026-11-20T08:00:00Z")));
  }
}
