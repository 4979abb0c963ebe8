// Go's text/template, the part a column template of `talosctl cgroups` uses and a little more:
// text and actions with trim markers and comments; pipelines of fields, variables, literals,
// parenthesised pipelines and function calls; method calls with arguments on values that have
// them; if/else if/else, range (slices, maps in key order, integers) with else, with/else,
// variable declaration and assignment; the functions printf, print, println, len, index, not,
// and, or, eq, ne, lt, le, gt, ge. Not supported: define, template, block, break, continue.
//
// Values: strings, bigint (Go ints), number (float64), booleans, null (nil), arrays (slices),
// Map (maps), GoMap (a map whose missing keys read as a zero value), and objects (structs;
// their methods are Go methods).

import { goSprint, goSprintf, goSprintln, typeName } from "./sprintf.ts";

/** A Go map whose lookups of missing keys give `zero()`, as indexing a Go map does. */
export class GoMap<V> extends Map<string, V> {
  constructor(entries: Iterable<[string, V]> = [], readonly zero: () => V) {
    super(entries);
  }
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

// --- lexing ------------------------------------------------------------------------------------

type Tok =
  | { t: "field"; v: string; pos: number }
  | { t: "var"; v: string; pos: number }
  | { t: "dot"; pos: number }
  | { t: "ident"; v: string; pos: number }
  | { t: "string"; v: string; pos: number }
  | { t: "number"; v: string; pos: number }
  | { t: "char"; v: number; pos: number }
  | { t: "punct"; v: "|" | "(" | ")" | ":=" | "=" | ","; pos: number };

type Piece = { kind: "text"; text: string } | { kind: "action"; toks: Tok[]; pos: number };

function unquote(s: string, name: string, line: () => number): string {
  try {
    return JSON.parse(
      s.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1").replace(/\\a/g, "\\u0007")
        .replace(/\\v/g, "\\u000b"),
    );
  } catch {
    throw new TemplateError(`template: ${name}:${line()}: bad string syntax: ${s}`);
  }
}

function lex(src: string, name: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  const lineAt = (p: number) => src.slice(0, p).split("\n").length;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      pieces.push({ kind: "text", text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let j = open + 2;
    if (src.startsWith("- ", j) || src.startsWith("-\t", j) || src.startsWith("-\n", j)) {
      text = text.replace(/[ \t\r\n]+$/, "");
      j += 1;
    }
    if (text !== "") pieces.push({ kind: "text", text });
    // comment
    const rest = src.slice(j).replace(/^[ \t\r\n]*/, "");
    if (rest.startsWith("/*")) {
      const end = src.indexOf("*/", j);
      if (end < 0) throw new TemplateError(`template: ${name}:${lineAt(open)}: unclosed comment`);
      let k = end + 2;
      let trim = false;
      const after = src.slice(k).match(/^([ \t\r\n]*)(-?)}}/);
      if (!after) {
        throw new TemplateError(
          `template: ${name}:${lineAt(open)}: comment ends before closing delimiter`,
        );
      }
      trim = after[2] === "-";
      k += after[0].length;
      i = k;
      if (trim) { while (i < src.length && " \t\r\n".includes(src[i])) i++; }
      continue;
    }
    const toks: Tok[] = [];
    let trimRight = false;
    for (;;) {
      while (j < src.length && " \t\r\n".includes(src[j])) j++;
      if (j >= src.length) {
        throw new TemplateError(`template: ${name}:${lineAt(open)}: unclosed action`);
      }
      if (src.startsWith("-}}", j) && " \t\r\n".includes(src[j - 1])) {
        trimRight = true;
        j += 3;
        break;
      }
      if (src.startsWith("}}", j)) {
        j += 2;
        break;
      }
      const c = src[j];
      const pos = j;
      if (c === "|" || c === "(" || c === ")" || c === ",") {
        toks.push({ t: "punct", v: c, pos });
        j++;
      } else if (c === ":" && src[j + 1] === "=") {
        toks.push({ t: "punct", v: ":=", pos });
        j += 2;
      } else if (c === "=") {
        toks.push({ t: "punct", v: "=", pos });
        j++;
      } else if (c === '"') {
        let k = j + 1;
        while (k < src.length && src[k] !== '"') k += src[k] === "\\" ? 2 : 1;
        toks.push({ t: "string", v: unquote(src.slice(j, k + 1), name, () => lineAt(j)), pos });
        j = k + 1;
      } else if (c === "`") {
        const k = src.indexOf("`", j + 1);
        if (k < 0) {
          throw new TemplateError(`template: ${name}:${lineAt(j)}: unterminated raw quoted string`);
        }
        toks.push({ t: "string", v: src.slice(j + 1, k), pos });
        j = k + 1;
      } else if (c === "'") {
        const m = src.slice(j).match(/^'(\\.|[^'\\])'/u);
        if (!m) throw new TemplateError(`template: ${name}:${lineAt(j)}: bad character constant`);
        const ch = m[1].startsWith("\\") ? unquote(`"${m[1]}"`, name, () => lineAt(j)) : m[1];
        toks.push({ t: "char", v: ch.codePointAt(0)!, pos });
        j += m[0].length;
      } else if (c === "$") {
        const m = src.slice(j).match(/^\$[A-Za-z0-9_]*/)!;
        toks.push({ t: "var", v: m[0], pos });
        j += m[0].length;
      } else if (c === ".") {
        const m = src.slice(j).match(/^\.[A-Za-z_][A-Za-z0-9_]*/);
        if (m) {
          toks.push({ t: "field", v: m[0].slice(1), pos });
          j += m[0].length;
        } else if (/[0-9]/.test(src[j + 1] ?? "")) {
          const n = src.slice(j).match(/^\.[0-9]+([eE][-+]?[0-9]+)?/)!;
          toks.push({ t: "number", v: n[0], pos });
          j += n[0].length;
        } else {
          toks.push({ t: "dot", pos });
          j++;
        }
      } else if (/[0-9+\-]/.test(c)) {
        const n = src.slice(j).match(
          /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*([eE][-+]?[0-9]+)?)/,
        )!;
        if (n[0] === "" || n[0] === "+" || n[0] === "-") {
          throw new TemplateError(`template: ${name}:${lineAt(j)}: bad number syntax: "${c}"`);
        }
        toks.push({ t: "number", v: n[0], pos });
        j += n[0].length;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = src.slice(j).match(/^[A-Za-z_][A-Za-z0-9_]*/)!;
        toks.push({ t: "ident", v: m[0], pos });
        j += m[0].length;
      } else {
        throw new TemplateError(
          `template: ${name}:${lineAt(j)}: unexpected ${JSON.stringify(c)} in command`,
        );
      }
    }
    pieces.push({ kind: "action", toks, pos: open });
    i = j;
    if (trimRight) { while (i < src.length && " \t\r\n".includes(src[i])) i++; }
  }
  return pieces;
}

