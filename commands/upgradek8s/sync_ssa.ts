// Server-side apply manifest sync (Talos 1.13+): a dry run prints each change and its diff; a
// real run applies through the inventory-backed manager, prints the results as go-kubernetes'
// CLI helper does, then waits (FailFast, every 2 s) for created and configured objects to
// reconcile, unless --manifests-reconcile-timeout is 0.

import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { RestMapper } from "../../k8s/restmapper.ts";
import { parseInventoryPolicy, SsaManager } from "../../k8s/ssa.ts";
import type { Log, SyncOptions } from "./sync.ts";

/** Talos's field manager and inventory (constants KubernetesFieldManagerName & co). */
export const FIELD_MANAGER = "talos";
export const INVENTORY_NAMESPACE = "kube-system";
export const INVENTORY_NAME = "talos-bootstrap-manifests-inventory";

export async function syncManifestsSSA(
  objects: K8sObject[],
  k8s: K8sClient,
  o: SyncOptions,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  await log(o.dryRun ? "updating manifests (dry run)" : "updating manifests");
  const policy = parseInventoryPolicy(o.inventoryPolicy);
  const manager = new SsaManager(k8s, new RestMapper(k8s, signal), {
    fieldManager: FIELD_MANAGER,
    inventoryNamespace: INVENTORY_NAMESPACE,
    inventoryName: INVENTORY_NAME,
    intervalMs: o.intervalMs,
    signal,
  });
  if (o.dryRun) {
    let changes;
    try {
      changes = await manager.diff(objects, { policy, noPrune: o.noPrune, force: false });
    } catch (e) {
      throw new Error(`error diffing manifests: ${(e as Error).message}`);
    }
    for (const c of changes) {
      await log(` < ${c.action} ${c.subject}`);
      if (c.diff !== "") await log(c.diff);
    }
    return;
  }
  let changes;
  try {
    changes = await manager.apply(objects, {
      policy,
      force: o.force,
      noPrune: o.noPrune,
      waitTimeoutMs: o.reconcileTimeoutMs,
      // ConfigMaps and Secrets before the workloads that checksum them.
      customStageKinds: new Set(["ConfigMap", "Secret"]),
    });
  } catch (e) {
    throw new Error(`error applying manifests: ${(e as Error).message}`);
  }
  for (const c of changes) {
    switch (c.action) {
      case "created":
      case "configured":
      case "deleted":
        await log(` < ${c.action} ${c.subject}`);
        await log(c.diff);
        break;
      case "skipped":
      case "unchanged":
        await log(` > skipped ${c.subject}: no changes`);
        break;
      default:
        await log(
          ` > processing manifest ${c.subject}: unknown action ${JSON.stringify(c.action)}`,
        );
    }
  }
  if (o.reconcileTimeoutMs === 0) {
    await log("skipping waiting for manifest reconciliation");
    return;
  }
  const set = changes.filter((c) => c.action === "created" || c.action === "configured")
    .map((c) => c.meta);
  await log("waiting for kubernetes objects to be fully reconciled");
  await manager.wait(set, {
    intervalMs: o.intervalMs ?? 2000,
    timeoutMs: o.reconcileTimeoutMs,
    failFast: true,
  });
  await log("done");
}
