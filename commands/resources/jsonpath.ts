// kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath), as talosctl uses them for
// `get -o jsonpath=...` and for the print columns of its tables: text with `{...}` actions,
// fields (`.a.b`, `['a.b']`), `..` recursive descent, `*`, array slices `[start:end:step]`,
// unions `[a,b]`, filters `[?(@.x == "y")]`, and `{range ...}...{end}` loops; results as
// client-go finds and prints them, over the generic values of gofmt/json.ts.

import { formatGoFloat } from "../../goyaml/mod.ts";
import { goJson, type GoMap, GoTime, type GoValue } from "../../gofmt/json.ts";

/** A value that is not there (Go's invalid reflect.Value): ranging over a null element. */
export const INVALID: unique symbol = Symbol("invalid");
export type JPValue = GoValue | typeof INVALID;

interface Param {
  known: boolean;
  value: number;
  derived: boolean;
}

type Node =
  | { t: "list"; nodes: Node[] }
  | { t: "text"; text: string }
  | { t: "field"; name: string }
  | { t: "array"; params: [Param, Param, Param] }
  | { t: "filter"; left: Node & { t: "list" }; right: Node & { t: "list" }; op: string }
  | { t: "int"; value: bigint }
  | { t: "float"; value: number }
  | { t: "bool"; value: boolean }
  | { t: "wildcard" }
  | { t: "recursive" }
  | { t: "union"; lists: (Node & { t: "list" })[] }
  | { t: "identifier"; name: string };

type ListNode = Node & { t: "list" };

const list = (): ListNode => ({ t: "list", nodes: [] });

