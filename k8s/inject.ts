// `talosctl inject serviceaccount`: gives Kubernetes workloads access to the Talos API. Every
// Pod, Deployment, StatefulSet, DaemonSet, Job and CronJob of a multi-document manifest gets a
// `talos-secrets` volume (the Secret `<name>-talos-secrets`) mounted at /var/run/secrets/talos.dev
// in all its containers and init containers, and a Talos ServiceAccount resource
// (talos.dev/v1alpha1) with the requested roles is written after it; Talos creates that Secret
// from it. Other documents pass through.
//
// Output follows talosctl byte for byte where it matters: a patched workload goes through the
// Go API types (typed.ts) and is written as client-go writes YAML (go-yaml v2, sorted keys, two
// spaces); every other document, and the ServiceAccount, is decoded into a plain map and
// re-encoded by go-yaml v4 (sorted keys, four spaces). Each document ends with `---`.
// Running it again on its own output changes nothing: the existing ServiceAccount of a workload
// seen before is dropped in favour of the fresh one.

import { isMap, isScalar, isSeq, LineCounter, type Node } from "yaml";
import { goQuote } from "../gofmt/mod.ts";
import { parseYaml, yamlMessage } from "../goyaml/parse.ts";
import {
  emitDocument,
  emitYamlV2,
  formatGoFloat,
  type JsonObject,
  type JsonValue,
  mapping,
  nullNode,
  scalar,
  sequence,
  sortGoKeys,
  TALOS_YAML,
  type YamlNode,
} from "../goyaml/mod.ts";
import { typedWorkload } from "./typed.ts";

export const SA_GROUP = "talos.dev";
export const SA_VERSION = "v1alpha1";
export const SA_KIND = "ServiceAccount";
export const SA_MOUNT_PATH = "/var/run/secrets/talos.dev";
export const VOLUME_NAME = "talos-secrets";
const NAME_SUFFIX = "-talos-secrets";

export class InjectError extends Error {}

type Obj = Record<string, JsonValue>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Decoding: go-yaml v4 into map[string]any

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const INT_RE = /^[-+]?(0|[1-9][0-9_]*|0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]+)$/;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/;

function goInt(s: string): number {
  const t = s.replaceAll("_", "");
  const neg = t.startsWith("-");
  const body = t.replace(/^[-+]/, "");
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith("0")) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return neg ? -n : n;
}

