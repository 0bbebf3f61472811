package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;

/** The grouping keys of the sequential rules; null means the event does not belong to any group of that kind. */
final class Keys {
  private Keys() {}

  /** Cluster-scoped rules see every entry about a named cluster (nodepool entries included). */
  static String cluster(ClusterEvent event) {
    return event.clusterName() == null || event.clusterName().isEmpty() ? null : event.clusterKey();
  }

  static String principal(ClusterEvent event) {
    return event.principal();
  }

  /** docs/rules.md: operation.id together with producer identifies an operation. */
  static String operation(ClusterEvent event) {
    return event.operationId() == null ? null : event.operationProducer() + "/" + event.operationId();
  }
}
