package com.gkeaudit.tools;

import com.gkeaudit.rules.GkeVersion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Plans every non-bulk line of the export: the ClusterManager story (baseline, routine noise, injected incidents,
 * negative controls), special k8s.io lines, bad lines and blank lines, and the expected findings.
 *
 * <p>Rule reasoning (docs/rules.md, default options): every routine principal makes its first successful change on
 * each cluster it touches in the first days, before any cluster has 7 days of history; random routine changes keep two
 * hours from any other change on the same cluster and from any other change by the same principal, so no routine
 * burst or fan-out can form; USER maintenance-type operations on clusters with a window happen inside it; requested
 * master versions only go up except the injected downgrade; every caller IP is private, gce-internal-ip or inside
 * 203.0.113.0/24 / 2001:db8::/32 except the one untrusted-source incident.
 */
final class AuditPlan {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "hunter2-do-not-leak";
  static final String TRUSTED_CIDRS = "203.0.113.0/24,2001:db8::/32";

  enum Tool {
    GCLOUD("v1"), GCLOUD_BETA("v1beta1"), GCLOUD_CI("v1"), TF_GOOGLE("v1"), TF_GOOGLE_BETA("v1beta1"),
    CONSOLE("v1"), CURL("v1"), ROBOT(null);

    final String apiVersion;

    Tool(String apiVersion) {
      this.apiVersion = apiVersion;
    }
  }

  static final class Principal {
    final String email;
    final String subject;
    final String ip;
    final Tool tool;
    final List<Object> delegation;
    /** Minimum gap between two random routine changes by this principal (fan-out safety). */
    final Duration routineGap;

    Principal(String email, String subject, String ip, Tool tool, List<Object> delegation, Duration routineGap) {
      this.email = email;
      this.subject = subject;
      this.ip = ip;
      this.tool = tool;
      this.delegation = delegation;
      this.routineGap = routineGap;
    }
  }

  /** Where a call lands: a cluster, a node pool of it, or a project-level / operation resource. */
  record Target(Fleet.Project project, String location, String cluster, boolean zonal, String nodePool) {
    static Target of(Fleet.Cluster c) {
      return new Target(c.project, c.location, c.name, c.zonal, null);
    }

    static Target pool(Fleet.Cluster c, String pool) {
      return new Target(c.project, c.location, c.name, c.zonal, pool);
    }

    static Target projectList(Fleet.Project p) {
      return new Target(p, "-", "", true, null);
    }

    String scope() {
      return (zonal ? "/zones/" : "/locations/") + location;
    }

    String clusterResourceName() {
      return "projects/" + project.id() + scope() + "/clusters/" + cluster;
    }

    String resourceName() {
      if (cluster.isEmpty()) {
        return "projects/" + project.id() + "/zones/" + location;
      }
      return clusterResourceName() + (nodePool != null ? "/nodePools/" + nodePool : "");
    }

    String requestName() {
      return "projects/" + project.id() + "/locations/" + location + "/clusters/" + cluster
          + (nodePool != null ? "/nodePools/" + nodePool : "");
    }

    String linkBase() {
      return "https://container.googleapis.com/v1alpha1/projects/" + project.number() + scope();
    }

    Map<String, Object> resource() {
      Map<String, Object> labels = new TreeMap<>();
      labels.put("project_id", project.id());
      labels.put("location", location);
      labels.put("cluster_name", cluster);
      if (nodePool != null) {
        labels.put("nodepool_name", nodePool);
      }
      return o("labels", labels, "type", nodePool != null ? "gke_nodepool" : "gke_cluster");
    }
  }

  record MethodInfo(String opType, String permission, boolean read, String gcloudCommand) {}

