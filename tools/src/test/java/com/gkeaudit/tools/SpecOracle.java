package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately simple, independent reading of docs/rules.md (batch only, default thresholds) used to check
 * that a generated export produces exactly the findings its expected.json lists, and nothing more. It is a test
 * oracle for the generator, not the pipeline's implementation.
 */
public final class SpecOracle {

  /**
   * The options of the behavioural rules (docs/behavioural-rules.md), which this oracle also reads with other values than the
   * defaults; the rules of docs/rules.md keep their defaults here.
   */
  public record Behaviour(int lookbackDays, int baselineDays, int rareMethodMinHistory, int volumeMinChanges,
      double volumeSigma, int volumeBaselineDays, int escalationWindowMinutes, int deniedThreshold,
      int deniedWindowMinutes) {
    public static Behaviour defaults() {
      return new Behaviour(30, 7, 5, 10, 3.0, 14, 60, 5, 60);
    }
  }

  public record Finding(String rule, String severity, Instant eventTime, String project, String location, String cluster,
      String principal, List<String> evidence) {
    public String key() {
      return rule + "|" + severity + "|" + eventTime + "|" + project + "|" + location + "|" + cluster + "|"
          + principal;
    }
  }

  static final Set<String> CHANGE_METHODS = Set.of("UpdateMaster", "UpdateCluster", "StartIPRotation",
      "CompleteIPRotation", "SetMasterAuth", "SetLegacyAbac", "SetNetworkPolicy", "SetLoggingService",
      "SetMonitoringService", "SetMaintenancePolicy", "SetAddonsConfig", "SetLocations", "SetLabels");

  enum Initiator { USER, AUTOMATION, GOOGLE, UNKNOWN }

  static final class Ev {
    JsonNode e;
    Instant ts;
    String insertId;
    String method;
    boolean internal;
    String resourceType;
    String project;
    String location;
    String cluster;
    String principal;
    Initiator init;
    Integer code;
    String opId;
    boolean first;
    boolean last;
    JsonNode request;
    String callerIp;
    String userAgent;
    /** The principal the entry itself names (an operation's last entry names none). */
    String ownPrincipal;

    String clusterKey() {
      return project + "/" + location + "/" + cluster;
    }

    boolean requestBearing() {
      return opId == null || first;
    }

    boolean ok() {
      return code == null || code == 0;
    }
  }

  static final class ClusterMeta {
    Instant updateTime;
    Map<String, String> labels = new HashMap<>();
    String masterVersion;
    JsonNode window;
  }

  // options
  final int rotationHours = 24;
  final int burstN = 4;
  final Duration burstW = Duration.ofMinutes(60);
  final int deniedN = 5;
  final Duration deniedW = Duration.ofMinutes(60);
  final int fanoutN = 5;
  final Duration fanoutW = Duration.ofMinutes(60);
  final Duration lookback = Duration.ofDays(30);
  final Duration baseline = Duration.ofDays(7);
  final List<String> trustedCidrs;
  final Behaviour behaviour;

  final List<Ev> events = new ArrayList<>();
  final Map<String, ClusterMeta> meta = new HashMap<>();
  final Instant maxEventTime;
  final List<Finding> findings = new ArrayList<>();

  public SpecOracle(List<JsonNode> cmEntries, List<JsonNode> metadata, Instant maxEventTime,
      List<String> trustedCidrs) {
    this(cmEntries, metadata, maxEventTime, trustedCidrs, Behaviour.defaults());
  }

