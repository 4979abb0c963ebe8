// Default Kubernetes control-plane policies that generated configs carry (values from upstream
// Talos; fresh objects on every call so callers may mutate them).

import type { ValueMap } from "../schema.ts";

/** Pod Security admission: enforce "baseline", audit and warn "restricted", kube-system exempt. */
export function podSecurityAdmissionConfig(): ValueMap {
  return {
    apiVersion: "pod-security.admission.config.k8s.io/v1alpha1",
    kind: "PodSecurityConfiguration",
    defaults: {
      enforce: "baseline",
      "enforce-version": "latest",
      audit: "restricted",
      "audit-version": "latest",
      warn: "restricted",
      "warn-version": "latest",
    },
    exemptions: {
      usernames: [],
      runtimeClasses: [],
      namespaces: ["kube-system"],
    },
  };
}

/** API server audit policy: metadata level for every request. */
export function defaultAuditPolicy(): ValueMap {
  return {
    apiVersion: "audit.k8s.io/v1",
    kind: "Policy",
    rules: [{ level: "Metadata" }],
  };
}

/** Structured authentication: anonymous access only to the health endpoints, no JWT issuers. */
export function defaultAuthentication(): ValueMap {
  return {
    anonymous: {
      enabled: true,
      conditions: [{ path: "/livez" }, { path: "/readyz" }, { path: "/healthz" }],
    },
    jwt: [],
  };
}

/** Authorizer chain: Node, then RBAC. */
export const DEFAULT_AUTHORIZERS: [name: string, type: string][] = [
  ["node", "Node"],
  ["rbac", "RBAC"],
];