/** Go's %#U of a rune: U+0021 '!'. */
function goRune(c: string): string {
  const hex = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `U+${hex} '${c}'`;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t";
const isEOL = (c: string | undefined) => c === "\r" || c === "\n";
const isAlnum = (c: string | undefined) =>
  c !== undefined && (c === "_" || /[\p{L}\p{Nd}]/u.test(c));
const isTerminator = (c: string | undefined) =>
  c === undefined || isSpace(c) || isEOL(c) || ".,[]$@{}".includes(c);

class Parser {
  pos = 0;
  start = 0;
  width = 0;
  root: ListNode = list();
  constructor(readonly input: string) {}

  next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return undefined;
    }
    const c = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = c.length;
    this.pos += c.length;
    return c;
  }
  backup() {
    this.pos -= this.width;
  }
  peek(): string | undefined {
    const c = this.next();
    this.backup();
    return c;
  }
  consume(): string {
    const v = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith("{", this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ t: "text", text: this.consume() });
        this.pos += 1;
        this.consume();
        const action = list();
        cur.nodes.push(action);
        return this.inside(action);
      }
      if (this.next() === undefined) break;
    }
    if (this.pos > this.start) cur.nodes.push({ t: "text", text: this.consume() });
  }

  inside(cur: ListNode): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith("}")) {
        this.pos += 1;
        this.consume();
        return this.parseText(this.root);
      }
      if (rest.startsWith("[?(")) {
        this.parseFilter(cur);
        continue;
      }
      if (rest.startsWith("..")) {
        const last = cur.nodes.at(-1);
        if (last?.t === "recursive") throw new Error("invalid multiple recursive descent");
        this.pos += 2;
        this.consume();
        cur.nodes.push({ t: "recursive" });
        if (isAlnum(this.peek())) this.parseField(cur);
        continue;
      }
      const c = this.next();
      if (c === undefined || isEOL(c)) throw new Error("unclosed action");
      if (c === " " || c === "@" || c === "$") this.consume();
      else if (c === "[") this.parseArray(cur);
      else if (c === '"' || c === "'") this.parseQuote(cur, c);
      else if (c === ".") this.parseField(cur);
      else if (c === "+" || c === "-" || /[0-9]/.test(c)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlnum(c)) {
        this.backup();
        this.parseIdentifier(cur);
      } else throw new Error(`unrecognized character in action: ${goRune(c)}`);
    }
  }

  parseIdentifier(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (isTerminator(c)) {
        this.backup();
        break;
      }
    }
    const v = this.consume();
    if (v === "true" || v === "false") cur.nodes.push({ t: "bool", value: v === "true" });
    else cur.nodes.push({ t: "identifier", name: v });
  }

  parseNumber(cur: ListNode): void {
    const s = this.peek();
    if (s === "+" || s === "-") this.next();
    for (;;) {
      const c = this.next();
      if (c !== "." && !(c !== undefined && /[0-9]/.test(c))) {
        this.backup();
        break;
      }
    }
    const v = this.consume();
    if (/^[+-]?[0-9]+$/.test(v)) cur.nodes.push({ t: "int", value: BigInt(v) });
    else if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(v)) {
      cur.nodes.push({ t: "float", value: Number(v) });
    } else throw new Error(`cannot parse number ${v}`);
  }

  parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") throw new Error("unterminated array");
      if (c === "]") break;
    }
    let text = this.consume().slice(1, -1);
    if (text === "*") text = ":";
    const parts = text.split(",");
    if (parts.length > 1) {
      const lists = parts.map((p) => parseAction(`[${p.trim()}]`));
      cur.nodes.push({ t: "union", lists });
      return;
    }
    const key = /^'([^']*)'$/.exec(text);
    if (key) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes);
      return;
    }
    const m = /^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$/.exec(text);
    if (!m) throw new Error(`invalid array index ${text}`);
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = m[i + 1] ?? "";
      const p: Param = { known: false, value: 0, derived: false };
      if (v !== "") {
        if (i > 0) v = v.slice(1);
        if (!(i > 0 && v === "")) {
          if (!/^[+-]?[0-9]+$/.test(v)) throw new Error(`array index ${v} is not a number`);
          p.known = true;
          p.value = Number(v);
        }
      } else if (i === 1) {
        p.known = true;
        p.value = params[0].value + 1;
        p.derived = true;
      }
      params.push(p);
    }
    cur.nodes.push({ t: "array", params: params as [Param, Param, Param] });
  }

  parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consume();
    let begin = false, end = false;
    let pair = "";
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") throw new Error("unterminated filter");
      if (c === '"' || c === "'") {
        if (!begin) {
          begin = true;
          pair = c;
          continue;
        }
        if (this.input[this.pos - 2] !== "\\" && c === pair) end = true;
      } else if (c === ")" && begin === end) break;
    }
    if (this.next() !== "]") throw new Error("unclosed array expect ]");
    const text = this.consume().slice(0, -2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text);
    if (!m) {
      cur.nodes.push({ t: "filter", left: parseAction(text), right: list(), op: "exists" });
    } else {
      cur.nodes.push({ t: "filter", left: parseAction(m[1]), right: parseAction(m[3]), op: m[2] });
    }
  }

  parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") throw new Error("unterminated quoted string");
      if (c === quote && this.input[this.pos - 2] !== "\\") break;
    }
    const raw = this.consume();
    const s = unquote(raw);
    if (s === undefined) throw new Error(`unquote string ${raw} error invalid syntax`);
    cur.nodes.push({ t: "text", text: s });
  }

  parseField(cur: ListNode): void {
    this.consume();
    for (;;) {
      const c = this.next();
      if (c === "\\") this.next();
      else if (isTerminator(c)) {
        this.backup();
        break;
      }
    }
    const v = this.consume();
    cur.nodes.push(v === "*" ? { t: "wildcard" } : { t: "field", name: v.replaceAll("\\", "") });
  }
}

/** The list of one `{...}` action. */
function parseAction(text: string): ListNode {
  const p = new Parser(`{${text}}`);
  p.parseText(p.root);
  return p.root.nodes[0] as ListNode;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** strconv.Unquote, extended (as client-go does) to single-quoted strings. */
function unquote(s: string): string | undefined {
  if (s.length < 2 || s[0] !== s.at(-1) || (s[0] !== '"' && s[0] !== "'")) return undefined;
  const q = s[0];
  const body = s.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q) return undefined;
    if (c === "\n") return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (SIMPLE_ESCAPES[e] !== undefined) out += SIMPLE_ESCAPES[e];
    else if (e === q) out += q;
    else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else return undefined;
  }
  return out;
}