// --- parsing -----------------------------------------------------------------------------------

type Arg =
  | { k: "field"; recv?: Arg; chain: string[]; pos: number; text: string }
  | { k: "var"; name: string; chain: string[]; pos: number; text: string }
  | { k: "dot"; pos: number; text: string }
  | { k: "ident"; name: string; pos: number; text: string }
  | { k: "lit"; value: unknown; pos: number; text: string }
  | { k: "pipe"; pipe: Pipe; pos: number; text: string };

interface Cmd {
  args: Arg[];
  pos: number;
}

interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
  pos: number;
}

interface Control {
  k: "if" | "with" | "range";
  pipe: Pipe;
  list: Node[];
  elseList?: Node[];
}

type Node =
  | { k: "text"; text: string }
  | { k: "action"; pipe: Pipe }
  | Control;

function numberLit(s: string): unknown {
  const t = s.replace(/_/g, "");
  if (/^[+-]?(0[xX]|0[bB]|0[oO])/.test(t)) {
    const neg = t.startsWith("-");
    const body = t.replace(/^[+-]/, "");
    const v = BigInt(body.replace(/^0[oO]/, "0o"));
    return neg ? -v : v;
  }
  if (/^[+-]?[0-9]+$/.test(t)) {
    if (/^[+-]?0[0-7]+$/.test(t)) {
      const neg = t.startsWith("-");
      const v = BigInt("0o" + t.replace(/^[+-]?0/, ""));
      return neg ? -v : v;
    }
    return BigInt(t);
  }
  return Number(t);
}

