// Strict decoding of machine-config YAML into the document model (machineconfig/schema.ts):
// every key must exist in the schema, every value must fit its field's type. Errors name the
// source (file), the document and the line, and list every unknown key.

import { isMap, isScalar, isSeq, LineCounter, type Node } from "yaml";
import { parseYaml } from "../../goyaml/parse.ts";
import {
  type ConfigDocument,
  type FieldDef,
  type FieldType,
  kindDef,
  type Schema,
  structDef,
  type Value,
  type ValueMap,
} from "../schema.ts";
import { parseGoDuration } from "../go_format.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { base64Decode, urlParseError } from "../validate/goparse.ts";
import { CODEC_CHECKS, TEXT_FIELDS, type TextCheck } from "../validate/enums.ts";

export class ConfigDecodeError extends Error {
  override name = "ConfigDecodeError";
}

/** A parsed YAML document with its position, before schema decoding. */
export interface RawDocument {
  node: Node | null;
  /** 1-based line of the document's first content. */
  line: number;
  /** 0-based index of the document in the stream. */
  index: number;
}

/** Splits YAML text into documents; syntax errors name the source and line. */
export function parseYamlDocuments(text: string, source: string): {
  docs: RawDocument[];
  lines: LineCounter;
} {
  const lines = new LineCounter();
  // duplicate keys are reported while decoding, as go-yaml v4's constructor reports them
  let parsed;
  try {
    parsed = parseYaml(text, { schema: "failsafe", lineCounter: lines, uniqueKeys: false });
  } catch (e) {
    throw new ConfigDecodeError(`${source}: ${(e as Error).message}`);
  }
  const docs: RawDocument[] = [];
  parsed.forEach((d, index) => {
    const err = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const where = pos ? `line ${pos.line}: ` : "";
      throw new ConfigDecodeError(`${source}: yaml: ${where}${err.message.split("\n")[0]}`);
    }
    const node = (d.contents ?? null) as Node | null;
    const start = node?.range?.[0] ?? d.range[0];
    docs.push({ node, line: lines.linePos(start).line, index });
  });
  return { docs, lines };
}

// ---------------------------------------------------------------------------------------------
// Scalars

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"]);
const FALSES = new Set([
  "false",
  "False",
  "FALSE",
  "no",
  "No",
  "NO",
  "off",
  "Off",
  "OFF",
  "n",
  "N",
]);
const INT_RE = /^[-+]?(0|[1-9][0-9_]*|0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]+)$/;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/;

