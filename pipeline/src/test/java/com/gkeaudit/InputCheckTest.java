package com.gkeaudit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.gkeaudit.options.GkeAuditOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputCheckTest {
  private static GkeAuditOptions options(String inputFiles) {
    return PipelineOptionsFactory.fromArgs("--inputFiles=" + inputFiles, "--outputDir=/tmp/unused")
        .as(GkeAuditOptions.class);
  }

  @Test
  void aPatternThatMatchesNothingIsAnError(@TempDir Path dir) {
    assertThat(GkeAuditPipeline.unmatchedInput(options(dir + "/no-such-dir/**")), containsString("matches no file"));
  }

  @Test
  void watchedPatternsMayMatchNothingYetAndMakeAStream(@TempDir Path dir) {
    GkeAuditOptions options = options(dir + "/no-such-dir/**");
    assertThat(GkeAuditPipeline.isStreaming(options), is(false));
    options.setWatchIntervalSeconds(60);
    assertThat(GkeAuditPipeline.unmatchedInput(options), nullValue());
    assertThat(GkeAuditPipeline.isStreaming(options), is(true));
  }

  @Test
  void badOptionsAndMissingInputAreExitCodeTwoWithoutExitingTheVm(@TempDir Path dir) {
    assertThat(GkeAuditPipeline.run(new String[] {"--inputFiles=" + dir + "/none/**", "--outputDir=" + dir}),
        org.hamcrest.Matchers.is(2));
    assertThat(GkeAuditPipeline.run(new String[] {"--inputFiles=" + dir + "/x", "--outputDir=" + dir,
        "--burstThreshold=0"}), org.hamcrest.Matchers.is(2));
  }

  @Test
  void oneMatchingPatternIsEnough(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.json"), "{}\n");
    assertThat(GkeAuditPipeline.unmatchedInput(options(dir + "/missing*," + dir + "/*.json")), nullValue());
  }
}
