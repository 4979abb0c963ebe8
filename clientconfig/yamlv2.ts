// A YAML emitter for JSON-shaped values that writes what client-go writes for kubeconfig files:
// client-go encodes to JSON and converts that to YAML with go-yaml v2, so mapping keys are
// sorted, indentation is two spaces, sequences are not indented below their key, and scalars
// are quoted by go-yaml v2's rules (double quotes for text that would read back as another type,
// single quotes where a plain scalar is not allowed). Long lines are never folded.

import { formatGoFloat } from "../goyaml/mod.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const RESOLVED_WORDS = new Set([
  ..."y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF".split(
    " ",
  ),
  ..."~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split(
    " ",
  ),
  "",
]);

const INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?([Zz]|[-+][0-9]{1,2}:[0-9]{2})?)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Whether go-yaml v2 would read `s`, written plain, as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (RESOLVED_WORDS.has(s)) return true;
  const first = s[0];
  if (first === ".") return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!/[-+0-9]/.test(first)) return false;
  if (TIMESTAMP.test(s)) return true;
  const plain = s.replaceAll("_", "");
  return INT.test(plain) || FLOAT.test(plain) || /^-0[bB][01]+$/.test(plain) || BASE60.test(s);
}

const isSpace = (c: string) => c === " ";
const isBreak = (c: string) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" ||
  c === "\u2029";
const isBlankOrEnd = (c: string | undefined) =>
  c === undefined || c === " " || c === "\t" || isBreak(c);

function printable(c: string): boolean {
  const x = c.codePointAt(0)!;
  return x === 0x0a || (x >= 0x20 && x <= 0x7e) || x === 0x85 ||
    (x >= 0xa0 && x <= 0xd7ff) || (x >= 0xe000 && x <= 0xfffd && x !== 0xfeff) ||
    (x >= 0x10000 && x <= 0x10ffff);
}

type Style = "plain" | "single" | "double" | "literal";

/** go-yaml v2's choice of scalar style for a string in block context. */
function scalarStyle(s: string, isKey: boolean): Style {
  const multiline = s.includes("\n");
  let requested: Style = multiline ? "literal" : resolvesToNonString(s) ? "double" : "plain";
  if (requested === "double") return "double";
  if (s === "") return isKey ? "single" : "double";
  const chars = [...s];
  let blockIndicators = s.startsWith("---") || s.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let spaceBreak = false;
  let breakSpace = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  chars.forEach((c, i) => {
    const followedByWs = isBlankOrEnd(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWs) blockIndicators = true;
    } else if (c === ":" && followedByWs) blockIndicators = true;
    else if (c === "#" && precededByWs) blockIndicators = true;
    if (!printable(c)) special = true;
    if (isSpace(c)) {
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankOrEnd(c);
  });
  const first = chars[0];
  const last = chars[chars.length - 1];
  const leadingOrTrailing = isSpace(first) || isBreak(first) || isSpace(last) || isBreak(last);
  const plainAllowed = !leadingOrTrailing && !breakSpace && !spaceBreak && !special &&
    !lineBreaks && !blockIndicators;
  const singleAllowed = !breakSpace && !spaceBreak && !special;
  const blockAllowed = !isSpace(last) && !spaceBreak && !special;
  if (requested === "plain" && !plainAllowed) requested = "single";
  if (requested === "literal" && (!blockAllowed || isKey)) requested = "double";
  if (requested === "single" && !singleAllowed) requested = "double";
  return requested;
}

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\x0b": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\u0085": "\\N",
  "\u00a0": "\\_",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** go-yaml v2's preferred line width: plain and quoted scalars are folded at spaces past it. */
const BEST_WIDTH = 80;

function escaped(c: string): string | undefined {
  const esc = ESCAPES[c];
  if (esc !== undefined) return esc;
  if (printable(c) && c !== "\ufeff") return undefined;
  const x = c.codePointAt(0)!;
  const hex = x.toString(16).toUpperCase();
  return x <= 0xff
    ? `\\x${hex.padStart(2, "0")}`
    : x <= 0xffff
    ? `\\u${hex.padStart(4, "0")}`
    : `\\U${hex.padStart(8, "0")}`;
}

/**
 * Writes a plain, single- or double-quoted scalar that starts at `column`, breaking lines at
 * spaces once past the preferred width as libyaml does; continuation lines start at `cont`.
 */
