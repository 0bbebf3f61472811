package com.gkeaudit.tools;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * docs/behavioural-rules.md read independently of the product (no pipeline class is used): brute force over each principal's whole
 * history for every entry, with the definitions spelled as the SPEC words them. Part of {@link SpecOracle}.
 */
final class BehaviourOracle {
  private BehaviourOracle() {}

  private static final Set<String> SENSITIVE = Set.of("StartIPRotation", "CompleteIPRotation", "SetMasterAuth",
      "SetLegacyAbac", "SetNetworkPolicy", "SetLoggingService", "SetMonitoringService");

  private static final String[][] FAMILIES = {
    {"terraform", "terraform"},
    {"gcloud", "google-cloud-sdk", "gcloud/"},
    {"console", "googlecloudconsole", "mozilla/"},
    {"kubectl", "kubectl/"},
    {"config-connector", "config-connector", "cnrm"},
    {"python-requests", "python-requests/"},
    {"curl", "curl/"},
    {"python-client", "google-api-python-client", "gl-python/"},
    {"go-client", "google-api-go-client", "gl-go/"},
    {"java-client", "google-api-java-client", "gl-java/"},
    {"go-http", "go-http-client/"},
  };

  static String family(String agent) {
    if (agent == null || agent.trim().isEmpty()) {
      return "unknown";
    }
    String a = agent.toLowerCase(Locale.ROOT);
    for (String[] row : FAMILIES) {
      for (int i = 1; i < row.length; i++) {
        if (a.contains(row[i])) {
          return row[0];
        }
      }
    }
    return a.split("[/ ]", -1)[0];
  }

  private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** "internal", a /24 or /48 identity, or null. */
  static String network(String ip) {
    if (ip == null) {
      return null;
    }
    if (ip.equals("private") || ip.equals("gce-internal-ip")) {
      return "internal";
    }
    byte[] b;
    try {
      if (V4.matcher(ip).matches()) {
        String[] p = ip.split("\\.");
        b = new byte[4];
        for (int i = 0; i < 4; i++) {
          int v = Integer.parseInt(p[i]);
          if (v > 255) {
            return null;
          }
          b[i] = (byte) v;
        }
      } else if (ip.contains(":") && V6.matcher(ip).matches()) {
        b = InetAddress.getByName(ip).getAddress(); // a literal with ':' never goes to DNS
      } else {
        return null;
      }
    } catch (Exception e) {
      return null;
    }
    if (b.length == 4) {
      int x = b[0] & 0xff;
      int y = b[1] & 0xff;
      if (x == 10 || (x == 172 && y >= 16 && y < 32) || (x == 192 && y == 168)) {
        return "internal";
      }
      return x + "." + y + "." + (b[2] & 0xff) + ".0/24";
    }
    if ((b[0] & 0xff) >= 0xfc && (b[0] & 0xff) <= 0xfd) {
      return "internal";
    }
    return new BigInteger(1, b).shiftRight(80).toString(16) + "::/48";
  }

