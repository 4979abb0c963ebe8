// Kubernetes client configuration (kubeconfig) files, read and written as client-go does.
//
// client-go keeps a kubeconfig as maps of named clusters, users ("auth infos") and contexts; it
// reads only the fields of its v1 schema (others are dropped) and writes them back through JSON,
// so fields tagged `omitempty` disappear when empty, the others are always written, lists are
// sorted by name and keys come out sorted. Entries here are kept in that normalized JSON form,
// except that an explicit empty []byte, list or map is kept until written (it is not nil for
// reflect.DeepEqual), so two entries are equal (in the sense of go-kubeconfig's merge) when
// their JSON is equal.

import { emitYamlV2, type JsonObject, type JsonValue } from "../goyaml/emit_v2.ts";

export type { JsonObject, JsonValue };

export interface Kubeconfig {
  clusters: Map<string, JsonObject>;
  /** `users` in the file. */
  authInfos: Map<string, JsonObject>;
  contexts: Map<string, JsonObject>;
  currentContext: string;
  /** Normalized `preferences`; {} when unset (then not written). */
  preferences: JsonObject;
  /** Named extensions by name. */
  extensions: Map<string, JsonValue>;
}

/** A kubeconfig that cannot be read; the message names what is wrong. */
export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

type Field =
  | { kind: "string" | "bytes" | "bool" | "strings"; keep?: boolean }
  | { kind: "stringMap" | "stringsMap"; keep?: boolean }
  | { kind: "object"; fields: Schema; keep?: boolean }
  | { kind: "objects"; fields: Schema; keep?: boolean }
  | { kind: "extensions" };
type Schema = Record<string, Field>;

const S = { kind: "string" } as const;
const KEEP_S = { kind: "string", keep: true } as const;
const BYTES = { kind: "bytes" } as const;
const BOOL = { kind: "bool" } as const;
const EXT = { kind: "extensions" } as const;

const CLUSTER: Schema = {
  server: KEEP_S,
  "tls-server-name": S,
  "insecure-skip-tls-verify": BOOL,
  "certificate-authority": S,
  "certificate-authority-data": BYTES,
  "proxy-url": S,
  "disable-compression": BOOL,
  extensions: EXT,
};

const EXEC: Schema = {
  command: KEEP_S,
  args: { kind: "strings", keep: true },
  env: { kind: "objects", keep: true, fields: { name: KEEP_S, value: KEEP_S } },
  apiVersion: S,
  installHint: S,
  provideClusterInfo: { kind: "bool", keep: true },
  interactiveMode: S,
};

const AUTH_INFO: Schema = {
  "client-certificate": S,
  "client-certificate-data": BYTES,
  "client-key": S,
  "client-key-data": BYTES,
  token: S,
  tokenFile: S,
  as: S,
  "as-uid": S,
  "as-groups": { kind: "strings" },
  "as-user-extra": { kind: "stringsMap" },
  username: S,
  password: S,
  "auth-provider": {
    kind: "object",
    fields: { name: KEEP_S, config: { kind: "stringMap", keep: true } },
  },
  exec: { kind: "object", fields: EXEC },
  extensions: EXT,
};

const CONTEXT: Schema = { cluster: KEEP_S, user: KEEP_S, namespace: S, extensions: EXT };
const PREFERENCES: Schema = { colors: BOOL, extensions: EXT };

/** An empty configuration. */
export function emptyKubeconfig(): Kubeconfig {
  return {
    clusters: new Map(),
    authInfos: new Map(),
    contexts: new Map(),
    currentContext: "",
    preferences: {},
    extensions: new Map(),
  };
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Uint8Array) return "binary data";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

function fail(where: string, want: string, got: unknown): never {
  throw new KubeconfigError(`${where}: expected ${want}, found ${typeName(got)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function canonicalBase64(v: unknown, where: string): string {
  if (typeof v !== "string") fail(where, "base64 text", v);
  const text = v.replace(/[\r\n]/g, "");
  if (!/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new KubeconfigError(`${where}: invalid base64 data`);
  }
  return text;
}

/** JSON-compatible copy of a free-form value (extension payloads). */
function toJson(v: unknown, where: string): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${where}[${i}]`));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x, `${where}.${k}`);
    return out;
  }
  return fail(where, "JSON-compatible data", v);
}

