// Kubernetes objects as the sync code names, compares and prints them: group/kind identities
// (cli-utils' ObjMetadata and its inventory key), the subjects fluxcd's change sets print
// (`Kind/namespace/name`), the paths go-kubernetes prints (`group/version.Kind/namespace/name`),
// and manifest diffs: sigs.k8s.io/yaml text of each side, Talos's textdiff between them.

import { emitYamlV2, type JsonValue } from "../goyaml/mod.ts";
import { textDiffWithPaths } from "../gofmt/mod.ts";
import type { K8sObject } from "./client.ts";

/** An object's identity: group, kind, namespace, name (no version). */
export interface ObjMeta {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** "apps/v1" -> ["apps", "v1"]; "v1" -> ["", "v1"]. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.indexOf("/");
  return i < 0 ? ["", apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

export function objMeta(obj: K8sObject): ObjMeta {
  return {
    group: splitApiVersion(String(obj.apiVersion ?? ""))[0],
    kind: String(obj.kind ?? ""),
    namespace: String(obj.metadata?.namespace ?? ""),
    name: String(obj.metadata?.name ?? ""),
  };
}

export const sameMeta = (a: ObjMeta, b: ObjMeta) =>
  a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/** fluxcd's subject: `Kind/namespace/name`, `Kind/name` without a namespace. */
export function subject(m: ObjMeta): string {
  return `${m.kind}/${m.namespace ? m.namespace + "/" : ""}${m.name}`;
}

/** go-kubernetes' path: `group/version.Kind/namespace/name` (version "v1" when unknown). */
export function pathWithGV(obj: K8sObject): string {
  const [group, version] = splitApiVersion(String(obj.apiVersion ?? ""));
  const m = objMeta(obj);
  const gv = group ? `${group}/${version || "v1"}` : version || "v1";
  return `${gv}.${m.kind}/${m.namespace ? m.namespace + "/" : ""}${m.name}`;
}

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

/** cli-utils' inventory key `namespace_name_group_kind` (RBAC names: ':' as "__"). */
export function inventoryKey(m: ObjMeta): string {
  const rbac = m.group === "rbac.authorization.k8s.io" && RBAC_KINDS.has(m.kind);
  const name = rbac ? m.name.replaceAll(":", "__") : m.name;
  return `${m.namespace}_${name}_${m.group}_${m.kind}`;
}

export function parseInventoryKey(s: string): ObjMeta {
  const bad = () => new Error(`unable to parse stored object metadata: ${s}`);
  const first = s.indexOf("_");
  if (first < 0) throw bad();
  const namespace = s.slice(0, first);
  let rest = s.slice(first + 1);
  const k = rest.lastIndexOf("_");
  if (k < 0) throw bad();
  const kind = rest.slice(k + 1);
  rest = rest.slice(0, k);
  const g = rest.lastIndexOf("_");
  if (g < 0) throw bad();
  return {
    namespace,
    name: rest.slice(0, g).replaceAll("__", ":"),
    group: rest.slice(g + 1),
    kind,
  };
}

/** sigs.k8s.io/yaml's Marshal of an object (JSON, then go-yaml v2). */
export function objectYaml(obj: K8sObject): string {
  return emitYamlV2(JSON.parse(JSON.stringify(obj)) as JsonValue);
}

/** The diff between two versions of an object (undefined: absent), headed by its path. */
export function manifestDiff(a: K8sObject | undefined, b: K8sObject | undefined): string {
  const path = pathWithGV((b ?? a)!);
  return textDiffWithPaths(
    a ? objectYaml(a) : "",
    b ? objectYaml(b) : "",
    `a/${path}`,
    `b/${path}`,
  );
}

/** apimachinery's semantic equality: nil and empty collections are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) =>
    v === undefined || v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (
    typeof a === "object" && a && typeof b === "object" && b && !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a as object), kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) =>
      Object.hasOwn(b, k) && semanticEqual((a as K8sObject)[k], (b as K8sObject)[k])
    );
  }
  return a === b;
}