  public SpecOracle(List<JsonNode> cmEntries, List<JsonNode> metadata, Instant maxEventTime, List<String> trustedCidrs,
      Behaviour behaviour) {
    this.behaviour = behaviour;
    this.maxEventTime = maxEventTime;
    this.trustedCidrs = trustedCidrs;
    for (JsonNode a : metadata) {
      JsonNode res = a.path("resource");
      JsonNode data = res.path("data");
      String name = a.path("name").asText();
      String project = name.replaceAll("^//container.googleapis.com/projects/([^/]+)/.*$", "$1");
      ClusterMeta m = new ClusterMeta();
      JsonNode ut = a.has("update_time") ? a.get("update_time") : a.get("updateTime");
      m.updateTime = Instant.parse(ut.asText());
      data.path("resourceLabels").fields().forEachRemaining(f -> m.labels.put(f.getKey(), f.getValue().asText()));
      m.masterVersion = data.path("currentMasterVersion").asText(null);
      m.window = data.path("maintenancePolicy").path("window");
      meta.put(project + "/" + data.path("location").asText() + "/" + data.path("name").asText(), m);
    }
    Map<String, Ev> firstByOp = new HashMap<>();
    for (JsonNode e : cmEntries) {
      Ev ev = new Ev();
      ev.e = e;
      ev.ts = ExportReader.eventTime(e);
      ev.insertId = e.path("insertId").asText();
      JsonNode pp = e.path("protoPayload");
      String mn = pp.path("methodName").asText();
      ev.method = mn.substring(mn.lastIndexOf('.') + 1);
      ev.internal = mn.startsWith("google.container.internal.ClusterManagerInternal.");
      ev.resourceType = e.path("resource").path("type").asText();
      JsonNode labels = e.path("resource").path("labels");
      ev.project = labels.path("project_id").asText(null);
      ev.location = labels.path("location").asText(null);
      ev.cluster = labels.path("cluster_name").asText(null);
      JsonNode auth = pp.path("authenticationInfo");
      ev.principal = auth.hasNonNull("principalEmail") ? auth.get("principalEmail").asText()
          : auth.hasNonNull("principalSubject") ? auth.get("principalSubject").asText() : null;
      JsonNode status = pp.get("status");
      ev.code = status != null && status.has("code") ? status.get("code").asInt() : null;
      JsonNode op = e.get("operation");
      if (op != null) {
        ev.opId = op.path("producer").asText() + "/" + op.path("id").asText();
        ev.first = op.path("first").asBoolean(false);
        ev.last = op.path("last").asBoolean(false);
      }
      ev.request = pp.get("request");
      ev.callerIp = pp.path("requestMetadata").path("callerIp").asText(null);
      ev.userAgent = pp.path("requestMetadata").path("callerSuppliedUserAgent").asText(null);
      ev.ownPrincipal = ev.principal;
      events.add(ev);
      if (ev.opId != null && ev.first) {
        firstByOp.put(ev.opId, ev);
      }
    }
    for (Ev ev : events) {
      String principal = ev.principal;
      if (principal == null && ev.opId != null && !ev.first) {
        Ev f = firstByOp.get(ev.opId);
        if (f != null) {
          principal = f.principal;
          ev.principal = principal;
        }
      }
      ev.init = initiator(ev.internal, principal);
    }
    events.sort(Comparator.comparing((Ev ev) -> ev.ts).thenComparing(ev -> ev.insertId));
  }

  static Initiator initiator(boolean internal, String principal) {
    if (internal) {
      return Initiator.GOOGLE;
    }
    if (principal == null) {
      return Initiator.UNKNOWN;
    }
    String p = principal.replaceFirst("^(serviceAccount|user):", "");
    if (p.endsWith("@container-engine-robot.iam.gserviceaccount.com") || p.endsWith("@cloudservices.gserviceaccount.com")
        || p.startsWith("system:")) {
      return Initiator.GOOGLE;
    }
    if (p.endsWith(".gserviceaccount.com") || p.endsWith(".svc.id.goog") || p.contains(".svc.id.goog[")) {
      return Initiator.AUTOMATION;
    }
    return Initiator.USER;
  }

  boolean successfulChange(Ev ev) {
    return CHANGE_METHODS.contains(ev.method) && "gke_cluster".equals(ev.resourceType)
        && (ev.init == Initiator.USER || ev.init == Initiator.AUTOMATION) && ev.requestBearing() && ev.ok();
  }

  static boolean denied(Ev ev) {
    return ev.code != null && (ev.code == 7 || ev.code == 16);
  }

  boolean escalates(String clusterKey) {
    ClusterMeta m = meta.get(clusterKey);
    if (m == null) {
      return false;
    }
    String env = m.labels.get("env");
    String crit = m.labels.get("criticality");
    return "prod".equals(env) || "production".equals(env) || "high".equals(crit) || "critical".equals(crit);
  }

  static String raise(String base, boolean escalate) {
    if (!escalate) {
      return base;
    }
    switch (base) {
      case "LOW": return "MEDIUM";
      case "MEDIUM": return "HIGH";
      default: return "CRITICAL";
    }
  }