function flowScalar(
  s: string,
  style: "plain" | "single" | "double",
  column: number,
  cont: number,
  breaks: boolean,
): string {
  const chars = [...s];
  let out = "";
  let col = column;
  const put = (t: string) => {
    out += t;
    col += [...t].length;
  };
  const quote = style === "single" ? "'" : style === "double" ? '"' : "";
  put(quote);
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const esc = style === "double" ? escaped(c) : undefined;
    if (esc !== undefined) {
      put(esc);
      spaces = false;
      continue;
    }
    if (c === " ") {
      const nextSpace = chars[i + 1] === " ";
      const inside = i !== 0 && i !== chars.length - 1;
      const allowed = style === "plain"
        ? !nextSpace
        : style === "single"
        ? inside && !nextSpace
        : inside;
      if (breaks && !spaces && col > BEST_WIDTH && allowed) {
        out += "\n" + " ".repeat(cont);
        col = cont;
        if (style === "double" && nextSpace) put("\\");
      } else put(c);
      spaces = true;
      continue;
    }
    put(style === "single" && c === "'" ? "''" : c);
    spaces = false;
  }
  put(quote);
  return out;
}

function literal(s: string, indent: number): string {
  let chomp = "";
  if (!s.endsWith("\n")) chomp = "-";
  else if (s === "\n" || s.endsWith("\n\n")) chomp = "+";
  const hint = s.startsWith(" ") || s.startsWith("\n") ? "2" : "";
  const body = (s.endsWith("\n") ? s.slice(0, -1) : s).split("\n")
    .map((line) => line === "" ? "" : " ".repeat(indent) + line).join("\n");
  return `|${hint}${chomp}\n${body}`;
}

/**
 * A string scalar starting at `column`; `cont` is the indentation of continuation lines (and
 * of a literal block's content). Keys are never folded.
 */
function scalar(s: string, cont: number, column: number, isKey = false): string {
  const style = scalarStyle(s, isKey);
  if (style === "literal") return literal(s, cont);
  return flowScalar(s, style, column, cont, !isKey);
}

function number(n: number): string {
  // client-go writes JSON first and go-yaml v2 reads it back: integers stay integers when they fit
  // int64/uint64, everything else is a float64 and is written with strconv's shortest 'g' form.
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 64) return n.toFixed(0);
  return formatGoFloat(n);
}

function isEmptyCollection(v: JsonValue): boolean {
  return v !== null && typeof v === "object" &&
    (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
}

function inline(v: JsonValue, cont: number, column: number): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return number(v);
  if (typeof v === "string") return scalar(v, cont, column);
  return Array.isArray(v) ? "[]" : "{}";
}

/** Lines of a block collection at `indent` (the caller places the first line). */
function block(v: JsonValue[] | JsonObject, indent: number): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item !== null && typeof item === "object" && !isEmptyCollection(item)) {
        const inner = block(item, indent + 2);
        lines.push(`${pad}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else lines.push(`${pad}- ${inline(item, indent + 2, indent + 2)}`);
    }
    return lines;
  }
  for (const key of Object.keys(v).sort(compareKeys)) {
    const value = v[key];
    const k = scalar(key, indent + 2, indent, true);
    if (value !== null && typeof value === "object" && !isEmptyCollection(value)) {
      lines.push(`${pad}${k}:`, ...block(value, Array.isArray(value) ? indent : indent + 2));
    } else {
      lines.push(`${pad}${k}: ${inline(value, indent + 2, indent + [...k].length + 2)}`);
    }
  }
  return lines;
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

function digitRun(r: string[], from: number): { value: number; end: number } {
  let value = 0;
  let end = from;
  for (; isDigit(r[end]); end++) value = value * 10 + (r[end].charCodeAt(0) - 48);
  return { value, end };
}

/**
 * go-yaml v2's key order: letters compare by code point, non-letters sort before letters, and
 * runs of digits compare by numeric value ("a9" before "a10").
 */
export function compareKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let base = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          base = 1;
          break;
        }
      }
    }
    const da = digitRun(ar, i);
    const db = digitRun(br, i);
    const an = base * 10 ** (da.end - i) + da.value;
    const bn = base * 10 ** (db.end - i) + db.value;
    if (an !== bn) return an - bn;
    if (da.end !== db.end) return da.end - db.end;
    return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
  }
  return ar.length - br.length;
}

/** Encodes a JSON-shaped value as go-yaml v2 would after client-go's JSON step. */
export function emitYamlV2(v: JsonValue): string {
  if (v !== null && typeof v === "object" && !isEmptyCollection(v)) {
    return block(v, 0).join("\n") + "\n";
  }
  return inline(v, 0, 0) + "\n";
}