function parseInt_(s: string): number {
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

/** Reads an untyped scalar the way Go's YAML library reads it into `any`. */
function untyped(node: Node): Value {
  if (!isScalar(node)) return null;
  const s = String(node.value ?? "");
  if (node.type !== "PLAIN" || node.tag === "tag:yaml.org,2002:str") return s;
  if (NULLS.has(s)) return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (INT_RE.test(s)) return parseInt_(s);
  if (FLOAT_RE.test(s) && /[0-9]/.test(s)) return Number(s.replaceAll("_", ""));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  return s;
}

function yamlTag(node: Node): string {
  if (isMap(node)) return "!!map";
  if (isSeq(node)) return "!!seq";
  const v = untyped(node);
  if (v === null) return "!!null";
  if (typeof v === "boolean") return "!!bool";
  if (typeof v === "number") return Number.isInteger(v) ? "!!int" : "!!float";
  return "!!str";
}

/**
 * Why a custom scalar's text is not acceptable for its Go type, or null: the error its
 * UnmarshalText / UnmarshalYAML returns (empty text is the zero value and always accepted).
 */
function codecProblem(codec: string, text: string): string | null {
  switch (codec) {
    case "base64": {
      const r = base64Decode(text);
      return "error" in r ? r.error : null;
    }
    case "url":
      return urlParseError(text);
    default:
      return CODEC_CHECKS[codec]?.(text) ?? null;
  }
}

/** Go's time.ParseDuration accepts the text (a bare number only when it is 0). */
function durationOK(text: string): boolean {
  if (/^[-+]?\d+$/.test(text)) return /^[-+]?0+$/.test(text);
  return parseGoDuration(text) !== undefined;
}

/**
 * Structs decoded by a custom UnmarshalYAML that base64-decodes crt, then key, returning the
 * first error (siderolabs/crypto x509 PEM types): the error carries the struct's line.
 */
const PEM_STRUCTS = new Set([
  "x509.PEMEncodedCertificateAndKey",
  "x509.PEMEncodedCertificate",
  "x509.PEMEncodedKey",
]);

// ---------------------------------------------------------------------------------------------
// Typed decoding

interface Ctx {
  schema: Schema;
  lines: LineCounter;
  unknown: string[];
  /** Construct errors in document order, as go-yaml v4 collects them ("line N: ..."). */
  errors: string[];
}

function lineOf(ctx: Ctx, node: Node): number {
  return ctx.lines.linePos(node.range?.[0] ?? 0).line;
}

function cannot(ctx: Ctx, node: Node, into: string): undefined {
  let v = "";
  if (isScalar(node)) {
    const text = String(node.value ?? "");
    v = ` \`${text.length > 10 ? text.slice(0, 7) + "..." : text}\``;
  }
  ctx.errors.push(`line ${lineOf(ctx, node)}: cannot construct ${yamlTag(node)}${v} into ${into}`);
}

/**
 * go-yaml v4 (UniqueKeys): every later key equal to an earlier one of the same mapping is an
 * error, and the mapping is then not constructed. True when the mapping may be constructed.
 */
function uniqueKeys(ctx: Ctx, node: Node): boolean {
  if (!isMap(node)) return true;
  const keys = node.items.map((p) => p.key as Node | null);
  const before = ctx.errors.length;
  keys.forEach((a, i) => {
    if (!a || !isScalar(a)) return;
    for (const b of keys.slice(i + 1)) {
      if (b && isScalar(b) && String(a.value ?? "") === String(b.value ?? "")) {
        ctx.errors.push(
          `line ${lineOf(ctx, b)}: mapping key ${
            goQuote(String(b.value ?? ""))
          } already defined at line ${lineOf(ctx, a)}`,
        );
      }
    }
  });
  return ctx.errors.length === before;
}

/** uniqueKeys over free-form YAML: every mapping at any depth, in construction order. */
function anyUniqueKeys(ctx: Ctx, node: Node | null): boolean {
  if (!node) return true;
  if (isMap(node)) {
    if (!uniqueKeys(ctx, node)) return false;
    return node.items.map((p) => anyUniqueKeys(ctx, p.value as Node | null)).every(Boolean);
  }
  if (isSeq(node)) return node.items.map((i) => anyUniqueKeys(ctx, i as Node)).every(Boolean);
  return true;
}

function isNullNode(node: Node | null | undefined): boolean {
  return !node || (isScalar(node) && node.type === "PLAIN" && NULLS.has(String(node.value ?? "")));
}

function decodeAny(node: Node): Value {
  if (isMap(node)) {
    const out: ValueMap = {};
    for (const p of node.items) {
      const k = untyped(p.key as Node);
      out[k === null ? "null" : String(k)] = p.value ? decodeAny(p.value as Node) : null;
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((i) => decodeAny(i as Node));
  return untyped(node);
}

function decodeType(
  ctx: Ctx,
  t: FieldType,
  node: Node,
  path: string,
  check?: TextCheck,
  go?: string,
): Value | undefined {
  switch (t.kind) {
    case "string":
      if (!isScalar(node)) return cannot(ctx, node, "string");
      return String(node.value ?? "");
    case "custom": {
      if (!isScalar(node)) return cannot(ctx, node, "string");
      const text = String(node.value ?? "");
      if (t.codec === "duration") {
        if (!durationOK(text)) return cannot(ctx, node, "time.Duration");
        return typeof untyped(node) === "number" ? untyped(node) : text;
      }
      const problem = text === "" ? null : (check?.(text) ?? codecProblem(t.codec, text));
      if (problem) {
        ctx.errors.push(`line ${lineOf(ctx, node)}: ${problem}`);
        return undefined;
      }
      return text;
    }
    case "int":
    case "uint": {
      const v = untyped(node);
      if (typeof v !== "number" || !Number.isInteger(v) || (t.kind === "uint" && v < 0)) {
        return cannot(ctx, node, go ?? t.kind);
      }
      return v;
    }
    case "float": {
      const v = untyped(node);
      if (typeof v !== "number") return cannot(ctx, node, go ?? "float64");
      return v;
    }
    case "bool": {
      const s = isScalar(node) ? String(node.value ?? "") : "";
      if (isScalar(node) && node.type === "PLAIN" && TRUES.has(s)) return true;
      if (isScalar(node) && node.type === "PLAIN" && FALSES.has(s)) return false;
      return cannot(ctx, node, go ?? "bool");
    }
    case "any":
      return anyUniqueKeys(ctx, node) ? decodeAny(node) : undefined;
    case "list": {
      if (!isSeq(node)) return cannot(ctx, node, go ?? "[]" + typeName(t.of));
      const elem = go?.startsWith("[]") ? go.slice(2).replace(/^\*/, "") : undefined;
      const out: Value[] = [];
      node.items.forEach((item, i) => {
        const v = isNullNode(item as Node)
          ? null
          : decodeType(ctx, t.of, item as Node, `${path}[${i}]`, check, elem);
        out.push(v === undefined ? null : v);
      });
      return out;
    }
    case "map": {
      if (!isMap(node)) return cannot(ctx, node, go ?? "map[string]" + typeName(t.of));
      const elem = go?.startsWith("map[string]")
        ? go.slice("map[string]".length).replace(/^\*/, "")
        : undefined;
      if (!uniqueKeys(ctx, node)) return undefined;
      const out: ValueMap = {};
      for (const p of node.items) {
        const key = String(untyped(p.key as Node));
        const vn = p.value as Node | null;
        const v = isNullNode(vn)
          ? null
          : decodeType(ctx, t.of, vn!, `${path}.${key}`, undefined, elem);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    case "struct":
      return decodeStruct(ctx, t.name, node, path);
  }
}

function typeName(t: FieldType): string {
  switch (t.kind) {
    case "list":
      return "[]" + typeName(t.of);
    case "map":
      return "map[string]" + typeName(t.of);
    case "struct":
      return t.name;
    case "any":
      return "interface {}";
    case "custom":
      return "string";
    case "float":
      return "float64";
    default:
      return t.kind;
  }
}

/** Value normalisations upstream's types apply while decoding (custom YAML unmarshallers). */
const DECODE_HOOKS: Record<string, (v: Value) => Value> = {
  // inline manifests lose leading blank lines (ClusterInlineManifests.UnmarshalYAML)
  "v1alpha1.ClusterInlineManifest.contents": (v) =>
    typeof v === "string" ? v.replace(/^[\t\n\v\f\r]+/, "") : v,
};

/** Finds the field for a key, looking into inlined structs. */
function findField(
  schema: Schema,
  struct: string,
  key: string,
): FieldDef | "inline-map" | undefined {
  for (const f of structDef(schema, struct).fields) {
    if (f.inline) {
      if (f.type.kind === "struct") {
        const inner = findField(schema, f.type.name, key);
        if (inner) return inner;
      } else if (f.type.kind === "map" || f.type.kind === "any") {
        return "inline-map";
      }
    } else if (f.key === key) {
      return f;
    }
  }
  return undefined;
}

function decodeStruct(ctx: Ctx, struct: string, node: Node, path: string): ValueMap | undefined {
  if (!isMap(node)) {
    // reflect.Type.String of a struct: package-qualified ("v1alpha1.InstallConfig")
    return cannot(ctx, node, struct);
  }
  if (!uniqueKeys(ctx, node)) return undefined;
  if (PEM_STRUCTS.has(struct)) return decodePEM(ctx, struct, node, path);
  const out: ValueMap = {};
  for (const p of node.items) {
    const keyNode = p.key as Node;
    const key = String(isScalar(keyNode) ? keyNode.value ?? "" : "");
    const full = path ? `${path}.${key}` : key;
    const f = findField(ctx.schema, struct, key);
    const vn = p.value as Node | null;
    if (f === undefined) {
      ctx.unknown.push(`${full} (line ${lineOf(ctx, keyNode)})`);
      continue;
    }
    if (f === "inline-map") {
      out[key] = vn ? decodeAny(vn) : null;
      continue;
    }
    if (isNullNode(vn)) {
      // Go leaves nil pointers, slices and maps nil; zero values stay zero.
      continue;
    }
    let v = decodeType(ctx, f.type, vn!, full, TEXT_FIELDS[`${struct}.${key}`], f.goType);
    const hook = DECODE_HOOKS[`${struct}.${key}`];
    if (hook && v !== undefined) v = hook(v);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A PEM certificate/key struct: crt, then key, are base64-decoded; the first error counts. */
function decodePEM(ctx: Ctx, struct: string, node: Node, path: string): ValueMap | undefined {
  if (!isMap(node)) return undefined;
  const fields = structDef(ctx.schema, struct).fields.map((f) => f.key);
  const out: ValueMap = {};
  const before = ctx.errors.length;
  for (const p of node.items) {
    const key = isScalar(p.key) ? String(p.key.value ?? "") : "";
    const vn = p.value as Node | null;
    if (!fields.includes(key)) {
      ctx.unknown.push(`${path ? `${path}.` : ""}${key} (line ${lineOf(ctx, p.key as Node)})`);
    } else if (vn && !isNullNode(vn)) {
      if (isScalar(vn)) out[key] = String(vn.value ?? "");
      else cannot(ctx, vn, "string");
    }
  }
  if (ctx.errors.length > before) return undefined;
  for (const key of ["crt", "key"]) {
    const text = out[key];
    if (typeof text !== "string" || (key === "key" && text === "******")) continue;
    const r = base64Decode(text);
    if ("error" in r) {
      ctx.errors.push(`line ${lineOf(ctx, node)}: ${r.error}`);
      return undefined;
    }
  }
  return out;
}

/** The identifying fields of a YAML document body, as upstream reads them. */
export function documentHeader(node: Node): { apiVersion: string; kind: string; name: string } {
  const get = (k: string) => {
    if (!isMap(node)) return "";
    for (const p of node.items) {
      if (isScalar(p.key) && p.key.value === k && isScalar(p.value)) return String(p.value.value);
    }
    return "";
  };
  return { apiVersion: get("apiVersion"), kind: get("kind"), name: get("name") };
}

const LEGACY_KEYS = new Set(["version", "machine", "cluster", "debug", "persist"]);

/** Decodes one YAML document body into a config document. */
export function decodeDocument(
  schema: Schema,
  node: Node,
  lines: LineCounter,
  source: string,
  line: number,
): ConfigDocument {
  const h = documentHeader(node);
  const id = `${h.apiVersion}/${h.kind || "v1alpha1"}/${h.name}`;
  const fail = (msg: string) =>
    new ConfigDecodeError(`${source}: error decoding document ${id} (line ${line}): ${msg}`);
  if (!isMap(node)) {
    throw new ConfigDecodeError(`${source}: expected a YAML document at line ${line}`);
  }
  let legacy = false;
  for (const p of node.items) {
    if (isScalar(p.key) && LEGACY_KEYS.has(String(p.key.value))) legacy = true;
  }
  let kind: string;
  if (legacy && h.kind === "") {
    kind = "v1alpha1";
  } else if (h.kind === "") {
    throw fail("missing kind");
  } else if (h.apiVersion === "") {
    throw fail("missing apiVersion");
  } else {
    kind = h.kind;
  }
  const def = kindDef(schema, kind);
  if (!def || (kind !== "v1alpha1" && def.apiVersion !== h.apiVersion)) {
    throw fail(`${JSON.stringify(kind)} ${JSON.stringify(h.apiVersion)}: not registered`);
  }
  const ctx: Ctx = { schema, lines, unknown: [], errors: [] };
  const data = decodeStruct(ctx, def.struct, node, "") ?? {};
  if (ctx.errors.length > 0) {
    throw fail(
      `error decoding ${h.kind} to *${def.struct}: yaml: construct errors: ${
        ctx.errors.join("; ")
      }`,
    );
  }
  if (ctx.unknown.length > 0) {
    throw fail(`unknown keys found during decoding: ${ctx.unknown.join(", ")}`);
  }
  return { kind, data };
}

export interface DecodeOptions {
  /** Allow several documents with the same identity (patches may repeat a document). */
  allowDuplicates?: boolean;
}

/** Decodes a whole machine-config text (all documents). Empty documents are skipped. */
export function decodeConfig(
  schema: Schema,
  text: string,
  source: string,
  opts: DecodeOptions = {},
): ConfigDocument[] {
  const { docs, lines } = parseYamlDocuments(text, source);
  const out: ConfigDocument[] = [];
  const seen = new Set<string>();
  for (const d of docs) {
    if (isNullNode(d.node)) continue;
    const doc = decodeDocument(schema, d.node!, lines, source, d.line);
    const h = documentHeader(d.node!);
    const id = `${h.apiVersion}/${h.kind || "v1alpha1"}/${h.name}`;
    if (!opts.allowDuplicates && seen.has(id)) {
      throw new ConfigDecodeError(
        `${source}: duplicate document ${id} is not allowed (line ${d.line})`,
      );
    }
    seen.add(id);
    out.push(doc);
  }
  return out;
}