// --- evaluation ---------------------------------------------------------------------------

const isMap = (v: JPValue): v is GoMap =>
  v !== null && v !== INVALID && typeof v === "object" && !Array.isArray(v) &&
  !(v instanceof GoTime);

/** Go's type name of a decoded value (for error messages). */
export function goTypeName(v: JPValue): string {
  if (v === INVALID || v === null) return "<nil>";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof GoTime) return "time.Time";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "bigint") return v > 0x7fffffffffffffffn ? "uint64" : "int";
  if (typeof v === "number") return "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

/** Go's %v of a decoded value (fmt's map[k:v] and [a b] forms). */
export function goValueText(v: JPValue): string {
  if (v === INVALID) return "<invalid reflect.Value>";
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValueText).join(" ")}]`;
  if (v instanceof GoTime) return v.toString();
  if (typeof v === "object") {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValueText(v[k])}`).join(" ")}]`;
  }
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
    return formatGoFloat(v);
  }
  return String(v);
}

/** A string's elements as Go indexes them: bytes (uint8). */
const bytesOf = (s: string): bigint[] => [...new TextEncoder().encode(s)].map((b) => BigInt(b));

function children(v: JPValue): JPValue[] {
  if (isMap(v)) return Object.keys(v).sort().map((k) => v[k]);
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return bytesOf(v);
  return [];
}

type Kind = "bool" | "int" | "float" | "string";

function basicKind(v: JPValue): Kind {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "string";
  throw new Error("invalid type for comparison");
}

function less(a: JPValue, b: JPValue): boolean {
  const ka = basicKind(a), kb = basicKind(b);
  if (ka !== kb) throw new Error("incompatible types for comparison");
  if (ka === "bool") throw new Error("invalid type for comparison");
  return (a as string | number | bigint) < (b as string | number | bigint);
}

function equal(a: JPValue, b: JPValue): boolean {
  const ka = basicKind(a), kb = basicKind(b);
  if (ka !== kb) throw new Error("incompatible types for comparison");
  return a === b;
}

function compare(op: string, a: JPValue, b: JPValue): boolean {
  switch (op) {
    case "<":
      return less(a, b);
    case ">":
      return !(less(a, b) || equal(a, b));
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
    case "<=":
      return less(a, b) || equal(a, b);
    case ">=":
      return !less(a, b);
  }
  throw new Error(`unrecognized filter operator ${op}`);
}

/** A parsed template. */
export class JSONPath {
  #root: ListNode;
  #allowMissing = false;
  #begin = 0;
  #inRange = 0;
  #end = 0;
  #lastEnd = -1;

  /** Parses `text`; throws with client-go's message ("unclosed action", ...). */
  constructor(text: string) {
    const p = new Parser(text);
    p.parseText(p.root);
    this.#root = p.root;
  }

  /** Missing fields give no result instead of "<name> is not found". */
  allowMissingKeys(allow: boolean): this {
    this.#allowMissing = allow;
    return this;
  }

  /** The results, one group per top-level action or text (and per range iteration). */
  findResults(data: JPValue): JPValue[][] {
    this.#begin = this.#inRange = this.#end = 0;
    return this.#find(data, 0);
  }

  #find(data: JPValue, from: number): JPValue[][] {
    const nodes = this.#root.nodes;
    const groups: JPValue[][] = [];
    for (let i = from; i < nodes.length; i++) {
      const results = this.#walk([data], nodes[i]);
      if (this.#end > 0 && this.#end <= this.#inRange) {
        this.#end--;
        this.#lastEnd = i;
        break;
      }
      if (this.#begin > 0) {
        this.#begin--;
        this.#inRange++;
        if (results.length > 0) {
          for (const v of results) groups.push(...this.#find(v === null ? INVALID : v, i + 1));
        } else this.#find(INVALID, i + 1);
        this.#inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (k === this.#lastEnd) {
            i = k;
            break;
          }
        }
        continue;
      }
      groups.push(results);
    }
    return groups;
  }

  /** Execute's text: maps, lists and times as compact JSON, other values as text, " " between. */
  execute(data: JPValue): string {
    let out = "";
    for (const group of this.findResults(data)) {
      out += group.map((v) => isCollection(v) ? goJson(v) : v === null ? "null" : printable(v))
        .join(" ");
    }
    return out;
  }

  #walk(input: JPValue[], node: Node): JPValue[] {
    switch (node.t) {
      case "list": {
        let cur = input;
        for (const n of node.nodes) cur = this.#walk(cur, n);
        return cur;
      }
      case "text":
        return [node.text];
      case "int":
      case "float":
      case "bool":
        return input.map(() => node.value);
      case "field":
        return this.#field(input, node.name);
      case "array":
        return arraySlice(input, node.params);
      case "filter":
        return this.#filter(input, node);
      case "wildcard":
        return input.flatMap((v) => (v === null ? [] : children(v)));
      case "recursive":
        return recursive(input);
      case "union":
        return node.lists.flatMap((l) => this.#walk(input, l));
      case "identifier":
        if (node.name === "range") {
          this.#begin++;
          return input;
        }
        if (node.name === "end") {
          if (this.#inRange === 0) throw new Error("not in range, nothing to end");
          this.#end++;
          return [];
        }
        throw new Error(`unrecognized identifier ${node.name}`);
    }
  }

  #field(input: JPValue[], name: string): JPValue[] {
    if (input.length === 0) return [];
    const out: JPValue[] = [];
    for (const v of input) if (isMap(v) && Object.hasOwn(v, name)) out.push(v[name]);
    if (out.length === 0 && !this.#allowMissing) throw new Error(`${name} is not found`);
    return out;
  }

  #filter(input: JPValue[], node: Node & { t: "filter" }): JPValue[] {
    const out: JPValue[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) {
        throw new Error(`${goValueText(v)} is not array or slice and cannot be filtered`);
      }
      for (const el of v) {
        let lefts: JPValue[] = [];
        let err: unknown;
        try {
          lefts = this.#walk([el], node.left);
        } catch (e) {
          err = e;
        }
        if (node.op === "exists") {
          if (lefts.length > 0) out.push(el);
          continue;
        }
        if (err) throw err;
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new Error("can only compare one element at a time");
        const rights = this.#walk([el], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new Error("can only compare one element at a time");
        if (compare(node.op, lefts[0], rights[0])) out.push(el);
      }
    }
    return out;
  }
}

function arraySlice(input: JPValue[], p: [Param, Param, Param]): JPValue[] {
  const out: JPValue[] = [];
  for (const v of input) {
    if (v === null) continue;
    if (!Array.isArray(v)) throw new Error(`${goTypeName(v)} is not array or slice`);
    const len = v.length;
    let start = p[0].known ? p[0].value : 0;
    if (start < 0) start += len;
    let end = p[1].known ? p[1].value : len;
    if (end < 0 || (end === 0 && p[1].derived)) end += len;
    if (end === start) return out;
    if (start >= len || start < 0) {
      throw new Error(`array index out of bounds: index ${start}, length ${len}`);
    }
    if (end > len || end < 0) {
      throw new Error(`array index out of bounds: index ${end - 1}, length ${len}`);
    }
    if (start > end) throw new Error(`starting index ${start} is greater than ending index ${end}`);
    let step = 1;
    if (p[2].known) {
      if (p[2].value <= 0) throw new Error("step must be > 0");
      step = p[2].value;
    }
    for (let i = start; i < end; i += step) out.push(v[i]);
  }
  return out;
}

function recursive(input: JPValue[]): JPValue[] {
  const out: JPValue[] = [];
  for (const v of input) {
    if (v === null) continue;
    const kids = children(v);
    if (kids.length > 0) {
      out.push(v);
      out.push(...recursive(kids));
    }
  }
  return out;
}

/** fmt.Fprint of a scalar result (template.PrintableValue); an invalid value is "<no value>". */
export function printable(v: JPValue): string {
  if (v === INVALID) return "<no value>";
  return goValueText(v);
}

/** Whether a result prints as JSON: a map, a list or a struct (a time.Time, quoted). */
export function isCollection(v: JPValue): v is GoMap | GoValue[] | GoTime {
  return isMap(v) || Array.isArray(v) || v instanceof GoTime;
}