// Fields tagged `omitempty` are dropped from the output when empty, but an explicit empty
// []byte, list or map is still not nil for reflect.DeepEqual: read mode keeps it (so merge
// conflicts are detected as upstream), write mode drops it.
function normalizeField(
  f: Field,
  v: unknown,
  where: string,
  write = false,
): JsonValue | undefined {
  const keep = f.kind !== "extensions" && f.keep === true;
  if (v === null || v === undefined) {
    if (!keep) return undefined;
    return f.kind === "string" ? "" : f.kind === "bool" ? false : null;
  }
  switch (f.kind) {
    case "string":
      if (typeof v !== "string") fail(where, "a string", v);
      return v === "" && !keep ? undefined : v;
    case "bytes": {
      const b64 = canonicalBase64(v, where);
      return b64 === "" && write ? undefined : b64;
    }
    case "bool":
      if (typeof v !== "boolean") fail(where, "true or false", v);
      return v || keep ? v : undefined;
    case "strings": {
      if (!Array.isArray(v)) fail(where, "a list of strings", v);
      const list = v.map((x, i) =>
        typeof x === "string" ? x : fail(`${where}[${i}]`, "a string", x)
      );
      return list.length === 0 && !keep && write ? undefined : list;
    }
    case "stringMap":
    case "stringsMap": {
      if (!isObject(v)) fail(where, "a mapping", v);
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = f.kind === "stringMap"
          ? (typeof x === "string" ? x : fail(`${where}.${k}`, "a string", x))
          : normalizeField({ kind: "strings", keep: true }, x, `${where}.${k}`) ?? null;
      }
      return Object.keys(out).length === 0 && !keep && write ? undefined : out;
    }
    case "object": {
      if (!isObject(v)) fail(where, "a mapping", v);
      const out = normalizeEntry(f.fields, v, where, write);
      // client-go's defaulting: exec plugins of the older API versions may prompt by default.
      if (f.fields === EXEC && out.interactiveMode === undefined) {
        const legacy = [
          "client.authentication.k8s.io/v1beta1",
          "client.authentication.k8s.io/v1alpha1",
        ];
        if (legacy.includes(String(out.apiVersion))) out.interactiveMode = "IfAvailable";
      }
      return out;
    }
    case "objects": {
      if (!Array.isArray(v)) fail(where, "a list", v);
      const list = v.map((x, i) =>
        isObject(x)
          ? normalizeEntry(f.fields, x, `${where}[${i}]`, write)
          : fail(`${where}[${i}]`, "a mapping", x)
      );
      return list.length === 0 && !keep ? undefined : list;
    }
    case "extensions": {
      const ext = namedList(v, where, "extension", (x, w) => toJson(x ?? null, w), true);
      if (ext.size === 0) return undefined;
      return [...ext].sort(([a], [b]) => compareNames(a, b)).map(([name, extension]) => ({
        name,
        extension,
      }));
    }
  }
}