class Parser {
  #pieces: Piece[];
  #i = 0;
  constructor(pieces: Piece[], readonly name: string, readonly src: string) {
    this.#pieces = pieces;
  }

  #line(pos: number): number {
    return this.src.slice(0, pos).split("\n").length;
  }

  fail(pos: number, msg: string): never {
    throw new TemplateError(`template: ${this.name}:${this.#line(pos)}: ${msg}`);
  }

  /** Parses nodes until one of `stops` (a keyword action); returns the nodes and the stop. */
  list(stops: string[]): { nodes: Node[]; stop?: { word: string; toks: Tok[]; pos: number } } {
    const nodes: Node[] = [];
    while (this.#i < this.#pieces.length) {
      const p = this.#pieces[this.#i++];
      if (p.kind === "text") {
        nodes.push({ k: "text", text: p.text });
        continue;
      }
      const first = p.toks[0];
      if (!first) this.fail(p.pos, "missing value for command");
      const word = first.t === "ident" ? first.v : "";
      if (["end", "else"].includes(word)) {
        if (!stops.includes(word)) this.fail(p.pos, `unexpected {{${word}}}`);
        return { nodes, stop: { word, toks: p.toks.slice(1), pos: p.pos } };
      }
      if (word === "if" || word === "with" || word === "range") {
        nodes.push(this.#control(word, p.toks.slice(1), p.pos));
        continue;
      }
      if (["define", "template", "block", "break", "continue"].includes(word)) {
        this.fail(p.pos, `{{${word}}} is not supported here`);
      }
      nodes.push({ k: "action", pipe: this.pipe(p.toks, p.pos, true) });
    }
    if (stops.length > 0) this.fail(this.src.length, "unexpected EOF");
    return { nodes };
  }

  #control(word: "if" | "with" | "range", toks: Tok[], pos: number): Node {
    const pipe = this.pipe(toks, pos, word === "range" || word === "with" || word === "if");
    const body = this.list(["end", "else"]);
    const node: Node = { k: word, pipe, list: body.nodes };
    if (body.stop?.word === "else") {
      const rest = body.stop.toks;
      if (
        rest.length > 0 && rest[0].t === "ident" && (rest[0].v === "if" || rest[0].v === "with")
      ) {
        // {{else if ...}}: a nested control that shares this one's {{end}}.
        node.elseList = [this.#control(rest[0].v as "if" | "with", rest.slice(1), body.stop.pos)];
        return node;
      }
      const elseBody = this.list(["end"]);
      node.elseList = elseBody.nodes;
    }
    return node;
  }

  pipe(toks: Tok[], pos: number, allowDecl: boolean): Pipe {
    const pipe: Pipe = { decl: [], assign: false, cmds: [], pos };
    let i = 0;
    // declarations: $x := / $x, $y := / $x =
    if (allowDecl && toks[0]?.t === "var") {
      const vars: string[] = [];
      let j = 0;
      while (toks[j]?.t === "var") {
        vars.push((toks[j] as { v: string }).v);
        j++;
        const n = toks[j];
        if (n?.t === "punct" && n.v === ",") {
          j++;
          continue;
        }
        break;
      }
      const op = toks[j];
      if (op?.t === "punct" && (op.v === ":=" || op.v === "=") && vars.length <= 2) {
        pipe.decl = vars;
        pipe.assign = op.v === "=";
        i = j + 1;
      }
    }
    let cmd: Cmd = { args: [], pos: toks[i]?.pos ?? pos };
    const end = (): void => {
      if (cmd.args.length === 0) this.fail(pos, "missing value for command");
      pipe.cmds.push(cmd);
    };
    while (i < toks.length) {
      const t = toks[i];
      if (t.t === "punct" && t.v === "|") {
        end();
        i++;
        cmd = { args: [], pos: toks[i]?.pos ?? pos };
        continue;
      }
      const [arg, next] = this.#operand(toks, i);
      cmd.args.push(arg);
      i = next;
    }
    end();
    return pipe;
  }

  #operand(toks: Tok[], i: number): [Arg, number] {
    const t = toks[i];
    let arg: Arg;
    let j = i + 1;
    const text = (a: number, b: number) =>
      this.src.slice(toks[a].pos, b < toks.length ? toks[b].pos : toks[b - 1].pos + 64)
        .replace(/[\s}|)].*$/s, "");
    switch (t.t) {
      case "field": {
        const chain = [t.v];
        while (
          toks[j]?.t === "field" && toks[j].pos === toks[j - 1].pos + 1 + chain.at(-1)!.length
        ) {
          chain.push((toks[j] as { v: string }).v);
          j++;
        }
        arg = { k: "field", chain, pos: t.pos, text: "." + chain.join(".") };
        break;
      }
      case "var": {
        const chain: string[] = [];
        let end = t.pos + t.v.length;
        while (toks[j]?.t === "field" && toks[j].pos === end) {
          const f = (toks[j] as { v: string }).v;
          chain.push(f);
          end += 1 + f.length;
          j++;
        }
        arg = {
          k: "var",
          name: t.v,
          chain,
          pos: t.pos,
          text: t.v + chain.map((c) => "." + c).join(""),
        };
        break;
      }
      case "dot":
        arg = { k: "dot", pos: t.pos, text: "." };
        break;
      case "string":
        arg = { k: "lit", value: t.v, pos: t.pos, text: JSON.stringify(t.v) };
        break;
      case "char":
        arg = { k: "lit", value: BigInt(t.v), pos: t.pos, text: String.fromCodePoint(t.v) };
        break;
      case "number":
        arg = { k: "lit", value: numberLit(t.v), pos: t.pos, text: t.v };
        break;
      case "ident":
        if (t.v === "true" || t.v === "false") {
          arg = { k: "lit", value: t.v === "true", pos: t.pos, text: t.v };
        } else if (t.v === "nil") arg = { k: "lit", value: null, pos: t.pos, text: "nil" };
        else arg = { k: "ident", name: t.v, pos: t.pos, text: t.v };
        break;
      case "punct": {
        if (t.v !== "(") this.fail(t.pos, `unexpected ${JSON.stringify(t.v)} in operand`);
        let depth = 1;
        let k = j;
        while (k < toks.length && depth > 0) {
          const x = toks[k];
          if (x.t === "punct" && x.v === "(") depth++;
          if (x.t === "punct" && x.v === ")") depth--;
          k++;
        }
        if (depth !== 0) this.fail(t.pos, "unclosed left paren");
        const inner = this.pipe(toks.slice(j, k - 1), t.pos, false);
        arg = { k: "pipe", pipe: inner, pos: t.pos, text: text(i, k) };
        j = k;
        // (pipe).Field chains
        const chain: string[] = [];
        while (
          toks[j]?.t === "field" &&
          toks[j].pos === toks[j - 1].pos + 1 + (chain.at(-1)?.length ?? 0)
        ) {
          chain.push((toks[j] as { v: string }).v);
          j++;
        }
        if (chain.length > 0) arg = { k: "field", recv: arg, chain, pos: t.pos, text: arg.text };
        break;
      }
    }
    return [arg, j];
  }
}

