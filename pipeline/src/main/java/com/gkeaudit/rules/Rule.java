package com.gkeaudit.rules;

import java.util.List;

/** The rule catalogue (docs/rules.md): ids, base severities, risk categories and MITRE ATT&CK techniques. */
public enum Rule {
  IP_ROTATION_STALLED(
      "ip-rotation-stalled",
      Severity.MEDIUM,
      "IP rotation left half-done",
      List.of("network-disruption", "unauthorized-access"),
      // External Remote Services: the old control-plane IP keeps serving.
      List.of("T1133")),
  CREDENTIAL_ROTATION_STALLED(
      "credential-rotation-stalled",
      Severity.HIGH,
      "Credential rotation left half-done",
      List.of("certificate-validation", "unauthorized-access"),
      // Unsecured Credentials: Private Keys; Valid Accounts: Cloud Accounts. The old CA still signs valid clients.
      List.of("T1552.004", "T1078.004")),
  OPERATION_FAILED(
      "operation-failed",
      Severity.MEDIUM,
      "Control-plane change failed",
      List.of("network-disruption", "configuration-drift"),
      List.of("T1578")),
  PERMISSION_DENIED_BURST(
      "permission-denied-burst",
      Severity.MEDIUM,
      "Burst of denied GKE API calls",
      List.of("unauthorized-access"),
      // Cloud Infrastructure Discovery; Valid Accounts: Cloud Accounts (probing with a stolen identity).
      List.of("T1580", "T1078.004")),
  CHANGE_BURST(
      "change-burst",
      Severity.MEDIUM,
      "Burst of control-plane changes on one cluster",
      List.of("configuration-drift"),
      List.of("T1578")),
  MULTI_CLUSTER_CHANGE(
      "multi-cluster-change",
      Severity.HIGH,
      "One principal changed many clusters",
      List.of("unauthorized-access"),
      List.of("T1078.004", "T1578")),
  NEW_PRINCIPAL(
      "new-principal",
      Severity.MEDIUM,
      "First change on this cluster by a principal",
      List.of("unauthorized-access"),
      // Valid Accounts: Cloud Accounts; Account Manipulation.
      List.of("T1078.004", "T1098")),
  OUTSIDE_MAINTENANCE_WINDOW(
      "outside-maintenance-window",
      Severity.LOW,
      "Disruptive change outside the maintenance window",
      List.of("configuration-drift", "network-disruption"),
      List.of("T1578")),
  VERSION_DOWNGRADE(
      "version-downgrade",
      Severity.HIGH,
      "Control-plane version downgrade",
      List.of("vulnerability-exploitation"),
      // Impair Defenses: Downgrade Attack.
      List.of("T1562.010")),
  POSTURE_WEAKENED(
      "posture-weakened",
      Severity.HIGH,
      "Cluster security control switched off",
      List.of("configuration-drift", "unauthorized-access"),
      // Impair Defenses.
      List.of("T1562")),
  UNTRUSTED_SOURCE(
      "untrusted-source",
      Severity.MEDIUM,
      "GKE API call from an untrusted network",
      List.of("unauthorized-access"),
      List.of("T1078.004", "T1133")),
  UNUSUAL_CLIENT(
      "unusual-client",
      Severity.MEDIUM,
      "Change from a client this principal has not used",
      List.of("unauthorized-access"),
      // Valid Accounts: Cloud Accounts; Use Alternate Authentication Material: Application Access Token (a stolen
      // service-account key or token replayed from another tool).
      List.of("T1078.004", "T1550.001")),
  UNUSUAL_SOURCE(
      "unusual-source",
      Severity.HIGH,
      "Service account used from a network it has not used",
      List.of("unauthorized-access"),
      List.of("T1078.004", "T1550.001")),
  RARE_METHOD(
      "rare-method",
      Severity.MEDIUM,
      "Change method this principal has not used",
      List.of("unauthorized-access", "configuration-drift"),
      // Valid Accounts: Cloud Accounts; Modify Cloud Compute Infrastructure.
      List.of("T1078.004", "T1578")),
  CHANGE_VOLUME_ANOMALY(
      "change-volume-anomaly",
      Severity.MEDIUM,
      "Unusual number of changes in a day",
      List.of("configuration-drift", "unauthorized-access"),
      List.of("T1578", "T1078.004")),
  DENIED_THEN_CHANGED(
      "denied-then-changed",
      Severity.HIGH,
      "Change succeeded soon after a burst of denied calls",
      List.of("unauthorized-access"),
      // Valid Accounts: Cloud Accounts; Abuse Elevation Control Mechanism: Temporary Elevated Cloud Access (probing,
      // then a change once a permission was obtained).
      List.of("T1078.004", "T1548.005"));

  private final String id;
  private final Severity baseSeverity;
  private final String title;
  private final List<String> riskCategories;
  private final List<String> mitreTechniques;

  Rule(String id, Severity baseSeverity, String title, List<String> riskCategories, List<String> mitreTechniques) {
    this.id = id;
    this.baseSeverity = baseSeverity;
    this.title = title;
    this.riskCategories = riskCategories;
    this.mitreTechniques = mitreTechniques;
  }

  public String id() {
    return id;
  }

  public Severity baseSeverity() {
    return baseSeverity;
  }

  public String title() {
    return title;
  }

  public List<String> riskCategories() {
    return riskCategories;
  }

  public List<String> mitreTechniques() {
    return mitreTechniques;
  }
}