  void emit(String rule, String base, Instant at, Ev ev, String principal, boolean principalKeyed,
      Set<String> involved, List<String> evidence) {
    boolean esc = principalKeyed ? involved.stream().anyMatch(this::escalates) : escalates(ev.clusterKey());
    findings.add(new Finding(rule, raise(base, esc), at, principalKeyed ? null : ev.project,
        principalKeyed ? null : ev.location, principalKeyed ? null : ev.cluster, principal, evidence));
  }

  public List<Finding> run() {
    rotations();
    operationFailed();
    bursts();
    newPrincipal();
    outsideWindow();
    versionDowngrade();
    posture();
    untrusted();
    BehaviourOracle.run(this);
    return findings;
  }

  private void rotations() {
    for (Ev s : events) {
      if (!s.method.equals("StartIPRotation") || !successfulChange(s)) {
        continue;
      }
      boolean cred = s.request != null && s.request.path("rotateCredentials").asBoolean(false);
      Instant deadline = s.ts.plus(Duration.ofHours(rotationHours));
      boolean completed = false;
      for (Ev c : events) {
        if (c.method.equals("CompleteIPRotation") && successfulChange(c) && c.clusterKey().equals(s.clusterKey())
            && c.ts.isAfter(s.ts) && !c.ts.isAfter(deadline)) {
          completed = true;
        }
      }
      if (!completed && !deadline.isAfter(maxEventTime)) {
        emit(cred ? "credential-rotation-stalled" : "ip-rotation-stalled", cred ? "HIGH" : "MEDIUM", deadline, s,
            s.principal, false, null, List.of(s.insertId));
      }
    }
  }