/** A scalar as go-yaml v4 decodes it into `any` (YAML 1.2 core words, strings otherwise). */
function scalarValue(node: Node): JsonValue {
  if (!isScalar(node)) return null;
  const s = String(node.value ?? "");
  const tag = node.tag;
  if (tag === "tag:yaml.org,2002:str" || tag === "!!str") return s;
  if (node.type !== "PLAIN" && !tag) return s;
  if (NULLS.has(s)) return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (INT_RE.test(s)) return goInt(s);
  if (FLOAT_RE.test(s) && /[0-9]/.test(s)) return Number(s.replaceAll("_", ""));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

/** go-yaml v4's error for what it could not construct, in its words. */
const constructError = (problems: string[]) =>
  new InjectError(`yaml: construct errors: ${problems.join("; ")}`);

function toValue(node: unknown, lineOf: (n: Node) => number, problems: string[]): JsonValue {
  if (node === null || node === undefined) return null;
  if (isMap(node)) {
    const out: Obj = {};
    const firstLine = new Map<string, number>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const k = toValue(keyNode, lineOf, problems);
      const key = typeof k === "string" ? k : String(k);
      const line = keyNode ? lineOf(keyNode) : 0;
      const before = firstLine.get(key);
      if (before !== undefined) {
        problems.push(
          `line ${line}: mapping key ${goQuote(key)} already defined at line ${before}`,
        );
        continue;
      }
      firstLine.set(key, line);
      out[key] = toValue(pair.value, lineOf, problems);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => toValue(item, lineOf, problems));
  return scalarValue(node as Node);
}

/** go-yaml's "cannot construct" text for a document that is not a mapping. */
function notAMapping(node: Node, line: number): string {
  let what: string;
  if (isSeq(node)) what = "!!seq";
  else {
    const v = scalarValue(node);
    const tag = typeof v === "boolean"
      ? "!!bool"
      : typeof v === "number"
      ? (Number.isInteger(v) ? "!!int" : "!!float")
      : "!!str";
    const text = String((node as { value?: unknown }).value ?? "");
    what = `${tag} \`${text.length > 10 ? text.slice(0, 7) + "..." : text}\``;
  }
  return `line ${line}: cannot construct ${what} into map[string]interface {}`;
}

/** The documents of a YAML stream as Go maps; empty documents are skipped. */
export function decodeDocuments(text: string): Obj[] {
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseYaml(text, { schema: "failsafe", uniqueKeys: false, lineCounter: lines });
  } catch (e) {
    throw new InjectError((e as Error).message);
  }
  const lineOf = (n: Node) => lines.linePos(n.range?.[0] ?? 0).line;
  const out: Obj[] = [];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      throw new InjectError(
        `yaml: ${pos ? `line ${pos.line}: ` : ""}${
          yamlMessage(err.message).replace(/ at line \d+, column \d+:?$/, "")
        }`,
      );
    }
    const node = d.contents as Node | null;
    if (node === null) continue;
    if (isScalar(node) && scalarValue(node) === null) continue;
    if (!isMap(node)) throw constructError([notAMapping(node, lineOf(node))]);
    const problems: string[] = [];
    const value = toValue(node, lineOf, problems) as Obj;
    if (problems.length > 0) throw constructError(problems);
    out.push(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding: go-yaml v4 for plain maps

function v4Node(v: JsonValue | undefined): YamlNode {
  if (v === null || v === undefined) return nullNode();
  if (typeof v === "string") return scalar(v);
  if (typeof v === "boolean") return scalar(String(v), "plain");
  if (typeof v === "number") {
    if (Number.isNaN(v)) return scalar(".nan", "plain");
    if (!Number.isFinite(v)) return scalar(v > 0 ? ".inf" : "-.inf", "plain");
    return scalar(Number.isInteger(v) ? v.toFixed(0) : formatGoFloat(v), "plain");
  }
  if (Array.isArray(v)) return sequence(v.map(v4Node));
  return mapping(sortGoKeys(Object.keys(v)).map((k) => [k, v4Node(v[k])]));
}

const encodeV4 = (v: Obj): string => emitDocument(v4Node(v), TALOS_YAML);

// ---------------------------------------------------------------------------------------------
// The injection

/** A string at a path of nested maps: undefined when absent, an error when not a string. */
function nestedString(obj: Obj, ...path: string[]): string | undefined | Error {
  let cur: JsonValue = obj;
  for (const key of path) {
    if (!isObj(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return typeof cur === "string" ? cur : new Error(`${path.join(".")} is not a string`);
}

function apiVersionKind(obj: Obj): string | undefined {
  const apiVersion = nestedString(obj, "apiVersion");
  const kind = nestedString(obj, "kind");
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  return `${apiVersion}/${kind}`;
}

/** The id that a Talos ServiceAccount document claims ("ns/workload" or "workload"), or "". */
function serviceAccountId(obj: Obj): string {
  if (apiVersionKind(obj) !== `${SA_GROUP}/${SA_VERSION}/${SA_KIND}`) return "";
  const name = nestedString(obj, "metadata", "name");
  if (typeof name !== "string") return "";
  const trimmed = name.endsWith(NAME_SUFFIX) ? name.slice(0, -NAME_SUFFIX.length) : name;
  const ns = nestedString(obj, "metadata", "namespace");
  if (ns instanceof Error) return "";
  return ns === undefined ? trimmed : `${ns}/${trimmed}`;
}

export function buildServiceAccount(namespace: string, name: string, roles: string[]): Obj {
  const metadata: Obj = { name };
  if (namespace !== "") metadata.namespace = namespace;
  return {
    apiVersion: `${SA_GROUP}/${SA_VERSION}`,
    kind: SA_KIND,
    metadata,
    spec: { roles: [...roles] },
  };
}

/** Where the pod spec of each supported kind is. */
const POD_SPEC_PATH: Record<string, string[]> = {
  "v1/Pod": ["spec"],
  "apps/v1/Deployment": ["spec", "template", "spec"],
  "apps/v1/StatefulSet": ["spec", "template", "spec"],
  "apps/v1/DaemonSet": ["spec", "template", "spec"],
  "batch/v1/Job": ["spec", "template", "spec"],
  "batch/v1/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

function withoutOurs(list: JsonValue | undefined): JsonValue[] {
  return Array.isArray(list)
    ? list.filter((item) => !(isObj(item) && item.name === VOLUME_NAME))
    : [];
}

function patchContainers(list: JsonValue | undefined): JsonValue[] {
  const containers = Array.isArray(list) ? list : [];
  return containers.map((c) => {
    const container: Obj = isObj(c) ? { ...c } : {};
    container.volumeMounts = [
      ...withoutOurs(container.volumeMounts),
      { name: VOLUME_NAME, mountPath: SA_MOUNT_PATH },
    ];
    return container;
  });
}

/** Adds the volume and the mounts to a pod spec (in place). */
function patchPodSpec(spec: Obj, secretName: string): void {
  spec.volumes = [
    ...withoutOurs(spec.volumes),
    { name: VOLUME_NAME, secret: { secretName } },
  ];
  spec.initContainers = patchContainers(spec.initContainers);
  spec.containers = patchContainers(spec.containers);
}

/** The workload with the secret mounted, as its Go type, or null for any other document. */
function injectWorkload(raw: Obj): JsonObject | null {
  const avk = apiVersionKind(raw);
  const path = avk === undefined ? undefined : POD_SPEC_PATH[avk];
  if (!path) return null;
  const name = nestedString(raw, "metadata", "name");
  if (typeof name !== "string") return null;
  // The Go type of the kind: unknown fields go, zero-valued fields are written, and a document
  // that does not fit the type is not a workload to talosctl either.
  const typed = typedWorkload(avk!, structuredClone(raw));
  if (!typed) return null;
  let cur: Obj = typed;
  for (const key of path) {
    if (!isObj(cur[key])) cur[key] = {};
    cur = cur[key] as Obj;
  }
  patchPodSpec(cur, `${name}${NAME_SUFFIX}`);
  return typedWorkload(avk!, typed);
}

/** Injects Talos ServiceAccounts into the manifests of `text`; returns the new YAML stream. */
export function injectServiceAccount(text: string, roles: string[]): string {
  const seen = new Set<string>();
  let out = "";
  for (const raw of decodeDocuments(text)) {
    const workload = injectWorkload(raw);
    if (!workload) {
      // A ServiceAccount of a workload already seen is the one written for it above: dropped.
      const id = serviceAccountId(raw);
      if (id !== "") {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      out += encodeV4(raw) + "---\n";
      continue;
    }
    out += emitYamlV2(workload) + "---\n";
    const meta = workload.metadata as Obj;
    const name = meta.name as string;
    const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
    const id = namespace === "" ? name : `${namespace}/${name}`;
    if (!seen.has(id)) {
      out += encodeV4(buildServiceAccount(namespace, `${name}${NAME_SUFFIX}`, roles)) + "---\n";
      seen.add(id);
    }
  }
  return out;
}
