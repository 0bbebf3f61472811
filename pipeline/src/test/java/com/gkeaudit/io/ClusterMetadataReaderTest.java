package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.gkeaudit.model.DeadLetter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterMetadataReaderTest {
  static String asset(String cluster, String updateTime, String team) {
    return "{\"name\":\"//container.googleapis.com/projects/p/locations/us-central1/clusters/" + cluster + "\","
        + "\"asset_type\":\"container.googleapis.com/Cluster\",\"update_time\":\"" + updateTime + "\","
        + "\"resource\":{\"data\":{\"resourceLabels\":{\"team\":\"" + team + "\"}}}}";
  }

  private static final String OTHER_ASSET =
      "{\"name\":\"//compute.googleapis.com/projects/p/zones/z/instances/i\","
          + "\"asset_type\":\"compute.googleapis.com/Instance\"}";

  private static List<MatchResult.Metadata> match(Path dir) throws IOException {
    return FileSystems.match(dir + "/*").metadata();
  }

  private static void gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String team(ClusterMetadataReader.Snapshot snapshot, String cluster) {
    return snapshot.clusters().get("p/us-central1/" + cluster).label("team");
  }

  @Test
  void everyFileIsReadAndTheNewestUpdateOfEachClusterWins(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("a.json"),
        asset("c1", "2026-11-02T10:00:00Z", "middle") + "\n" + OTHER_ASSET + "\n\n"
            + asset("c2", "2026-11-01T00:00:00Z", "only") + "\n");
    gzip(
        dir.resolve("b.json.gz"),
        asset("c1", "2026-11-03T10:00:00Z", "newest") + "\n" + asset("c1", "2026-11-01T10:00:00Z", "oldest") + "\n");

    ClusterMetadataReader.Snapshot snapshot = ClusterMetadataReader.read(match(dir), Set.of());

    assertThat(snapshot.clusters().keySet(), contains("p/us-central1/c1", "p/us-central1/c2"));
    assertThat(team(snapshot, "c1"), is("newest"));
    assertThat(team(snapshot, "c2"), is("only"));
    assertThat(snapshot.deadLetters(), is(empty()));
  }

  @Test
  void badLinesAreDeadLetteredOncePerFileVersion(@TempDir Path dir) throws IOException {
    Path changing = dir.resolve("changing.json");
    Path steady = dir.resolve("steady.json");
    Files.writeString(changing, asset("c1", "2026-11-02T10:00:00Z", "a") + "\nnot json\n");
    Files.writeString(steady, "{\"name\":\"//container.googleapis.com/elsewhere\"}\n");

    ClusterMetadataReader.Snapshot first = ClusterMetadataReader.read(match(dir), Set.of());
    assertThat(
        first.deadLetters().stream().map(d -> d.reason() + " " + d.source() + ":" + d.lineNumber()).sorted().toList(),
        contains(DeadLetter.BAD_METADATA + " " + changing + ":2", DeadLetter.BAD_METADATA + " " + steady + ":1"));

    ClusterMetadataReader.Snapshot again = ClusterMetadataReader.read(match(dir), first.fileVersions());
    assertThat(again.deadLetters(), is(empty()));
    assertThat(team(again, "c1"), is("a"));

    Files.writeString(changing, asset("c1", "2026-11-02T11:00:00Z", "b") + "\nnot json\n[]\n");
    ClusterMetadataReader.Snapshot changed = ClusterMetadataReader.read(match(dir), again.fileVersions());
    assertThat(
        changed.deadLetters().stream().map(d -> d.source() + ":" + d.lineNumber()).toList(),
        contains(changing + ":2", changing + ":3"));
    assertThat(team(changed, "c1"), is("b"));
  }

  @Test
  void anUnreadableFileFailsTheWholeRead(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.json"), asset("c2", "2026-11-02T10:00:00Z", "readable") + "\n");
    Path broken = dir.resolve("b.json.gz");
    gzip(broken, (asset("c1", "2026-11-02T10:00:00Z", "a") + "\n").repeat(200));
    byte[] whole = Files.readAllBytes(broken);
    Files.write(broken, Arrays.copyOf(whole, whole.length / 2));
    assertThrows(IOException.class, () -> ClusterMetadataReader.read(match(dir), Set.of()));

    Files.write(broken, whole);
    assertThat(team(ClusterMetadataReader.read(match(dir), Set.of()), "c1"), is("a"));
  }
}
