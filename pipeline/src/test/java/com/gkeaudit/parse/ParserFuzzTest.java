package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the bytes, parsing returns exactly one outcome and never throws. Mutations of real samples
 * (byte flips, truncations, splices, duplicated regions) exercise the fast and the full parse paths.
 */
class ParserFuzzTest {
  private static final String[] SEEDS = {
    "khi_gke_audit_cluster_creation_started.json",
    "khi_gke_audit_cluster_creation_finished.json",
    "khi_gke_audit_nodepool_creation_started.json",
    "k8s_cluster_khi_k8s_audit_pods_create.json",
    "k8s_cluster_elastic_nodes_list_console_data_access.json",
  };

  @Test
  void mutatedSamplesNeverEscapeAsExceptions() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : SEEDS) {
      seeds.add(LogEntryParserTest.sampleLine(name));
    }
    SplittableRandom random = new SplittableRandom(20261122L);
    for (int i = 0; i < 20_000; i++) {
      byte[] line = mutate(seeds.get(random.nextInt(seeds.size())), random);
      ParseOutcome outcome = LogEntryParser.parse(line, "fuzz");
      assertThat(outcome, notNullValue());
      if (outcome.kind() == ParseOutcome.Kind.DEAD_LETTER) {
        assertThat(outcome.reason(), notNullValue());
      }
      if (outcome.kind() == ParseOutcome.Kind.CLUSTER_MANAGER) {
        assertThat(outcome.event().method(), notNullValue());
      }
    }
  }

  private static byte[] mutate(byte[] seed, SplittableRandom random) {
    byte[] line = seed.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      switch (random.nextInt(5)) {
        case 0 -> line[random.nextInt(line.length)] = (byte) random.nextInt(256);
        case 1 -> line = Arrays.copyOf(line, random.nextInt(line.length + 1));
        case 2 -> {
          int at = random.nextInt(line.length + 1);
          byte[] out = new byte[line.length + 1];
          System.arraycopy(line, 0, out, 0, at);
          byte[] specials = {(byte) 123, (byte) 125, (byte) 91, (byte) 93, (byte) 34, (byte) 44, (byte) 58, (byte) 92, (byte) 0xff};
          out[at] = specials[random.nextInt(specials.length)];
          System.arraycopy(line, at, out, at + 1, line.length - at);
          line = out;
        }
        case 3 -> {
          if (line.length > 2) {
            int from = random.nextInt(line.length - 1);
            int to = from + random.nextInt(line.length - from);
            byte[] out = new byte[line.length + (to - from)];
            System.arraycopy(line, 0, out, 0, to);
            System.arraycopy(line, from, out, to, line.length - from);
            line = out;
          }
        }
        default -> {
          if (line.length > 0) {
            line = Arrays.copyOfRange(line, random.nextInt(line.length), line.length);
          }
        }
      }
      if (line.length == 0) {
        return line;
      }
    }
    return line;
  }
}
