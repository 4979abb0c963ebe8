// The YAML <-> JSON round trip talosctl puts a config through for a JSON patch: YAML is read with
// YAML 1.1 scalar resolution (yes/no/on/off are booleans, 0777 is octal, ...), and the result is
// written back in the style of the Go YAML v2 emitter: keys sorted in "natural" order, two-space
// indentation, sequences not indented under their key, strings quoted only when they must be.

import { isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments } from "yaml";
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
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

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
  const docs = parseAllDocuments(text, { schema: "failsafe", keepSourceTokens: false });
  if (!Array.isArray(docs)) return null;
  const doc = docs[0];
  if (!doc) return null;
  if (doc.errors.length > 0) throw new Error(`yaml: ${doc.errors[0].message}`);
  return toJson(doc.contents);
}

// ---------------------------------------------------------------------------------------------
// JSON -> YAML, v2 emitter style

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";

/** The v2 library's key order: digit runs compare as numbers, non-letters sort before letters. */
export function naturalLess(a: string, b: string): boolean {
  const ar = [...a], br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0, bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (f === Infinity) return ".inf";
  if (f === -Infinity) return "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expStr] = f.toExponential().split("e");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 21) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  const digits = mant.replace("-", "").replace(".", "");
  if (exp >= Math.max(digits.length, 6)) {
    const e = Math.abs(exp);
    return `${mant}e+${e < 10 ? "0" : ""}${e}`;
  }
  return String(f);
}

interface Analysis {
  plain: boolean; // block plain allowed
  single: boolean;
  block: boolean;
}

const FIRST_INDICATORS = new Set([..."#,[]{}&*!|>'\"%@`"]);

function printable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/** The emitter's scalar analysis: which styles can represent `s` faithfully. */
function analyze(s: string, simpleKey: boolean): Analysis {
  if (s === "") return { plain: !simpleKey, single: true, block: false };
  const chars = [...s];
  let blockInd = s.startsWith("---") || s.startsWith("...");
  let special = false, lineBreaks = false;
  let leadSpace = false, leadBreak = false, trailSpace = false, trailBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === " " || next === "\t" || next === "\n" ||
      next === "\r";
    const precededByWs = i === 0 || chars[i - 1] === " " || chars[i - 1] === "\t" ||
      chars[i - 1] === "\n" || chars[i - 1] === "\r";
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) blockInd = true;
      if ((c === "?" || c === ":" || c === "-") && followedByWs) blockInd = true;
    } else {
      if (c === ":" && followedByWs) blockInd = true;
      if (c === "#" && precededByWs) blockInd = true;
    }
    if (!printable(c)) special = true;
    if (c === "\n" || c === "\r") lineBreaks = true;
    if (c === " ") {
      if (i === 0) leadSpace = true;
      if (i === chars.length - 1) trailSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (c === "\n" || c === "\r") {
      if (i === 0) leadBreak = true;
      if (i === chars.length - 1) trailBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = prevBreak = false;
    }
  }
  let plain = true, single = true, block = true;
  if (leadSpace || leadBreak || trailSpace || trailBreak) plain = false;
  if (trailSpace) block = false;
  if (breakSpace) plain = single = false;
  if (spaceBreak || special) plain = single = block = false;
  if (lineBreaks) plain = false;
  if (blockInd) plain = false;
  return { plain, single, block: block && !simpleKey };
}

function doubleQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\0":
        out += "\\0";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\v":
        out += "\\v";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\x1b":
        out += "\\e";
        continue;
      case "\x85":
        out += "\\N";
        continue;
      case "\xa0":
        out += "\\_";
        continue;
      case "\u2028":
        out += "\\L";
        continue;
      case "\u2029":
        out += "\\P";
        continue;
    }
    if (!printable(c) || cp === 0xfeff) {
      const hex = cp.toString(16).toUpperCase();
      out += cp <= 0xff
        ? `\\x${hex.padStart(2, "0")}`
        : cp <= 0xffff
        ? `\\u${hex.padStart(4, "0")}`
        : `\\U${hex.padStart(8, "0")}`;
    } else {
      out += c;
    }
  }
  return out + '"';
}

function literal(s: string, indent: number): string {
  let header = "|";
  if (s.startsWith(" ") || s.startsWith("\n")) header += "2";
  if (!s.endsWith("\n")) header += "-";
  else if (s === "\n" || s.endsWith("\n\n")) header += "+";
  const pad = " ".repeat(indent);
  const body = (s.endsWith("\n") ? s.slice(0, -1) : s).split("\n")
    .map((l) => (l === "" ? "" : pad + l)).join("\n");
  return `${header}\n${body}`;
}

function scalarText(s: string, indent: number, simpleKey: boolean): string {
  const r = resolvePlain(s);
  const canPlain = r.tag === "str" && !BASE60_RE.test(s);
  const a = analyze(s, simpleKey);
  if (s.includes("\n") && !simpleKey) {
    return a.block ? literal(s, indent) : doubleQuote(s);
  }
  if (canPlain && a.plain && s !== "") return s;
  if (!canPlain) return doubleQuote(s);
  if (a.single) return `'${s.replaceAll("'", "''")}'`;
  return doubleQuote(s);
}

function scalar(v: Json, indent: number): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : formatGoFloat(v);
  return scalarText(v as string, indent, false);
}

function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
}

function isEmptyCollection(v: Json): boolean {
  return (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function emit(v: Json, indent: number, lines: string[], prefix: string): void {
  const pad = " ".repeat(indent);
  if (Array.isArray(v) && v.length > 0) {
    let first = true;
    for (const item of v) {
      const lead = first && prefix !== "" ? prefix : pad;
      first = false;
      if (typeof item === "object" && item !== null && !isEmptyCollection(item)) {
        emit(item, indent + 2, lines, lead + "- ");
      } else {
        lines.push(`${lead}- ${inline(item, indent + 2)}`);
      }
    }
    return;
  }
  if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
    let first = true;
    for (const k of sortedKeys(v)) {
      const lead = first && prefix !== "" ? prefix : pad;
      first = false;
      const key = scalarText(k, indent, true);
      const child = v[k];
      if (Array.isArray(child) && child.length > 0) {
        lines.push(`${lead}${key}:`);
        emit(child, indent, lines, "");
      } else if (typeof child === "object" && child !== null && !isEmptyCollection(child)) {
        lines.push(`${lead}${key}:`);
        emit(child, indent + 2, lines, "");
      } else {
        lines.push(`${lead}${key}: ${inline(child, indent + 2)}`);
      }
    }
    return;
  }
  lines.push(`${prefix || pad}${inline(v, indent)}`);
}

function inline(v: Json, indent: number): string {
  if (Array.isArray(v)) return "[]";
  if (typeof v === "object" && v !== null) return "{}";
  return scalar(v, indent);
}

/** Writes a JSON value as YAML the way the Go v2 library does (one document, no header). */
export function jsonToYamlV2(v: Json): string {
  const lines: string[] = [];
  emit(v, 0, lines, "");
  return lines.join("\n") + "\n";
}
