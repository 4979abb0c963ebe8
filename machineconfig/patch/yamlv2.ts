// The YAML -> JSON half of the round trip talosctl puts a config through for a JSON patch: YAML is
// read with the Go v2 library's YAML 1.1 scalar resolution (yes/no/on/off are booleans, 0777 is
// octal, ...). The way back (JSON -> YAML in v2 style) is goyaml/emit_v2.ts, the
// same one kubeconfig files use.

import { isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
import { parseYaml } from "../../goyaml/parse.ts";
import type { Json, JsonObject } from "./jsonpatch.ts";

// ---------------------------------------------------------------------------------------------
// Scalar resolution (YAML 1.1 as implemented by the Go v2 library)

type Resolved =
  | { tag: "str"; value: string }
  | { tag: "null"; value: null }
  | { tag: "bool"; value: boolean }
  | { tag: "int" | "float"; value: number }
  | { tag: "timestamp"; value: string };

const BOOLS: Record<string, boolean> = {};
for (const s of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) {
  BOOLS[s] = true;
}
for (const s of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) {
  BOOLS[s] = false;
}
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOATS: Record<string, number> = {
  ".nan": NaN,
  ".NaN": NaN,
  ".NAN": NaN,
  ".inf": Infinity,
  ".Inf": Infinity,
  ".INF": Infinity,
  "+.inf": Infinity,
  "+.Inf": Infinity,
  "+.INF": Infinity,
  "-.inf": -Infinity,
  "-.Inf": -Infinity,
  "-.INF": -Infinity,
};
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP_RE =
  /^\d{4}-\d{1,2}-\d{1,2}(([Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:\d{2})?))?)?$/;

/** Go's strconv.ParseInt(s, 0, 64) accepting 0x, 0o, 0b and leading-0 octal. */
function parseGoInt(s: string): number | null {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const sign = m[1] === "-" ? -1 : 1;
  const body = m[2];
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body[0] === "0") n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return sign * n;
}

/** How the v2 library reads a plain (unquoted, untagged) scalar. */
export function resolvePlain(s: string): Resolved {
  if (Object.hasOwn(BOOLS, s)) return { tag: "bool", value: BOOLS[s] };
  if (NULLS.has(s)) return { tag: "null", value: null };
  if (Object.hasOwn(SPECIAL_FLOATS, s)) return { tag: "float", value: SPECIAL_FLOATS[s] };
  const c = s[0];
  if (c === ".") {
    if (FLOAT_RE.test(s)) return { tag: "float", value: Number(s) };
    return { tag: "str", value: s };
  }
  if (c === "-" || c === "+" || (c >= "0" && c <= "9")) {
    if (TIMESTAMP_RE.test(s)) return { tag: "timestamp", value: s };
    const plain = s.replaceAll("_", "");
    const i = parseGoInt(plain);
    if (i !== null) return { tag: "int", value: i };
    if (FLOAT_RE.test(plain)) return { tag: "float", value: Number(plain) };
    const b = /^(-?)0b([01]+)$/.exec(plain);
    if (b) return { tag: "int", value: (b[1] ? -1 : 1) * parseInt(b[2], 2) };
  }
  return { tag: "str", value: s };
}

// ---------------------------------------------------------------------------------------------
// YAML -> JSON

function toJson(node: unknown): Json {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) throw new Error("YAML aliases are not supported in machine configuration");
  if (isMap(node)) {
    const out: JsonObject = {};
    for (const pair of node.items) {
      const k = toJson(pair.key as Node);
      const key = typeof k === "string" ? k : k === null ? "null" : JSON.stringify(k);
      out[key] = toJson(pair.value as Node);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((i) => toJson(i as Node));
  if (isScalar(node)) {
    const raw = String(node.source ?? node.value ?? "");
    const tag = node.tag;
    if (tag === "tag:yaml.org,2002:str" || tag === "!!str") return raw;
    if (node.type !== "PLAIN" && !tag) return raw;
    const r = resolvePlain(raw);
    if (r.tag === "float" && !Number.isFinite(r.value)) {
      throw new Error(`json: unsupported value: ${r.value}`);
    }
    return r.value;
  }
  throw new Error("unexpected YAML node");
}

/** Parses a single-document YAML text into JSON values, reading scalars as YAML 1.1 does. */
export function yamlToJson(text: string): Json {
  const doc = parseYaml(text, { schema: "failsafe", keepSourceTokens: false })[0];
  if (!doc) return null;
  if (doc.errors.length > 0) throw new Error(`yaml: ${doc.errors[0].message}`);
  return toJson(doc.contents);
}
