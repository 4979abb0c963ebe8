// A block-style YAML emitter that writes the bytes Go's YAML encoder writes for a node tree, as
// `Marshal` drives libyaml: 4-space indentation; sequences indented under their key; content of
// a sequence item two columns after its dash, everything nested deeper aligned to the next
// multiple of four; `{}`/`[]` for empty collections; plain, single-quoted, double-quoted or
// literal scalars chosen by the encoder's rules (scalar.ts); keys longer than 128 bytes or with
// a line break written as complex keys (`? key` / `: value`); no line folding.
//
// Comments: a node may carry `head` (lines written above a mapping key or sequence item),
// `line` (after a scalar value, on the same line) and `foot` (lines written after a mapping
// entry, at the entry's indentation). Each line of a head/foot text becomes a `# ` comment
// line. The machine config uses them for --with-docs/--with-examples.

import {
  analyzeScalar,
  chooseStyle,
  doubleQuotedBody,
  type GoYamlFlavor,
  isBreak,
} from "./scalar.ts";

export type YamlNode = ScalarNode | MapNode | SeqNode;

export interface Comments {
  head?: string;
  line?: string;
  foot?: string;
}

export interface ScalarNode extends Comments {
  t: "scalar";
  value: string;
  /** "plain" when the text is already a resolved non-string (number, bool, null). */
  style: "auto" | "plain";
}
export interface MapNode extends Comments {
  t: "map";
  entries: [key: ScalarNode, value: YamlNode][];
}
export interface SeqNode extends Comments {
  t: "seq";
  items: YamlNode[];
}

export interface EmitOptions {
  /** The Go encoder to follow where yaml.v3 and yaml/v4 differ (default "v3"). */
  flavor?: GoYamlFlavor;
}

export const scalar = (value: string, style: "auto" | "plain" = "auto"): ScalarNode => ({
  t: "scalar",
  value,
  style,
});
/** A string-keyed mapping, in the given order. */
export const mapping = (entries: [key: string, value: YamlNode][]): MapNode => ({
  t: "map",
  entries: entries.map(([k, v]) => [scalar(k), v]),
});
export const sequence = (items: YamlNode[]): SeqNode => ({ t: "seq", items });
/** A list of strings. */
export const strings = (items: string[]): SeqNode => sequence(items.map((s) => scalar(s)));
export const nullNode = (): ScalarNode => scalar("null", "plain");

const BEST_INDENT = 4;
/** libyaml writes a key as `key:` only up to this many bytes. */
const MAX_SIMPLE_KEY = 128;

// --- the writer (column/indention/whitespace bookkeeping as libyaml does it) ---------------

class Writer {
  out = "";
  column = 0;
  indention = true;
  whitespace = true;

  constructor(readonly flavor: GoYamlFlavor) {}

  put(s: string) {
    this.out += s;
    this.column += codePoints(s);
  }
  newline() {
    this.out += "\n";
    this.column = 0;
    this.indention = true;
  }
  /** A line break that is part of the value (LF becomes a newline, others are written as is). */
  valueBreak(c: string) {
    if (c === "\n") return this.newline();
    this.out += c;
    this.column = 0;
    this.indention = true;
  }
  indent(n: number) {
    const indent = Math.max(n, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.newline();
    }
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
  }
  indicator(s: string, needWs: boolean, isWs: boolean, isIndention: boolean) {
    if (needWs && !this.whitespace) this.put(" ");
    this.put(s);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }
  comment(text: string | undefined, indent: number) {
    if (!text) return;
    for (const l of text.split("\n")) {
      this.indent(indent);
      this.put(l === "" ? "#" : "# " + l);
      this.newline();
      this.whitespace = true;
    }
  }
}

/** Number of code points in `s` (libyaml counts characters), without splitting it. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Parent context of a node: decides the next indentation (libyaml's increase_indent). */
type Parent = "root" | "seq" | "map";

function nextIndent(indent: number, parent: Parent, flow: boolean): number {
  if (indent < 0) return flow ? BEST_INDENT : 0;
  if (parent === "seq") return indent + 2;
  return BEST_INDENT * Math.floor((indent + BEST_INDENT) / BEST_INDENT);
}

