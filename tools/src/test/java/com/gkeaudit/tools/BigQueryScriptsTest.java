package com.gkeaudit.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** scripts/looker-studio-url.sh and the argument handling of scripts/setup-bigquery.sh, run as a user runs them. */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class BigQueryScriptsTest {
  private static final Path SCRIPTS = Path.of("../scripts");
  private static final String BASE = "https://lookerstudio.google.com/reporting/create?";

  @Test
  void withATemplateTheLinkingUrlHasOneBigQueryDataSourcePerView() throws Exception {
    Result result =
        run("looker-studio-url.sh", "--project", "my-project", "--dataset", "gke_audit", "--report-name",
            "GKE audit & prod — EU", "--template", "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab");
    assertThat(result.err, result.exit, is(0));
    String url = result.out.strip();
    assertThat(url, startsWith(BASE));
    // Every value is percent-encoded: nothing a browser or a chat client would cut the URL at.
    assertThat(url, matchesPattern("[A-Za-z0-9._~%&=:/?-]+"));
    Map<String, String> params = params(url);
    assertThat(params.get("r.reportName"), is("GKE audit & prod — EU"));
    List<String> views = viewFiles();
    assertThat(params.size(), is(2 + 7 * views.size()));
    for (int i = 0; i < views.size(); i++) {
      String ds = "ds.ds" + i + ".";
      assertThat(params.get(ds + "connector"), is("bigQuery"));
      assertThat(params.get(ds + "type"), is("TABLE"));
      assertThat(params.get(ds + "projectId"), is("my-project"));
      assertThat(params.get(ds + "datasetId"), is("gke_audit"));
      assertThat(params.get(ds + "billingProjectId"), is("my-project"));
      assertThat(params.get(ds + "tableId"), is(views.get(i)));
      assertThat(params.get(ds + "datasourceName"), is(views.get(i)));
    }
  }

  @Test
  void withoutATemplateTheDefaultReportGetsOneViewAsItsOneDataSource() throws Exception {
    // Linking API: without c.reportId the link creates the default report, which has one data source.
    Map<String, String> params =
        params(run("looker-studio-url.sh", "--project", "my-project", "--dataset", "gke_audit").out.strip());
    assertThat(params.get("ds.ds0.tableId"), is("latest_findings"));
    assertThat(params.keySet().stream().filter(k -> k.startsWith("ds.")).count(), is(7L));
    assertThat(params.containsKey("c.reportId"), is(false));
    Map<String, String> analyst =
        params(run("looker-studio-url.sh", "--project", "my-project", "--dataset", "gke_audit", "--view",
            "all_findings").out.strip());
    assertThat(analyst.get("ds.ds0.tableId"), is("all_findings"));
    Result unknown = run("looker-studio-url.sh", "--project", "p", "--dataset", "d", "--view", "nope");
    assertThat(unknown.exit, is(2));
    assertThat(unknown.err, startsWith("error: --view must be one of the views"));
    assertThat(run("looker-studio-url.sh", "--project", "p", "--dataset", "d", "--view", "all_findings",
        "--template", "x").exit, is(2));
  }

  @Test
  void aTemplateAndABillingProjectAreOptional() throws Exception {
    Result result =
        run("looker-studio-url.sh", "--project", "data-proj", "--dataset", "d", "--billing-project", "bill-proj",
            "--template", "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab");
    Map<String, String> params = params(result.out.strip());
    assertThat(params.get("c.reportId"), is("0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"));
    assertThat(params.get("ds.ds0.billingProjectId"), is("bill-proj"));
    assertThat(params.get("ds.ds0.projectId"), is("data-proj"));
  }

  @Test
  void missingOrUnknownArgumentsAreUsageErrors() throws Exception {
    Result noDataset = run("looker-studio-url.sh", "--project", "p");
    assertThat(noDataset.exit, is(2));
    assertThat(noDataset.err, startsWith("error: --dataset is required"));
    assertThat(run("looker-studio-url.sh", "--project", "p", "--dataset", "d", "--oops").exit, is(2));
    assertThat(run("looker-studio-url.sh", "--help").out, containsString("--report-name NAME"));

    // setup-bigquery.sh checks its arguments before it builds or runs anything.
    Result setup = run("setup-bigquery.sh", "--dataset", "d");
    assertThat(setup.exit, is(2));
    assertThat(setup.err, startsWith("error: --project is required"));
    assertThat(run("setup-bigquery.sh", "--project", "p", "--dataset").exit, is(2));
    assertThat(run("setup-bigquery.sh", "--project", "p", "--dataset", "d", "--force").exit, is(2));
    assertThat(run("setup-bigquery.sh", "--help").out, containsString("--partition-expiration-days N"));
  }

  @Test
  void theScriptsAreShellcheckClean() throws Exception {
    Assumptions.assumeTrue(onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
    ProcessBuilder builder =
        new ProcessBuilder(
                // --external-sources: both scripts source scripts/lib/common.sh (the scripts' one argument parser).
                "shellcheck", "--external-sources", SCRIPTS.resolve("setup-bigquery.sh").toString(),
                SCRIPTS.resolve("looker-studio-url.sh").toString())
            .redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output, process.waitFor(), is(0));
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("script", ".out");
    Path err = Files.createTempFile("script", ".err");
    try {
      Process process =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(script + " did not finish");
      }
      return new Result(
          process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Map<String, String> params(String url) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : url.substring(BASE.length()).split("&")) {
      int eq = pair.indexOf('=');
      params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  /** The view names in byte order, as the script assigns the aliases. */
  private static List<String> viewFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../schemas/views"))) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".sql"))
          .map(f -> f.substring(0, f.length() - 4)).sorted().toList();
    }
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }
}