// --- evaluation --------------------------------------------------------------------------------

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function goTruth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v !== "";
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

function cmp(a: unknown, b: unknown): number {
  const num = (x: unknown) => typeof x === "bigint" || typeof x === "number";
  if (num(a) && num(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a), y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : NaN;
  throw new Error("incompatible types for comparison");
}

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  printf: (format, ...args) => {
    if (typeof format !== "string") throw new Error("wrong type for value; expected string");
    return goSprintf(format, ...args);
  },
  print: (...args) => goSprint(...args),
  println: (...args) => goSprintln(...args),
  len: (v) => {
    if (typeof v === "string") return BigInt(new TextEncoder().encode(v).length);
    if (Array.isArray(v)) return BigInt(v.length);
    if (v instanceof Map) return BigInt(v.size);
    if (v === null || v === undefined) throw new Error("len of nil pointer");
    throw new Error(`len of type ${typeName(v)}`);
  },
  index: (item, ...keys) => {
    let v = item;
    for (const k of keys) {
      if (Array.isArray(v)) {
        const i = Number(k);
        if (!(i >= 0 && i < v.length)) throw new Error(`index out of range: ${k}`);
        v = v[i];
      } else if (v instanceof GoMap) v = v.has(String(k)) ? v.get(String(k)) : v.zero();
      else if (v instanceof Map) v = v.get(k as string) ?? null;
      else throw new Error(`can't index item of type ${typeName(v)}`);
    }
    return v;
  },
  not: (v) => !goTruth(v),
  and: (...args) => {
    for (const a of args) if (!goTruth(a)) return a;
    return args.at(-1);
  },
  or: (...args) => {
    for (const a of args) if (goTruth(a)) return a;
    return args.at(-1);
  },
  eq: (a, ...bs) => bs.some((b) => cmp(a, b) === 0),
  ne: (a, b) => cmp(a, b) !== 0,
  lt: (a, b) => cmp(a, b) < 0,
  le: (a, b) => cmp(a, b) <= 0,
  gt: (a, b) => cmp(a, b) > 0,
  ge: (a, b) => cmp(a, b) >= 0,
};

