package com.gkeaudit.io;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.DeadLetter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Reads a whole Cloud Asset Inventory export (all its files) into one map, newest {@code update_time} per cluster,
 * for the refreshing side input. The caller says which file versions already had their bad lines reported, so that a
 * re-read of an unchanged file does not report them again.
 */
final class ClusterMetadataReader {
  /**
   * One complete read: the clusters, the dead letters of file versions not reported before, and the versions read
   * (path, size, last modified), whose bad lines count as reported from now on.
   */
  record Snapshot(Map<String, ClusterMetadata> clusters, List<DeadLetter> deadLetters, Set<String> fileVersions) {}

  private ClusterMetadataReader() {}

  /**
   * Reads every file in full ({@code .gz} and the other compressions Beam knows, by extension). All or nothing: when
   * a file cannot be read, the exception propagates, so the bad lines of the files that were readable are reported
   * with the first complete read instead of being lost.
   */
  static Snapshot read(List<MatchResult.Metadata> files, Set<String> reportedVersions) throws IOException {
    Map<String, ClusterMetadata> clusters = new TreeMap<>();
    List<DeadLetter> deadLetters = new ArrayList<>();
    Set<String> versions = new TreeSet<>();
    for (MatchResult.Metadata file : files) {
      String version = file.resourceId() + "|" + file.sizeBytes() + "|" + file.lastModifiedMillis();
      versions.add(version);
      readFile(file, clusters, reportedVersions.contains(version) ? null : deadLetters);
    }
    return new Snapshot(clusters, deadLetters, versions);
  }
  /** Adds the file's clusters; adds its bad lines to {@code deadLetters} unless that is null (already reported). */
  private static void readFile(
      MatchResult.Metadata file, Map<String, ClusterMetadata> clusters, List<DeadLetter> deadLetters)
      throws IOException {
    String source = file.resourceId().toString();
    Compression compression = Compression.detect(source);
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(
                Channels.newInputStream(compression.readDecompressed(FileSystems.open(file.resourceId()))),
                StandardCharsets.UTF_8))) {
      long lineNumber = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        lineNumber++;
        try {
          ClusterMetadata metadata = ClusterMetadataParser.parse(line);
          if (metadata != null) {
            ClusterMetadataParser.reportUnusablePolicy(metadata, source);
            clusters.merge(ClusterMetadataParser.clusterKey(metadata), metadata, ClusterMetadataSource.newest());
          }
        } catch (ClusterMetadataParser.InvalidAssetException e) {
          if (deadLetters != null) {
            byte[] raw = line.getBytes(StandardCharsets.UTF_8);
            deadLetters.add(
                DeadLetter.of(
                    e.reason(), e.getMessage(), source, lineNumber, raw, 0, raw.length, raw.length,
                    null));
          }
        }
      }
    }
  }
}
