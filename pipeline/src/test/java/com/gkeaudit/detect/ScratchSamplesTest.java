package com.gkeaudit.detect;
import com.gkeaudit.model.*;
import com.gkeaudit.parse.*;
import java.nio.file.*;
import java.util.*;
import org.junit.jupiter.api.Test;
class ScratchSamplesTest {
  @Test void dump() throws Exception {
    Map<String, ClusterEvent> events = new TreeMap<>();
    long clock = 0;
    try (var s = Files.walk(Path.of("../samples/cloudaudit.googleapis.com"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        for (String line : new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1).split("\n")) {
          ParseOutcome o = LogEntryParser.parse(line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "x");
          if (o.kind() == ParseOutcome.Kind.CLUSTER_MANAGER) { events.put(o.event().dedupeKey(), o.event()); clock = Math.max(clock, o.event().timeNanos()); }
        }
      }
    }
    var all = RuleRun.sequential(BehaviourRules.all(RuleConfig.defaults()), events.values());
    for (Finding f : all) System.out.println("F " + f.ruleId()+" "+Times.format(f.eventTimeNanos())+" "+f.principal()+" "+f.clusterName()+" "+f.method()+" "+f.userAgent()+" "+f.callerIp()+" "+f.detailsJson());
  }
}