/** Keeps the schema's fields of `raw`, normalized; unknown fields are dropped, as client-go does. */
function normalizeEntry(
  schema: Schema,
  raw: Record<string, unknown>,
  where: string,
  write = false,
): JsonObject {
  const out: JsonObject = {};
  for (const [key, f] of Object.entries(schema)) {
    const v = normalizeField(f, raw[key], `${where}.${key}`, write);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Go's sort.Strings order (bytewise on UTF-8). */
export function compareNames(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    if (ea[i] !== eb[i]) return ea[i] - eb[i];
  }
  return ea.length - eb.length;
}

function namedList<T>(
  v: unknown,
  where: string,
  key: string,
  convert: (x: unknown, where: string) => T,
  unique = false,
): Map<string, T> {
  const out = new Map<string, T>();
  if (v === null || v === undefined) return out;
  if (!Array.isArray(v)) fail(where, "a list", v);
  v.forEach((item, i) => {
    const w = `${where}[${i}]`;
    if (!isObject(item)) fail(w, "a mapping", item);
    const name = item.name ?? "";
    if (typeof name !== "string") fail(`${w}.name`, "a string", name);
    if (unique && out.has(name)) {
      throw new KubeconfigError(`${where}: duplicate name ${JSON.stringify(name)}`);
    }
    out.set(name, convert(item[key], `${w}.${key}`));
  });
  return out;
}

function entryList(v: unknown, where: string, key: string, schema: Schema) {
  return namedList(v, where, key, (x, w) => {
    if (x === null || x === undefined) return normalizeEntry(schema, {}, w);
    return isObject(x) ? normalizeEntry(schema, x, w) : fail(w, "a mapping", x);
  }, true);
}

/** Builds a Kubeconfig from a parsed YAML/JSON document (an object, or null for an empty file). */
export function kubeconfigFromObject(doc: unknown): Kubeconfig {
  if (doc === null || doc === undefined) return emptyKubeconfig();
  if (!isObject(doc)) fail("kubeconfig", "a mapping", doc);
  const apiVersion = doc.apiVersion ?? "";
  const kind = doc.kind ?? "";
  if (apiVersion !== "" && apiVersion !== "v1") {
    throw new KubeconfigError(`unsupported apiVersion ${JSON.stringify(apiVersion)} (want "v1")`);
  }
  if (kind !== "" && kind !== "Config") {
    throw new KubeconfigError(`unsupported kind ${JSON.stringify(kind)} (want "Config")`);
  }
  const current = doc["current-context"] ?? "";
  if (typeof current !== "string") fail("current-context", "a string", current);
  const prefs = doc.preferences ?? {};
  if (!isObject(prefs)) fail("preferences", "a mapping", prefs);
  return {
    clusters: entryList(doc.clusters, "clusters", "cluster", CLUSTER),
    authInfos: entryList(doc.users, "users", "user", AUTH_INFO),
    contexts: entryList(doc.contexts, "contexts", "context", CONTEXT),
    currentContext: current,
    preferences: normalizeEntry(PREFERENCES, prefs, "preferences"),
    extensions: namedList(
      doc.extensions,
      "extensions",
      "extension",
      (x, w) => toJson(x ?? null, w),
    ),
  };
}

/** Parses kubeconfig YAML (YAML 1.1 scalars, as go-yaml v2 reads them). */
export async function parseKubeconfig(text: string): Promise<Kubeconfig> {
  const { parse } = await import("yaml");
  let doc: unknown;
  try {
    doc = parse(text, {
      version: "1.1",
      merge: true,
      // go-yaml v2 reads timestamps and sexagesimal numbers as plain strings.
      customTags: (tags) =>
        tags.filter((t) =>
          typeof t === "string" ||
          !(t.tag.endsWith(":timestamp") || (t as { format?: string }).format === "TIME")
        ),
    });
  } catch (err) {
    throw new KubeconfigError(err instanceof Error ? err.message.split("\n")[0] : String(err));
  }
  return kubeconfigFromObject(doc);
}

function named(map: Map<string, JsonObject>, key: string, schema: Schema): JsonValue {
  if (map.size === 0) return null;
  return [...map].sort(([a], [b]) => compareNames(a, b))
    .map(([name, v]) => ({ name, [key]: normalizeEntry(schema, v, name, true) }));
}

export interface EncodeOptions {
  /** client-go before 0.34 (Talos before v1.11) always writes `preferences`, even empty. */
  alwaysWritePreferences?: boolean;
}

/** The v1 document client-go writes for `cfg` (before its YAML step). */
export function kubeconfigToObject(cfg: Kubeconfig, opts: EncodeOptions = {}): JsonObject {
  const doc: JsonObject = {
    apiVersion: "v1",
    kind: "Config",
    clusters: named(cfg.clusters, "cluster", CLUSTER),
    contexts: named(cfg.contexts, "context", CONTEXT),
    users: named(cfg.authInfos, "user", AUTH_INFO),
    "current-context": cfg.currentContext,
  };
  // `preferences` is written only when set (omitzero since client-go 0.34).
  if (Object.keys(cfg.preferences).length > 0 || opts.alwaysWritePreferences) {
    doc.preferences = cfg.preferences;
  }
  if (cfg.extensions.size > 0) {
    doc.extensions = [...cfg.extensions].sort(([a], [b]) => compareNames(a, b))
      .map(([name, extension]) => ({ name, extension }));
  }
  return doc;
}

/** Encodes `cfg` byte for byte as client-go's `clientcmd.Write`. */
export function encodeKubeconfig(cfg: Kubeconfig, opts: EncodeOptions = {}): string {
  return emitYamlV2(kubeconfigToObject(cfg, opts));
}

/** Whether two normalized entries are equal (reflect.DeepEqual on client-go's structs). */
export function entriesEqual(a: JsonValue, b: JsonValue): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: JsonValue): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  return `{${
    Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")
  }}`;
}