class Exec {
  vars: { name: string; value: unknown }[] = [];
  out = "";
  constructor(readonly name: string, readonly src: string) {}

  fail(arg: { pos: number; text: string }, msg: string): never {
    const before = this.src.slice(0, arg.pos);
    const line = before.split("\n").length;
    const col = arg.pos - (before.lastIndexOf("\n") + 1);
    throw new TemplateError(
      `template: ${this.name}:${line}:${col}: executing ${
        JSON.stringify(this.name)
      } at <${arg.text}>: ${msg}`,
    );
  }

  lookupVar(arg: Arg & { k: "var" }): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === arg.name) return this.vars[i].value;
    }
    this.fail(arg, `undefined variable: ${arg.name}`);
  }

  field(arg: Arg, recv: unknown, name: string, args: unknown[], hasFinal: boolean): unknown {
    if (recv === null || recv === undefined) {
      this.fail(arg, `nil pointer evaluating ${typeName(recv)}.${name}`);
    }
    if (typeof recv === "object") {
      const m = (recv as Record<string, unknown>)[name];
      const inherited = (Object.prototype as unknown as Record<string, unknown>)[name];
      if (typeof m === "function" && inherited === undefined) {
        try {
          return (m as (...a: unknown[]) => unknown).apply(recv, args);
        } catch (e) {
          this.fail(arg, `error calling ${name}: ${(e as Error).message}`);
        }
      }
      const extra = () => {
        if (args.length > 0 || hasFinal) {
          this.fail(arg, `${name} is not a method but has arguments`);
        }
      };
      if (recv instanceof GoMap) {
        extra();
        return recv.has(name) ? recv.get(name) : recv.zero();
      }
      if (recv instanceof Map) {
        extra();
        return recv.has(name) ? recv.get(name) : null;
      }
      if (!Array.isArray(recv) && Object.hasOwn(recv, name)) {
        extra();
        return (recv as Record<string, unknown>)[name];
      }
    }
    this.fail(arg, `can't evaluate field ${name} in type ${typeName(recv)}`);
  }

  arg(a: Arg, dot: unknown): unknown {
    switch (a.k) {
      case "lit":
        return a.value;
      case "dot":
        return dot;
      case "var": {
        let v = this.lookupVar(a);
        for (const f of a.chain) v = this.field(a, v, f, [], false);
        return v;
      }
      case "field": {
        let v = a.recv ? this.arg(a.recv, dot) : dot;
        for (const f of a.chain) v = this.field(a, v, f, [], false);
        return v;
      }
      case "pipe":
        return this.pipe(a.pipe, dot);
      case "ident":
        if (!FUNCS[a.name]) this.fail(a, `function ${JSON.stringify(a.name)} not defined`);
        return this.call(a, a.name, [], dot, undefined, false);
    }
  }

  call(at: Arg, fn: string, args: Arg[], dot: unknown, final: unknown, hasFinal: boolean) {
    const f = FUNCS[fn];
    if (!f) this.fail(at, `function ${JSON.stringify(fn)} not defined`);
    const vals = args.map((x) => this.arg(x, dot));
    if (hasFinal) vals.push(final);
    try {
      return f(...vals);
    } catch (e) {
      this.fail(at, `error calling ${fn}: ${(e as Error).message}`);
    }
  }

  command(cmd: Cmd, dot: unknown, final: unknown, hasFinal: boolean): unknown {
    const [first, ...rest] = cmd.args;
    if (first.k === "ident") return this.call(first, first.name, rest, dot, final, hasFinal);
    if (first.k === "field" || (first.k === "var" && first.chain.length > 0)) {
      // The last element of the chain is called with the arguments (a method) or read.
      let v: unknown;
      let chain: string[];
      if (first.k === "field") {
        v = first.recv ? this.arg(first.recv, dot) : dot;
        chain = first.chain;
      } else {
        v = this.lookupVar(first);
        chain = first.chain;
      }
      for (const f of chain.slice(0, -1)) v = this.field(first, v, f, [], false);
      const args = rest.map((x) => this.arg(x, dot));
      if (hasFinal) args.push(final);
      return this.field(first, v, chain.at(-1)!, args, hasFinal);
    }
    if (rest.length > 0 || hasFinal) {
      this.fail(first, `can't give argument to non-function ${first.text}`);
    }
    return this.arg(first, dot);
  }

  pipe(p: Pipe, dot: unknown): unknown {
    let value: unknown = undefined;
    p.cmds.forEach((c, i) => {
      value = this.command(c, dot, value, i > 0);
    });
    if (p.decl.length === 1) {
      if (p.assign) {
        const v = this.vars.findLast((x) => x.name === p.decl[0]);
        if (!v) throw new TemplateError(`template: ${this.name}: undefined variable: ${p.decl[0]}`);
        v.value = value;
      } else this.vars.push({ name: p.decl[0], value });
    }
    return value;
  }

  run(nodes: Node[], dot: unknown): void {
    for (const n of nodes) {
      switch (n.k) {
        case "text":
          this.out += n.text;
          break;
        case "action": {
          const v = this.pipe(n.pipe, dot);
          if (n.pipe.decl.length === 0) this.out += goSprint(v);
          break;
        }
        case "if":
        case "with": {
          const mark = this.vars.length;
          const v = this.pipe(n.pipe, dot);
          if (goTruth(v)) this.run(n.list, n.k === "with" ? v : dot);
          else if (n.elseList) this.run(n.elseList, dot);
          this.vars.length = mark;
          break;
        }
        case "range":
          this.range(n, dot);
          break;
      }
    }
  }

  range(n: Control, dot: unknown): void {
    const mark = this.vars.length;
    const decl = n.pipe.decl;
    const v = this.pipe({ ...n.pipe, decl: [] }, dot);
    const items: [unknown, unknown][] = [];
    if (Array.isArray(v)) v.forEach((x, i) => items.push([BigInt(i), x]));
    else if (v instanceof Map) {
      const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const k of keys) items.push([k, v.get(k)]);
    } else if (typeof v === "bigint") {
      for (let i = 0n; i < v; i++) items.push([i, i]);
    } else if (v !== null && v !== undefined) {
      this.fail(n.pipe.cmds[0].args[0], `range can't iterate over ${goSprint(v)}`);
    }
    if (items.length === 0) {
      if (n.elseList) this.run(n.elseList, dot);
      this.vars.length = mark;
      return;
    }
    for (const [k, x] of items) {
      const inner = this.vars.length;
      if (decl.length === 1) this.vars.push({ name: decl[0], value: x });
      if (decl.length === 2) {
        this.vars.push({ name: decl[0], value: k }, { name: decl[1], value: x });
      }
      this.run(n.list, x);
      this.vars.length = inner;
    }
    this.vars.length = mark;
  }
}

/** A parsed template. */
export class GoTemplate {
  readonly #nodes: Node[];
  constructor(readonly name: string, readonly src: string) {
    this.#nodes = new Parser(lex(src, name), name, src).list([]).nodes;
  }

  /** Executes the template with `data` as dot. */
  execute(data: unknown): string {
    const ex = new Exec(this.name, this.src);
    ex.vars.push({ name: "$", value: data });
    ex.run(this.#nodes, data);
    return ex.out;
  }
}