  private void operationFailed() {
    for (Ev ev : events) {
      if (ev.code == null || ev.code == 0 || denied(ev)) {
        continue;
      }
      boolean terminal = ev.opId == null || ev.last;
      boolean method = (CHANGE_METHODS.contains(ev.method) && "gke_cluster".equals(ev.resourceType))
          || ev.method.equals("DeleteCluster");
      if (!terminal || !method || ev.init == Initiator.GOOGLE) {
        continue;
      }
      emit("operation-failed", "MEDIUM", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
    }
  }

  private void bursts() {
    // permission-denied-burst per principal
    Map<String, List<Ev>> byPrincipal = new TreeMap<>();
    for (Ev ev : events) {
      if (denied(ev)) {
        byPrincipal.computeIfAbsent(String.valueOf(ev.principal), k -> new ArrayList<>()).add(ev);
      }
    }
    for (List<Ev> list : byPrincipal.values()) {
      slide(list, deniedN, deniedW, false, (burst, last) -> {
        Set<String> clusters = new LinkedHashSet<>();
        for (Ev b : burst) {
          if (b.cluster != null && !b.cluster.isEmpty()) {
            clusters.add(b.clusterKey());
          }
        }
        emit("permission-denied-burst", "MEDIUM", last.ts, last, last.principal, true, clusters, ids(burst));
      });
    }
    // change-burst per cluster
    Map<String, List<Ev>> byCluster = new TreeMap<>();
    Map<String, List<Ev>> changesByPrincipal = new TreeMap<>();
    for (Ev ev : events) {
      if (successfulChange(ev)) {
        byCluster.computeIfAbsent(ev.clusterKey(), k -> new ArrayList<>()).add(ev);
        changesByPrincipal.computeIfAbsent(ev.principal, k -> new ArrayList<>()).add(ev);
      }
    }
    for (List<Ev> list : byCluster.values()) {
      slide(list, burstN, burstW, false, (burst, last) ->
          emit("change-burst", "MEDIUM", last.ts, last, last.principal, false, null, ids(burst)));
    }
    for (List<Ev> list : changesByPrincipal.values()) {
      slide(list, fanoutN, fanoutW, true, (burst, last) -> {
        Set<String> clusters = new LinkedHashSet<>();
        for (Ev b : burst) {
          clusters.add(b.clusterKey());
        }
        emit("multi-cluster-change", "HIGH", last.ts, last, last.principal, true, clusters, ids(burst));
      });
    }
  }

  interface BurstSink {
    void fire(List<Ev> burst, Ev last);
  }

  /** Sliding window; a burst ends after a full window without a qualifying event. */
  static void slide(List<Ev> list, int n, Duration w, boolean distinctClusters, BurstSink sink) {
    Deque<Ev> window = new ArrayDeque<>();
    boolean inBurst = false;
    Instant lastTs = null;
    for (Ev ev : list) {
      if (inBurst && Duration.between(lastTs, ev.ts).compareTo(w) > 0) {
        inBurst = false;
      }
      window.addLast(ev);
      while (Duration.between(window.peekFirst().ts, ev.ts).compareTo(w) > 0) {
        window.removeFirst();
      }
      lastTs = ev.ts;
      int count = distinctClusters ? (int) window.stream().map(Ev::clusterKey).distinct().count() : window.size();
      if (!inBurst && count >= n) {
        inBurst = true;
        List<Ev> burst = new ArrayList<>(window);
        sink.fire(distinctClusters ? burst : burst.subList(burst.size() - n, burst.size()), ev);
      }
    }
  }

  private static List<String> ids(List<Ev> evs) {
    List<String> out = new ArrayList<>();
    for (Ev e : evs) {
      out.add(e.insertId);
    }
    return out;
  }

  private void newPrincipal() {
    Map<String, Instant> firstSeen = new HashMap<>();
    for (Ev ev : events) {
      firstSeen.merge(ev.clusterKey(), ev.ts, (a, b) -> a.isBefore(b) ? a : b);
    }
    Map<String, List<Ev>> history = new HashMap<>();
    for (Ev ev : events) {
      if (!successfulChange(ev)) {
        continue;
      }
      List<Ev> h = history.computeIfAbsent(ev.clusterKey(), k -> new ArrayList<>());
      boolean known = false;
      for (Ev prev : h) {
        if (prev.principal.equals(ev.principal) && prev.ts.isBefore(ev.ts)
            && !prev.ts.isBefore(ev.ts.minus(lookback))) {
          known = true;
        }
      }
      Instant origin = firstSeen.get(ev.clusterKey());
      if (!known && !ev.ts.isBefore(origin.plus(baseline))) {
        boolean high = Set.of("StartIPRotation", "CompleteIPRotation", "SetMasterAuth").contains(ev.method);
        emit("new-principal", high ? "HIGH" : "MEDIUM", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
      }
      h.add(ev);
    }
  }

  private void outsideWindow() {
    for (Ev ev : events) {
      if (!successfulChange(ev) || ev.init != Initiator.USER) {
        continue;
      }
      boolean relevant = Set.of("UpdateMaster", "StartIPRotation", "CompleteIPRotation").contains(ev.method)
          || (ev.method.equals("UpdateCluster") && ev.request != null
              && ev.request.path("update").hasNonNull("desiredMasterVersion"));
      ClusterMeta m = meta.get(ev.clusterKey());
      if (!relevant || m == null || m.window == null || m.window.isMissingNode()) {
        continue;
      }
      JsonNode w = m.window;
      boolean hasWindow = w.has("recurringWindow") || w.has("dailyMaintenanceWindow");
      if (!hasWindow) {
        continue;
      }
      if (!inWindow(w, ev.ts) || inExclusion(w, ev.ts)) {
        emit("outside-maintenance-window", "LOW", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
      }
    }
  }

  static boolean inExclusion(JsonNode w, Instant t) {
    JsonNode ex = w.path("maintenanceExclusions");
    for (var it = ex.fields(); it.hasNext(); ) {
      JsonNode tw = it.next().getValue();
      Instant s = Instant.parse(tw.path("startTime").asText());
      Instant e = Instant.parse(tw.path("endTime").asText());
      if (!t.isBefore(s) && t.isBefore(e)) {
        return true;
      }
    }
    return false;
  }

  static boolean inWindow(JsonNode w, Instant t) {
    LocalTime startTime;
    Duration length;
    Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
    Instant first = Instant.MIN;
    if (w.has("recurringWindow")) {
      JsonNode rw = w.get("recurringWindow");
      Instant s = Instant.parse(rw.path("window").path("startTime").asText());
      Instant e = Instant.parse(rw.path("window").path("endTime").asText());
      first = s;
      startTime = LocalTime.ofInstant(s, ZoneOffset.UTC);
      length = Duration.between(s, e);
      String rec = rw.path("recurrence").asText("");
      if (rec.contains("FREQ=WEEKLY")) {
        days = EnumSet.noneOf(DayOfWeek.class);
        String byday = rec.replaceAll(".*BYDAY=([A-Z,]+).*", "$1");
        for (String d : byday.split(",")) {
          for (DayOfWeek dw : DayOfWeek.values()) {
            if (dw.name().startsWith(d)) {
              days.add(dw);
            }
          }
        }
      } else if (!rec.contains("FREQ=DAILY")) {
        throw new IllegalStateException("oracle does not know recurrence " + rec);
      }
    } else {
      JsonNode dw = w.get("dailyMaintenanceWindow");
      startTime = LocalTime.parse(dw.path("startTime").asText());
      length = dw.has("duration") ? Duration.parse(dw.get("duration").asText()) : Duration.ofHours(4);
    }
    LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC);
    for (int back = 0; back <= 2; back++) {
      LocalDate d = day.minusDays(back);
      if (!days.contains(d.getDayOfWeek())) {
        continue;
      }
      Instant occ = d.atTime(startTime).toInstant(ZoneOffset.UTC);
      if (occ.isBefore(first)) {
        continue;
      }
      if (!t.isBefore(occ) && t.isBefore(occ.plus(length))) {
        return true;
      }
    }
    return false;
  }

  private void versionDowngrade() {
    Map<String, List<String>> requested = new HashMap<>();
    for (Ev ev : events) {
      if (!successfulChange(ev)) {
        continue;
      }
      String v = null;
      if (ev.method.equals("UpdateMaster")) {
        v = ev.request.path("masterVersion").asText(null);
      } else if (ev.method.equals("UpdateCluster")) {
        v = ev.request.path("update").path("desiredMasterVersion").asText(null);
      }
      if (v == null || v.isEmpty() || v.equals("-") || v.equals("latest")) {
        continue;
      }
      List<String> current = new ArrayList<>(requested.getOrDefault(ev.clusterKey(), List.of()));
      ClusterMeta m = meta.get(ev.clusterKey());
      if (m != null && m.masterVersion != null && ev.ts.isAfter(m.updateTime)) {
        current.add(m.masterVersion);
      }
      for (String cur : current) {
        if (compareGiven(v, cur) < 0) {
          emit("version-downgrade", "HIGH", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
          break;
        }
      }
      requested.computeIfAbsent(ev.clusterKey(), k -> new ArrayList<>()).add(v);
    }
  }

  /** Compares only the components {@code requested} gives. */
  static int compareGiven(String requested, String current) {
    long[] a = parts(requested);
    long[] b = parts(current);
    int given = (int) a[4];
    for (int i = 0; i < given; i++) {
      if (a[i] != b[i]) {
        return Long.compare(a[i], b[i]);
      }
    }
    return 0;
  }

  private static long[] parts(String v) {
    long[] out = new long[5];
    String[] main = v.split("-gke\\.");
    String[] p = main[0].split("\\.");
    int n = 0;
    for (int i = 0; i < Math.min(3, p.length); i++) {
      out[i] = Long.parseLong(p[i]);
      n++;
    }
    if (main.length > 1) {
      out[3] = Long.parseLong(main[1]);
      n = 4;
    }
    out[4] = n;
    return out;
  }

  private void posture() {
    for (Ev ev : events) {
      if (!successfulChange(ev) || ev.request == null) {
        continue;
      }
      JsonNode q = ev.request;
      JsonNode u = q.path("update");
      List<String> controls = new ArrayList<>();
      switch (ev.method) {
        case "SetLegacyAbac":
          if (q.path("enabled").asBoolean(false)) {
            controls.add("legacy_abac");
          }
          break;
        case "SetMasterAuth":
          if (!u.path("username").asText("").isEmpty() || !u.path("password").asText("").isEmpty()) {
            controls.add("basic_auth");
          }
          break;
        case "SetNetworkPolicy":
          if (!q.path("networkPolicy").path("enabled").asBoolean(false)) {
            controls.add("network_policy");
          }
          break;
        case "SetLoggingService":
          if ("none".equals(q.path("loggingService").asText())) {
            controls.add("logging");
          }
          break;
        case "SetMonitoringService":
          if ("none".equals(q.path("monitoringService").asText())) {
            controls.add("monitoring");
          }
          break;
        case "SetAddonsConfig":
          if (q.path("addonsConfig").path("networkPolicyConfig").path("disabled").asBoolean(false)) {
            controls.add("network_policy");
          }
          break;
        case "UpdateCluster":
          if (u.has("desiredMasterAuthorizedNetworksConfig")) {
            JsonNode c = u.get("desiredMasterAuthorizedNetworksConfig");
            boolean open = false;
            for (JsonNode b : c.path("cidrBlocks")) {
              String cidr = b.path("cidrBlock").asText();
              open |= cidr.equals("0.0.0.0/0") || cidr.equals("::/0");
            }
            if (!c.path("enabled").asBoolean(false) || open) {
              controls.add("authorized_networks");
            }
          }
          if (u.path("desiredAddonsConfig").path("networkPolicyConfig").path("disabled").asBoolean(false)) {
            controls.add("network_policy");
          }
          if ("none".equals(u.path("desiredLoggingService").asText())) {
            controls.add("logging");
          }
          if ("none".equals(u.path("desiredMonitoringService").asText())) {
            controls.add("monitoring");
          }
          if (u.has("desiredLoggingConfig")
              && u.path("desiredLoggingConfig").path("componentConfig").path("enableComponents").size() == 0) {
            controls.add("logging");
          }
          if (u.has("desiredMonitoringConfig")
              && u.path("desiredMonitoringConfig").path("componentConfig").path("enableComponents").size() == 0) {
            controls.add("monitoring");
          }
          if (u.has("desiredEnablePrivateEndpoint") && !u.get("desiredEnablePrivateEndpoint").asBoolean(false)) {
            controls.add("private_endpoint");
          }
          if (u.has("desiredPrivateClusterConfig")
              && !u.get("desiredPrivateClusterConfig").path("enablePrivateEndpoint").asBoolean(false)) {
            controls.add("private_endpoint");
          }
          if (u.has("desiredBinaryAuthorization")) {
            JsonNode b = u.get("desiredBinaryAuthorization");
            if ("DISABLED".equals(b.path("evaluationMode").asText())
                || (!b.has("evaluationMode") && !b.path("enabled").asBoolean(false))) {
              controls.add("binary_authorization");
            }
          }
          if (u.has("desiredShieldedNodes") && !u.get("desiredShieldedNodes").path("enabled").asBoolean(false)) {
            controls.add("shielded_nodes");
          }
          if (u.has("desiredWorkloadIdentityConfig")
              && u.get("desiredWorkloadIdentityConfig").path("workloadPool").asText("").isEmpty()) {
            controls.add("workload_identity");
          }
          break;
        default:
          break;
      }
      for (String c : new LinkedHashSet<>(controls)) {
        emit("posture-weakened", "HIGH", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
      }
    }
  }

  private void untrusted() {
    if (trustedCidrs == null || trustedCidrs.isEmpty()) {
      return;
    }
    for (Ev ev : events) {
      if (!(successfulChange(ev) || denied(ev))) {
        continue;
      }
      String ip = ev.callerIp;
      if (ip == null || ip.equals("private") || ip.equals("gce-internal-ip")) {
        continue;
      }
      boolean inside = false;
      for (String cidr : trustedCidrs) {
        inside |= inCidr(ip, cidr);
      }
      if (!inside) {
        emit("untrusted-source", "MEDIUM", ev.ts, ev, ev.principal, false, null, List.of(ev.insertId));
      }
    }
  }

  static boolean inCidr(String ip, String cidr) {
    try {
      String[] p = cidr.split("/");
      byte[] a = InetAddress.getByName(ip).getAddress();
      byte[] n = InetAddress.getByName(p[0]).getAddress();
      if (a.length != n.length) {
        return false;
      }
      int bits = Integer.parseInt(p[1]);
      BigInteger mask = BigInteger.ONE.shiftLeft(a.length * 8).subtract(BigInteger.ONE)
          .shiftRight(bits).not();
      BigInteger x = new BigInteger(1, a);
      BigInteger y = new BigInteger(1, n);
      return x.and(mask).equals(y.and(mask));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static Set<String> keys(List<Finding> fs) {
    Set<String> out = new HashSet<>();
    for (Finding f : fs) {
      out.add(f.key());
    }
    return out;
  }
}
