package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes API audit entries (serviceName k8s.io, resource.type k8s_cluster): the bulk of a real export.
 *
 * <p>Lines are rendered from compact templates (compiled once from pretty JSON, so they are valid JSON by
 * construction) by substituting {@code {{NAME}}} placeholders; no JSON tree is built per line. All substituted values
 * are JSON-safe ASCII.
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

  private static final String OP = "\"operation\":{\"first\":true,\"id\":\"{{ID}}\",\"last\":true,\"producer\":\"k8s.io\"},";
  private static final String RES = "\"receiveTimestamp\":\"{{RTS}}\",\"resource\":{\"labels\":{\"cluster_name\":\"{{C}}\","
      + "\"location\":\"{{L}}\",\"project_id\":\"{{P}}\"},\"type\":\"k8s_cluster\"},\"timestamp\":\"{{TS}}\"}";
  private static final String ACT = "\"logName\":\"projects/{{P}}/logs/cloudaudit.googleapis.com%2Factivity\",";
  private static final String DAT = "\"logName\":\"projects/{{P}}/logs/cloudaudit.googleapis.com%2Fdata_access\",";
  private static final String AUDIT = "\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",";
  private static final String ALLOW_EMPTY = "\"labels\":{\"authorization.k8s.io/decision\":\"allow\","
      + "\"authorization.k8s.io/reason\":\"\"},";

  static final Template LEASE_UPDATE = compile("leases.update", true, 40, "{\"insertId\":\"{{ID}}\"," + ALLOW_EMPTY
      + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:node:{{NODE}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.coordination.v1.leases.update\","
      + "\"resource\":\"coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{{NODE}}\"}],"
      + "\"methodName\":\"io.k8s.coordination.v1.leases.update\","
      + "\"request\":{\"@type\":\"coordination.k8s.io/v1.Lease\",\"apiVersion\":\"coordination.k8s.io/v1\","
      + "\"kind\":\"Lease\",\"metadata\":{\"name\":\"{{NODE}}\",\"namespace\":\"kube-node-lease\","
      + "\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"},"
      + "\"spec\":{\"holderIdentity\":\"{{NODE}}\",\"leaseDurationSeconds\":40,\"renewTime\":\"{{RENEW}}\"}},"
      + "\"requestMetadata\":{\"callerIp\":\"{{NODEIP}}\","
      + "\"callerSuppliedUserAgent\":\"kubelet/{{KV}} (linux/amd64) kubernetes/{{GIT}}\"},"
      + "\"resourceName\":\"coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{{NODE}}\","

      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template POD_CREATE = compile("pods.create", true, 5, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"system:controller:replicaset-controller\\\" of ClusterRole "
      + "\\\"system:controller:replicaset-controller\\\" to ServiceAccount \\\"replicaset-controller/kube-system\\\"\","
      + "\"pod-security.kubernetes.io/enforce-policy\":\"baseline:latest\"}," + ACT + OP + "\"protoPayload\":{"
      + AUDIT + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:kube-system:replicaset-controller\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.pods.create\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}\"}],\"methodName\":\"io.k8s.core.v1.pods.create\","
      + "\"request\":{\"@type\":\"core.k8s.io/v1.Pod\",\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
      + "\"creationTimestamp\":null,\"generateName\":\"{{APP}}-{{HASH}}-\",\"labels\":{\"app\":\"{{APP}}\","
      + "\"pod-template-hash\":\"{{HASH}}\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"blockOwnerDeletion\":true,"
      + "\"controller\":true,\"kind\":\"ReplicaSet\",\"name\":\"{{APP}}-{{HASH}}\",\"uid\":\"{{OWNER}}\"}]},"
      + "\"spec\":{\"containers\":[{\"image\":\"{{IMG}}\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"{{APP}}\","
      + "\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],\"resources\":{\"requests\":{\"cpu\":\"250m\","
      + "\"memory\":\"256Mi\"}},\"terminationMessagePath\":\"/dev/termination-log\","
      + "\"terminationMessagePolicy\":\"File\"}],\"dnsPolicy\":\"ClusterFirst\",\"enableServiceLinks\":true,"
      + "\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\",\"securityContext\":{\"runAsNonRoot\":true},"
      + "\"serviceAccountName\":\"{{APP}}\",\"terminationGracePeriodSeconds\":30},\"status\":{}},"
      + "\"requestMetadata\":{\"callerIp\":\"{{CPIP}}\",\"callerSuppliedUserAgent\":\"kube-controller-manager/{{KV}} "
      + "(linux/amd64) kubernetes/{{GIT}}/system:serviceaccount:kube-system:replicaset-controller\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}\",\"response\":{\"@type\":\"core.k8s.io/v1.Pod\","
      + "\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"creationTimestamp\":\"{{TSS}}\","
      + "\"generateName\":\"{{APP}}-{{HASH}}-\",\"labels\":{\"app\":\"{{APP}}\",\"pod-template-hash\":\"{{HASH}}\"},"
      + "\"name\":\"{{POD}}\",\"namespace\":\"{{NS}}\",\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"},"
      + "\"status\":{\"phase\":\"Pending\",\"qosClass\":\"Burstable\"}},"
      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template POD_STATUS_PATCH = compile("pods.status.patch", true, 16, "{\"insertId\":\"{{ID}}\","
      + ALLOW_EMPTY + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:node:{{NODE}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.pods.status.patch\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}/status\"}],"
      + "\"methodName\":\"io.k8s.core.v1.pods.status.patch\",\"request\":{\"@type\":\"k8s.io/Patch\","
      + "\"metadata\":{\"uid\":\"{{UID}}\"},\"status\":{\"conditions\":[{\"lastProbeTime\":null,"
      + "\"lastTransitionTime\":\"{{TSS}}\",\"status\":\"True\",\"type\":\"Ready\"}],"
      + "\"podIP\":\"{{PODIP}}\"}},"
      + "\"requestMetadata\":{\"callerIp\":\"{{NODEIP}}\","
      + "\"callerSuppliedUserAgent\":\"kubelet/{{KV}} (linux/amd64) kubernetes/{{GIT}}\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}/status\",\"response\":{"
      + "\"@type\":\"core.k8s.io/v1.Pod\",\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"{{POD}}\","
      + "\"namespace\":\"{{NS}}\",\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"},\"status\":{"
      + "\"phase\":\"Running\",\"podIP\":\"{{PODIP}}\",\"qosClass\":\"Burstable\"}},"
      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template POD_DELETE = compile("pods.delete", true, 6, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"system:controller:replicaset-controller\\\" of ClusterRole "
      + "\\\"system:controller:replicaset-controller\\\" to ServiceAccount \\\"replicaset-controller/kube-system\\\"\"},"
      + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:kube-system:replicaset-controller\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.pods.delete\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}\"}],\"methodName\":\"io.k8s.core.v1.pods.delete\","
      + "\"request\":{\"@type\":\"meta.k8s.io/v1.DeleteOptions\",\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\","
      + "\"propagationPolicy\":\"Background\"},\"requestMetadata\":{\"callerIp\":\"{{CPIP}}\","
      + "\"callerSuppliedUserAgent\":\"kube-controller-manager/{{KV}} (linux/amd64) kubernetes/{{GIT}}/"
      + "system:serviceaccount:kube-system:replicaset-controller\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/pods/{{POD}}\",\"response\":{\"@type\":\"core.k8s.io/v1.Pod\","
      + "\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"deletionGracePeriodSeconds\":30,"
      + "\"deletionTimestamp\":\"{{TSS}}\",\"name\":\"{{POD}}\",\"namespace\":\"{{NS}}\","
      + "\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"},\"status\":{\"phase\":\"Running\"}},"
      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template CONFIGMAP_UPDATE = compile("configmaps.update", true, 12, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"cluster-autoscaler\\\" of ClusterRole \\\"cluster-autoscaler\\\" to User "
      + "\\\"system:cluster-autoscaler\\\"\"}," + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:cluster-autoscaler\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.configmaps.update\","
      + "\"resource\":\"core/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status\"}],"
      + "\"methodName\":\"io.k8s.core.v1.configmaps.update\",\"request\":{\"@type\":\"core.k8s.io/v1.ConfigMap\","
      + "\"apiVersion\":\"v1\",\"data\":{\"status\":\"time: {{TSS}}\\nautoscalerStatus: Running\\n"
      + "clusterWide:\\n  health:\\n    status: Healthy\\n\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{"
      + "\"cluster-autoscaler.kubernetes.io/last-updated\":\"{{TSS}}\"},\"name\":\"cluster-autoscaler-status\","
      + "\"namespace\":\"kube-system\",\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"}},"
      + "\"requestMetadata\":{\"callerIp\":\"{{CPIP}}\",\"callerSuppliedUserAgent\":\"cluster-autoscaler/v1.30.3\"},"
      + "\"resourceName\":\"core/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status\","
      + "\"response\":{\"@type\":\"core.k8s.io/v1.ConfigMap\",\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
      + "\"metadata\":{\"name\":\"cluster-autoscaler-status\",\"namespace\":\"kube-system\","
      + "\"resourceVersion\":\"{{RV2}}\",\"uid\":\"{{UID}}\"}},\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}},"
      + RES);

  /** Mentions container.googleapis.com in a node annotation without being a ClusterManager entry. */
  static final Template NODE_STATUS_PATCH = compile("nodes.status.patch", true, 4, "{\"insertId\":\"{{ID}}\","
      + ALLOW_EMPTY + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:node:{{NODE}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.nodes.status.patch\","
      + "\"resource\":\"core/v1/nodes/{{NODE}}/status\"}],\"methodName\":\"io.k8s.core.v1.nodes.status.patch\","
      + "\"request\":{\"@type\":\"k8s.io/Patch\",\"status\":{\"conditions\":[{\"lastHeartbeatTime\":\"{{TSS}}\","
      + "\"type\":\"MemoryPressure\"},{\"lastHeartbeatTime\":\"{{TSS}}\",\"type\":\"DiskPressure\"},"
      + "{\"lastHeartbeatTime\":\"{{TSS}}\",\"type\":\"Ready\"}]}},\"requestMetadata\":{\"callerIp\":\"{{NODEIP}}\","
      + "\"callerSuppliedUserAgent\":\"kubelet/{{KV}} (linux/amd64) kubernetes/{{GIT}}\"},"
      + "\"resourceName\":\"core/v1/nodes/{{NODE}}/status\",\"response\":{\"@type\":\"core.k8s.io/v1.Node\","
      + "\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"annotations\":{"
      + "\"container.googleapis.com/instance_id\":\"{{INST}}\",\"csi.volume.kubernetes.io/nodeid\":"
      + "\"{\\\"pd.csi.storage.gke.io\\\":\\\"projects/{{P}}/zones/{{NZONE}}/instances/{{NODE}}\\\"}\","
      + "\"node.alpha.kubernetes.io/ttl\":\"0\",\"node.gke.io/last-applied-node-labels\":"
      + "\"cloud.google.com/gke-nodepool={{NP}},cloud.google.com/gke-os-distribution=cos\"},\"labels\":{"
      + "\"cloud.google.com/gke-nodepool\":\"{{NP}}\",\"kubernetes.io/hostname\":\"{{NODE}}\","
      + "\"topology.kubernetes.io/zone\":\"{{NZONE}}\"},\"name\":\"{{NODE}}\",\"resourceVersion\":\"{{RV}}\","
      + "\"uid\":\"{{NUID}}\"}},\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template DEPLOYMENT_PATCH = compile("deployments.patch", true, 3, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"platform-admins\\\" of ClusterRole \\\"cluster-admin\\\" to Group "
      + "\\\"{{USERGROUP}}\\\"\"}," + ACT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"{{USER}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.apps.v1.deployments.patch\","
      + "\"resource\":\"apps/v1/namespaces/{{NS}}/deployments/{{APP}}\"}],"
      + "\"methodName\":\"io.k8s.apps.v1.deployments.patch\",\"request\":{\"@type\":\"k8s.io/Patch\","
      + "\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"{{TSS}}\"}}}}},"
      + "\"requestMetadata\":{\"callerIp\":\"{{USERIP}}\",\"callerSuppliedUserAgent\":\"{{KUBECTL}}\"},"
      + "\"resourceName\":\"apps/v1/namespaces/{{NS}}/deployments/{{APP}}\",\"response\":{"
      + "\"@type\":\"apps.k8s.io/v1.Deployment\",\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{"
      + "\"annotations\":{\"deployment.kubernetes.io/revision\":\"{{REV}}\"},\"name\":\"{{APP}}\","
      + "\"namespace\":\"{{NS}}\",\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{UID}}\"},\"spec\":{\"replicas\":3,"
      + "\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"25%\",\"maxUnavailable\":\"25%\"},\"type\":\"RollingUpdate\"}}},"
      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":0}}," + RES);

  static final Template PODS_LIST = compile("pods.list", false, 30, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"prometheus\\\" of ClusterRole \\\"prometheus\\\" to ServiceAccount "
      + "\\\"prometheus/monitoring\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:monitoring:prometheus\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.pods.list\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/pods\"}],\"methodName\":\"io.k8s.core.v1.pods.list\","
      + "\"requestMetadata\":{\"callerIp\":\"{{PODIP}}\",\"callerSuppliedUserAgent\":\"prometheus/v2.53.1\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/pods\",\"serviceName\":\"k8s.io\",\"status\":{}}," + RES);

  static final Template CONFIGMAP_GET = compile("configmaps.get", false, 22, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "RoleBinding \\\"{{APP}}-config-reader/{{NS}}\\\" of Role \\\"config-reader\\\" to ServiceAccount "
      + "\\\"{{APP}}/{{NS}}\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:{{NS}}:{{APP}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.configmaps.get\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/configmaps/{{APP}}-config\"}],"
      + "\"methodName\":\"io.k8s.core.v1.configmaps.get\",\"requestMetadata\":{\"callerIp\":\"{{PODIP}}\","
      + "\"callerSuppliedUserAgent\":\"Go-http-client/2.0\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/configmaps/{{APP}}-config\",\"serviceName\":\"k8s.io\","
      + "\"status\":{}}," + RES);

  static final Template NODES_LIST = compile("nodes.list", false, 10, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"platform-admins\\\" of ClusterRole \\\"cluster-admin\\\" to Group "
      + "\\\"{{USERGROUP}}\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"{{USER}}\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.nodes.list\","
      + "\"resource\":\"core/v1/nodes\"}],\"methodName\":\"io.k8s.core.v1.nodes.list\","
      + "\"requestMetadata\":{\"callerIp\":\"{{USERIP}}\",\"callerSuppliedUserAgent\":\"GoogleCloudConsole\"},"
      + "\"resourceName\":\"core/v1/nodes\",\"serviceName\":\"k8s.io\",\"status\":{}}," + RES);

  static final Template READYZ = compile("readyz", false, 14, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"system:public-info-viewer\\\" of ClusterRole \\\"system:public-info-viewer\\\" to "
      + "Group \\\"system:unauthenticated\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:anonymous\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.get\",\"resource\":\"readyz\"}],"
      + "\"methodName\":\"io.k8s.get\",\"requestMetadata\":{\"callerIp\":\"127.0.0.1\","
      + "\"callerSuppliedUserAgent\":\"kube-probe/1.30+\"},\"resourceName\":\"readyz\",\"serviceName\":\"k8s.io\","
      + "\"status\":{}}," + RES);

  /** Mentions container.googleapis.com in the returned node's annotations. */
  static final Template NODE_GET = compile("nodes.get", false, 3, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "ClusterRoleBinding \\\"system:gke-metadata-server\\\" of ClusterRole \\\"system:gke-metadata-server\\\" to "
      + "ServiceAccount \\\"gke-metadata-server/kube-system\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:kube-system:gke-metadata-server\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.nodes.get\","
      + "\"resource\":\"core/v1/nodes/{{NODE}}\"}],\"methodName\":\"io.k8s.core.v1.nodes.get\","
      + "\"requestMetadata\":{\"callerIp\":\"{{NODEIP}}\",\"callerSuppliedUserAgent\":"
      + "\"gke-metadata-server/v0.4.301 (linux/amd64)\"},\"resourceName\":\"core/v1/nodes/{{NODE}}\","
      + "\"response\":{\"@type\":\"core.k8s.io/v1.Node\",\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{"
      + "\"annotations\":{\"container.googleapis.com/instance_id\":\"{{INST}}\"},\"labels\":{"
      + "\"cloud.google.com/gke-nodepool\":\"{{NP}}\",\"iam.gke.io/gke-metadata-server-enabled\":\"true\"},"
      + "\"name\":\"{{NODE}}\",\"resourceVersion\":\"{{RV}}\",\"uid\":\"{{NUID}}\"}},"
      + "\"serviceName\":\"k8s.io\",\"status\":{}}," + RES);

  static final Template SECRET_GET = compile("secrets.get", false, 8, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by "
      + "RoleBinding \\\"cert-manager:leaderelection/kube-system\\\" of Role \\\"cert-manager:leaderelection\\\" to "
      + "ServiceAccount \\\"cert-manager/cert-manager\\\"\"}," + DAT + OP + "\"protoPayload\":{" + AUDIT
      + "\"authenticationInfo\":{\"principalEmail\":\"system:serviceaccount:cert-manager:cert-manager\"},"
      + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.secrets.get\","
      + "\"resource\":\"core/v1/namespaces/{{NS}}/secrets/{{APP}}-tls\"}],\"methodName\":\"io.k8s.core.v1.secrets.get\","
      + "\"requestMetadata\":{\"callerIp\":\"{{PODIP}}\",\"callerSuppliedUserAgent\":"
      + "\"cert-manager-controller/v1.15.3 (linux/amd64) cert-manager/1cb4cd2e3b0e1b6e\"},"
      + "\"resourceName\":\"core/v1/namespaces/{{NS}}/secrets/{{APP}}-tls\",\"serviceName\":\"k8s.io\","
      + "\"status\":{}}," + RES);

  /** A forbidden k8s.io request (code 7): not a ClusterManager denied call. */
  static final Template ANONYMOUS_FORBIDDEN = compile("secrets.list.forbidden", false, 0, "{\"insertId\":\"{{ID}}\","
      + "\"labels\":{\"authorization.k8s.io/decision\":\"forbid\",\"authorization.k8s.io/reason\":\"\"}," + DAT + OP
      + "\"protoPayload\":{" + AUDIT + "\"authenticationInfo\":{\"principalEmail\":\"system:anonymous\"},"
      + "\"authorizationInfo\":[{\"permission\":\"io.k8s.core.v1.secrets.list\",\"resource\":\"core/v1/secrets\"}],"
      + "\"methodName\":\"io.k8s.core.v1.secrets.list\",\"requestMetadata\":{\"callerIp\":\"{{USERIP}}\","
      + "\"callerSuppliedUserAgent\":\"python-requests/2.31.0\"},\"resourceName\":\"core/v1/secrets\","
      + "\"serviceName\":\"k8s.io\",\"status\":{\"code\":7,\"message\":\"secrets is forbidden: User "
      + "\\\"system:anonymous\\\" cannot list resource \\\"secrets\\\" in API group \\\"\\\" at the cluster scope\"}},"
      + RES);

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
