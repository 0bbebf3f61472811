package com.gkeaudit.tools;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** The fixed fleet of the sample export: three projects, six GKE clusters, their nodes and maintenance policies. */
final class Fleet {

  record Project(String id, String number, String organization) {}

  /** A maintenance policy as the Cluster API describes it; {@code kind} NONE means a policy without a window. */
  static final class Maintenance {
    enum Kind { WEEKLY, DAILY, NONE }

    final Kind kind;
    final Set<DayOfWeek> days;
    final LocalTime startTime;
    final Duration length;
    /** RFC 3339 times of the first occurrence (recurringWindow) as written in the metadata. */
    final String firstStart;
    final String firstEnd;
    final String recurrence;
    /** name, start, end, scope. */
    final List<String[]> exclusions = new ArrayList<>();

    private Maintenance(Kind kind, Set<DayOfWeek> days, LocalTime startTime, Duration length, String firstStart,
        String firstEnd, String recurrence) {
      this.kind = kind;
      this.days = days;
      this.startTime = startTime;
      this.length = length;
      this.firstStart = firstStart;
      this.firstEnd = firstEnd;
      this.recurrence = recurrence;
    }

    static Maintenance weekend(String firstStart, String firstEnd) {
      Instant s = Instant.parse(firstStart);
      Instant e = Instant.parse(firstEnd);
      return new Maintenance(Kind.WEEKLY, EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
          LocalTime.ofInstant(s, ZoneOffset.UTC), Duration.between(s, e), firstStart, firstEnd,
          "FREQ=WEEKLY;BYDAY=SA,SU");
    }

    static Maintenance daily(String startTime, Duration length) {
      return new Maintenance(Kind.DAILY, EnumSet.allOf(DayOfWeek.class), LocalTime.parse(startTime), length, null,
          null, null);
    }

    static Maintenance none() {
      return new Maintenance(Kind.NONE, EnumSet.noneOf(DayOfWeek.class), null, null, null, null, null);
    }

    /** True when {@code t} lies inside an occurrence of the window (UTC) and outside every exclusion. */
    boolean allows(Instant t) {
      if (kind == Kind.NONE) {
        return false;
      }
      for (String[] ex : exclusions) {
        if (!t.isBefore(Instant.parse(ex[1])) && t.isBefore(Instant.parse(ex[2]))) {
          return false;
        }
      }
      ZonedDateTime z = t.atZone(ZoneOffset.UTC);
      for (int back = 0; back <= 1; back++) {
        ZonedDateTime day = z.toLocalDate().minusDays(back).atStartOfDay(ZoneOffset.UTC);
        if (!days.contains(day.getDayOfWeek())) {
          continue;
        }
        Instant occStart = day.with(startTime).toInstant();
        Instant occEnd = occStart.plus(length);
        if (!t.isBefore(occStart) && t.isBefore(occEnd)) {
          return true;
        }
      }
      return false;
    }

