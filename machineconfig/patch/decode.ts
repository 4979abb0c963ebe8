// Strict decoding of machine-config YAML into the document model (machineconfig/schema.ts):
// every key must exist in the schema, every value must fit its field's type. Errors name the
// source (file), the document and the line, and list every unknown key.

import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";
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
import { isIP, isPrefix } from "../validate/net.ts";
import { base64Decode, parseBlockSize, urlParseError } from "../validate/goparse.ts";

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
  const parsed = parseAllDocuments(text, { schema: "failsafe", lineCounter: lines });
  if (!Array.isArray(parsed)) return { docs: [], lines };
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

/** Why a custom scalar's text is not acceptable for its Go type, or null. */
function codecProblem(codec: string, text: string): string | null {
  if (text === "") return null;
  switch (codec) {
    case "duration":
      return /^[-+]?\d+$/.test(text) || parseGoDuration(text) !== undefined
        ? null
        : `time: invalid duration ${JSON.stringify(text)}`;
    case "prefix":
      return isPrefix(text) ? null : `netip.ParsePrefix(${JSON.stringify(text)}): invalid prefix`;
    case "addr":
      return isIP(text) ? null : `ParseAddr(${JSON.stringify(text)}): invalid IP address`;
    default:
      return null;
  }
}

/**
 * Errors custom YAML/text unmarshallers return (base64 bytes, URLs): Go's decoder aborts with the
 * bare error text, without a line.
 */
function fatalCodecProblem(codec: string, text: string): string | null {
  if (codec === "base64") {
    const r = base64Decode(text);
    return "error" in r ? r.error : null;
  }
  if (codec === "url") return text === "" ? null : urlParseError(text);
  return null;
}

/** Fields holding Talos block sizes (block.ByteSize, block.Size with percentages). */
const SIZE_FIELDS: Record<string, "bytes" | "size"> = {
  "block.ProvisioningSpec.minSize": "bytes",
  "block.ProvisioningSpec.maxSize": "size",
  "block.XFSSpec.minAllocationGroupSize": "bytes",
  "storage.LVMLogicalVolumeProvisioningSpec.minSize": "bytes",
  "storage.LVMLogicalVolumeProvisioningSpec.maxSize": "size",
};

// ---------------------------------------------------------------------------------------------
// Typed decoding

interface Ctx {
  schema: Schema;
  lines: LineCounter;
  unknown: string[];
  typeErrors: string[];
  /** Errors of upstream's custom unmarshallers: decoding stops at the first one. */
  fatal: string[];
}

function lineOf(ctx: Ctx, node: Node): number {
  return ctx.lines.linePos(node.range?.[0] ?? 0).line;
}

function cannot(ctx: Ctx, node: Node, into: string, path: string): undefined {
  const v = isScalar(node) ? ` \`${String(node.value ?? "")}\`` : "";
  ctx.typeErrors.push(
    `line ${lineOf(ctx, node)}: cannot unmarshal ${yamlTag(node)}${v} into ${into} (at ${path})`,
  );
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

function decodeType(ctx: Ctx, t: FieldType, node: Node, path: string): Value | undefined {
  switch (t.kind) {
    case "string":
      if (!isScalar(node)) return cannot(ctx, node, "string", path);
      return String(node.value ?? "");
    case "custom": {
      if (!isScalar(node)) return cannot(ctx, node, "string", path);
      const text = String(node.value ?? "");
      const fatal = fatalCodecProblem(t.codec, text);
      if (fatal) {
        ctx.fatal.push(fatal);
        return undefined;
      }
      const problem = codecProblem(t.codec, text);
      if (problem) {
        ctx.typeErrors.push(`line ${lineOf(ctx, node)}: ${problem} (at ${path})`);
        return undefined;
      }
      return t.codec === "duration" && typeof untyped(node) === "number" ? untyped(node) : text;
    }
    case "int":
    case "uint": {
      const v = untyped(node);
      if (typeof v !== "number" || !Number.isInteger(v) || (t.kind === "uint" && v < 0)) {
        return cannot(ctx, node, t.kind === "int" ? "int" : "uint", path);
      }
      return v;
    }
    case "float": {
      const v = untyped(node);
      if (typeof v !== "number") return cannot(ctx, node, "float64", path);
      return v;
    }
    case "bool": {
      const s = isScalar(node) ? String(node.value ?? "") : "";
      if (isScalar(node) && node.type === "PLAIN" && TRUES.has(s)) return true;
      if (isScalar(node) && node.type === "PLAIN" && FALSES.has(s)) return false;
      return cannot(ctx, node, "bool", path);
    }
    case "any":
      return decodeAny(node);
    case "list": {
      if (!isSeq(node)) return cannot(ctx, node, "[]" + typeName(t.of), path);
      const out: Value[] = [];
      node.items.forEach((item, i) => {
        const v = isNullNode(item as Node)
          ? null
          : decodeType(ctx, t.of, item as Node, `${path}[${i}]`);
        out.push(v === undefined ? null : v);
      });
      return out;
    }
    case "map": {
      if (!isMap(node)) return cannot(ctx, node, "map[string]" + typeName(t.of), path);
      const out: ValueMap = {};
      for (const p of node.items) {
        const key = String(untyped(p.key as Node));
        const vn = p.value as Node | null;
        const v = isNullNode(vn) ? null : decodeType(ctx, t.of, vn!, `${path}.${key}`);
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
    return cannot(ctx, node, structDef(ctx.schema, struct).name.split(".").pop()!, path);
  }
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
    const sizeKind = SIZE_FIELDS[`${struct}.${key}`];
    if (sizeKind && isScalar(vn) && String(vn.value ?? "") !== "") {
      const r = parseBlockSize(String(vn.value), sizeKind === "size");
      if ("error" in r) {
        ctx.fatal.push(r.error);
        continue;
      }
    }
    let v = decodeType(ctx, f.type, vn!, full);
    const hook = DECODE_HOOKS[`${struct}.${key}`];
    if (hook && v !== undefined) v = hook(v);
    if (v !== undefined) out[key] = v;
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
  const ctx: Ctx = { schema, lines, unknown: [], typeErrors: [], fatal: [] };
  const data = decodeStruct(ctx, def.struct, node, "") ?? {};
  if (ctx.fatal.length > 0) {
    throw fail(`error decoding ${h.kind} to *${def.struct}: ${ctx.fatal[0]}`);
  }
  if (ctx.typeErrors.length > 0) {
    throw fail(`yaml: unmarshal errors:\n  ${ctx.typeErrors.join("\n  ")}`);
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
