// How the API double changes a stored object: JSON merge patches (strategic merge patches are
// read the same way: enough for the flat patches the CLI sends), server-side apply with field
// ownership (managedFields, one field set per manager, lists owned whole), conflicts with
// other managers unless forced, fields dropped when their only applier stops listing them,
// metadata.generation bumped on spec changes, and the immutable fields of the built-in kinds.

// deno-lint-ignore no-explicit-any
export type Obj = Record<string, any>;

/** An answer that is not a success: HTTP code, reason, message (a Status object is built). */
export class ApiFault extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

const isMap = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7386: null deletes, maps merge, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Obj = isMap(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---- field sets: paths to leaves (scalars and lists) ----

type Path = string[];
const IDENTITY = new Set(["apiVersion", "kind", "status"]);
const META_IDENTITY = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
]);

/** The leaf paths (scalars and lists) an applied configuration sets. */
export function fieldPaths(cfg: Obj): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, p: Path) => {
    if (isMap(v)) {
      // An empty map sets nothing: it owns no field (and clashes with none).
      for (const [k, c] of Object.entries(v)) {
        if (p.length === 0 && IDENTITY.has(k)) continue;
        if (p.length === 1 && p[0] === "metadata" && META_IDENTITY.has(k)) continue;
        walk(c, [...p, k]);
      }
    } else if (p.length > 0) out.push(p);
  };
  walk(cfg, []);
  return out;
}

/** managedFields' FieldsV1 shape: {"f:spec": {"f:replicas": {}}}. */
function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let node = root;
    for (const seg of p) node = node[`f:${seg}`] ??= {};
  }
  return root;
}

function fromFieldsV1(f: Obj | undefined): Path[] {
  const out: Path[] = [];
  const walk = (n: Obj, p: Path) => {
    const keys = Object.keys(n).filter((k) => k.startsWith("f:"));
    if (keys.length === 0 && p.length > 0) out.push(p);
    for (const k of keys) walk(n[k], [...p, k.slice(2)]);
  };
  walk(f ?? {}, []);
  return out;
}

