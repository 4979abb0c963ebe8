// Bootstrap manifest sync, the last step of upgrade-k8s (upstream's PerformManifestsSync): the
// Manifest resources of the first control-plane node are read, then applied with server-side
// apply and an inventory when every node runs Talos 1.13+ (sync_ssa.ts), or with the legacy
// get/diff/create/update loop otherwise (sync_legacy.ts).

import type { NodeTarget } from "../session.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { cosiList } from "../clustercheck/cosi.ts";

export interface SyncOptions {
  dryRun: boolean;
  /** --manifests-force: recreate objects whose immutable fields changed. */
  force: boolean;
  /** --manifests-no-prune. */
  noPrune: boolean;
  /** --manifests-inventory-policy (already checked). */
  inventoryPolicy: string;
  /** --manifests-reconcile-timeout; 0 skips the wait. */
  reconcileTimeoutMs: number;
  /** Every poll and retry interval (TALOSCTL_RETRY_INTERVAL); upstream's own when unset. */
  intervalMs?: number;
}

export type Log = (line: string) => Promise<void>;

/** The objects of every Manifest resource of the node, in resource order. */
export async function bootstrapManifests(t: NodeTarget, signal: AbortSignal): Promise<K8sObject[]> {
  const manifests = await cosiList(t, signal, "controlplane", "Manifests.kubernetes.talos.dev");
  return manifests.flatMap((m) => {
    // The spec is written as the list of objects; older encodings nest it under items.
    const items = Array.isArray(m.spec) ? m.spec : m.spec?.items ?? [];
    return (items as K8sObject[]).map((i) => structuredClone(i.object ?? i));
  });
}

export async function performManifestsSync(
  t: NodeTarget,
  k8s: K8sClient,
  useSSA: boolean,
  o: SyncOptions,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  const objects = await bootstrapManifests(t, signal);
  if (useSSA) {
    const { syncManifestsSSA } = await import("./sync_ssa.ts");
    await syncManifestsSSA(objects, k8s, o, signal, log);
  } else {
    const { syncManifestsLegacy } = await import("./sync_legacy.ts");
    await syncManifestsLegacy(objects, k8s, o, signal, log);
  }
}