  static void run(SpecOracle o) {
    SpecOracle.Behaviour opt = o.behaviour;
    Duration lookback = Duration.ofDays(opt.lookbackDays());
    Duration baseline = Duration.ofDays(opt.baselineDays());
    Map<String, List<SpecOracle.Ev>> byPrincipal = new TreeMap<>();
    for (SpecOracle.Ev ev : o.events) { // already in (timestamp, insertId) order
      if (ev.ownPrincipal != null) {
        byPrincipal.computeIfAbsent(ev.ownPrincipal, k -> new ArrayList<>()).add(ev);
      }
    }
    for (Map.Entry<String, List<SpecOracle.Ev>> entry : byPrincipal.entrySet()) {
      List<SpecOracle.Ev> h = entry.getValue();
      Instant first = h.get(0).ts;
      LocalDate firstDay = day(first);
      Set<LocalDate> volumeFired = new java.util.HashSet<>();
      for (SpecOracle.Ev e : h) {
        boolean change = o.successfulChange(e);
        boolean established = !e.ts.isBefore(first.plus(baseline));
        List<SpecOracle.Ev> preceding = new ArrayList<>();
        for (SpecOracle.Ev p : h) {
          if (p.ts.isBefore(e.ts) && !p.ts.isBefore(e.ts.minus(lookback))) {
            preceding.add(p);
          }
        }
        // unusual-client
        String fam = family(e.userAgent);
        if (change && established && !fam.equals("unknown")
            && preceding.stream().noneMatch(p -> family(p.userAgent).equals(fam))) {
          emit(o, "unusual-client", e.init == SpecOracle.Initiator.AUTOMATION ? "HIGH" : "MEDIUM", e);
        }
        // unusual-source
        String net = network(e.callerIp);
        boolean deniedCall = SpecOracle.denied(e) && e.init != SpecOracle.Initiator.GOOGLE;
        if ((change || deniedCall) && e.init == SpecOracle.Initiator.AUTOMATION && established && net != null
            && preceding.stream().noneMatch(p -> net.equals(network(p.callerIp)))) {
          emit(o, "unusual-source", "HIGH", e);
        }
        // rare-method
        if (change && established) {
          long made = preceding.stream().filter(o::successfulChange).count();
          boolean used = preceding.stream().anyMatch(p -> o.successfulChange(p) && p.method.equals(e.method));
          if (!used && made >= opt.rareMethodMinHistory()) {
            emit(o, "rare-method", SENSITIVE.contains(e.method) ? "HIGH" : "MEDIUM", e);
          }
        }
        // change-volume-anomaly
        if (change && !volumeFired.contains(day(e.ts))) {
          LocalDate d = day(e.ts);
          List<Integer> counts = new ArrayList<>();
          for (int k = opt.volumeBaselineDays(); k >= 1; k--) {
            LocalDate bd = d.minusDays(k);
            if (!bd.isBefore(firstDay)) {
              counts.add((int) h.stream().filter(p -> o.successfulChange(p) && day(p.ts).equals(bd)).count());
            }
          }
          if (counts.size() >= opt.baselineDays()) {
            double mean = counts.stream().mapToInt(Integer::intValue).average().orElse(0);
            double var = counts.stream().mapToDouble(c -> (c - mean) * (c - mean)).average().orElse(0);
            double threshold = Math.max(opt.volumeMinChanges(), mean + opt.volumeSigma() * Math.sqrt(var));
            int count = 0;
            for (SpecOracle.Ev p : h) {
              if (o.successfulChange(p) && day(p.ts).equals(d)) {
                count++;
              }
              if (p == e) {
                break;
              }
            }
            if (count > threshold) {
              volumeFired.add(d);
              Set<String> clusters = new LinkedHashSet<>();
              for (SpecOracle.Ev p : h) {
                if (o.successfulChange(p) && day(p.ts).equals(d)) {
                  clusters.add(p.clusterKey());
                }
                if (p == e) {
                  break;
                }
              }
              o.emit("change-volume-anomaly", "MEDIUM", e.ts, e, e.ownPrincipal, true, clusters, List.of(e.insertId));
            }
          }
        }
      }
    }
    // denied-then-changed: the oracle's own sliding bursts over each principal's denied calls.
    Map<String, List<SpecOracle.Ev>> denied = new TreeMap<>();
    for (SpecOracle.Ev ev : o.events) {
      if (SpecOracle.denied(ev) && ev.init != SpecOracle.Initiator.GOOGLE && ev.principal != null) {
        denied.computeIfAbsent(ev.principal, k -> new ArrayList<>()).add(ev);
      }
    }
    Duration window = Duration.ofMinutes(opt.escalationWindowMinutes());
    for (Map.Entry<String, List<SpecOracle.Ev>> entry : denied.entrySet()) {
      List<Instant> bursts = new ArrayList<>();
      SpecOracle.slide(entry.getValue(), opt.deniedThreshold(), Duration.ofMinutes(opt.deniedWindowMinutes()), false,
          (burst, last) -> bursts.add(last.ts));
      for (Instant b : bursts) {
        for (SpecOracle.Ev e : o.events) {
          if (entry.getKey().equals(e.principal) && o.successfulChange(e) && e.ts.isAfter(b)
              && !e.ts.isAfter(b.plus(window))) {
            emit(o, "denied-then-changed", "HIGH", e);
            break;
          }
        }
      }
    }
  }

  private static void emit(SpecOracle o, String rule, String base, SpecOracle.Ev e) {
    o.emit(rule, base, e.ts, e, e.principal, false, null, List.of(e.insertId));
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

}