function getAt(o: unknown, p: Path): unknown {
  let cur = o;
  for (const seg of p) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function deleteAt(o: Obj, p: Path): void {
  const parent = getAt(o, p.slice(0, -1));
  if (isMap(parent)) delete parent[p[p.length - 1]];
}

/** Maps merge; lists and scalars of `cfg` replace. */
function deepMerge(live: unknown, cfg: unknown): unknown {
  if (!isMap(live) || !isMap(cfg)) return structuredClone(cfg);
  const out = structuredClone(live);
  for (const [k, v] of Object.entries(cfg)) out[k] = deepMerge(out[k], v);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface ManagedEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Obj;
}

function overlaps(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `.spec.replicas` as the API server names a field in a conflict. */
const dotted = (p: Path) => p.map((s) => `.${s}`).join("");

/**
 * Server-side apply of `cfg` by `manager` onto `live` (undefined: a new object). Returns the
 * resulting object (without server metadata) or throws an ApiFault (409 conflict).
 */
export function serverSideApply(
  live: Obj | undefined,
  cfg: Obj,
  manager: string,
  force: boolean,
  now: string,
): Obj {
  const entries: ManagedEntry[] = structuredClone(live?.metadata?.managedFields ?? []);
  const paths = fieldPaths(cfg);
  const conflicts = new Map<string, { entry: ManagedEntry; paths: Path[] }>();
  for (const e of entries) {
    if (e.manager === manager && e.operation === "Apply") continue;
    const owned = fromFieldsV1(e.fieldsV1);
    const clash = paths.filter((p) =>
      owned.some((o) => overlaps(o, p)) && !same(getAt(live, p), getAt(cfg, p))
    );
    if (clash.length === 0) continue;
    if (force) {
      e.fieldsV1 = toFieldsV1(owned.filter((o) => !clash.some((p) => overlaps(o, p))));
    } else conflicts.set(e.manager, { entry: e, paths: clash });
  }
  if (conflicts.size > 0) throw conflictFault(conflicts);
  const mine = entries.find((e) => e.manager === manager && e.operation === "Apply");
  const others = entries.filter((e) => e !== mine).flatMap((e) => fromFieldsV1(e.fieldsV1));
  let result: Obj = structuredClone(live ?? {});
  for (const p of fromFieldsV1(mine?.fieldsV1)) {
    const kept = paths.some((q) => overlaps(p, q)) || others.some((q) => overlaps(p, q));
    if (!kept) deleteAt(result, p);
  }
  result = deepMerge(result, { ...cfg, status: undefined }) as Obj;
  delete result.status;
  if (live?.status !== undefined) result.status = structuredClone(live.status);
  const next: ManagedEntry = {
    manager,
    operation: "Apply",
    apiVersion: cfg.apiVersion,
    time: now,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(paths),
  };
  const kept = entries.filter((e) => e !== mine && fromFieldsV1(e.fieldsV1).length > 0);
  result.metadata = { ...result.metadata, managedFields: [...kept, next] };
  return result;
}

/** Records an Update (PUT, merge patch, create) by `manager` of the fields that changed. */
export function recordUpdate(
  live: Obj | undefined,
  next: Obj,
  manager: string,
  now: string,
): void {
  const entries: ManagedEntry[] = structuredClone(live?.metadata?.managedFields ?? []);
  const changed = fieldPaths(next).filter((p) => !same(getAt(live, p), getAt(next, p)));
  const mine = entries.find((e) => e.manager === manager && e.operation === "Update");
  const owned = [...fromFieldsV1(mine?.fieldsV1), ...changed];
  for (const e of entries) {
    if (e === mine) continue;
    e.fieldsV1 = toFieldsV1(
      fromFieldsV1(e.fieldsV1).filter((o) => !changed.some((p) => overlaps(o, p))),
    );
  }
  const rest = entries.filter((e) => e !== mine && fromFieldsV1(e.fieldsV1).length > 0);
  const entry: ManagedEntry = {
    manager,
    operation: "Update",
    apiVersion: next.apiVersion,
    time: now,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(owned),
  };
  next.metadata.managedFields = owned.length > 0 ? [...rest, entry] : rest;
}

function conflictFault(conflicts: Map<string, { entry: ManagedEntry; paths: Path[] }>) {
  const all = [...conflicts.values()];
  const n = all.reduce((s, c) => s + c.paths.length, 0);
  const head = `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: `;
  const parts = all.map(({ entry, paths }) =>
    paths.length === 1
      ? `conflict with ${JSON.stringify(entry.manager)} using ${entry.apiVersion}: ${
        dotted(paths[0])
      }`
      : `conflicts with ${JSON.stringify(entry.manager)} using ${entry.apiVersion}:\n${
        paths.map((p) => `- ${dotted(p)}`).join("\n")
      }`
  );
  return new ApiFault(409, "Conflict", head + parts.join("\n"));
}

/** Kinds whose metadata.generation follows changes of everything but metadata and status. */
const GENERATION_KINDS = new Set([
  "Deployment",
  "DaemonSet",
  "StatefulSet",
  "ReplicaSet",
  "Job",
  "CustomResourceDefinition",
]);

const body = (o: Obj | undefined) => {
  if (!o) return undefined;
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
};

/** Sets generation (1 on create, +1 when the body changed) for the kinds that carry one. */
export function nextGeneration(live: Obj | undefined, next: Obj): void {
  if (!GENERATION_KINDS.has(next.kind)) return;
  const prev = Number(live?.metadata?.generation ?? 0);
  next.metadata.generation = !live ? 1 : same(body(live), body(next)) ? prev || 1 : prev + 1;
}

/** Go's %#v of a label selector, as the API server quotes it in an immutable-field error. */
function goSelector(sel: Obj | undefined): string {
  const labels = Object.entries(sel?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const m = labels.length === 0
    ? "map[string]string(nil)"
    : `map[string]string{${labels.map(([k, v]) => `"${k}":"${v}"`).join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${m}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

/** Refuses (422 Invalid) changes of fields the API server never lets change. */
export function checkImmutable(live: Obj | undefined, next: Obj, group: string): void {
  if (!live) return;
  const prefix = `${next.kind}${group ? "." + group : ""} "${next.metadata?.name}" is invalid: `;
  const fail = (msg: string) => {
    throw new ApiFault(422, "Invalid", prefix + msg);
  };
  if (["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"].includes(next.kind)) {
    if (!same(live.spec?.selector, next.spec?.selector)) {
      fail(`spec.selector: Invalid value: ${goSelector(next.spec?.selector)}: field is immutable`);
    }
  }
  if (next.kind === "Service") {
    const a = live.spec?.clusterIP, b = next.spec?.clusterIP;
    if (a && b && a !== b) {
      fail(`spec.clusterIPs[0]: Invalid value: []string{"${b}"}: may not change once set`);
    }
  }
  if ((next.kind === "ConfigMap" || next.kind === "Secret") && live.immutable === true) {
    if (!same(live.data, next.data) || !same(live.binaryData, next.binaryData)) {
      fail("data: Forbidden: field is immutable when `immutable` is set");
    }
  }
  if (next.kind === "Job" && !same(live.spec?.template, next.spec?.template)) {
    fail("spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
  }
}
