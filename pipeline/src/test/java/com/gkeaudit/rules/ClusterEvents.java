package com.gkeaudit.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.io.ClusterMetadataParser;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Times;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Terse fixtures for ClusterManager audit entries. A builder describes one LogEntry as Cloud Logging exports it;
 * {@link Builder#line()} is that entry as an NDJSON export line and {@link Builder#build()} is what the product's
 * parser makes of it, so every derived field (method, initiator, requested version, weakened controls, ...) is exactly
 * the parser's. Defaults: an Admin Activity entry of a public v1 method on {@code p/us-central1/c1} by
 * {@code alice@example.com} from {@code 203.0.113.10} at {@link #T0}, status OK, no {@code operation} (a synchronous
 * call). Each builder gets its own insertId, so {@code build()} and {@code line()} of one builder are the same entry.
 *
 * <pre>
 * ClusterEvents.change("UpdateMaster").cluster("p", "us-central1", "c1").by("alice@example.com")
 *     .at("2026-11-10T10:00:00Z").request("{'masterVersion': '1.29'}").build();
 * </pre>
 */
public final class ClusterEvents {
  /** A Tuesday. */
  public static final Instant T0 = Instant.parse("2026-11-10T10:00:00Z");

  public static final String PROJECT = "p";
  public static final String LOCATION = "us-central1";
  public static final String CLUSTER = "c1";
  public static final String ALICE = "alice@example.com";
  public static final String TRUSTED_IP = "203.0.113.10";

  private static final AtomicLong IDS = new AtomicLong();
  // Single quotes keep inline request fixtures readable; the trees are the same as from double-quoted JSON.
  private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ClusterEvents() {}

  /** An entry of a public v1 ClusterManager method on a gke_cluster (change methods and any other). */
  public static Builder change(String method) {
    return new Builder("google.container.v1.ClusterManager." + method);
  }

  /** Same as {@link #change}, for methods that are not change methods (DeleteCluster, GetCluster, ...). */
  public static Builder call(String method) {
    return change(method);
  }

  /** An entry of Google's internal ClusterManager service (auto-upgrade, auto-repair). */
  public static Builder internal(String method) {
    return new Builder("google.container.internal.ClusterManagerInternal." + method);
  }

  /** A Kubernetes API audit entry (k8s.io): counts for the input's clock, never a ClusterManager event. */
  public static String k8sLine(Instant at) {
    String id = java.util.UUID.nameUUIDFromBytes(("k8s-" + IDS.incrementAndGet()).getBytes(StandardCharsets.UTF_8))
        .toString();
    ObjectNode entry = MAPPER.createObjectNode();
    entry.put("insertId", id);
    entry.put("logName", "projects/" + PROJECT + "/logs/cloudaudit.googleapis.com%2Factivity");
    ObjectNode operation = entry.putObject("operation");
    operation.put("id", id).put("producer", "k8s.io").put("first", true).put("last", true);
    ObjectNode payload = entry.putObject("protoPayload");
    payload.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
    payload.putObject("authenticationInfo").put("principalEmail", "system:serviceaccount:kube-system:replicaset-controller");
    payload.put("methodName", "io.k8s.core.v1.pods.create");
    payload.put("resourceName", "core/v1/namespaces/default/pods/web-0");
    payload.put("serviceName", "k8s.io");
    payload.putObject("status");
    ObjectNode resource = entry.putObject("resource");
    resource.put("type", "k8s_cluster");
    resource.putObject("labels").put("project_id", PROJECT).put("location", LOCATION).put("cluster_name", CLUSTER);
    entry.put("severity", "NOTICE");
    entry.put("timestamp", at.toString());
    entry.put("receiveTimestamp", at.plusMillis(700).toString());
    return entry.toString();
  }

  public static long nanos(Instant instant) {
    return Times.toNanos(instant);
  }

  public static long nanos(String rfc3339) {
    return Times.toNanos(Instant.parse(rfc3339));
  }

  public static Instant minutesAfterT0(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  public static ObjectNode json(String lenientJson) {
    try {
      return (ObjectNode) LENIENT.readTree(lenientJson);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One LogEntry. */
  public static final class Builder {
    private final String methodName;
    private String insertId = String.format(Locale.ROOT, "ins%07d", IDS.incrementAndGet());
    private String logId = "cloudaudit.googleapis.com%2Factivity";
    private String resourceType = "gke_cluster";
    private String project = PROJECT;
    private String location = LOCATION;
    private String cluster = CLUSTER;
    private String nodepool;
    private String principal = ALICE;
    private String callerIp = TRUSTED_IP;
    private String userAgent = "google-cloud-sdk gcloud/480.0.0 command/gcloud.container.clusters.update";
    private Instant time = T0;
    private String operationId;
    private boolean first;
    private boolean last;
    private int statusCode;
    private String statusMessage;
    private ObjectNode request;
    private ClusterMetadata metadata;

    private Builder(String methodName) {
      this.methodName = methodName;
    }

    private String method() {
      return methodName.substring(methodName.lastIndexOf('.') + 1);
    }

    public Builder cluster(String project, String location, String cluster) {
      this.project = project;
      this.location = location;
      this.cluster = cluster;
      return this;
    }

    public Builder cluster(String cluster) {
      this.cluster = cluster;
      return this;
    }

    /** A project-level call (ListClusters over every location): no cluster. */
    public Builder noCluster() {
      this.location = "-";
      this.cluster = "";
      return this;
    }

    public Builder nodepool(String name) {
      this.resourceType = "gke_nodepool";
      this.nodepool = name;
      return this;
    }

    public Builder by(String principal) {
      this.principal = principal;
      return this;
    }

    public Builder from(String callerIp) {
      this.callerIp = callerIp;
      return this;
    }

    /** The caller-supplied user agent; null leaves it out of the entry. */
    public Builder agent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public Builder at(Instant time) {
      this.time = time;
      return this;
    }

    public Builder at(String rfc3339) {
      return at(Instant.parse(rfc3339));
    }

    public Builder atNanos(long nanos) {
      return at(Times.toInstant(nanos));
    }

    public Builder insertId(String insertId) {
      this.insertId = insertId;
      return this;
    }

    public Builder dataAccess() {
      this.logId = "cloudaudit.googleapis.com%2Fdata_access";
      return this;
    }

    /** The request body; single-quoted JSON is fine. Its {@code @type} is added as the logs write it. */
    public Builder request(String lenientJson) {
      this.request = json(lenientJson);
      return this;
    }

    public Builder status(int code, String message) {
      this.statusCode = code;
      this.statusMessage = message;
      return this;
    }

    public Builder denied() {
      return status(7, "Required \"container.clusters.update\" permission(s) for \"projects/" + project + "\".");
    }

    public Builder failed(int code) {
      return status(code, "operation failed with code " + code);
    }

    /** The request-bearing {@code first} entry of a long-running operation. */
    public Builder operationFirst(String id) {
      this.operationId = id;
      this.first = true;
      this.last = false;
      return this;
    }

    /** The {@code last} entry of a long-running operation: no authentication, caller or request, as logged. */
    public Builder operationLast(String id) {
      this.operationId = id;
      this.first = false;
      this.last = true;
      return this;
    }

    /** An operation whose first and last entry are one entry. */
    public Builder operationFirstAndLast(String id) {
      this.operationId = id;
      this.first = true;
      this.last = true;
      return this;
    }

    public Builder withCluster(ClusterMetadata metadata) {
      this.metadata = metadata;
      return this;
    }

    /** A copy with its own insertId (another entry with the same content). */
    public Builder another() {
      Builder copy = new Builder(methodName);
      copy.logId = logId;
      copy.resourceType = resourceType;
      copy.project = project;
      copy.location = location;
      copy.cluster = cluster;
      copy.nodepool = nodepool;
      copy.principal = principal;
      copy.callerIp = callerIp;
      copy.userAgent = userAgent;
      copy.time = time;
      copy.operationId = operationId;
      copy.first = first;
      copy.last = last;
      copy.statusCode = statusCode;
      copy.statusMessage = statusMessage;
      copy.request = request == null ? null : request.deepCopy();
      copy.metadata = metadata;
      return copy;
    }

    /** The LogEntry as exported. */
    public ObjectNode entry() {
      boolean requestBearing = operationId == null || first;
      ObjectNode entry = MAPPER.createObjectNode();
      entry.put("insertId", insertId);
      entry.put("logName", "projects/" + project + "/logs/" + logId);
      if (operationId != null) {
        ObjectNode operation = entry.putObject("operation");
        operation.put("id", operationId).put("producer", "container.googleapis.com");
        if (first) {
          operation.put("first", true);
        }
        if (last) {
          operation.put("last", true);
        }
      }
      ObjectNode payload = entry.putObject("protoPayload");
      payload.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
      String resourceName =
          "projects/" + project + "/zones/" + location + "/clusters/" + cluster
              + (nodepool == null ? "" : "/nodePools/" + nodepool);
      if (requestBearing) {
        if (principal != null) {
          payload.putObject("authenticationInfo").put("principalEmail", principal);
        }
        ObjectNode authz = payload.putArray("authorizationInfo").addObject();
        authz.put("permission", "container.clusters.update").put("permissionType", "ADMIN_WRITE");
        authz.put("resource", resourceName);
        if (statusCode != 7 && statusCode != 16) {
          authz.put("granted", true);
        }
        ObjectNode metadataNode = payload.putObject("requestMetadata");
        if (callerIp != null) {
          metadataNode.put("callerIp", callerIp);
        }
        if (userAgent != null) {
          metadataNode.put("callerSuppliedUserAgent", userAgent);
        }
        metadataNode.putObject("requestAttributes");
        metadataNode.putObject("destinationAttributes");
        ObjectNode body = payload.putObject("request");
        body.put("@type", "type.googleapis.com/google.container.v1alpha1." + method() + "Request");
        body.put("name", "projects/" + project + "/locations/" + location + "/clusters/" + cluster);
        if (request != null) {
          body.setAll(request);
        }
      } else {
        payload.putObject("metadata").put("requestID", "0x" + Long.toHexString(insertId.hashCode() & 0xffffffffL));
      }
      payload.put("methodName", methodName);
      payload.put("resourceName", resourceName);
      payload.put("serviceName", "container.googleapis.com");
      ObjectNode status = payload.putObject("status");
      if (statusCode != 0) {
        status.put("code", statusCode);
        status.put("message", statusMessage);
      }
      ObjectNode resource = entry.putObject("resource");
      resource.put("type", resourceType);
      ObjectNode labels = resource.putObject("labels");
      labels.put("cluster_name", cluster).put("location", location).put("project_id", project);
      if (nodepool != null) {
        labels.put("nodepool_name", nodepool);
      }
      entry.put("severity", statusCode == 0 ? "NOTICE" : "ERROR");
      entry.put("timestamp", time.toString());
      entry.put("receiveTimestamp", time.plusMillis(800).toString());
      return entry;
    }

    /** The entry as one NDJSON line of an export file. */
    public String line() {
      return entry().toString();
    }

    /** The event the product's parser makes of this entry, with the cluster metadata the enrichment would join. */
    public ClusterEvent build() {
      ParseOutcome outcome = LogEntryParser.parse(line().getBytes(StandardCharsets.UTF_8), "test");
      if (outcome.kind() != ParseOutcome.Kind.CLUSTER_MANAGER) {
        throw new IllegalStateException("fixture is not a ClusterManager entry: " + outcome);
      }
      return metadata == null ? outcome.event() : outcome.event().withCluster(metadata);
    }
  }

  /** Cluster metadata as a Cloud Asset Inventory export line describes it. */
  public static Metadata metadata(String project, String location, String cluster) {
    return new Metadata(project, location, cluster);
  }

  public static Metadata metadata(String cluster) {
    return metadata(PROJECT, LOCATION, cluster);
  }

  public static final class Metadata {
    private final String project;
    private final String location;
    private final String cluster;
    private final Map<String, String> labels = new TreeMap<>();
    private String masterVersion = "1.30.5-gke.1200";
    private Instant updated = T0.minus(Duration.ofDays(30));
    private ObjectNode maintenancePolicy;

    private Metadata(String project, String location, String cluster) {
      this.project = project;
      this.location = location;
      this.cluster = cluster;
    }

    public Metadata label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Metadata masterVersion(String version) {
      this.masterVersion = version;
      return this;
    }

    public Metadata updated(Instant updated) {
      this.updated = updated;
      return this;
    }

    public Metadata updated(String rfc3339) {
      return updated(Instant.parse(rfc3339));
    }

    /** The Cluster API {@code maintenancePolicy} object; single-quoted JSON is fine. */
    public Metadata maintenancePolicy(String lenientJson) {
      this.maintenancePolicy = json(lenientJson);
      return this;
    }

    /** One line of {@code gcloud asset export --content-type=resource} output (snake_case keys). */
    public String assetLine() {
      ObjectNode asset = MAPPER.createObjectNode();
      asset.put("name", "//container.googleapis.com/projects/" + project + "/locations/" + location + "/clusters/" + cluster);
      asset.put("asset_type", ClusterMetadataParser.CLUSTER_ASSET_TYPE);
      ObjectNode resource = asset.putObject("resource");
      resource.put("version", "v1");
      resource.put("discovery_name", "Cluster");
      resource.put("parent", "//cloudresourcemanager.googleapis.com/projects/123456789");
      ObjectNode data = resource.putObject("data");
      data.put("name", cluster);
      data.put("location", location);
      data.put("status", "RUNNING");
      data.put("currentMasterVersion", masterVersion);
      data.putObject("releaseChannel").put("channel", "REGULAR");
      ObjectNode labelNode = data.putObject("resourceLabels");
      labels.forEach(labelNode::put);
      if (maintenancePolicy != null) {
        data.set("maintenancePolicy", maintenancePolicy);
      }
      resource.put("location", location);
      asset.putArray("ancestors").add("projects/123456789");
      asset.put("update_time", updated.toString());
      return asset.toString();
    }

    public ClusterMetadata build() {
      try {
        return ClusterMetadataParser.parse(assetLine());
      } catch (ClusterMetadataParser.InvalidAssetException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