  static final Map<String, MethodInfo> METHODS = Map.ofEntries(
      Map.entry("UpdateMaster", new MethodInfo("UPGRADE_MASTER", "container.clusters.update", false,
          "container.clusters.upgrade")),
      Map.entry("UpdateCluster", new MethodInfo("UPDATE_CLUSTER", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("StartIPRotation", new MethodInfo("UPDATE_CLUSTER", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("CompleteIPRotation", new MethodInfo("UPDATE_CLUSTER", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("SetMasterAuth", new MethodInfo("SET_MASTER_AUTH", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("SetLegacyAbac", new MethodInfo("UPDATE_CLUSTER", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("SetLabels", new MethodInfo("SET_LABELS", "container.clusters.update", false,
          "container.clusters.update")),
      Map.entry("SetNodePoolSize", new MethodInfo("SET_NODE_POOL_SIZE", "container.clusters.update", false,
          "container.clusters.resize")),
      Map.entry("CreateNodePool", new MethodInfo("CREATE_NODE_POOL", "container.clusters.update", false,
          "container.node-pools.create")),
      Map.entry("CreateCluster", new MethodInfo("CREATE_CLUSTER", "container.clusters.create", false,
          "container.clusters.create")),
      Map.entry("DeleteCluster", new MethodInfo("DELETE_CLUSTER", "container.clusters.delete", false,
          "container.clusters.delete")),
      Map.entry("UpdateClusterInternal", new MethodInfo("UPGRADE_NODES", "container.clusters.update", false, null)),
      Map.entry("GetCluster", new MethodInfo(null, "container.clusters.get", true, "container.clusters.describe")),
      Map.entry("ListClusters", new MethodInfo(null, "container.clusters.list", true, "container.clusters.list")),
      Map.entry("GetOperation", new MethodInfo(null, "container.operations.get", true,
          "container.operations.describe")));

  /** A planned LRO: the ids and lines of its first and last entries (first may be null for an orphan). */
  static final class Op {
    String opId;
    PlannedLine first;
    PlannedLine last;
    Instant firstAt;
    Instant lastAt;
  }

  private record Change(long at, Fleet.Cluster cluster, Principal principal) {}

  final Instant start;
  final Instant end;
  final int days;
  final Fleet fleet;
  final K8sLines k8s;
  final SplittableRandom r;
  final long startNanos;

  final List<PlannedLine> lines = new ArrayList<>();
  final List<Map<String, Object>> incidents = new ArrayList<>();
  final List<Map<String, Object>> negativeControls = new ArrayList<>();
  final List<Map<String, Object>> transport = new ArrayList<>();
  final List<Map<String, Object>> badLines = new ArrayList<>();
  final List<PlannedLine> cmLines = new ArrayList<>();

  private final Set<String> usedIds = new HashSet<>();
  private final List<Change> changes = new ArrayList<>();
  private final Map<Fleet.Cluster, String> requestedVersion = new LinkedHashMap<>();
  private final GenUtil.TsFormatter fmt = new GenUtil.TsFormatter();

  // principals
  final Principal alice = new Principal("alice@example.com", "user:alice@example.com", "203.0.113.10",
      Tool.GCLOUD, null, Duration.ofMinutes(75));
  final Principal bob = new Principal("bob@example.com", "user:bob@example.com", "2001:db8:4f2a::17",
      Tool.CONSOLE, null, Duration.ofMinutes(75));
  final Principal carol = new Principal("carol@example.com", "user:carol@example.com", "203.0.113.24",
      Tool.GCLOUD, null, Duration.ofMinutes(75));
  final Principal intern = new Principal("intern@example.com", "user:intern@example.com", "203.0.113.61",
      Tool.GCLOUD, null, Duration.ofMinutes(75));
  final Principal eve = new Principal("eve.contractor@example.com", "user:eve.contractor@example.com",
      "203.0.113.88", Tool.CONSOLE, null, Duration.ofMinutes(75));
  final Principal tfProd;
  final Principal tfStaging;
  final Principal tfDev;
  final Principal ciDeployer;
  final Principal breakGlass;
  final Principal oncallBot;
  final Principal wif;

  AuditPlan(Instant start, int days, long seed, Fleet fleet, K8sLines k8s) {
    this.start = start;
    this.days = days;
    this.end = start.plus(Duration.ofDays(days));
    this.fleet = fleet;
    this.k8s = k8s;
    this.r = new SplittableRandom(GenUtil.mix(seed, 0xC1A5_7E12L));
    this.startNanos = GenUtil.toNanos(start);
    tfProd = sa("terraform@" + fleet.prod.id() + ".iam.gserviceaccount.com", "gce-internal-ip",
        Tool.TF_GOOGLE_BETA, null);
    tfStaging = sa("terraform@" + fleet.staging.id() + ".iam.gserviceaccount.com", "private", Tool.TF_GOOGLE,
        List.of(o("principalSubject", "serviceAccount:" + fleet.staging.id() + ".svc.id.goog[ci/terraform-runner]")));
    tfDev = sa("terraform@" + fleet.dev.id() + ".iam.gserviceaccount.com", "203.0.113.40", Tool.TF_GOOGLE, null);
    ciDeployer = sa("ci-deployer@" + fleet.staging.id() + ".iam.gserviceaccount.com", "gce-internal-ip",
        Tool.GCLOUD_CI, null);
    breakGlass = sa("break-glass@" + fleet.staging.id() + ".iam.gserviceaccount.com", "gce-internal-ip",
        Tool.GCLOUD_CI, List.of(o("firstPartyPrincipal", o("principalEmail", "mallory@example.net"))));
    oncallBot = sa("oncall-bot@" + fleet.prod.id() + ".iam.gserviceaccount.com", "gce-internal-ip", Tool.GCLOUD_CI,
        null);
    wif = new Principal(null, "principal://iam.googleapis.com/projects/" + fleet.prod.number()
        + "/locations/global/workloadIdentityPools/github/subject/repo:acme/platform-infra:ref:refs/heads/main",
        "gce-internal-ip", Tool.GCLOUD_CI, null, Duration.ofMinutes(75));
    for (Fleet.Cluster c : fleet.clusters) {
      requestedVersion.put(c, c.masterVersion);
    }
  }

  private static Principal sa(String email, String ip, Tool tool, List<Object> delegation) {
    return new Principal(email, "serviceAccount:" + email, ip, tool, delegation, Duration.ZERO);
  }

  private Principal robot(Fleet.Project p) {
    String email = "service-" + p.number() + "@container-engine-robot.iam.gserviceaccount.com";
    return new Principal(email, "serviceAccount:" + email, "private", Tool.ROBOT, null, Duration.ZERO);
  }

  // ------------------------------------------------------------------------------------------------ JSON helpers

  static Map<String, Object> o(Object... kv) {
    Map<String, Object> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  static Map<String, Object> lo(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String ts(Instant t) {
    return fmt.format(GenUtil.toNanos(t));
  }

  // ------------------------------------------------------------------------------------------------ time helpers

  /** Day {@code day} (0-based from start) at hh:mm plus a random 0–50 s and nanoseconds. */
  Instant at(int day, int hh, int mm) {
    return start.plus(Duration.ofDays(day)).plusSeconds(hh * 3600L + mm * 60L + r.nextInt(0, 50))
        .plusNanos(r.nextInt(1, 1_000_000_000));
  }

  private Instant rts(Instant t) {
    return t.plusNanos(r.nextLong(150_000_000L, 1_400_000_000L));
  }

  private DayOfWeek dow(int day) {
    return start.plus(Duration.ofDays(day)).atZone(ZoneOffset.UTC).getDayOfWeek();
  }

  private int firstDay(int from, int to, Set<DayOfWeek> allowed) {
    for (int d = from; d <= to; d++) {
      if (allowed.contains(dow(d))) {
        return d;
      }
    }
    throw new IllegalStateException("no suitable day in " + from + ".." + to);
  }

  // ------------------------------------------------------------------------------------------------ ids

  private String newShortId(String prefix) {
    while (true) {
      String id = prefix + GenUtil.base36(r, 3);
      if (usedIds.add(id)) {
        return id;
      }
    }
  }

  private String newPrefix() {
    return GenUtil.base36(r, r.nextBoolean() ? 8 : 9);
  }

  private String newOpId(Instant t) {
    return "operation-" + t.toEpochMilli() + "-" + GenUtil.uuid(r);
  }

  // ------------------------------------------------------------------------------------------------ user agents

  private String userAgent(Principal p, String method) {
    MethodInfo mi = METHODS.get(method);
    String cmd = mi.gcloudCommand() == null ? "container.clusters.update" : mi.gcloudCommand();
    switch (p.tool) {
      case GCLOUD:
      case GCLOUD_BETA:
        return "google-cloud-sdk gcloud/502.0.0 command/gcloud." + (p.tool == Tool.GCLOUD_BETA ? "beta." : "") + cmd
            + " invocation-id/" + GenUtil.hex(r, 32) + " environment/None environment-version/None client-os/MACOSX"
            + " client-os-ver/24.1.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.7"
            + " term/xterm-256color (Macintosh; Intel Mac OS X 24.1.0),gzip(gfe)";
      case GCLOUD_CI:
        return "google-cloud-sdk gcloud/499.0.0 command/gcloud." + cmd + " invocation-id/" + GenUtil.hex(r, 32)
            + " environment/GCE environment-version/None client-os/LINUX client-os-ver/6.1.0 client-pltf-arch/x86_64"
            + " interactive/False from-script/True python/3.11.2 term/ (Linux 6.1.0-26-cloud-amd64),gzip(gfe)";
      case TF_GOOGLE:
        return "google-api-go-client/0.5 Terraform/1.9.8 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0"
            + " terraform-provider-google/6.12.0,gzip(gfe)";
      case TF_GOOGLE_BETA:
        return "google-api-go-client/0.5 Terraform/1.9.8 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0"
            + " terraform-provider-google-beta/6.12.0,gzip(gfe)";
      case CURL:
        return "curl/8.5.0,gzip(gfe)";
      case CONSOLE:
        return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/130.0.0.0 Safari/537.36,gzip(gfe)";
      default:
        return null;
    }
  }

  private String methodName(Principal p, String method) {
    if (p.tool == Tool.ROBOT || method.endsWith("Internal")) {
      return "google.container.internal.ClusterManagerInternal." + method;
    }
    return "google.container." + p.tool.apiVersion + ".ClusterManager." + method;
  }

  // ------------------------------------------------------------------------------------------------ entry builders

  private Map<String, Object> request(String method, Target t, Object... kv) {
    Map<String, Object> req = o(kv);
    req.put("@type", "type.googleapis.com/google.container.v1alpha1." + method + "Request");
    if (method.equals("ListClusters")) {
      req.put("parent", "projects/" + t.project().id() + "/locations/-");
    } else if (method.equals("CreateNodePool") || method.equals("CreateCluster")) {
      req.put("parent", method.equals("CreateCluster")
          ? "projects/" + t.project().id() + "/locations/" + t.location()
          : "projects/" + t.project().id() + "/locations/" + t.location() + "/clusters/" + t.cluster());
    } else if (!req.containsKey("name")) {
      req.put("name", t.requestName());
    }
    return req;
  }

  private Map<String, Object> authentication(Principal p) {
    if (p == null) {
      return o();
    }
    return o("principalEmail", p.email, "principalSubject", p.subject, "serviceAccountDelegationInfo", p.delegation);
  }

  private List<Object> authorization(Target t, String method, boolean granted) {
    MethodInfo mi = METHODS.get(method);
    Map<String, Object> attrs;
    String resource;
    if (method.equals("ListClusters")) {
      resource = "projects/" + t.project().id();
      attrs = o("name", resource, "service", "cloudresourcemanager.googleapis.com",
          "type", "cloudresourcemanager.googleapis.com/Project");
    } else if (method.equals("GetOperation")) {
      resource = "projects/" + t.project().id() + t.scope();
      attrs = o("name", resource, "service", "container.googleapis.com",
          "type", "container.googleapis.com/Operation");
    } else {
      resource = t.clusterResourceName();
      attrs = o("name", resource, "service", "container.googleapis.com", "type", "container.googleapis.com/Cluster");
    }
    return List.of(o("granted", granted ? Boolean.TRUE : null, "permission", mi.permission(),
        "permissionType", mi.read() ? "ADMIN_READ" : "ADMIN_WRITE", "resource", resource,
        "resourceAttributes", attrs));
  }

  private Map<String, Object> requestMetadata(Principal p, String method, Instant at, String ipOverride) {
    Map<String, Object> rm = o("callerIp", ipOverride != null ? ipOverride : p.ip,
        "callerSuppliedUserAgent", userAgent(p, method), "destinationAttributes", o());
    if (p.tool == Tool.GCLOUD || p.tool == Tool.GCLOUD_BETA || p.tool == Tool.CONSOLE || p.tool == Tool.GCLOUD_CI) {
      rm.put("requestAttributes", o("auth", o(), "time", ts(at)));
    } else {
      rm.put("requestAttributes", o());
    }
    return rm;
  }

  private PlannedLine add(PlannedLine.Kind kind, boolean activity, Instant at, String line, String insertId,
      Instant eventTime) {
    long n = GenUtil.toNanos(at);
    if (n < startNanos || !at.isBefore(end)) {
      throw new IllegalStateException("planned line outside the export range: " + at);
    }
    PlannedLine pl = new PlannedLine(kind, activity, n, line.getBytes(StandardCharsets.UTF_8), insertId,
        eventTime == null ? Long.MIN_VALUE : GenUtil.toNanos(eventTime));
    lines.add(pl);
    if (kind == PlannedLine.Kind.CM) {
      cmLines.add(pl);
    }
    return pl;
  }

  private Map<String, Object> envelope(String insertId, boolean activity, Target t, Instant at, String severity,
      Map<String, Object> payload, Map<String, Object> operation) {
    return o("insertId", insertId,
        "logName", "projects/" + t.project().id() + "/logs/cloudaudit.googleapis.com%2F"
            + (activity ? "activity" : "data_access"),
        "operation", operation,
        "protoPayload", payload,
        "receiveTimestamp", ts(rts(at)),
        "resource", t.resource(),
        "severity", severity,
        "timestamp", ts(at));
  }

  /** The request-bearing entry of an operation (first, or first+last for an immediate one). */
  private PlannedLine firstEntry(Op op, Principal p, Target t, String method, Map<String, Object> req, Instant at,
      boolean immediate, String ipOverride, String prefix) {
    MethodInfo mi = METHODS.get(method);
    String id = newShortId(prefix);
    Map<String, Object> response = o("@type", "type.googleapis.com/google.container.v1alpha1.Operation",
        "name", op.opId, "operationType", mi.opType(),
        "selfLink", t.linkBase() + "/operations/" + op.opId,
        "startTime", ts(at), "status", immediate ? "DONE" : "RUNNING",
        "endTime", immediate ? ts(at.plusMillis(r.nextInt(200, 900))) : null,
        "targetLink", t.linkBase() + "/clusters/" + t.cluster()
            + (t.nodePool() != null ? "/nodePools/" + t.nodePool() : ""));
    Map<String, Object> payload = o("@type", "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo", authentication(p),
        "authorizationInfo", authorization(t, method, true),
        "methodName", methodName(p, method),
        "policyViolationInfo", o("orgPolicyViolationInfo", o()),
        "request", req,
        "requestMetadata", requestMetadata(p, method, at, ipOverride),
        "resourceLocation", o("currentLocations", List.of(t.location())),
        "resourceName", t.resourceName(),
        "response", response,
        "serviceName", "container.googleapis.com");
    Map<String, Object> operation = o("first", true, "id", op.opId, "last", immediate ? Boolean.TRUE : null,
        "producer", "container.googleapis.com");
    String line = json(envelope(id, true, t, at, "NOTICE", payload, operation));
    return add(PlannedLine.Kind.CM, true, at, line, id, at);
  }

  private PlannedLine lastEntry(Op op, Principal p, Target t, String method, Instant at, Integer code, String msg,
      String prefix) {
    String id = newShortId(prefix);
    Map<String, Object> payload = o("@type", "type.googleapis.com/google.cloud.audit.AuditLog",
        "metadata", o("operationType", METHODS.get(method).opType(), "requestID", "0x" + GenUtil.hex(r, 16)),
        "methodName", methodName(p, method),
        "policyViolationInfo", o("orgPolicyViolationInfo", o()),
        "resourceLocation", o("currentLocations", List.of(t.location())),
        "resourceName", t.resourceName(),
        "serviceName", "container.googleapis.com",
        "status", code == null ? o() : o("code", code, "message", msg));
    Map<String, Object> operation = o("id", op.opId, "last", true, "producer", "container.googleapis.com");
    String line = json(envelope(id, true, t, at, code == null ? "NOTICE" : "ERROR", payload, operation));
    return add(PlannedLine.Kind.CM, true, at, line, id, at);
  }

  /** A long-running operation: a first entry and, {@code seconds} later, its last entry. */
  Op lro(Principal p, Target t, String method, Map<String, Object> req, Instant at, long seconds, Integer lastCode,
      String lastMsg) {
    return lro(p, t, method, req, at, seconds, lastCode, lastMsg, null);
  }

  Op lro(Principal p, Target t, String method, Map<String, Object> req, Instant at, long seconds, Integer lastCode,
      String lastMsg, String ipOverride) {
    Op op = new Op();
    op.opId = newOpId(at);
    op.firstAt = at;
    op.lastAt = at.plusSeconds(seconds).plusNanos(r.nextInt(1, 1_000_000_000));
    String prefix = newPrefix();
    op.first = firstEntry(op, p, t, method, req, at, false, ipOverride, prefix);
    op.last = lastEntry(op, p, t, method, op.lastAt, lastCode, lastMsg, prefix);
    return op;
  }

  /** An operation whose first entry is also its last (operation.first and operation.last both true). */
  Op immediate(Principal p, Target t, String method, Map<String, Object> req, Instant at) {
    Op op = new Op();
    op.opId = newOpId(at);
    op.firstAt = at;
    op.lastAt = at;
    op.first = firstEntry(op, p, t, method, req, at, true, null, newPrefix());
    op.last = op.first;
    return op;
  }

  /** A last entry whose first entry is not in the export. */
  Op orphanLast(Principal originalCaller, Target t, String method, Instant at, int code, String msg) {
    Op op = new Op();
    op.opId = newOpId(at.minusSeconds(1260));
    op.lastAt = at;
    op.last = lastEntry(op, originalCaller, t, method, at, code, msg, newPrefix());
    return op;
  }

  /**
   * A synchronous entry (no operation block): reads (code null), denied calls (7/16) and synchronous failures.
   */
  PlannedLine sync(Principal p, Target t, String method, Map<String, Object> req, Instant at, Integer code,
      String msg, boolean withResponse) {
    return sync(p, false, t, method, req, at, code, msg, withResponse);
  }

  /** {@code anonymous}: no principal in authenticationInfo (UNAUTHENTICATED); p still supplies IP and agent. */
  PlannedLine sync(Principal p, boolean anonymous, Target t, String method, Map<String, Object> req, Instant at,
      Integer code, String msg, boolean withResponse) {
    MethodInfo mi = METHODS.get(method);
    boolean denied = code != null && (code == 7 || code == 16);
    String id = newShortId(newPrefix());
    Map<String, Object> payload = o("@type", "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo", authentication(anonymous ? null : p),
        "authorizationInfo", authorization(t, method, !denied),
        "methodName", methodName(p, method),
        "policyViolationInfo", mi.read() ? null : o("orgPolicyViolationInfo", o()),
        "request", req,
        "requestMetadata", requestMetadata(p, method, at, null),
        "resourceLocation", t.cluster().isEmpty() ? null : o("currentLocations", List.of(t.location())),
        "resourceName", method.equals("GetOperation") ? "projects/" + t.project().id() + t.scope() + "/operations/"
            + String.valueOf(req.get("name")).replaceAll(".*/", "") : t.resourceName(),
        "response", withResponse ? o("@type", "type.googleapis.com/google.container.v1alpha1.Operation") : null,
        "serviceName", "container.googleapis.com",
        "status", code == null ? null : o("code", code, "message", msg));
    String severity = code != null ? "ERROR" : mi.read() ? "INFO" : "NOTICE";
    String line = json(envelope(id, !mi.read(), t, at, severity, payload, null));
    return add(PlannedLine.Kind.CM, !mi.read(), at, line, id, at);
  }

  PlannedLine read(Principal p, Target t, String method, Instant at) {
    return sync(p, t, method, request(method, t), at, null, null, false);
  }

  PlannedLine getOperation(Principal p, Op op, Target t, Instant at) {
    Target opTarget = new Target(t.project(), t.location(), "", t.zonal(), null);
    Map<String, Object> req = o("@type", "type.googleapis.com/google.container.v1alpha1.GetOperationRequest",
        "name", "projects/" + t.project().id() + "/locations/" + t.location() + "/operations/" + op.opId);
    return sync(p, opTarget, "GetOperation", req, at, null, null, false);
  }

  PlannedLine denied(Principal p, Target t, String method, Map<String, Object> req, Instant at) {
    String perm = METHODS.get(method).permission();
    String res = method.equals("ListClusters") ? "projects/" + t.project().id() : t.requestName();
    return sync(p, t, method, req, at, 7,
        "Required \"" + perm + "\" permission(s) for \"" + res + "\".", false);
  }

  // ------------------------------------------------------------------------------------------------ bookkeeping

  private void reserve(Fleet.Cluster c, Principal p, Instant at) {
    changes.add(new Change(GenUtil.toNanos(at), c, p));
  }

  /** A random instant in [from, to) two hours from every other change on the cluster or by the principal. */
  private Instant slot(Fleet.Cluster c, Principal p, Instant from, Instant to) {
    long lo = GenUtil.toNanos(from);
    long hi = GenUtil.toNanos(to);
    long clusterGap = Duration.ofHours(2).toNanos();
    long principalGap = Math.max(p.routineGap.toNanos(), Duration.ofMinutes(10).toNanos());
    for (int attempt = 0; attempt < 400; attempt++) {
      long t = r.nextLong(lo, hi);
      boolean ok = true;
      for (Change ch : changes) {
        long gap = Math.abs(ch.at - t);
        if ((ch.cluster == c && gap < clusterGap) || (ch.principal == p && gap < principalGap)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        return GenUtil.ofNanos(t);
      }
    }
    return null;
  }

  private static Map<String, Object> labelsWith(Fleet.Cluster c, String key, String value) {
    Map<String, Object> labels = new TreeMap<>(c.labels);
    labels.put(key, value);
    return labels;
  }

  private Map<String, Object> setLabels(Fleet.Cluster c, String key, String value) {
    return request("SetLabels", Target.of(c), "resourceLabels", labelsWith(c, key, value),
        "labelFingerprint", GenUtil.hex(r, 8));
  }

  private Map<String, Object> updateCluster(Fleet.Cluster c, Map<String, Object> update) {
    return request("UpdateCluster", Target.of(c), "update", update);
  }

  /** Harmless UpdateCluster payloads: none touches a control the posture rule watches. */
  private Map<String, Object> harmlessUpdate(Fleet.Cluster c) {
    switch (r.nextInt(6)) {
      case 0:
        return o("desiredNodeVersion", c.nodeVersion, "desiredNodePoolId", c.nodePools.get(0));
      case 1:
        return o("desiredReleaseChannel", o("channel", c.channel));
      case 2:
        return o("desiredVerticalPodAutoscaling", o("enabled", true));
      case 3:
        return o("desiredCostManagementConfig", o("enabled", true));
      case 4:
        return o("desiredNotificationConfig", o("pubsub", o("enabled", true,
            "topic", "projects/" + c.project.id() + "/topics/gke-cluster-notifications")));
      default:
        return o("desiredGcfsConfig", o("enabled", true));
    }
  }

  /** Routine changes planned so far, by principal. */
  private final Map<Principal, Integer> routineCount = new HashMap<>();

  private void routineChange(Fleet.Cluster c, Principal p, Instant at) {
    reserve(c, p, at);
    Target t = Target.of(c);
    // A principal's first two routine changes use both routine methods, so neither is ever a rare-method later
    // (docs/behavioural-rules.md: new once five changes are in the lookback); after that the mix is random.
    int n = routineCount.merge(p, 1, Integer::sum);
    boolean labels = r.nextInt(3) == 0;
    if (n <= 2) {
      labels = n == 2;
    }
    if (labels) {
      Map<String, Object> req = setLabels(c, "last-applied", "tf-" + GenUtil.hex(r, 7));
      if (r.nextBoolean()) {
        immediate(p, t, "SetLabels", req, at);
      } else {
        lro(p, t, "SetLabels", req, at, r.nextInt(3, 12), null, null);
      }
      return;
    }
    lro(p, t, "UpdateCluster", updateCluster(c, harmlessUpdate(c)), at, r.nextInt(40, 420), null, null);
  }

  private String sev(String base, boolean escalate) {
    if (!escalate) {
      return base;
    }
    switch (base) {
      case "LOW": return "MEDIUM";
      case "MEDIUM": return "HIGH";
      default: return "CRITICAL";
    }
  }

  private Map<String, Object> finding(String rule, String base, Fleet.Cluster c, boolean principalKeyed,
      List<Fleet.Cluster> involved, String principal, String method, Instant eventTime, List<String> evidence,
      String primary, String note) {
    boolean escalate = principalKeyed ? involved.stream().anyMatch(Fleet.Cluster::escalates) : c.escalates();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("rule_id", rule);
    f.put("severity", sev(base, escalate));
    f.put("base_severity", base);
    f.put("event_time", ts(eventTime));
    f.put("project_id", principalKeyed ? null : c.project.id());
    f.put("location", principalKeyed ? null : c.location);
    f.put("cluster_name", principalKeyed ? null : c.name);
    f.put("principal", principal);
    f.put("method", method);
    f.put("evidence_insert_ids", evidence);
    f.put("primary_insert_id", primary);
    f.put("requires", null);
    f.put("details", null);
    f.put("note", note);
    return f;
  }

  private void incident(String id, String note, List<Map<String, Object>> findings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("incident", id);
    m.put("note", note);
    m.put("findings", findings);
    incidents.add(m);
  }

  private void control(String id, String why, List<String> insertIds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("control", id);
    m.put("why_no_finding", why);
    m.put("insert_ids", insertIds);
    negativeControls.add(m);
  }

  private void note(PlannedLine pl, String what) {
    pl.note = what;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("what", what);
    m.put("insert_id", pl.insertId);
    m.put("log", pl.activity ? "activity" : "data_access");
    m.put("timestamp", ts(GenUtil.ofNanos(pl.eventNanos)));
    transport.add(m);
  }

  // ------------------------------------------------------------------------------------------------ the story

  void build() {
    Fleet.Cluster core = fleet.prodCore;
    Fleet.Cluster pay = fleet.prodPayments;
    Fleet.Cluster edge = fleet.prodEdge;
    Fleet.Cluster sApps = fleet.stagingApps;
    Fleet.Cluster sData = fleet.stagingData;
    Fleet.Cluster devC = fleet.devSandbox;
    Map<Fleet.Cluster, Principal> terraform = new LinkedHashMap<>();
    terraform.put(core, tfProd);
    terraform.put(pay, tfProd);
    terraform.put(edge, tfProd);
    terraform.put(sApps, tfStaging);
    terraform.put(sData, tfStaging);
    terraform.put(devC, tfDev);

    int d7 = 7;
    int d8 = 8;
    int d9 = 9;
    int lastDay = days - 1;
    Set<DayOfWeek> weekdays = Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
        DayOfWeek.FRIDAY);
    int sat = firstDay(0, 6, Set.of(DayOfWeek.SATURDAY));
    int sun = firstDay(0, 6, Set.of(DayOfWeek.SUNDAY));
    int owDay = weekdays.contains(dow(d8)) ? d8 : weekdays.contains(dow(d7)) ? d7 : d9;

    // ---------------------------------------------------------------- day 0: baseline origin and establishment
    // terraform plan/apply per project: GetCluster (the first ClusterManager entry of every cluster) then SetLabels.
    int minute = 5;
    for (Fleet.Cluster c : fleet.clusters) {
      Principal tf = terraform.get(c);
      Instant readAt = at(0, 0, minute);
      read(tf, Target.of(c), "GetCluster", readAt);
      Instant changeAt = readAt.plusSeconds(r.nextInt(20, 90));
      reserve(c, tf, changeAt);
      Op op = lro(tf, Target.of(c), "SetLabels", setLabels(c, "managed-by", "terraform"), changeAt,
          r.nextInt(3, 10), null, null);
      if (c == fleet.prodEdge) {
        op.first.dup = PlannedLine.DUP_SAME_FILE;
        note(op.first, "duplicate: the same line twice in one S0 file");
      }
      minute += 6;
    }
    // an LRO whose last entry lands in the next hour's file
    {
      Instant t0 = start.plusSeconds(58 * 60 + 40).plusNanos(r.nextInt(1, 1_000_000_000));
      reserve(devC, tfDev, t0);
      Op op = lro(tfDev, Target.of(devC), "UpdateCluster", updateCluster(devC,
          o("desiredVerticalPodAutoscaling", o("enabled", true))), t0, 170, null, null);
      note(op.last, "LRO last entry in the next hour's file (first entry in hour 00)");
    }

    // humans establish themselves on their clusters (before any cluster has 7 days of history)
    explicitChange(alice, core, at(0, 10, 15), "SetLabels", setLabels(core, "oncall", "platform-primary"));
    explicitChange(bob, core, at(0, 14, 10), "SetLabels", setLabels(core, "cost-center", "cc-1001"));
    explicitChange(alice, pay, at(1, 9, 40), "UpdateCluster", updateCluster(pay,
        o("desiredNotificationConfig", o("pubsub", o("enabled", true,
            "topic", "projects/" + pay.project.id() + "/topics/gke-cluster-notifications")))));
    explicitChange(bob, edge, at(1, 15, 30), "SetLabels", setLabels(edge, "cost-center", "cc-1007"));
    explicitChange(bob, sApps, at(1, 17, 5), "SetLabels", setLabels(sApps, "cost-center", "cc-2002"));
    explicitChange(alice, sData, at(2, 11, 5), "SetLabels", setLabels(sData, "oncall", "data-secondary"));
    explicitChange(bob, sData, at(2, 13, 20), "UpdateCluster", updateCluster(sData,
        o("desiredVerticalPodAutoscaling", o("enabled", true))));
    explicitChange(bob, devC, at(3, 10, 0), "SetLabels", setLabels(devC, "cost-center", "cc-3003"));
    explicitChange(bob, pay, at(3, 16, 0), "SetLabels", setLabels(pay, "cost-center", "cc-1002"));

    // ---------------------------------------------------------------- routine window-bound USER operations
    // prod-payments (daily 03:00-07:00): upgrade inside the window, gcloud polling GetOperation.
    int payUpgradeDay = 3;
    {
      Instant t0 = at(payUpgradeDay, 3, 40);
      versionUp(pay, "1.30.6-gke.1125000");
      reserve(pay, alice, t0);
      read(alice, Target.of(pay), "GetCluster", t0.minusSeconds(35));
      Op op = lro(alice, Target.of(pay), "UpdateMaster", request("UpdateMaster", Target.of(pay),
          "masterVersion", "1.30.6-gke.1125000"), t0, 17 * 60 + r.nextInt(0, 120), null, null);
      getOperation(alice, op, Target.of(pay), t0.plusSeconds(30));
      check(pay.maintenance.allows(op.firstAt), "routine pay upgrade inside window");
    }
    // prod-core (weekend 01:00-07:00): Saturday upgrade whose last entry crosses the hour, Sunday IP rotation.
    {
      Instant t0 = start.plus(Duration.ofDays(sat)).plusSeconds(3600 + 52 * 60 + r.nextInt(0, 60))
          .plusNanos(r.nextInt(1, 1_000_000_000));
      versionUp(core, "1.30.6-gke.1125000");
      reserve(core, alice, t0);
      Op op = lro(alice, Target.of(core), "UpdateMaster", request("UpdateMaster", Target.of(core),
          "masterVersion", "1.30.6-gke.1125000"), t0, 21 * 60 + r.nextInt(0, 90), null, null);
      getOperation(alice, op, Target.of(core), t0.plusSeconds(45));
      op.first.dup = PlannedLine.DUP_LATE_SHARD;
      note(op.first, "duplicate: a copy of this line also in the hour's A0 shard");
      note(op.last, "LRO last entry in the next hour's file");
      check(core.maintenance.allows(op.firstAt), "routine core upgrade inside window");
      Instant s0 = at(sun, 2, 30);
      reserve(core, alice, s0);
      Op start1 = lro(alice, Target.of(core), "StartIPRotation", request("StartIPRotation", Target.of(core)), s0,
          6 * 60 + r.nextInt(0, 120), null, null);
      Instant c0 = at(sun, 5, 10);
      reserve(core, alice, c0);
      Op done1 = lro(alice, Target.of(core), "CompleteIPRotation", request("CompleteIPRotation", Target.of(core)),
          c0, 4 * 60 + r.nextInt(0, 60), null, null);
      check(core.maintenance.allows(s0) && core.maintenance.allows(c0), "routine rotation inside window");
      control("routine-ip-rotation", "IP rotation on prod-core started and completed inside the weekend window "
          + "within a few hours", List.of(start1.first.insertId, done1.first.insertId));
    }

    // ---------------------------------------------------------------- Google-initiated operations
    googleNodeUpgrade(core, "default-pool", start.plus(Duration.ofDays(sat)).plusSeconds(3 * 3600 + 600), null);
    googleNodeUpgrade(sApps, "default-pool", at(Math.min(sat, sun) + 1, 0, 30), null);
    googleNodeUpgrade(sData, "highmem-pool", at(3, 2, 0), null);
    googleNodeUpgrade(devC, "default-pool", at(5, 9, 0), null);
    {
      // Google's own master upgrade on a weekday outside prod-edge's window by a never-seen principal
      Principal robot = robot(edge.project);
      Instant t0 = at(d8, 11, 40);
      Map<String, Object> req = request("UpdateClusterInternal", Target.of(edge),
          "update", o("desiredMasterVersion", "1.30.6-gke.1125000"));
      Op op = lro(robot, Target.of(edge), "UpdateClusterInternal", req, t0, 25 * 60, null, null);
      control("google-master-upgrade", "ClusterManagerInternal on prod-edge by the container-engine-robot: "
          + "GOOGLE-initiated entries never trigger a rule (window, new-principal, version)",
          List.of(op.first.insertId, op.last.insertId));
    }

    // ---------------------------------------------------------------- node pools, clusters, sync failures
    {
      Instant t0 = at(2, 9, 20);
      Target np = Target.pool(sData, "batch-pool");
      read(tfStaging, Target.of(sData), "GetCluster", t0.minusSeconds(40));
      Map<String, Object> req = request("CreateNodePool", np, "nodePool", o("config", o("machineType",
          "e2-standard-8", "oauthScopes", List.of("https://www.googleapis.com/auth/cloud-platform"),
          "loggingConfig", o()), "initialNodeCount", 2, "locations", List.of("europe-west1-b"),
          "management", o("autoRepair", true, "autoUpgrade", true), "name", "batch-pool", "networkConfig", o(),
          "upgradeSettings", o("maxSurge", 1, "strategy", "SURGE"), "version", sData.nodeVersion));
      lro(tfStaging, np, "CreateNodePool", req, t0, 95, null, null);
    }
    {
      Instant t0 = at(4, 11, 15);
      Target np = Target.pool(sApps, "spot-pool");
      lro(bob, np, "SetNodePoolSize", request("SetNodePoolSize", np, "nodeCount", 5), t0, 70, null, null);
    }
    {
      Instant t0 = at(5, 8, 45);
      Target np = Target.pool(core, "gpu-pool");
      Map<String, Object> req = request("CreateNodePool", np, "nodePool", o("config", o("machineType",
          "a2-highgpu-1g", "accelerators", List.of(o("acceleratorCount", "1", "acceleratorType", "nvidia-tesla-a100")),
          "oauthScopes", List.of("https://www.googleapis.com/auth/cloud-platform")), "initialNodeCount", 1,
          "name", "gpu-pool", "version", core.nodeVersion));
      Op op = lro(tfProd, np, "CreateNodePool", req, t0, 140, 8,
          "Insufficient regional quota to satisfy request: resource \"NVIDIA_A100_GPUS\": request requires '1.0' "
              + "and is short '1.0'. project has a quota of '0.0' with '0.0' available.");
      control("nodepool-create-failed", "CreateNodePool failure: node-pool methods are not change methods, so no "
          + "operation-failed", List.of(op.first.insertId, op.last.insertId));
    }
    {
      Instant t0 = at(6, 15, 20);
      Target np = Target.pool(sApps, "default-pool");
      PlannedLine pl = sync(bob, np, "SetNodePoolSize", request("SetNodePoolSize", np, "nodeCount", 250), t0, 3,
          "Node count 250 exceeds the node pool's maximum of 100 nodes per zone.", true);
      control("nodepool-sync-failure", "synchronous SetNodePoolSize failure (code 3): not a change method",
          List.of(pl.insertId));
    }
    {
      Fleet.Project p = fleet.dev;
      Target t = new Target(p, "us-central1-a", "dev-sandbox-2", true, null);
      Instant t0 = at(3, 13, 30);
      Map<String, Object> req = request("CreateCluster", t, "cluster", o("initialClusterVersion", "1.28.3",
          "name", "dev-sandbox-2", "network", "projects/" + p.id() + "/global/networks/vpc-main",
          "releaseChannel", o(), "legacyAbac", o(), "masterAuthorizedNetworksConfig", o(), "shieldedNodes", o(),
          "maintenancePolicy", o("window", o())));
      PlannedLine pl = sync(tfDev, t, "CreateCluster", req, t0, 3,
          "No valid versions with the prefix \"1.28.3\" found.", true);
      PlannedLine nf = sync(tfDev, t, "GetCluster", request("GetCluster", t), t0.plusSeconds(64), 5,
          "Not found: projects/" + p.id() + "/locations/us-central1-a/clusters/dev-sandbox-2.", false);
      control("create-cluster-sync-failure", "synchronous CreateCluster failure (code 3) and a NOT_FOUND read: "
          + "CreateCluster is not a change method and reads never fire", List.of(pl.insertId, nf.insertId));
    }
    {
      Fleet.Project p = fleet.dev;
      Target t = new Target(p, "us-central1-a", "dev-ephemeral-pr-1432", true, null);
      Instant c0 = at(4, 10, 0);
      Map<String, Object> req = request("CreateCluster", t, "cluster", o("initialClusterVersion", "1.31.1-gke.1678000",
          "name", "dev-ephemeral-pr-1432", "network", "projects/" + p.id() + "/global/networks/vpc-main",
          "releaseChannel", o("channel", "RAPID"), "shieldedNodes", o("enabled", true),
          "workloadIdentityConfig", o("workloadPool", p.id() + ".svc.id.goog")));
      Op create = lro(tfDev, t, "CreateCluster", req, c0, 6 * 60 + 12, null, null);
      Op delete = lro(tfDev, t, "DeleteCluster", request("DeleteCluster", t), at(4, 15, 30), 4 * 60 + 3, null, null);
      control("ephemeral-cluster", "CreateCluster/DeleteCluster of a short-lived cluster that has no metadata",
          List.of(create.first.insertId, delete.first.insertId));
    }
    {
      // UpdateMaster "-" (default version) by automation on a cluster without a window
      Instant t0 = at(5, 10, 20);
      reserve(sData, tfStaging, t0);
      Op op = lro(tfStaging, Target.of(sData), "UpdateMaster", request("UpdateMaster", Target.of(sData),
          "masterVersion", "-"), t0, 14 * 60, null, null);
      control("update-master-default-version", "masterVersion \"-\" never matches version-downgrade",
          List.of(op.first.insertId));
    }

    // ---------------------------------------------------------------- routine denied calls (<= 2 per hour each)
    {
      PlannedLine a = denied(carol, Target.of(pay), "GetCluster", request("GetCluster", Target.of(pay)), at(2, 9, 12));
      PlannedLine b = denied(carol, Target.of(pay), "GetCluster", request("GetCluster", Target.of(pay)),
          at(6, 16, 40));
      Instant i0 = at(4, 14, 5);
      PlannedLine c = denied(intern, Target.projectList(fleet.prod), "ListClusters",
          request("ListClusters", Target.projectList(fleet.prod)), i0);
      PlannedLine d = denied(intern, Target.projectList(fleet.prod), "ListClusters",
          request("ListClusters", Target.projectList(fleet.prod)), i0.plusSeconds(9));
      Instant u0 = at(5, 7, 50);
      PlannedLine e = sync(alice, true, Target.of(devC), "GetCluster", request("GetCluster", Target.of(devC)), u0,
          16, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
              + "valid authentication credential.", false);
      control("routine-denied", "isolated denied calls (at most 2 per principal per hour, one UNAUTHENTICATED "
          + "without a principal)", List.of(a.insertId, b.insertId, c.insertId, d.insertId, e.insertId));
    }

    // ---------------------------------------------------------------- incidents

    // 1. ip-rotation-stalled: started day 7, completed 30 h later
    {
      Instant s0 = at(d7, 6, 10);
      reserve(sData, alice, s0);
      Op st = lro(alice, Target.of(sData), "StartIPRotation", request("StartIPRotation", Target.of(sData)), s0,
          7 * 60 + r.nextInt(0, 90), null, null);
      getOperation(alice, st, Target.of(sData), s0.plusSeconds(40));
      Instant c0 = at(d8, 12, 30);
      reserve(sData, alice, c0);
      Op done = lro(alice, Target.of(sData), "CompleteIPRotation", request("CompleteIPRotation", Target.of(sData)),
          c0, 5 * 60, null, null);
      Map<String, Object> f = finding("ip-rotation-stalled", "MEDIUM", sData, false, null, alice.email,
          "StartIPRotation", s0.plus(Duration.ofHours(24)), List.of(st.first.insertId), st.first.insertId,
          "IP rotation started by alice on staging-data, completed only after 30 h; event_time = start + 24 h");
      incident("ip-rotation-stalled", "StartIPRotation (IP only) completed " + ts(c0) + ", after the 24 h limit; "
          + "the late CompleteIPRotation " + done.first.insertId + " does not cancel the finding", List.of(f));
    }
    // 2. credential-rotation-stalled: never completed
    {
      Instant s0 = at(d7, 9, 0);
      reserve(devC, bob, s0);
      Op st = lro(bob, Target.of(devC), "StartIPRotation", request("StartIPRotation", Target.of(devC),
          "rotateCredentials", true), s0, 9 * 60, null, null);
      Map<String, Object> f = finding("credential-rotation-stalled", "HIGH", devC, false, null, bob.email,
          "StartIPRotation", s0.plus(Duration.ofHours(24)), List.of(st.first.insertId), st.first.insertId,
          "credential rotation (rotateCredentials: true) on dev-sandbox never completed; cluster has no metadata");
      incident("credential-rotation-stalled", "StartIPRotation with rotateCredentials=true, no CompleteIPRotation",
          List.of(f));
    }
    // 3. permission-denied-burst: 6 denied calls in 17 minutes by a staging CI account probing prod
    {
      Instant b0 = at(d7, 10, 0);
      List<String> ids = new ArrayList<>();
      Target list = Target.projectList(fleet.prod);
      ids.add(denied(ciDeployer, list, "ListClusters", request("ListClusters", list), b0).insertId);
      ids.add(denied(ciDeployer, Target.of(core), "GetCluster", request("GetCluster", Target.of(core)),
          b0.plusSeconds(185)).insertId);
      ids.add(denied(ciDeployer, Target.of(pay), "GetCluster", request("GetCluster", Target.of(pay)),
          b0.plusSeconds(371)).insertId);
      ids.add(denied(ciDeployer, Target.of(core), "UpdateCluster", updateCluster(core,
          o("desiredMasterAuthorizedNetworksConfig", o("enabled", true, "cidrBlocks",
              List.of(o("cidrBlock", "0.0.0.0/0", "displayName", "all")))))
          , b0.plusSeconds(548)).insertId);
      Instant fifth = b0.plusSeconds(731).plusNanos(r.nextInt(1, 1_000_000_000));
      ids.add(denied(ciDeployer, Target.of(pay), "SetLabels", setLabels(pay, "owner", "ci"), fifth).insertId);
      String sixth = denied(ciDeployer, Target.of(edge), "GetCluster", request("GetCluster", Target.of(edge)),
          b0.plusSeconds(1004)).insertId;
      Map<String, Object> f = finding("permission-denied-burst", "MEDIUM", null, true, List.of(core, pay),
          ciDeployer.email, "SetLabels", fifth, List.copyOf(ids), ids.get(4),
          "5th denied call (code 7) within 13 min completes the burst; the 6th (" + sixth + ") belongs to the same "
              + "burst; prod clusters involved -> HIGH");
      Map<String, Object> details = lo("denied_calls_in_burst", 5, "clusters", List.of(core.key(), pay.key()));
      f.put("details", details);
      incident("permission-denied-burst", "ci-deployer@ (staging CI) probes the prod project: ListClusters, "
          + "GetCluster, UpdateCluster opening 0.0.0.0/0 (denied, so no posture finding), SetLabels", List.of(f));
    }
    // 3b. denied-then-changed: 28 minutes after its burst, the CI account's change succeeds
    {
      Instant t0 = at(d7, 10, 40);
      reserve(sApps, ciDeployer, t0);
      Op op = lro(ciDeployer, Target.of(sApps), "SetLabels", setLabels(sApps, "owner", "ci"), t0, 7, null, null);
      Map<String, Object> f = finding("denied-then-changed", "HIGH", sApps, false, null, ciDeployer.email,
          "SetLabels", t0, List.of(op.first.insertId), op.first.insertId,
          "first successful change within 60 min after the permission-denied-burst finding (its finding_id in "
              + "details.burst_finding_id)");
      // staging-apps has its 7 days of history and ci-deployer never changed it: new-principal too.
      Map<String, Object> np = finding("new-principal", "MEDIUM", sApps, false, null, ciDeployer.email, "SetLabels",
          t0, List.of(op.first.insertId), op.first.insertId, "first change on staging-apps by ci-deployer");
      incident("denied-then-changed", "ci-deployer@ succeeds on staging-apps 28 minutes after probing prod",
          List.of(f, np));
    }
    // 4. change-burst: terraform applies five changes on prod-payments in 41 minutes
    {
      Instant b0 = at(d7, 14, 0);
      read(tfProd, Target.of(pay), "GetCluster", b0.minusSeconds(50));
      List<String> ids = new ArrayList<>();
      int[] offsets = {0, 9 * 60, 18 * 60, 27 * 60, 41 * 60};
      List<Map<String, Object>> updates = List.of(
          o("desiredVerticalPodAutoscaling", o("enabled", true)),
          o("desiredCostManagementConfig", o("enabled", true)),
          o("desiredGcfsConfig", o("enabled", true)),
          o("desiredNodeVersion", pay.nodeVersion, "desiredNodePoolId", "pci-pool"),
          o("desiredReleaseChannel", o("channel", pay.channel)));
      Instant fourth = null;
      for (int i = 0; i < offsets.length; i++) {
        Instant t = b0.plusSeconds(offsets[i] + r.nextInt(0, 20));
        reserve(pay, tfProd, t);
        Op op = i == 1 ? immediate(tfProd, Target.of(pay), "SetLabels", setLabels(pay, "change-ticket", "chg-48213"),
            t) : lro(tfProd, Target.of(pay), "UpdateCluster", updateCluster(pay, updates.get(i)), t,
            60 + r.nextInt(0, 200), null, null);
        ids.add(op.first.insertId);
        if (i == 3) {
          fourth = t;
        }
      }
      Map<String, Object> f = finding("change-burst", "MEDIUM", pay, false, null, tfProd.email, "UpdateCluster",
          fourth, List.copyOf(ids.subList(0, 4)), ids.get(3),
          "4th successful change within 60 min on prod-payments; the 5th (" + ids.get(4) + ") extends the same burst");
      incident("change-burst", "terraform (established) applies five changes on prod-payments within 41 min",
          List.of(f));
    }
    // 5. multi-cluster-change: bob labels five clusters in 24 minutes
    {
      Instant b0 = at(d7, 16, 0);
      List<Fleet.Cluster> targets = List.of(core, edge, sApps, sData, devC);
      int[] offsets = {0, 5 * 60, 11 * 60, 17 * 60, 24 * 60};
      List<String> ids = new ArrayList<>();
      Instant fifth = null;
      for (int i = 0; i < targets.size(); i++) {
        Fleet.Cluster c = targets.get(i);
        Instant t = b0.plusSeconds(offsets[i] + r.nextInt(0, 20));
        reserve(c, bob, t);
        Op op = lro(bob, Target.of(c), "SetLabels", setLabels(c, "data-classification", "internal"), t,
            r.nextInt(3, 12), null, null);
        ids.add(op.first.insertId);
        fifth = t;
      }
      Map<String, Object> f = finding("multi-cluster-change", "HIGH", null, true, targets, bob.email, "SetLabels",
          fifth, ids, ids.get(4), "bob changes 5 distinct clusters within 24 min; prod clusters involved -> CRITICAL");
      f.put("details", lo("clusters", targets.stream().map(Fleet.Cluster::key).toList()));
      incident("multi-cluster-change", "one established principal (bob) changes five clusters in 24 minutes",
          List.of(f));
    }
    // 6a. operation-failed: UpdateMaster inside the daily window ends with code 13
    {
      Instant t0 = at(d8, 4, 20);
      versionUp(pay, "1.30.6-gke.1596000");
      reserve(pay, alice, t0);
      Op op = lro(alice, Target.of(pay), "UpdateMaster", request("UpdateMaster", Target.of(pay),
          "masterVersion", "1.30.6-gke.1596000"), t0, 31 * 60 + r.nextInt(0, 120), 13,
          "Internal error: the control plane upgrade did not complete; the cluster was rolled back to its previous "
              + "version. Retry the operation.");
      getOperation(alice, op, Target.of(pay), t0.plusSeconds(60));
      check(pay.maintenance.allows(t0), "failed upgrade inside window");
      Map<String, Object> f = finding("operation-failed", "MEDIUM", pay, false, null, alice.email, "UpdateMaster",
          op.lastAt, List.of(op.first.insertId, op.last.insertId), op.last.insertId,
          "UpdateMaster by alice (inside the daily window) whose last entry has status code 13");
      incident("operation-failed-upgrade", "alice's prod-payments upgrade fails (code 13) 31 min after it started",
          List.of(f));
    }
    // 6b. operation-failed: orphan last entry (first absent from the export), code 3
    {
      Instant t0 = at(d8, 13, 15);
      Op op = orphanLast(tfStaging, Target.of(sApps), "UpdateCluster", t0, 3,
          "Cluster is running incompatible operation operation-" + (t0.toEpochMilli() - 2_400_000L) + "-"
              + GenUtil.uuid(r) + ".");
      Map<String, Object> f = finding("operation-failed", "MEDIUM", sApps, false, null, null, "UpdateCluster", t0,
          List.of(op.last.insertId), op.last.insertId,
          "orphan last entry (its first is not in the export): principal null");
      incident("operation-failed-orphan", "an UpdateCluster last entry with code 3 whose first entry is absent",
          List.of(f));
    }
    // 6c. negative control: Google-initiated node upgrade fails
    {
      Op op = googleNodeUpgrade(edge, "default-pool", at(d8, 15, 0), 13);
      control("google-operation-failed", "ClusterManagerInternal.UpdateClusterInternal by the container-engine-"
          + "robot ends with code 13: Google-initiated operations never produce operation-failed",
          List.of(op.first.insertId, op.last.insertId));
    }
    // 7. new-principal: an unknown contractor labels a prod cluster after the baseline
    {
      Instant t0 = at(d8, 11, 0);
      read(eve, Target.projectList(fleet.prod), "ListClusters", t0.minusSeconds(140));
      read(eve, Target.of(core), "GetCluster", t0.minusSeconds(75));
      reserve(core, eve, t0);
      Op op = lro(eve, Target.of(core), "SetLabels", setLabels(core, "team", "growth-experiments"), t0, 6, null,
          null);
      Map<String, Object> f = finding("new-principal", "MEDIUM", core, false, null, eve.email, "SetLabels", t0,
          List.of(op.first.insertId), op.first.insertId,
          "eve has no successful change on prod-core in the previous 30 days; prod -> HIGH");
      incident("new-principal", "a never-seen contractor changes labels on prod-core after the 7-day baseline",
          List.of(f));
    }
    // negative control: a new principal on a node-pool method
    {
      Instant t0 = at(d8, 20, 10);
      Target np = Target.pool(core, "default-pool");
      Op op = lro(oncallBot, np, "SetNodePoolSize", request("SetNodePoolSize", np, "nodeCount", 6), t0, 80, null,
          null);
      control("new-principal-nodepool", "a never-seen principal resizes a node pool after the baseline: node-pool "
          + "methods are not change methods", List.of(op.first.insertId));
    }
    // 8. outside-maintenance-window: USER upgrade on a weekday, prod-core's window is weekends 01:00-07:00
    {
      Instant t0 = at(owDay, 17, 30);
      versionUp(core, "1.31.1-gke.1678000");
      reserve(core, alice, t0);
      read(alice, Target.of(core), "GetCluster", t0.minusSeconds(30));
      Op op = lro(alice, Target.of(core), "UpdateMaster", request("UpdateMaster", Target.of(core),
          "masterVersion", "1.31.1-gke.1678000"), t0, 24 * 60, null, null);
      getOperation(alice, op, Target.of(core), t0.plusSeconds(50));
      check(!core.maintenance.allows(t0), "outside window");
      Map<String, Object> f = finding("outside-maintenance-window", "LOW", core, false, null, alice.email,
          "UpdateMaster", t0, List.of(op.first.insertId), op.first.insertId,
          "USER UpdateMaster on " + dow(owDay) + " outside the SA,SU 01:00-07:00 recurring window; prod -> MEDIUM");
      incident("outside-maintenance-window", "alice upgrades prod-core (1.30.6 -> 1.31.1) on a weekday",
          List.of(f));
    }
    // 9. IP rotation started in the last 24 h of the data: its deadline is after the end of input
    {
      Instant s0 = at(lastDay, 4, 10);
      reserve(pay, alice, s0);
      Op st = lro(alice, Target.of(pay), "StartIPRotation", request("StartIPRotation", Target.of(pay)), s0, 8 * 60,
          null, null);
      check(pay.maintenance.allows(s0), "late rotation inside window");
      control("rotation-open-at-end", "StartIPRotation less than 24 h before the last event: deadline after the "
          + "end of input, not reported (SPEC end-of-input rule)", List.of(st.first.insertId));
    }
    // 10. version-downgrade by an established automation account
    {
      Instant t0 = at(d9, 10, 0);
      reserve(sApps, tfStaging, t0);
      Op op = lro(tfStaging, Target.of(sApps), "UpdateMaster", request("UpdateMaster", Target.of(sApps),
          "masterVersion", "1.29"), t0, 19 * 60, null, null);
      Map<String, Object> f = finding("version-downgrade", "HIGH", sApps, false, null, tfStaging.email,
          "UpdateMaster", t0, List.of(op.first.insertId), op.first.insertId,
          "masterVersion 1.29 below current 1.30.4-gke.1348000 (minor 29 < 30)");
      f.put("details", lo("requested_version", "1.29", "current_version", sApps.masterVersion));
      incident("version-downgrade", "terraform@acme-staging-apps sets staging-apps' master to 1.29", List.of(f));
    }
    // 11a. posture-weakened: legacy ABAC enabled
    {
      Instant t0 = at(d9, 11, 30);
      reserve(sApps, bob, t0);
      Principal bobGcloud = new Principal(bob.email, bob.subject, bob.ip, Tool.GCLOUD_BETA, null, bob.routineGap);
      Op op = lro(bobGcloud, Target.of(sApps), "SetLegacyAbac", request("SetLegacyAbac", Target.of(sApps),
          "enabled", true), t0, 45, null, null);
      Map<String, Object> f = finding("posture-weakened", "HIGH", sApps, false, null, bob.email, "SetLegacyAbac", t0,
          List.of(op.first.insertId), op.first.insertId, "SetLegacyAbac enabled: true (gcloud beta, v1beta1)");
      f.put("details", lo("control", "legacy_abac"));
      // Bob (established since day 0, well over five changes in the lookback) never called SetLegacyAbac before.
      Map<String, Object> rare = finding("rare-method", "HIGH", sApps, false, null, bob.email, "SetLegacyAbac", t0,
          List.of(op.first.insertId), op.first.insertId, "first SetLegacyAbac by bob in 30 days, after >= 5 changes");
      rare.put("details", lo("method", "SetLegacyAbac"));
      // Bob works in the console; this call is his first with gcloud (beta): unusual-client (a user: MEDIUM).
      Map<String, Object> client = finding("unusual-client", "MEDIUM", sApps, false, null, bob.email,
          "SetLegacyAbac", t0, List.of(op.first.insertId), op.first.insertId, "first gcloud call by bob in 30 days");
      incident("posture-legacy-abac", "bob enables legacy ABAC on staging-apps", List.of(f, rare, client));
    }
    // 11b. posture-weakened: authorized networks opened to 0.0.0.0/0
    {
      Instant t0 = at(d9, 13, 0);
      reserve(edge, tfProd, t0);
      Op op = lro(tfProd, Target.of(edge), "UpdateCluster", updateCluster(edge,
          o("desiredMasterAuthorizedNetworksConfig", o("enabled", true, "cidrBlocks", List.of(
              o("cidrBlock", "203.0.113.0/24", "displayName", "corp-office"),
              o("cidrBlock", "0.0.0.0/0", "displayName", "temp-debug-access"))))), t0, 150, null, null);
      Map<String, Object> f = finding("posture-weakened", "HIGH", edge, false, null, tfProd.email, "UpdateCluster",
          t0, List.of(op.first.insertId), op.first.insertId,
          "desiredMasterAuthorizedNetworksConfig with a 0.0.0.0/0 block; prod -> CRITICAL");
      f.put("details", lo("control", "authorized_networks"));
      incident("posture-authorized-networks", "terraform opens prod-edge's control plane to 0.0.0.0/0", List.of(f));
    }
    // 11c. SetMasterAuth with a password by a never-seen (impersonated) service account
    {
      Instant t0 = at(d9, 14, 30);
      reserve(sData, breakGlass, t0);
      Op op = lro(breakGlass, Target.of(sData), "SetMasterAuth", request("SetMasterAuth", Target.of(sData),
          "action", "SET_PASSWORD", "update", o("username", "admin", "password", SECRET)), t0, 55, null, null);
      Map<String, Object> np = finding("new-principal", "HIGH", sData, false, null, breakGlass.email,
          "SetMasterAuth", t0, List.of(op.first.insertId), op.first.insertId,
          "first change by break-glass@ on staging-data (impersonated by mallory@example.net: delegation is detail, "
              + "not the principal); SetMasterAuth base HIGH");
      Map<String, Object> pw = finding("posture-weakened", "HIGH", sData, false, null, breakGlass.email,
          "SetMasterAuth", t0, List.of(op.first.insertId), op.first.insertId,
          "SetMasterAuth SET_PASSWORD sets basic-auth credentials; the password must never be copied");
      pw.put("details", lo("control", "basic_auth"));
      incident("set-master-auth", "basic-auth password set on staging-data through an impersonated break-glass "
          + "account; only its request line carries the secret (see secret.insert_id)", List.of(np, pw));
      secretInsertId = op.first.insertId;
    }
    // 11d-f. Behavioural rules (docs/behavioural-rules.md): a Terraform service account that labels staging-data every morning
    {
      Principal tfLabels = sa("terraform-labels@" + fleet.staging.id() + ".iam.gserviceaccount.com", "private",
          Tool.TF_GOOGLE, null);
      for (int d = 0; d <= 5; d++) {
        Instant t = at(d, 6, 0);
        reserve(sData, tfLabels, t);
        immediate(tfLabels, Target.of(sData), "SetLabels", setLabels(sData, "labelled-on", "day-" + d), t);
      }
      // 11d. its key is used once from curl at a network it never used: unusual-client and unusual-source
      Instant t0 = at(d8, 16, 0);
      reserve(sData, tfLabels, t0);
      Principal stolen = new Principal(tfLabels.email, tfLabels.subject, "198.51.100.23", Tool.CURL, null,
          Duration.ZERO);
      Op op = lro(stolen, Target.of(sData), "SetLabels", setLabels(sData, "pwned", "yes"), t0, 5, null, null);
      String id = op.first.insertId;
      Map<String, Object> client = finding("unusual-client", "HIGH", sData, false, null, tfLabels.email, "SetLabels",
          t0, List.of(id), id, "a service account's Terraform key used from curl (HIGH for AUTOMATION)");
      client.put("details", lo("family", "curl", "known", List.of("terraform")));
      Map<String, Object> source = finding("unusual-source", "HIGH", sData, false, null, tfLabels.email,
          "SetLabels", t0, List.of(id), id, "first call from 198.51.100.0/24 (it only ever called from private)");
      source.put("details", lo("network", "198.51.100.0/24"));
      Map<String, Object> outside = finding("untrusted-source", "MEDIUM", sData, false, null, tfLabels.email,
          "SetLabels", t0, List.of(id), id, "198.51.100.23 is outside the trusted CIDRs");
      outside.put("requires", "trustedCidrs");
      incident("stolen-terraform-key", "terraform-labels@ (staging) key used from curl at a new network",
          List.of(client, source, outside));
      // 11e. the same account, which only ever set labels, calls SetMasterAuth for the first time: rare-method
      Instant t1 = at(d9, 6, 30);
      reserve(sData, tfLabels, t1);
      Op auth = lro(tfLabels, Target.of(sData), "SetMasterAuth", request("SetMasterAuth", Target.of(sData),
          "action", "SET_USERNAME", "update", o("username", "")), t1, 40, null, null);
      Map<String, Object> rare = finding("rare-method", "HIGH", sData, false, null, tfLabels.email, "SetMasterAuth",
          t1, List.of(auth.first.insertId), auth.first.insertId, "first SetMasterAuth after 7 SetLabels in 30 days");
      rare.put("details", lo("method", "SetMasterAuth"));
      incident("rare-method", "terraform-labels@ calls SetMasterAuth for the first time", List.of(rare));
    }
    // 11f. an engineer who makes one change a day makes 25 on day 9: change-volume-anomaly at the 11th
    {
      Principal dave = new Principal("dave@example.com", "user:dave@example.com", "203.0.113.31", Tool.GCLOUD, null,
          Duration.ofMinutes(75));
      for (int d = 0; d < d9; d++) {
        Fleet.Cluster c = d % 2 == 0 ? core : pay;
        Instant t = at(d, 6, 15);
        reserve(c, dave, t);
        immediate(dave, Target.of(c), "SetLabels", setLabels(c, "reviewed-by", "dave-" + d), t);
      }
      Map<String, Object> f = null;
      for (int i = 0; i < 25; i++) {
        Fleet.Cluster c = i % 2 == 0 ? core : pay;
        Instant t = at(d9, 6, 0).plus(Duration.ofMinutes(34L * i));
        reserve(c, dave, t);
        // One entry each (operation first and last): SetLabels completes at once.
        Op op = immediate(dave, Target.of(c), "SetLabels", setLabels(c, "sweep", "n" + i), t);
        if (i == 10) {
          f = finding("change-volume-anomaly", "MEDIUM", null, true, List.of(core, pay), dave.email, "SetLabels", t,
              List.of(op.first.insertId), op.first.insertId,
              "11th change of the UTC day; threshold max(10, 1 + 3 x 0) over 9 days of one change; prod -> HIGH");
          f.put("details", lo("count", 11, "threshold", 10.0, "mean", 1.0, "stddev", 0.0,
              "clusters", List.of(core.key(), pay.key())));
        }
      }
      incident("change-volume-anomaly", "dave@ makes 25 changes on day 9 after one a day", List.of(f));
    }
    // 12. untrusted-source: an established admin from an outside address
    {
      Instant t0 = at(d9, 16, 0);
      reserve(devC, bob, t0);
      Op op = lro(bob, Target.of(devC), "SetLabels", setLabels(devC, "experiment", "ebpf-dataplane"), t0, 5, null,
          null, "198.51.100.77");
      Map<String, Object> f = finding("untrusted-source", "MEDIUM", devC, false, null, bob.email, "SetLabels", t0,
          List.of(op.first.insertId), op.first.insertId,
          "callerIp 198.51.100.77 outside 203.0.113.0/24 and 2001:db8::/32; only with --trustedCidrs");
      f.put("requires", lo("trustedCidrs", TRUSTED_CIDRS));
      f.put("details", lo("caller_ip", "198.51.100.77"));
      incident("untrusted-source", "bob labels dev-sandbox from 198.51.100.77 (reported only when trustedCidrs is "
          + "set)", List.of(f));
    }
    // trap: three terraform changes within 30 minutes, one duplicated into the A0 shard (3 distinct < threshold 4)
    {
      Instant b0 = at(d8, 9, 55);
      List<String> ids = new ArrayList<>();
      PlannedLine dupped = null;
      for (int i = 0; i < 3; i++) {
        Instant t = b0.plusSeconds(i * 600L + r.nextInt(0, 60));
        reserve(sData, tfStaging, t);
        Op op = lro(tfStaging, Target.of(sData), "UpdateCluster", updateCluster(sData, harmlessUpdate(sData)), t,
            40 + r.nextInt(0, 60), null, null);
        ids.add(op.first.insertId);
        if (i == 1) {
          dupped = op.first;
        }
      }
      dupped.dup = PlannedLine.DUP_LATE_SHARD;
      note(dupped, "duplicate in the A0 shard of a change inside a 3-change group: counting it twice would fake a "
          + "change-burst");
      control("dedupe-trap", "3 distinct changes within 30 min on staging-data, one line duplicated: below the "
          + "burst threshold only after dedupe", ids);
    }

    // ---------------------------------------------------------------- transport: a late first entry
    {
      // a late first entry: its last entry is in the S0 file, the first only arrives in the A0 shard
      Instant t0 = at(2, 16, 45);
      reserve(pay, tfProd, t0);
      Op op = lro(tfProd, Target.of(pay), "UpdateCluster", updateCluster(pay, harmlessUpdate(pay)), t0, 95, null,
          null);
      op.first.late = true;
      note(op.first, "late arrival: this first entry is in the A0 shard, its last entry in S0");
    }

    // ---------------------------------------------------------------- random routine automation
    for (int d = 1; d < days; d++) {
      for (Fleet.Cluster c : fleet.clusters) {
        if (r.nextInt(100) >= 30) {
          continue;
        }
        Principal tf = terraform.get(c);
        Instant t = slot(c, tf, at(d, 7, 0), at(d, 19, 0));
        if (t == null) {
          continue;
        }
        if (r.nextInt(100) < 35) {
          read(tf, Target.of(c), "GetCluster", t.minusSeconds(r.nextInt(15, 70)));
        }
        routineChange(c, tf, t);
      }
    }

    // ---------------------------------------------------------------- reads
    Principal[] listers = {alice, bob, carol};
    for (int d = 0; d < days; d++) {
      if (d % 2 == 1) {
        continue;
      }
      Principal p = listers[(d / 2) % listers.length];
      Fleet.Project proj = fleet.projects.get(r.nextInt(fleet.projects.size()));
      read(p, Target.projectList(proj), "ListClusters", at(d, r.nextInt(8, 18), r.nextInt(0, 60)));
      if (d % 4 == 0) {
        read(wif, Target.projectList(fleet.prod), "ListClusters", at(d, r.nextInt(6, 20), r.nextInt(0, 60)));
      }
    }

    // ---------------------------------------------------------------- transport: blanks, duplicates
    List<PlannedLine> candidates = new ArrayList<>();
    for (PlannedLine pl : cmLines) {
      if (!pl.late && pl.dup == PlannedLine.DUP_NONE && pl.note == null) {
        candidates.add(pl);
      }
    }
    String[] blanks = {"", "   ", "\t", " \t  "};
    for (String b : blanks) {
      PlannedLine pl = candidates.remove(r.nextInt(candidates.size()));
      pl.blanksBefore.add(b.getBytes(StandardCharsets.US_ASCII));
    }
    for (int i = 0; i < 2; i++) {
      PlannedLine pl = candidates.remove(r.nextInt(candidates.size()));
      if (!pl.blanksBefore.isEmpty() || pl.insertId.equals(secretInsertId)) {
        continue;
      }
      pl.dup = i == 0 ? PlannedLine.DUP_SAME_FILE : PlannedLine.DUP_LATE_SHARD;
      note(pl, i == 0 ? "duplicate in the same S0 file" : "duplicate in the A0 shard");
    }
  }

  String secretInsertId;

  private void explicitChange(Principal p, Fleet.Cluster c, Instant at, String method, Map<String, Object> req) {
    reserve(c, p, at);
    if (method.equals("SetLabels") && r.nextBoolean()) {
      immediate(p, Target.of(c), method, req, at);
    } else {
      lro(p, Target.of(c), method, req, at, method.equals("SetLabels") ? r.nextInt(3, 12) : r.nextInt(60, 300), null,
          null);
    }
  }

  private Op googleNodeUpgrade(Fleet.Cluster c, String pool, Instant at, Integer code) {
    Principal robot = robot(c.project);
    Target np = Target.pool(c, pool);
    Map<String, Object> req = request("UpdateClusterInternal", np, "update",
        o("desiredNodePoolId", pool, "desiredNodeVersion", c.nodeVersion));
    return lro(robot, np, "UpdateClusterInternal", req, at, 35 * 60 + r.nextInt(0, 600), code,
        code == null ? null : "Internal error: node pool upgrade failed on 1 of 3 nodes (instance "
            + "gke-" + c.name + "-" + pool + "-" + GenUtil.hex(r, 8) + "-" + GenUtil.base36(r, 4)
            + " did not become healthy). GKE will retry.");
  }

  private void versionUp(Fleet.Cluster c, String v) {
    String cur = requestedVersion.get(c);
    // Judged exactly as the version-downgrade rule judges it, so routine noise can never trip that rule.
    if (GkeVersion.parse(v).orElseThrow().isBelow(GkeVersion.parse(cur).orElseThrow())) {
      throw new IllegalStateException("routine version would be a downgrade: " + v + " < " + cur);
    }
    requestedVersion.put(c, v);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("plan invariant violated: " + what);
    }
  }

  /** Sanity: no duplicate insertIds across planned lines. */
  void verifyUnique() {
    Set<String> seen = new HashSet<>();
    for (PlannedLine pl : lines) {
      if (pl.insertId != null && !seen.add(pl.insertId)) {
        throw new IllegalStateException("duplicate insertId " + pl.insertId);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ specials

  /** Special k8s.io lines and the bad lines (one of each kind, all in activity files). */
  void planSpecials() {
    K8sLines.Ctx ctx = k8s.new Ctx(r);
    int hours = days * 24;
    // a scanner hitting prod-edge's API server anonymously: 6 forbidden k8s.io calls in 25 min (not ClusterManager)
    List<String> scan = new ArrayList<>();
    Instant s0 = at(8, 2, 0);
    for (int i = 0; i < 6; i++) {
      Instant t = s0.plusSeconds(i * 250L + r.nextInt(0, 30));
      PlannedLine pl = k8sSpecial(ctx, fleet.prodEdge, K8sLines.ANONYMOUS_FORBIDDEN, false, t, rts(t), "192.0.2.14");
      scan.add(pl.insertId);
    }
    control("k8s-forbidden-scan", "six forbidden k8s.io requests (status code 7) by system:anonymous within 25 "
        + "min: not ClusterManager entries, so no permission-denied-burst", scan);
    // an entry without timestamp: receiveTimestamp is its event time
    {
      Instant t = at(1, 7, 20);
      String line = k8sRender(ctx, fleet.prodCore, K8sLines.PODS_LIST, t, rts(t), null);
      String id = extractId(line);
      line = stripTimestamp(line);
      Instant rt = Instant.parse(extract(line, "\"receiveTimestamp\":\""));
      PlannedLine pl = add(PlannedLine.Kind.K8S, false, t, line, id, rt);
      note(pl, "k8s.io entry without timestamp: receiveTimestamp is its event time");
    }
    // late k8s.io entries: receiveTimestamp hours after the event, in the hour's A0 shard
    for (int i = 0; i < 3; i++) {
      int day = r.nextInt(0, days);
      Instant t = at(day, r.nextInt(0, 24), r.nextInt(0, 60));
      boolean activity = i != 1;
      K8sLines.Template tpl = activity ? K8sLines.LEASE_UPDATE : K8sLines.CONFIGMAP_GET;
      Instant late = t.plusSeconds(r.nextInt(3600, 5 * 3600));
      PlannedLine pl = k8sSpecial(ctx, null, tpl, activity, t, late, null);
      pl.late = true;
      note(pl, "late k8s.io entry in the A0 shard (receiveTimestamp hours after timestamp)");
    }

    // bad lines, one of each kind, in activity files
    String[] kinds = {"not-json", "json-array", "json-string", "empty-object", "truncated", "binary", "invalid-utf8",
        "no-timestamps"};
    for (String kind : kinds) {
      int hour = r.nextInt(0, hours);
      Instant t = start.plusSeconds(hour * 3600L + r.nextInt(60, 3540)).plusNanos(r.nextInt(1, 1_000_000_000));
      String k8sLine = k8sRender(ctx, null, K8sLines.ACTIVITY.get(r.nextInt(3)), t, rts(t), null);
      byte[] bytes;
      switch (kind) {
        case "not-json":
          bytes = (ts(t) + " ERROR logging sink: write to gs://acme-audit-export failed: context deadline exceeded; "
              + "retrying batch 7 of 12").getBytes(StandardCharsets.UTF_8);
          break;
        case "json-array":
          bytes = ("[" + k8sLine + "]").getBytes(StandardCharsets.UTF_8);
          break;
        case "json-string":
          bytes = json(k8sLine).getBytes(StandardCharsets.UTF_8);
          break;
        case "empty-object":
          bytes = "{}".getBytes(StandardCharsets.UTF_8);
          break;
        case "truncated":
          bytes = k8sLine.substring(0, k8sLine.length() * 3 / 5).getBytes(StandardCharsets.UTF_8);
          break;
        case "binary": {
          bytes = new byte[192];
          bytes[0] = 0x1f;
          bytes[1] = (byte) 0x8b;
          bytes[2] = 0x08;
          bytes[3] = 0x00;
          for (int i = 4; i < bytes.length; i++) {
            byte b;
            do {
              b = (byte) r.nextInt(256);
            } while (b == '\n' || b == '\r');
            bytes[i] = b;
          }
          break;
        }
        case "invalid-utf8": {
          String marker = "\"callerSuppliedUserAgent\":\"";
          int at = k8sLine.indexOf(marker) + marker.length() - 1;
          byte[] head = k8sLine.substring(0, at).getBytes(StandardCharsets.UTF_8);
          byte[] tail = k8sLine.substring(at + 1).getBytes(StandardCharsets.UTF_8);
          // 0xC3 0x28 is an invalid two-byte sequence; it replaces the value's opening quote, so the line is not JSON
          // even when a reader substitutes U+FFFD for the bad bytes
          bytes = new byte[head.length + 2 + tail.length];
          System.arraycopy(head, 0, bytes, 0, head.length);
          bytes[head.length] = (byte) 0xC3;
          bytes[head.length + 1] = (byte) 0x28;
          System.arraycopy(tail, 0, bytes, head.length + 2, tail.length);
          break;
        }
        case "no-timestamps": {
          String s = stripTimestamp(k8sLine);
          s = s.replaceFirst("\"receiveTimestamp\":\"[^\"]*\",", "");
          bytes = s.getBytes(StandardCharsets.UTF_8);
          break;
        }
        default:
          throw new IllegalStateException(kind);
      }
      PlannedLine pl = new PlannedLine(PlannedLine.Kind.BAD, true, GenUtil.toNanos(t), bytes, null, Long.MIN_VALUE);
      lines.add(pl);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind);
      m.put("log", "activity");
      m.put("file_hour", ts(start.plusSeconds(hour * 3600L)));
      badLines.add(m);
    }
  }

  private PlannedLine k8sSpecial(K8sLines.Ctx ctx, Fleet.Cluster c, K8sLines.Template tpl, boolean activity,
      Instant t, Instant rt, String userIp) {
    String line = k8sRender(ctx, c, tpl, t, rt, userIp);
    long n = GenUtil.toNanos(t);
    Instant event = GenUtil.ofNanos(n - Math.floorMod(n, 1000L));
    return add(PlannedLine.Kind.K8S, tpl.activity, t, line, extractId(line), event);
  }

  private String k8sRender(K8sLines.Ctx ctx, Fleet.Cluster c, K8sLines.Template tpl, Instant t, Instant rt,
      String userIp) {
    ctx.prepare(c, GenUtil.toNanos(t), GenUtil.toNanos(rt));
    if (userIp != null) {
      ctx.set(K8sLines.V.USERIP, userIp);
    }
    StringBuilder sb = new StringBuilder(2048);
    ctx.render(sb, tpl);
    return sb.toString();
  }

  static String extractId(String line) {
    return extract(line, "\"insertId\":\"");
  }

  static String extract(String line, String marker) {
    int i = line.indexOf(marker) + marker.length();
    return line.substring(i, line.indexOf('"', i));
  }

  static String stripTimestamp(String line) {
    int i = line.lastIndexOf(",\"timestamp\":\"");
    return line.substring(0, i) + "}";
  }
}
