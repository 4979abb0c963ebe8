// YAML text as talosctl's Go code sees it: decoded into generic values (yaml.Unmarshal into
// `any`: ints, floats, bools, nulls and strings by Go's resolver; unquoted timestamps become
// time.Time values with yaml/v4, which `get`'s writers see, while yaml.v3 kept them as strings),
// and re-encoded node by node (a resource's yaml_spec printed under `spec:`).

import { isAlias, isMap, isScalar, isSeq, parseDocument, type Scalar } from "yaml";
import { type GoMap, GoTime, type GoValue } from "../../gofmt/json.ts";
import { mapping, scalar, sequence, type YamlNode } from "../../goyaml/mod.ts";
import { parseGoTimestamp } from "../../goyaml/resolve.ts";

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** A plain scalar as yaml/v4 decodes it into `any`. */
export function resolvePlain(text: string): GoValue {
  if (NULLS.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  switch (text) {
    case ".inf":
    case ".Inf":
    case ".INF":
    case "+.inf":
    case "+.Inf":
    case "+.INF":
      return Infinity;
    case "-.inf":
    case "-.Inf":
    case "-.INF":
      return -Infinity;
    case ".nan":
    case ".NaN":
    case ".NAN":
      return NaN;
  }
  if (!/^[-+.0-9]/.test(text)) return text;
  const plain = text.replaceAll("_", "");
  const m = GO_INT.exec(plain);
  if (m) {
    let digits = m[2];
    if (/^0[0-7]+$/.test(digits)) digits = "0o" + digits.slice(1);
    const v = BigInt(digits.replace(/^0([XOB])/, (_, p: string) => "0" + p.toLowerCase()));
    const n = m[1] === "-" ? -v : v;
    if (n >= -(2n ** 63n) && n < 2n ** 64n) return n;
  }
  if (FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return f;
  }
  return text;
}

// deno-lint-ignore no-explicit-any
type Node = any;

export interface DecodeOptions {
  /** Unquoted timestamps become GoTime values (yaml/v4), not strings (yaml.v3). */
  timestamps?: boolean;
}

function timeOf(text: string): GoTime | undefined {
  const t = parseGoTimestamp(text);
  if (!t) return undefined;
  return new GoTime(t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanos, t.offset);
}

function valueOf(node: Node, opts: DecodeOptions): GoValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) throw new Error("YAML aliases are not supported in resource specs");
  if (isScalar(node)) {
    const s = node as Scalar;
    if (s.type === "PLAIN") {
      const text = String(s.source ?? "");
      return (opts.timestamps ? timeOf(text) : undefined) ?? resolvePlain(text);
    }
    return s.value === null ? null : String(s.value);
  }
  if (isSeq(node)) return node.items.map((n: Node) => valueOf(n, opts));
  if (isMap(node)) {
    const out: GoMap = {};
    for (const pair of node.items) {
      const k = valueOf(pair.key, opts);
      const key = k === null
        ? ""
        : k instanceof GoTime
        ? k.toString()
        : typeof k === "object"
        ? JSON.stringify(k)
        : String(k);
      out[key] = valueOf(pair.value, opts);
    }
    return out;
  }
  return null;
}

function parse(text: string) {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
  return doc;
}

/** yaml.Unmarshal(text, &anyValue). */
export function decodeYaml(text: string, opts: DecodeOptions = {}): GoValue {
  return valueOf(parse(text).contents, opts);
}

function nodeOf(node: Node): YamlNode {
  if (node === null || node === undefined) return scalar("", "plain");
  if (isScalar(node)) {
    const s = node as Scalar;
    if (s.type === "PLAIN") return scalar(String(s.source ?? ""), "plain");
    return scalar(s.value === null ? "" : String(s.value));
  }
  if (isSeq(node)) return sequence(node.items.map(nodeOf));
  if (isMap(node)) {
    return {
      t: "map",
      entries: node.items.map((p: Node) => [nodeOf(p.key), nodeOf(p.value)]),
    } as YamlNode;
  }
  throw new Error("YAML aliases are not supported in resource specs");
}

/** The document's root node, to be encoded again (as a yaml.Node is). */
export function yamlNodeOf(text: string): YamlNode {
  return nodeOf(parse(text).contents);
}

export { mapping, scalar };
