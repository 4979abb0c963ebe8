// Legacy manifest sync (Talos before 1.13; go-kubernetes' manifests.SyncWithLog): each object in
// turn is mapped to its resource through discovery, compared with the cluster (a dry-run update
// of the live object, server-managed fields and kubernetes.io annotations left out), then
// created, updated or left alone, printing the diff; afterwards the updated Deployments, then
// DaemonSets, are followed until rolled out.

import {
  isConflict,
  isNotFound,
  isRetryable,
  type K8sClient,
  type K8sObject,
} from "../../k8s/mod.ts";
import { manifestDiff, pathWithGV, splitApiVersion } from "../../k8s/objects.ts";
import { resourcePath, RestMapper } from "../../k8s/restmapper.ts";
import { retryConstant } from "../../k8s/retry.ts";
import type { Log, SyncOptions } from "./sync.ts";

const IGNORED_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "finalizers",
  "selfLink",
  "ownerReferences",
];

/** The live object and the dry-run result as compared: no server-managed fields. */
function comparable(o: K8sObject): K8sObject {
  const c = structuredClone(o);
  for (const k of IGNORED_METADATA) delete c.metadata?.[k];
  if (c.metadata?.annotations) {
    for (const k of Object.keys(c.metadata.annotations)) {
      if (k.includes("kubernetes.io/")) delete c.metadata.annotations[k];
    }
    if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  }
  if (c.kind === "ServiceAccount") delete c.secrets;
  return c;
}

interface Result {
  obj: K8sObject;
  diff: string;
  skipped: boolean;
}

async function updateManifest(
  k8s: K8sClient,
  mapper: RestMapper,
  obj: K8sObject,
  dryRun: boolean,
  signal: AbortSignal,
): Promise<Result> {
  const [group, version] = splitApiVersion(String(obj.apiVersion ?? ""));
  let mapping;
  try {
    mapping = await mapper.mapping(group, String(obj.kind ?? ""), version);
  } catch (e) {
    throw new Error(
      `error creating mapping for object ${obj.metadata?.name ?? ""}: ${(e as Error).message}`,
    );
  }
  const ns = String(obj.metadata?.namespace ?? "");
  const name = String(obj.metadata?.name ?? "");
  const item = resourcePath(mapping, ns, name);
  let current: K8sObject | undefined;
  try {
    current = await k8s.get(item, { signal });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  let diff: string;
  if (current) {
    obj.metadata.resourceVersion = current.metadata?.resourceVersion;
    const dry = await k8s.request("PUT", item, { query: { dryRun: "All" }, body: obj, signal });
    diff = manifestDiff(comparable(current), comparable(dry));
  } else {
    diff = manifestDiff(undefined, obj);
  }
  if (dryRun) return { obj, diff, skipped: diff === "" };
  if (!current) {
    const created = await k8s.request("POST", resourcePath(mapping, ns), { body: obj, signal });
    return { obj: created, diff, skipped: false };
  }
  if (diff !== "") {
    return { obj: await k8s.request("PUT", item, { body: obj, signal }), diff, skipped: false };
  }
  return { obj, diff, skipped: true };
}

class Pending extends Error {}

/** Polls until `check` returns nothing (a Pending error: try again); go-retry's constant loop. */
async function rollout(
  k8s: K8sClient,
  obj: K8sObject,
  timeoutMs: number,
  intervalMs: number,
  signal: AbortSignal,
  check: (live: K8sObject) => string | undefined,
): Promise<void> {
  const [group, version] = splitApiVersion(String(obj.apiVersion));
  const ns = obj.metadata?.namespace ?? "";
  const path = `/apis/${group}/${version}/namespaces/${ns}/${
    obj.kind === "Deployment" ? "deployments" : "daemonsets"
  }/${obj.metadata?.name}`;
  await retryConstant({
    timeoutMs,
    intervalMs,
    retryable: (e) => e instanceof Pending || isRetryable(e),
    signal,
  }, async () => {
    const live = await k8s.get(path, { signal });
    const pending = check(live);
    if (pending) throw new Pending(pending);
  });
}

function deploymentPending(d: K8sObject): string | undefined {
  const name = d.metadata?.name;
  const gen = d.metadata?.generation ?? 0, observed = d.status?.observedGeneration ?? 0;
  if (gen !== observed) {
    return `deployment ${name} generation ${gen} != observed generation ${observed}`;
  }
  const s = d.status ?? {};
  const replicas = s.replicas ?? 0, ready = s.readyReplicas ?? 0;
  if (ready !== replicas || (s.updatedReplicas ?? 0) !== replicas) {
    return `deployment ${name} ready replicas ${ready} != replicas ${replicas}`;
  }
  return undefined;
}

function daemonSetPending(d: K8sObject): string | undefined {
  const name = d.metadata?.name;
  const gen = d.metadata?.generation ?? 0, observed = d.status?.observedGeneration ?? 0;
  if (gen !== observed) {
    return `expected observed generation for ${name} to be ${gen}, got ${observed}`;
  }
  const s = d.status ?? {};
  const desired = s.desiredNumberScheduled ?? 0;
  const current = s.currentNumberScheduled ?? 0;
  if ((s.updatedNumberScheduled ?? 0) !== desired) {
    return `expected current number up-to-date for ${name} to be ${desired}, got ${current}`;
  }
  if (current !== desired) {
    return `expected current number scheduled for ${name} to be ${desired}, got ${current}`;
  }
  if ((s.numberAvailable ?? 0) !== desired) {
    return `expected number available for ${name} to be ${desired}, got ${s.numberAvailable ?? 0}`;
  }
  if ((s.numberReady ?? 0) !== desired) {
    return `expected number ready for ${name} to be ${desired}, got ${s.numberReady ?? 0}`;
  }
  return undefined;
}

export async function syncManifestsLegacy(
  objects: K8sObject[],
  k8s: K8sClient,
  o: SyncOptions,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  const mapper = new RestMapper(k8s, signal);
  await log("updating manifests");
  const updated: K8sObject[] = [];
  for (const obj of objects) {
    const r = await retryConstant({
      timeoutMs: 180_000,
      intervalMs: o.intervalMs ?? 10_000,
      retryable: (e) => isRetryable(e) || isConflict(e),
      signal,
    }, () => updateManifest(k8s, mapper, obj, o.dryRun, signal));
    await log(` > processing manifest ${pathWithGV(r.obj)}`);
    if (r.skipped) {
      await log(" < no changes");
    } else if (o.dryRun) {
      await log(r.diff);
      await log(" < dry run, change skipped");
    } else {
      await log(r.diff);
      await log(" < applied successfully");
      updated.push(r.obj);
    }
  }
  if (o.dryRun) return;
  await log("waiting for all manifests to be applied");
  const isApps = (x: K8sObject, kind: string) =>
    x.kind === kind && splitApiVersion(String(x.apiVersion))[0] === "apps";
  const interval = o.intervalMs ?? 10_000;
  for (const d of updated.filter((x) => isApps(x, "Deployment"))) {
    await log(` > waiting for ${pathWithGV(d)}`);
    await rollout(k8s, d, 180_000, interval, signal, deploymentPending);
  }
  for (const d of updated.filter((x) => isApps(x, "DaemonSet"))) {
    await log(` > waiting for ${pathWithGV(d)}`);
    await rollout(k8s, d, 300_000, interval, signal, daemonSetPending);
  }
}
