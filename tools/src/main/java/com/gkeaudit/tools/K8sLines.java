package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes API audit entries (serviceName k8s.io, resource.type k8s_cluster): the bulk of a real export.
 *
 * <p>Lines are rendered from compact templates (compiled once from the pretty JSON files in
 * {@code src/main/resources/k8s-templates/}, so they are valid JSON by construction) by substituting {@code {{NAME}}}
 * placeholders; no JSON tree is built per line. All substituted values are JSON-safe ASCII.
 */
final class K8sLines {

  /** Placeholders. */
  enum V {
    ID, TS, TSS, RTS, P, L, C, NODE, NODEIP, NUID, INST, NZONE, NP, POD, NS, APP, HASH, RV, RV2, UID, UID2, OWNER,
    KV, GIT, REV, CREATED, RENEW, IMG, PODIP, CPIP, USER, USERIP, USERGROUP, KUBECTL
  }

  static final class Template {
    final String name;
    final boolean activity;
    final int weight;
    final String[] parts;
    final byte[][] byteParts;
    final V[] vars;

    Template(String name, boolean activity, int weight, String[] parts, V[] vars) {
      this.name = name;
      this.activity = activity;
      this.weight = weight;
      this.parts = parts;
      this.vars = vars;
      this.byteParts = new byte[parts.length][];
      for (int i = 0; i < parts.length; i++) {
        byteParts[i] = parts[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
    }
  }

  /** A reusable ASCII line buffer: the bulk writers render straight into bytes. */
  static final class ByteLine {
    byte[] buf = new byte[4096];
    int len;

    void reset() {
      len = 0;
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    void append(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    @SuppressWarnings("deprecation")
    void append(String s) {
      int n = s.length();
      ensure(n);
      // all substituted values are ASCII: the deprecated low-byte copy is exactly right and fast
      s.getBytes(0, n, buf, len);
      len += n;
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z0-9]+)\\}\\}");

  static final Template LEASE_UPDATE = load("leases.update", true, 40);
  static final Template POD_CREATE = load("pods.create", true, 5);
  static final Template POD_STATUS_PATCH = load("pods.status.patch", true, 16);
  static final Template POD_DELETE = load("pods.delete", true, 6);
  static final Template CONFIGMAP_UPDATE = load("configmaps.update", true, 12);
  static final Template NODE_STATUS_PATCH = load("nodes.status.patch", true, 4);
  static final Template DEPLOYMENT_PATCH = load("deployments.patch", true, 3);
  static final Template PODS_LIST = load("pods.list", false, 30);
  static final Template CONFIGMAP_GET = load("configmaps.get", false, 22);
  static final Template NODES_LIST = load("nodes.list", false, 10);
  static final Template READYZ = load("readyz", false, 14);
  static final Template NODE_GET = load("nodes.get", false, 3);
  static final Template SECRET_GET = load("secrets.get", false, 8);
  /** A forbidden k8s.io request (code 7): not a ClusterManager denied call. */
  static final Template ANONYMOUS_FORBIDDEN = load("secrets.list.forbidden", false, 0);

  static final List<Template> ACTIVITY = List.of(LEASE_UPDATE, POD_STATUS_PATCH, CONFIGMAP_UPDATE, POD_CREATE,
      POD_DELETE, NODE_STATUS_PATCH, DEPLOYMENT_PATCH);
  static final List<Template> DATA_ACCESS = List.of(PODS_LIST, CONFIGMAP_GET, READYZ, NODES_LIST, SECRET_GET,
      NODE_GET);

  private static final String[] APPS = {"checkout", "catalog", "cart", "frontend", "ledger", "payments-api",
      "search", "recommender", "notifier", "auth-proxy", "metrics-exporter", "airflow-worker", "spark-driver"};
  private static final String[] IMAGE_TAGS = {"1.8.3", "1.8.4", "2.0.1", "2.1.0", "3.4.2", "0.19.7"};
  private static final String[][] USERS = {
      {"alice@example.com", "203.0.113.10", "platform-admins@example.com"},
      {"bob@example.com", "2001:db8:4f2a::17", "platform-admins@example.com"},
      {"carol@example.com", "203.0.113.24", "sre@example.com"},
      {"deploy-bot@acme-prod-platform.iam.gserviceaccount.com", "gce-internal-ip", "deployers@example.com"}};
  private static final String[] KUBECTL_UAS = {
      "kubectl/v1.30.5 (darwin/arm64) kubernetes/74e84a9",
      "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
      "argocd-application-controller/v2.12.4 (linux/amd64) kubernetes/a6b4b1f"};

  private static final char[] SAFE = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

  private final Fleet.Cluster[] clusterTable;
  private final Template[] activityTable;
  private final Template[] dataTable;

  K8sLines(Fleet fleet) {
    List<Fleet.Cluster> table = new ArrayList<>();
    for (Fleet.Cluster c : fleet.clusters) {
      for (int i = 0; i < c.k8sWeight; i++) {
        table.add(c);
      }
    }
    clusterTable = table.toArray(new Fleet.Cluster[0]);
    activityTable = weighted(ACTIVITY);
    dataTable = weighted(DATA_ACCESS);
  }

  private static Template[] weighted(List<Template> templates) {
    List<Template> out = new ArrayList<>();
    for (Template t : templates) {
      for (int i = 0; i < t.weight; i++) {
        out.add(t);
      }
    }
    return out.toArray(new Template[0]);
  }

  /**
   * A template from {@code k8s-templates/NAME.json} in the tools jar: a real k8s.io audit entry, pretty-printed, with
   * {@code {{NAME}}} placeholders where a line's values go. {@code weight} is how often the bulk writer picks it
   * among the templates of its log (activity or data access); 0 means only the incident plan uses it.
   */
  static Template load(String name, boolean activity, int weight) {
    String resource = "/k8s-templates/" + name + ".json";
    try (InputStream in = K8sLines.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing template resource " + resource);
      }
      return compile(name, activity, weight, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template resource " + resource, e);
    }
  }

  static Template compile(String name, boolean activity, int weight, String json) {
    String compact;
    try {
      JsonNode tree = MAPPER.readTree(json);
      compact = MAPPER.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("bad template " + name, e);
    }
    List<String> parts = new ArrayList<>();
    List<V> vars = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(compact);
    int last = 0;
    while (m.find()) {
      parts.add(compact.substring(last, m.start()));
      vars.add(V.valueOf(m.group(1)));
      last = m.end();
    }
    parts.add(compact.substring(last));
    return new Template(name, activity, weight, parts.toArray(new String[0]), vars.toArray(new V[0]));
  }

  /** Per-line rendering state; one per writer thread. */
  final class Ctx {
    final SplittableRandom r;
    final GenUtil.TsFormatter fmt = new GenUtil.TsFormatter();
    private final String[] memo = new String[V.values().length];
    Fleet.Cluster cluster;
    Fleet.Node node;
    long tsNanos;
    long rtsNanos;
    String fixedId;
    private int userIdx;
    private int appIdx;
    private String ns;

    Ctx(SplittableRandom r) {
      this.r = r;
    }

    Template pick(boolean activity) {
      Template[] table = activity ? activityTable : dataTable;
      return table[r.nextInt(table.length)];
    }

    void prepare(Fleet.Cluster c, long ts, long rts) {
      java.util.Arrays.fill(memo, null);
      cluster = c != null ? c : clusterTable[r.nextInt(clusterTable.length)];
      node = cluster.nodes.get(r.nextInt(cluster.nodes.size()));
      tsNanos = ts;
      rtsNanos = rts;
      userIdx = r.nextInt(USERS.length);
      appIdx = r.nextInt(APPS.length);
      ns = cluster.namespaces.get(r.nextInt(cluster.namespaces.size()));
      fixedId = null;
    }

    private String value(V v) {
      String s = memo[v.ordinal()];
      if (s != null) {
        return s;
      }
      switch (v) {
        case ID: s = fixedId != null ? fixedId : GenUtil.uuid(r); break;
        case TS: s = fmt.formatMicros(tsNanos); break;
        case TSS: s = fmt.format(tsNanos - Math.floorMod(tsNanos, GenUtil.NANOS_PER_SECOND)); break;
        case RTS: s = fmt.format(rtsNanos); break;
        case RENEW: s = fmt.formatMicros(tsNanos - 1000L * r.nextInt(1, 900)); break;
        case CREATED: s = fmt.format(tsNanos - GenUtil.NANOS_PER_SECOND * (3600L * 24 * r.nextInt(1, 40)
            + r.nextInt(86400)) - Math.floorMod(tsNanos, GenUtil.NANOS_PER_SECOND)); break;
        case P: s = cluster.project.id(); break;
        case L: s = cluster.location; break;
        case C: s = cluster.name; break;
        case NODE: s = node.name(); break;
        case NODEIP: s = node.ip(); break;
        case NUID: s = node.uid(); break;
        case INST: s = node.instanceId(); break;
        case NZONE: s = node.zone(); break;
        case NP: s = node.pool(); break;
        case NS: s = ns; break;
        case APP: s = APPS[appIdx]; break;
        case HASH: s = safe(10); break;
        case POD: s = APPS[appIdx] + "-" + value(V.HASH) + "-" + safe(5); break;
        case REV: s = Integer.toString(r.nextInt(2, 60)); break;
        case RV: s = Long.toString(18_000_000L + r.nextInt(40_000_000)); break;
        case RV2: s = Long.toString(58_000_000L + r.nextInt(40_000_000)); break;
        case UID: s = GenUtil.uuid(r); break;
        case UID2: s = GenUtil.uuid(r); break;
        case OWNER: s = GenUtil.uuid(r); break;
        case KV: s = cluster.kubeVersion; break;
        case GIT: s = "5c2ad1b"; break;
        case IMG: s = "europe-docker.pkg.dev/" + cluster.project.id() + "/apps/" + APPS[appIdx] + ":"
            + IMAGE_TAGS[r.nextInt(IMAGE_TAGS.length)]; break;
        case PODIP: s = "10." + (cluster.zonal ? 40 : 44) + "." + r.nextInt(0, 4) + "." + r.nextInt(2, 250); break;
        case CPIP: s = "172.16." + (cluster.zonal ? 0 : 16) + ".2"; break;
        case USER: s = USERS[userIdx][0]; break;
        case USERIP: s = USERS[userIdx][1]; break;
        case USERGROUP: s = USERS[userIdx][2]; break;
        case KUBECTL: s = KUBECTL_UAS[r.nextInt(KUBECTL_UAS.length)]; break;
        default: throw new IllegalStateException(v.name());
      }
      memo[v.ordinal()] = s;
      return s;
    }

    /** Kubernetes' rand.SafeEncodeString alphabet (pod-template-hash and generated name suffixes). */
    private String safe(int n) {
      char[] c = new char[n];
      for (int i = 0; i < n; i++) {
        c[i] = SAFE[r.nextInt(SAFE.length)];
      }
      return new String(c);
    }

    void set(V v, String s) {
      memo[v.ordinal()] = s;
    }

    void render(ByteLine out, Template t) {
      byte[][] parts = t.byteParts;
      V[] vars = t.vars;
      for (int i = 0; i < vars.length; i++) {
        out.append(parts[i]);
        out.append(value(vars[i]));
      }
      out.append(parts[parts.length - 1]);
    }

    void render(StringBuilder sb, Template t) {
      String[] parts = t.parts;
      V[] vars = t.vars;
      for (int i = 0; i < vars.length; i++) {
        sb.append(parts[i]).append(value(vars[i]));
      }
      sb.append(parts[parts.length - 1]);
    }
  }
}
