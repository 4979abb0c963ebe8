// Waiting for applied objects to reconcile, as fluxcd's ssa WaitForSet over kstatus' poller:
// every `intervalMs` each object is read and its status computed (absent: NotFound); done when
// all are Current, when only Current and Failed are left, or at the first Failed with
// `failFast`. Failures name each object that is not Current:
// `timeout waiting for: [Deployment/kube-system/coredns status: 'InProgress']`.
// Also fluxcd's apply order: CRDs, Namespaces and ClusterRoles first, then kinds in
// ReconcileOrder.

import { isNotFound, type K8sClient, type K8sObject } from "./client.ts";
import { computeStatus, type Status } from "./kstatus.ts";
import { type ObjMeta, objMeta, subject } from "./objects.ts";
import { resourcePath, type RestMapper } from "./restmapper.ts";
import { sleep } from "../wait/mod.ts";

export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  failFast?: boolean;
  signal?: AbortSignal;
}

/** Reads an object by identity (the group's preferred version). */
export async function getObject(
  client: K8sClient,
  mapper: RestMapper,
  m: ObjMeta,
  signal?: AbortSignal,
): Promise<K8sObject> {
  const mapping = await mapper.mapping(m.group, m.kind);
  return await client.get(resourcePath(mapping, m.namespace, m.name), { signal });
}

export async function waitForSet(
  client: K8sClient,
  mapper: RestMapper,
  set: ObjMeta[],
  o: WaitOptions,
): Promise<void> {
  if (set.length === 0) return;
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const last = new Map<number, { status: Status; error?: string }>();
  let collectorError: Error | undefined;
  for (;;) {
    for (const [i, m] of set.entries()) {
      if (signal.aborted) break;
      try {
        const obj = await getObject(client, mapper, m, signal);
        last.set(i, { status: computeStatus(obj).status });
      } catch (e) {
        if (signal.aborted) break;
        if (isNotFound(e)) last.set(i, { status: "NotFound" });
        else if (e instanceof Error && e.message.startsWith("unknown phase")) {
          last.set(i, { status: "Unknown", error: e.message });
        } else {
          collectorError = e as Error;
          last.set(i, { status: "Unknown", error: (e as Error).message });
        }
      }
    }
    if (o.signal?.aborted) throw new Error("context canceled");
    const statuses = [...last.values()].map((s) => s.status);
    const complete = last.size === set.length;
    const allCurrent = complete && statuses.every((s) => s === "Current");
    const terminal = complete && statuses.every((s) => s === "Current" || s === "Failed");
    const anyFailed = statuses.includes("Failed");
    if (allCurrent || terminal || (o.failFast && anyFailed) || timeout.aborted) break;
    await sleep(o.intervalMs, signal);
    if (timeout.aborted) break;
  }
  const errs: string[] = [];
  for (const [i, m] of set.entries()) {
    const s = last.get(i);
    if (!s) {
      errs.push(`can't determine status for ${subject(m)}`);
    } else if (s.status === "Failed" || (timeout.aborted && s.status !== "Current")) {
      errs.push(`${subject(m)} status: '${s.status}'${s.error ? `: ${s.error}` : ""}`);
    }
  }
  if (errs.length > 0) {
    const msg = timeout.aborted ? "timeout waiting for" : "failed early due to stalled resources";
    throw new Error(`${msg}: [${errs.join(", ")}]`);
  }
  if (collectorError) throw collectorError;
}

const FIRST = [
  "CustomResourceDefinition",
  "Namespace",
  "ClusterRole",
  "ClusterClass",
  "RuntimeClass",
  "PriorityClass",
  "StorageClass",
  "VolumeSnapshotClass",
  "IngressClass",
  "GatewayClass",
  "ClusterRoleBinding",
  "ResourceQuota",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "Service",
  "LimitRange",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function kindIndex(kind: string): number {
  const f = FIRST.indexOf(kind);
  if (f >= 0) return -FIRST.length + f;
  const l = LAST.indexOf(kind);
  return l >= 0 ? 1 + l : 0;
}

/** fluxcd's apply order of objects. */
export function compareForApply(x: K8sObject, y: K8sObject): number {
  const a = objMeta(x), b = objMeta(y);
  if (a.group !== b.group || a.kind !== b.kind) {
    const ia = kindIndex(a.kind), ib = kindIndex(b.kind);
    if (ia !== ib) return ia - ib;
    if (a.group !== b.group) return a.group < b.group ? -1 : 1;
    return a.kind < b.kind ? -1 : 1;
  }
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** fluxcd's stages: 0 cluster definitions, 1 classes, 2 the custom kinds, 3 the rest. */
export function stageOf(obj: K8sObject, customKinds: Set<string>): number {
  const kind = String(obj.kind ?? "");
  const apiVersion = String(obj.apiVersion ?? "");
  const lower = kind.toLowerCase();
  if (
    (lower === "customresourcedefinition" && apiVersion.startsWith("apiextensions.k8s.io/")) ||
    (lower === "namespace" && apiVersion === "v1") ||
    (lower === "clusterrole" && apiVersion.startsWith("rbac.authorization.k8s.io/"))
  ) return 0;
  if (kind.endsWith("Class")) return 1;
  const m = objMeta(obj);
  if (customKinds.has(m.group ? `${m.kind}.${m.group}` : m.kind)) return 2;
  return 3;
}