    Map<String, Object> toJson() {
      Map<String, Object> policy = new LinkedHashMap<>();
      Map<String, Object> window = new LinkedHashMap<>();
      if (kind == Kind.WEEKLY) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("startTime", firstStart);
        w.put("endTime", firstEnd);
        Map<String, Object> rw = new LinkedHashMap<>();
        rw.put("window", w);
        rw.put("recurrence", recurrence);
        window.put("recurringWindow", rw);
      } else if (kind == Kind.DAILY) {
        Map<String, Object> dw = new LinkedHashMap<>();
        dw.put("startTime", String.format("%02d:%02d", startTime.getHour(), startTime.getMinute()));
        dw.put("duration", "PT" + length.toHours() + "H0M0S");
        window.put("dailyMaintenanceWindow", dw);
      }
      if (!exclusions.isEmpty()) {
        Map<String, Object> ex = new TreeMap<>();
        for (String[] e : exclusions) {
          Map<String, Object> tw = new LinkedHashMap<>();
          tw.put("startTime", e[1]);
          tw.put("endTime", e[2]);
          Map<String, Object> opts = new LinkedHashMap<>();
          opts.put("scope", e[3]);
          tw.put("maintenanceExclusionOptions", opts);
          ex.put(e[0], tw);
        }
        window.put("maintenanceExclusions", ex);
      }
      if (!window.isEmpty()) {
        policy.put("window", window);
      }
      return policy;
    }
  }

  /** A GKE node: name, GCE instance id, internal IP, zone. */
  record Node(String name, String instanceId, String ip, String zone, String uid, String pool) {}

  static final class Cluster {
    final Project project;
    final String name;
    final String location;
    final boolean zonal;
    final Map<String, String> labels;
    final String masterVersion;
    final String nodeVersion;
    final String channel;
    final Maintenance maintenance;
    final boolean hasMetadata;
    final List<String> nodePools;
    final List<Node> nodes = new ArrayList<>();
    final String endpoint;
    final String createTime;
    final int k8sWeight;
    final List<String> namespaces;
    final String kubeVersion;

    Cluster(Project project, String name, String location, boolean zonal, Map<String, String> labels,
        String masterVersion, String channel, Maintenance maintenance, boolean hasMetadata, List<String> nodePools,
        String endpoint, String createTime, int k8sWeight, List<String> namespaces) {
      this.project = project;
      this.name = name;
      this.location = location;
      this.zonal = zonal;
      this.labels = new TreeMap<>(labels);
      this.masterVersion = masterVersion;
      this.nodeVersion = masterVersion;
      this.channel = channel;
      this.maintenance = maintenance;
      this.hasMetadata = hasMetadata;
      this.nodePools = nodePools;
      this.endpoint = endpoint;
      this.createTime = createTime;
      this.k8sWeight = k8sWeight;
      this.namespaces = namespaces;
      this.kubeVersion = "v" + masterVersion;
    }

    /** resourceName as ClusterManager logs it: zones/ for zonal clusters, locations/ for regional ones. */
    String resourceName() {
      return "projects/" + project.id() + (zonal ? "/zones/" : "/locations/") + location + "/clusters/" + name;
    }

    /** The name a client sends in requests (always locations/). */
    String requestName() {
      return "projects/" + project.id() + "/locations/" + location + "/clusters/" + name;
    }

    String linkBase() {
      return "https://container.googleapis.com/v1alpha1/projects/" + project.number()
          + (zonal ? "/zones/" : "/locations/") + location;
    }

    boolean escalates() {
      if (!hasMetadata) {
        return false;
      }
      String env = labels.get("env");
      String crit = labels.get("criticality");
      return "prod".equals(env) || "production".equals(env) || "high".equals(crit) || "critical".equals(crit);
    }

    String key() {
      return project.id() + "/" + location + "/" + name;
    }
  }

  final Project prod = new Project("acme-prod-platform", "482915730264", "organizations/618273645091");
  final Project staging = new Project("acme-staging-apps", "731046285519", "organizations/618273645091");
  final Project dev = new Project("acme-dev-sandbox", "205837461902", "organizations/618273645091");
  final List<Project> projects = List.of(prod, staging, dev);

  final Cluster prodCore;
  final Cluster prodPayments;
  final Cluster prodEdge;
  final Cluster stagingApps;
  final Cluster stagingData;
  final Cluster devSandbox;
  final List<Cluster> clusters;

  Fleet(Instant start, Instant end) {
    prodCore = new Cluster(prod, "prod-core", "europe-west1", false,
        Map.of("env", "prod", "owner", "platform-team", "criticality", "high", "cost-center", "cc-1001"),
        "1.30.5-gke.1014001", "REGULAR",
        Maintenance.weekend("2025-01-04T01:00:00Z", "2025-01-04T07:00:00Z"), true,
        List.of("default-pool", "system-pool"), "34.76.118.20", "2024-03-11T09:14:22+00:00", 30,
        List.of("default", "checkout", "catalog", "kube-system", "monitoring", "ingress-nginx"));
    prodPayments = new Cluster(prod, "prod-payments", "us-central1-a", true,
        Map.of("env", "prod", "owner", "payments-team", "criticality", "high", "pci", "in-scope"),
        "1.30.5-gke.1014001", "STABLE", Maintenance.daily("03:00", Duration.ofHours(4)), true,
        List.of("default-pool", "pci-pool"), "35.192.44.71", "2024-05-02T16:40:09+00:00", 25,
        List.of("default", "payments", "ledger", "kube-system", "monitoring"));
    Maintenance edge = Maintenance.weekend("2025-01-04T00:00:00Z", "2025-01-04T06:00:00Z");
    Instant freezeStart = end.plus(Duration.ofDays(14));
    edge.exclusions.add(new String[] {"holiday-freeze", GenUtil.rfc3339(freezeStart),
        GenUtil.rfc3339(freezeStart.plus(Duration.ofDays(16))), "NO_MINOR_OR_NODE_UPGRADES"});
    prodEdge = new Cluster(prod, "prod-edge", "europe-west1", false,
        Map.of("env", "prod", "owner", "edge-team", "criticality", "low"),
        "1.30.5-gke.1014001", "REGULAR", edge, true, List.of("default-pool"), "34.140.9.201",
        "2024-08-19T07:02:51+00:00", 15, List.of("default", "edge-proxy", "kube-system", "cert-manager"));
    stagingApps = new Cluster(staging, "staging-apps", "us-central1-a", true,
        Map.of("env", "staging", "owner", "platform-team", "criticality", "low"),
        "1.30.4-gke.1348000", "RAPID",
        Maintenance.weekend("2025-01-04T22:00:00Z", "2025-01-05T04:00:00Z"), true,
        List.of("default-pool", "spot-pool"), "34.68.203.115", "2024-06-27T12:31:45+00:00", 12,
        List.of("default", "checkout", "catalog", "kube-system", "argocd"));
    stagingData = new Cluster(staging, "staging-data", "europe-west1", false,
        Map.of("env", "staging", "owner", "data-team", "criticality", "low"),
        "1.30.5-gke.1014001", "REGULAR", Maintenance.none(), true, List.of("default-pool", "highmem-pool"),
        "35.205.77.162", "2024-09-30T10:11:03+00:00", 10, List.of("default", "airflow", "spark", "kube-system"));
    devSandbox = new Cluster(dev, "dev-sandbox", "us-central1-a", true,
        Map.of("env", "dev", "owner", "dev-experience", "criticality", "low"),
        "1.31.1-gke.1678000", "RAPID", Maintenance.none(), false, List.of("default-pool"), "34.122.18.97",
        "2025-02-14T13:55:30+00:00", 8, List.of("default", "sandbox", "kube-system"));
    clusters = List.of(prodCore, prodPayments, prodEdge, stagingApps, stagingData, devSandbox);

    SplittableRandom r = new SplittableRandom(0x5eed_f1ee7L);
    for (Cluster c : clusters) {
      int perZone = c.zonal ? 3 : 1;
      List<String> zones = c.zonal ? List.of(c.location)
          : List.of(c.location + "-b", c.location + "-c", c.location + "-d");
      for (String pool : c.nodePools) {
        for (String zone : zones) {
          // one managed instance group per zone and pool: the group hash is shared by its nodes
          String group = GenUtil.hex(r, 8);
          for (int i = 0; i < perZone; i++) {
            String name = "gke-" + c.name + "-" + pool + "-" + group + "-" + GenUtil.base36(r, 4);
            String ip = "10." + (c.zonal ? 128 : 132) + "." + r.nextInt(0, 16) + "." + r.nextInt(2, 250);
            c.nodes.add(new Node(name, GenUtil.digits(r, 19), ip, zone, GenUtil.uuid(r), pool));
          }
        }
      }
    }
  }

  Cluster byName(String name) {
    for (Cluster c : clusters) {
      if (c.name.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** One Cloud Asset Inventory export line (resource content) for {@code c}. */
  Map<String, Object> assetLine(Cluster c, Instant updateTime, boolean camelCase) {
    String p = c.project.id();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", c.name);
    List<Object> pools = new ArrayList<>();
    for (String pool : c.nodePools) {
      Map<String, Object> np = new LinkedHashMap<>();
      np.put("name", pool);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("machineType", pool.contains("highmem") ? "n2-highmem-8" : pool.contains("pci") ? "n2-standard-8"
          : "e2-standard-4");
      config.put("diskSizeGb", 100);
      config.put("oauthScopes", List.of("https://www.googleapis.com/auth/cloud-platform"));
      config.put("imageType", "COS_CONTAINERD");
      config.put("diskType", "pd-balanced");
      Map<String, Object> wlm = new LinkedHashMap<>();
      wlm.put("mode", "GKE_METADATA");
      config.put("workloadMetadataConfig", wlm);
      Map<String, Object> sic = new LinkedHashMap<>();
      sic.put("enableIntegrityMonitoring", true);
      sic.put("enableSecureBoot", true);
      config.put("shieldedInstanceConfig", sic);
      if (pool.contains("spot")) {
        config.put("spot", true);
      }
      np.put("config", config);
      np.put("initialNodeCount", c.zonal ? 3 : 1);
      Map<String, Object> as = new LinkedHashMap<>();
      as.put("enabled", true);
      as.put("minNodeCount", 1);
      as.put("maxNodeCount", 10);
      np.put("autoscaling", as);
      Map<String, Object> mgmt = new LinkedHashMap<>();
      mgmt.put("autoUpgrade", true);
      mgmt.put("autoRepair", true);
      np.put("management", mgmt);
      np.put("version", c.nodeVersion);
      np.put("status", "RUNNING");
      np.put("selfLink", "https://container.googleapis.com/v1/projects/" + p + (c.zonal ? "/zones/" : "/locations/")
          + c.location + "/clusters/" + c.name + "/nodePools/" + pool);
      pools.add(np);
    }
    data.put("nodePools", pools);
    data.put("locations", c.zonal ? List.of(c.location)
        : List.of(c.location + "-b", c.location + "-c", c.location + "-d"));
    data.put("network", "projects/" + p + "/global/networks/vpc-main");
    data.put("subnetwork", "projects/" + p + "/regions/" + (c.zonal ? c.location.substring(0, c.location.length() - 2)
        : c.location) + "/subnetworks/gke-" + c.name);
    data.put("loggingService", "logging.googleapis.com/kubernetes");
    data.put("monitoringService", "monitoring.googleapis.com/kubernetes");
    Map<String, Object> addons = new LinkedHashMap<>();
    addons.put("httpLoadBalancing", Map.of());
    addons.put("horizontalPodAutoscaling", Map.of());
    boolean calico = c == prodCore || c == prodPayments;
    addons.put("networkPolicyConfig", calico ? Map.of() : Map.of("disabled", true));
    addons.put("gcePersistentDiskCsiDriverConfig", Map.of("enabled", true));
    data.put("addonsConfig", addons);
    data.put("legacyAbac", Map.of());
    if (calico) {
      Map<String, Object> np = new LinkedHashMap<>();
      np.put("provider", "CALICO");
      np.put("enabled", true);
      data.put("networkPolicy", np);
    } else {
      data.put("networkPolicy", Map.of());
    }
    Map<String, Object> ipa = new LinkedHashMap<>();
    ipa.put("useIpAliases", true);
    ipa.put("clusterIpv4CidrBlock", "10." + (c.zonal ? 40 : 44) + ".0.0/14");
    ipa.put("servicesIpv4CidrBlock", "10." + (c.zonal ? 48 : 52) + ".0.0/20");
    data.put("ipAllocationPolicy", ipa);
    Map<String, Object> man = new LinkedHashMap<>();
    man.put("enabled", true);
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("displayName", "corp-office");
    block.put("cidrBlock", "203.0.113.0/24");
    man.put("cidrBlocks", List.of(block));
    man.put("gcpPublicCidrsAccessEnabled", false);
    data.put("masterAuthorizedNetworksConfig", man);
    Map<String, Object> mp = c.maintenance.toJson();
    mp.put("resourceVersion", GenUtil.hex(new SplittableRandom(c.name.hashCode()), 8));
    data.put("maintenancePolicy", mp);
    Map<String, Object> binauthz = new LinkedHashMap<>();
    binauthz.put("evaluationMode", c.project == prod ? "PROJECT_SINGLETON_POLICY_ENFORCE" : "DISABLED");
    data.put("binaryAuthorization", binauthz);
    Map<String, Object> pcc = new LinkedHashMap<>();
    pcc.put("enablePrivateNodes", true);
    pcc.put("masterIpv4CidrBlock", "172.16." + (clusters.indexOf(c) * 16) + ".0/28");
    pcc.put("privateEndpoint", "172.16." + (clusters.indexOf(c) * 16) + ".2");
    pcc.put("publicEndpoint", c.endpoint);
    data.put("privateClusterConfig", pcc);
    data.put("databaseEncryption", Map.of("state", "DECRYPTED"));
    data.put("shieldedNodes", Map.of("enabled", true));
    data.put("releaseChannel", Map.of("channel", c.channel));
    data.put("workloadIdentityConfig", Map.of("workloadPool", p + ".svc.id.goog"));
    data.put("selfLink", "https://container.googleapis.com/v1/projects/" + p + (c.zonal ? "/zones/" : "/locations/")
        + c.location + "/clusters/" + c.name);
    data.put("zone", c.location);
    data.put("endpoint", c.endpoint);
    data.put("initialClusterVersion", "1.29.6-gke.1254000");
    data.put("currentMasterVersion", c.masterVersion);
    data.put("currentNodeVersion", c.nodeVersion);
    data.put("createTime", c.createTime);
    data.put("status", "RUNNING");
    data.put("nodeIpv4CidrSize", 24);
    data.put("servicesIpv4Cidr", "10." + (c.zonal ? 48 : 52) + ".0.0/20");
    data.put("location", c.location);
    data.put("id", GenUtil.hex(new SplittableRandom(c.name.hashCode() * 31L), 32));
    data.put("resourceLabels", new TreeMap<>(c.labels));
    data.put("labelFingerprint", GenUtil.hex(new SplittableRandom(c.name.hashCode() * 17L), 8));
    data.put("etag", GenUtil.hex(new SplittableRandom(c.name.hashCode() * 13L), 8));

    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("version", "v1");
    resource.put(camelCase ? "discoveryDocumentUri" : "discovery_document_uri",
        "https://container.googleapis.com/$discovery/rest");
    resource.put(camelCase ? "discoveryName" : "discovery_name", "Cluster");
    resource.put("parent", "//cloudresourcemanager.googleapis.com/projects/" + c.project.number());
    resource.put("data", data);
    resource.put("location", c.location);

    Map<String, Object> asset = new LinkedHashMap<>();
    asset.put("name", "//container.googleapis.com/projects/" + p + "/locations/" + c.location + "/clusters/" + c.name);
    asset.put(camelCase ? "assetType" : "asset_type", "container.googleapis.com/Cluster");
    asset.put("resource", resource);
    asset.put("ancestors", List.of("projects/" + c.project.number(), c.project.organization()));
    asset.put(camelCase ? "updateTime" : "update_time", GenUtil.rfc3339(updateTime));
    return asset;
  }
}
