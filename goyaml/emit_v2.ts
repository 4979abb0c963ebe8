// A YAML emitter for JSON-shaped values that writes what client-go writes for kubeconfig files:
// client-go encodes to JSON and converts that to YAML with go-yaml v2, so mapping keys are
// sorted, indentation is two spaces, sequences are not indented below their key, and scalars
// are quoted by go-yaml v2's rules (double quotes for text that would read back as another type,
// single quotes where a plain scalar is not allowed). Long lines are never folded.

import { compareGoKeys } from "./keys.ts";
import { formatGoFloat } from "./float.ts";
import { chooseStyle, escapeChar, mustEscape, type Style } from "./scalar.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** go-yaml v2's scalar style in block context: yaml.v3's choice, except that a tab is special. */
function scalarStyle(s: string, isKey: boolean): Style {
  return chooseStyle(s, { simpleKey: isKey, flavor: "v2" });
}

/** go-yaml v2's preferred line width: plain and quoted scalars are folded at spaces past it. */
const BEST_WIDTH = 80;

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
  // go-yaml tests for a BOM at the start of the value, not at the character: all get escaped.
  const escapeAll = style === "double" && s.startsWith("\ufeff");
  put(quote);
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (style === "double" && (escapeAll || mustEscape(c))) {
      put(escapeChar(c.codePointAt(0)!));
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

/** go-yaml v2's key order (goyaml/keys.ts without yaml.v3's letter-before-digit rule). */
export function compareKeys(a: string, b: string): number {
  return compareGoKeys(a, b, { v2: true });
}

/** Encodes a JSON-shaped value as go-yaml v2 would after client-go's JSON step. */
export function emitYamlV2(v: JsonValue): string {
  if (v !== null && typeof v === "object" && !isEmptyCollection(v)) {
    return block(v, 0).join("\n") + "\n";
  }
  return inline(v, 0, 0) + "\n";
}
