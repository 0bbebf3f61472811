package com.gkeaudit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The benchmark's baseline: one thread, no Beam, reads every export file under a directory and parses every line
 * with Jackson's tree model. It only counts; the pipeline it is compared with also validates, detects and writes.
 */
public final class BaselineParse {
  private BaselineParse() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BaselineParse EXPORT_DIR");
      System.exit(2);
    }
    ObjectMapper mapper = new ObjectMapper();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
      files = walk.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.json(\\.gz)?$")).sorted()
          .collect(Collectors.toList());
    }
    long lines = 0;
    long parsed = 0;
    long clusterManager = 0;
    for (Path file : files) {
      InputStream raw = Files.newInputStream(file);
      InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines++;
          try {
            JsonNode entry = mapper.readTree(line);
            if (entry != null) {
              parsed++;
              if ("container.googleapis.com".equals(entry.path("protoPayload").path("serviceName").asText())) {
                clusterManager++;
              }
            }
          } catch (IOException e) {
            // a bad line: counted as read, not as parsed
          }
        }
      }
    }
    System.out.printf("baseline: %d files, %d lines, %d parsed, %d ClusterManager%n", files.size(), lines, parsed,
        clusterManager);
  }
}
