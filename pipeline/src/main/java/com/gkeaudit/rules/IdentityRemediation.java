package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import java.util.Locale;

/** Remediation text shared by the behavioural rules: what to do about the identity, and how to check the cluster. */
final class IdentityRemediation {
  private IdentityRemediation() {}

  /** The principal as IAM names it: principalSubject's "serviceAccount:" / "user:" prefix dropped. */
  static String email(String principal) {
    int colon = principal.indexOf(':');
    return colon > 0 && !principal.startsWith("system:") ? principal.substring(colon + 1) : principal;
  }

  /** A service account with keys (not a Workload Identity principal, which has none). */
  static boolean isServiceAccount(String principal) {
    return email(principal).toLowerCase(Locale.ROOT).endsWith(".gserviceaccount.com");
  }

  /** What to do when the use was not the identity's owner: keys for a service account, sessions for a user. */
  static String containIdentity(ClusterEvent event) {
    String principal = email(event.principal());
    if (isServiceAccount(principal)) {
      return "If the owner of " + principal + " cannot vouch for it, treat its key as stolen: list the account's "
          + "keys with gcloud iam service-accounts keys list --iam-account=" + principal + " (the key this entry used "
          + "is its authenticationInfo.serviceAccountKeyName: gcloud logging read 'insertId=\"" + event.insertId()
          + "\"' --format='value(protoPayload.authenticationInfo.serviceAccountKeyName)'), disable it with gcloud "
          + "iam service-accounts keys disable KEY_ID --iam-account=" + principal + ", then create a new key for "
          + "the legitimate user (or move it to Workload Identity Federation) and delete the old one.";
    }
    if (ClusterEvent.AUTOMATION.equals(event.initiator())) {
      return "If the owner of " + principal + " cannot vouch for it, this is a Workload Identity principal: find "
          + "the Kubernetes service account it names, check what runs under it, and remove its IAM bindings on the "
          + "project (gcloud projects get-iam-policy PROJECT --flatten=bindings[].members "
          + "--filter=\"bindings.members~" + principal + "\", then gcloud projects remove-iam-policy-binding).";
    }
    return "If " + principal + " cannot vouch for it, treat the account as compromised: have a Workspace or Cloud "
        + "Identity admin reset its password and sign-in sessions, revoke its gcloud and OAuth tokens, and remove its "
        + "GKE roles until it is cleared (gcloud projects remove-iam-policy-binding PROJECT --member=user:" + principal
        + " --role=ROLE).";
  }

  /** How to see what the identity changed on the event's cluster, and how to compare it with the declared config. */
  static String reviewChanges(ClusterEvent event) {
    return FindingBuilder.forCluster(
        "Review what it changed: gcloud container operations list --location LOCATION --project PROJECT "
            + "--filter=\"targetLink~clusters/CLUSTER\", and compare the cluster with its declared configuration "
            + "(gcloud container clusters describe CLUSTER --location LOCATION --project PROJECT); revert anything "
            + "unexpected with gcloud container clusters update CLUSTER --location LOCATION --project PROJECT.",
        event);
  }
}
