// A block-style YAML emitter that writes the bytes Go's YAML encoder (yaml.v3 lineage, as the
// Talos encoder drives it) writes for a node tree: 4-space indentation; sequences indented under
// their key; content of a sequence item two columns after its dash, and everything nested deeper
// aligned to the next multiple of four; `{}`/`[]` for empty collections; plain, single-quoted,
// double-quoted or literal scalars chosen by the same rules; no line folding.
//
// Comments: a node may carry `head` (lines written above a mapping key or sequence item),
// `line` (after a scalar value, on the same line) and `foot` (lines written after a mapping
// entry, at the entry's indentation). Each line of a head/foot text becomes a `# ` comment
// line. Used for --with-docs/--with-examples.

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

export const scalar = (value: string, style: "auto" | "plain" = "auto"): ScalarNode => ({
  t: "scalar",
  value,
  style,
});

const BEST_INDENT = 4;

type Style = "plain" | "single" | "double" | "literal";

// --- how Go's resolver would read a plain scalar (strings that must be quoted) -------------

const RESOLVES = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
]);
const OLD_BOOLS = new Set(
  "y Y yes Yes YES n N no No NO on On ON off Off OFF".split(" "),
);
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/;

/** True when a plain scalar with this text would not read back as the same string. */
export function resolvesToNonString(s: string): boolean {
  if (RESOLVES.has(s)) return true;
  if (OLD_BOOLS.has(s) || BASE60.test(s)) return true;
  const c = s[0];
  if (c === ".") return YAML_FLOAT.test(s);
  if ((c >= "0" && c <= "9") || c === "+" || c === "-") {
    if (TIMESTAMP.test(s)) return true;
    const plain = s.replaceAll("_", "");
    if (GO_INT.test(plain) || YAML_FLOAT.test(plain)) return true;
    if (/^-?0[bB][01]+$/.test(plain) || /^-?0[oO][0-7]+$/.test(plain)) return true;
  }
  return false;
}

// --- scalar analysis (libyaml's analyze_scalar) --------------------------------------------

const isBreak = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlankZ = (c: string | undefined) =>
  c === undefined || c === " " || c === "\t" || c === "\0" || isBreak(c);

function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, blockPlain: true, single: true, block: false };
  const chars = [...value];
  let blockInd = false, lineBreaks = false, special = false, tabs = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  if (value.startsWith("---") || value.startsWith("...")) blockInd = true;
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const followedByWs = isBlankZ(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockInd = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWs) blockInd = true;
    } else if (c === ":" && followedByWs) blockInd = true;
    else if (c === "#" && precededByWs) blockInd = true;
    const cp = c.codePointAt(0)!;
    if (c === "\t") tabs = true;
    else if (!isPrintable(cp)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(c);
  }
  let blockPlain = true, single = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = single = false;
  if (spaceBreak || tabs || special) blockPlain = single = false;
  if (spaceBreak || special) block = false;
  if (lineBreaks) blockPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, single, block };
}

function chooseStyle(node: ScalarNode, simpleKey: boolean): Style {
  const v = node.value;
  let style: Style;
  if (node.style === "plain") style = "plain";
  else if (v.includes("\n")) style = "literal";
  else if (!resolvesToNonString(v)) style = "plain";
  else style = "double";
  const a = analyze(v);
  if (style === "plain") {
    if (!a.blockPlain) style = "single";
    if (v.length === 0 && simpleKey) style = "single";
  }
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || simpleKey)) style = "double";
  return style;
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\b": "b",
  "\t": "t",
  "\n": "n",
  "\x0b": "v",
  "\f": "f",
  "\r": "r",
  "\x1b": "e",
  '"': '"',
  "\\": "\\",
  "\u0085": "N",
  "\u00a0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

function doubleQuoted(v: string): string {
  let out = '"';
  for (const c of v) {
    const cp = c.codePointAt(0)!;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
      const e = ESCAPES[c];
      if (e) out += "\\" + e;
      else if (cp <= 0xff) out += "\\x" + cp.toString(16).toUpperCase().padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
      else out += "\\U" + cp.toString(16).toUpperCase().padStart(8, "0");
    } else out += c;
  }
  return out + '"';
}

// --- the writer (column/indention/whitespace bookkeeping as libyaml does it) ---------------

class Writer {
  out = "";
  column = 0;
  indention = true;
  whitespace = true;

  put(s: string) {
    this.out += s;
    this.column += [...s].length;
  }
  newline() {
    this.out += "\n";
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

/** Parent context of a node: decides the next indentation (libyaml's increase_indent). */
type Parent = "root" | "seq" | "map";

function nextIndent(indent: number, parent: Parent, flow: boolean): number {
  if (indent < 0) return flow ? BEST_INDENT : 0;
  if (parent === "seq") return indent + 2;
  return BEST_INDENT * Math.floor((indent + BEST_INDENT) / BEST_INDENT);
}

function emitScalar(w: Writer, node: ScalarNode, indent: number, parent: Parent, key: boolean) {
  const style = chooseStyle(node, key);
  const v = node.value;
  switch (style) {
    case "plain":
      if (!w.whitespace && v !== "") w.put(" ");
      w.put(v);
      w.whitespace = false;
      w.indention = false;
      break;
    case "single":
      w.indicator("'", true, false, false);
      w.put(v.replaceAll("'", "''"));
      w.indicator("'", false, false, false);
      break;
    case "double":
      w.indicator('"', true, false, false);
      w.put(doubleQuoted(v).slice(1, -1));
      w.indicator('"', false, false, false);
      break;
    case "literal": {
      const ind = nextIndent(indent, parent, true);
      w.indicator("|", true, false, false);
      if (v[0] === " " || isBreak(v[0])) w.indicator(String(BEST_INDENT), false, false, false);
      const last = v.length - 1;
      if (!isBreak(v[last])) w.indicator("-", false, false, false);
      else if (last === 0 || isBreak(v[last - 1])) w.indicator("+", false, false, false);
      if (node.line) w.put(" # " + node.line);
      w.whitespace = true;
      let breaks = true;
      for (const c of v) {
        if (isBreak(c)) {
          w.newline();
          breaks = true;
        } else {
          if (breaks) w.indent(ind);
          w.put(c);
          w.indention = false;
          breaks = false;
        }
      }
      return;
    }
  }
  if (node.line && !key) w.put(" # " + node.line);
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
    emitScalar(w, k, ind, "map", true);
    w.indicator(":", false, false, false);
    emitNode(w, v, ind, "map");
    w.comment(k.foot, ind);
  }
}

/** Writes one YAML document (no `---` marker); the text ends with a newline. */
export function emitDocument(root: YamlNode): string {
  const w = new Writer();
  w.comment(root.head, 0);
  emitNode(w, root, -1, "root");
  w.indent(-1);
  w.comment(root.foot, 0);
  return w.out;
}