function writeSingleQuoted(w: Writer, v: string, indent: number) {
  w.indicator("'", true, false, false);
  let breaks = false;
  for (const c of v) {
    if (isBreak(c)) {
      if (!breaks && c === "\n") w.newline();
      w.valueBreak(c);
      breaks = true;
    } else {
      if (breaks) w.indent(indent);
      w.put(c === "'" ? "''" : c);
      if (c !== " ") w.indention = false;
      breaks = false;
    }
  }
  w.indicator("'", false, false, false);
}

function writeLiteral(w: Writer, node: ScalarNode, indent: number) {
  const v = node.value;
  w.indicator("|", true, false, false);
  const v4 = w.flavor === "v4";
  if (v[0] === " " || (!v4 && isBreak(v[0]))) {
    w.indicator(String(BEST_INDENT), false, false, false);
  }
  const chars = [...v];
  const last = chars.length - 1;
  if (!isBreak(chars[last])) w.indicator("-", false, false, false);
  else if (last === 0 || isBreak(chars[last - 1])) w.indicator("+", false, false, false);
  if (node.line) w.put(" # " + node.line);
  else if (v4) w.newline();
  w.whitespace = true;
  let breaks = true;
  for (const c of chars) {
    if (isBreak(c)) {
      w.valueBreak(c);
      breaks = true;
    } else {
      if (breaks) w.indent(indent);
      w.put(c);
      w.indention = false;
      breaks = false;
    }
  }
}

function emitScalar(w: Writer, node: ScalarNode, indent: number, parent: Parent, key: boolean) {
  const v = node.value;
  const analysis = analyzeScalar(v, w.flavor);
  const style = chooseStyle(v, {
    resolved: node.style === "plain",
    simpleKey: key,
    flavor: w.flavor,
    analysis,
  });
  const ind = nextIndent(indent, parent, true);
  switch (style) {
    case "plain":
      if (!w.whitespace && v !== "") w.put(" ");
      w.put(v);
      w.whitespace = false;
      w.indention = false;
      break;
    case "single":
      writeSingleQuoted(w, v, ind);
      break;
    case "double":
      w.indicator('"', true, false, false);
      w.put(doubleQuotedBody(v));
      w.indicator('"', false, false, false);
      break;
    case "literal":
      return writeLiteral(w, node, ind);
  }
  if (node.line && !key) w.put(" # " + node.line);
}

/** libyaml's check_simple_key for a scalar key: one line, at most 128 bytes. */
function isSimpleKey(k: ScalarNode, flavor: GoYamlFlavor): boolean {
  if (analyzeScalar(k.value, flavor).multiline) return false;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short keys need no encoding.
  if (k.value.length * 3 <= MAX_SIMPLE_KEY) return true;
  return new TextEncoder().encode(k.value).length <= MAX_SIMPLE_KEY;
}

function emitNode(w: Writer, node: YamlNode, indent: number, parent: Parent) {
  if (node.t === "scalar") return emitScalar(w, node, indent, parent, false);
  if (node.t === "map" ? node.entries.length === 0 : node.items.length === 0) {
    w.indicator(node.t === "map" ? "{" : "[", true, true, false);
    w.indicator(node.t === "map" ? "}" : "]", false, false, false);
    if (node.line) w.put(" # " + node.line);
    return;
  }
  const ind = nextIndent(indent, parent, false);
  if (node.t === "seq") {
    for (const item of node.items) {
      w.comment(item.head, ind);
      w.indent(ind);
      w.indicator("-", true, false, true);
      emitNode(w, item, ind, "seq");
      w.comment(item.foot, ind);
    }
    return;
  }
  for (const [k, v] of node.entries) {
    w.comment(k.head, ind);
    w.indent(ind);
    if (isSimpleKey(k, w.flavor)) {
      emitScalar(w, k, ind, "map", true);
      w.indicator(":", false, false, false);
    } else {
      w.indicator("?", true, false, true);
      emitScalar(w, { ...k, line: undefined }, ind, "map", false);
      w.indent(ind);
      w.indicator(":", true, false, true);
    }
    emitNode(w, v, ind, "map");
    w.comment(k.foot, ind);
  }
}

/** Writes one YAML document (no `---` marker); the text ends with a newline. */
export function emitDocument(root: YamlNode, opts: EmitOptions = {}): string {
  const w = new Writer(opts.flavor ?? "v3");
  w.comment(root.head, 0);
  emitNode(w, root, -1, "root");
  w.indent(-1);
  w.comment(root.foot, 0);
  return w.out;
}
