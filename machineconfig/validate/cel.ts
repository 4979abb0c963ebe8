// CEL (Common Expression Language) expressions of machine configs: disk, volume and link
// selectors and the OOM expressions. Upstream parses them with cel-go, type-checks them against
// Talos's environments (pkg/machinery/cel/celenv) and requires a boolean (or, for OOM ranking,
// a double) result. This module parses CEL's grammar into a small AST (cel_check.ts checks it)
// and renders errors as cel-go does ("ERROR: <input>:L:C: ..." plus the source line and a
// caret). Syntax error descriptions are ours (cel-go words them with its ANTLR parser's
// messages).

import { Checker } from "./cel_check.ts";
import { ENVS, typeString } from "./cel_types.ts";

interface Token {
  kind: "ident" | "num" | "str" | "op" | "eof";
  text: string;
  pos: number;
}

const OPS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":"]
  .concat([".", ",", "(", ")", "[", "]", "{", "}"]);

class CelError extends Error {
  constructor(readonly pos: number, message: string) {
    super(message);
  }
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    const str = /^(?:[rR][bB]?|[bB][rR]?)?("""|'''|"|')/.exec(src.slice(i));
    if (str) {
      const quote = str[1];
      const raw = /[rR]/.test(str[0].slice(0, str[0].length - quote.length));
      i += str[0].length;
      for (;;) {
        if (i >= src.length) throw new CelError(start, "Syntax error: unterminated string literal");
        if (quote.length === 1 && src[i] === "\n") {
          throw new CelError(start, "Syntax error: unterminated string literal");
        }
        if (src.startsWith(quote, i)) break;
        i += !raw && src[i] === "\\" ? 2 : 1;
      }
      i += quote.length;
      out.push({ kind: "str", text: src.slice(start, i), pos: start });
      continue;
    }
    const num =
      /^(0[xX][0-9a-fA-F]+[uU]?|\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+[uU]?)/
        .exec(src.slice(i));
    if (num) {
      i += num[0].length;
      out.push({ kind: "num", text: num[0], pos: start });
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      i += id[0].length;
      out.push({ kind: "ident", text: id[0], pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelError(start, `Syntax error: token recognition error at: '${c}'`);
    i += op.length;
    out.push({ kind: "op", text: op, pos: start });
  }
  out.push({ kind: "eof", text: "<EOF>", pos: src.length });
  return out;
}

const MACROS = new Set(["all", "exists", "exists_one", "map", "filter"]);
const RELATIONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const BINARY: Record<string, string> = {
  "||": "_||_",
  "&&": "_&&_",
  "==": "_==_",
  "!=": "_!=_",
  "<": "_<_",
  "<=": "_<=_",
  ">": "_>_",
  ">=": "_>=_",
  in: "@in",
  "+": "_+_",
  "-": "_-_",
  "*": "_*_",
  "/": "_/_",
  "%": "_%_",
};

/** The parsed expression; `pos` is the offset cel-go reports errors at for the node. */
export type Node =
  | { k: "lit"; type: string; pos: number }
  | { k: "ident"; name: string; pos: number }
  | { k: "select"; x: Node; field: string; pos: number; test?: boolean }
  | { k: "call"; fn: string; target?: Node; args: Node[]; pos: number }
  | { k: "list"; elems: Node[]; pos: number }
  | { k: "map"; entries: [Node, Node][]; pos: number }
  | { k: "comp"; macro: string; range: Node; v: string; body: Node[]; pos: number };

function literalType(t: Token): string {
  if (t.kind === "str") return /^[rR]?[bB]/.test(t.text) ? "bytes" : "string";
  if (t.text === "true" || t.text === "false") return "bool";
  if (t.text === "null") return "null";
  if (/[uU]$/.test(t.text)) return "uint";
  return /^0[xX]/.test(t.text) || !/[.eE]/.test(t.text) ? "int" : "double";
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.i];
  }
  private is(text: string): boolean {
    return this.t.kind !== "str" && this.t.text === text;
  }
  private eat(text: string): void {
    if (!this.is(text)) this.fail(`expecting '${text}'`);
    this.i++;
  }
  private fail(expecting = ""): never {
    const t = this.t;
    const what = t.kind === "eof" ? "<EOF>" : `'${t.text}'`;
    throw new CelError(
      t.pos,
      `Syntax error: unexpected ${what}${expecting ? `, ${expecting}` : ""}`,
    );
  }

  parseAll(): Node {
    const n = this.expr();
    if (this.t.kind !== "eof") this.fail();
    return n;
  }
  private expr(): Node {
    const cond = this.binary(0);
    if (!this.is("?")) return cond;
    const pos = this.t.pos;
    this.i++;
    const a = this.binary(0);
    this.eat(":");
    const b = this.expr();
    return { k: "call", fn: "_?_:_", args: [cond, a, b], pos };
  }
  private static readonly LEVELS: ((t: string) => boolean)[] = [
    (t) => t === "||",
    (t) => t === "&&",
    (t) => RELATIONS.has(t) || t === "in",
    (t) => t === "+" || t === "-",
    (t) => t === "*" || t === "/" || t === "%",
  ];
  private binary(level: number): Node {
    if (level === Parser.LEVELS.length) return this.unary();
    const terms = [this.binary(level + 1)];
    const ops: Token[] = [];
    while (this.t.kind !== "str" && Parser.LEVELS[level](this.t.text)) {
      ops.push(this.t);
      this.i++;
      terms.push(this.binary(level + 1));
    }
    if (ops.length === 0) return terms[0];
    if (level <= 1) return balanced(BINARY[ops[0].text], terms, ops, 0, ops.length - 1);
    let n = terms[0];
    ops.forEach((op, j) => {
      n = { k: "call", fn: BINARY[op.text], args: [n, terms[j + 1]], pos: op.pos };
    });
    return n;
  }
  private unary(): Node {
    const ops: Token[] = [];
    while ((this.is("!") || this.is("-")) && (ops.length === 0 || this.is(ops[0].text))) {
      ops.push(this.t);
      this.i++;
    }
    if (ops.length > 0 && (this.is("!") || this.is("-"))) this.fail();
    const m = this.member();
    if (ops.length % 2 === 0) return m;
    if (ops[0].text === "-" && m.k === "lit" && (m.type === "int" || m.type === "double")) {
      return { ...m, pos: ops[0].pos };
    }
    return { k: "call", fn: ops[0].text === "!" ? "!_" : "-_", args: [m], pos: ops[0].pos };
  }
  private args(close: string): Node[] {
    const out: Node[] = [];
    if (this.is(close)) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.expr());
      if (this.is(",")) {
        this.i++;
        if (this.is(close)) break;
        continue;
      }
      break;
    }
    this.eat(close);
    return out;
  }
  private macroArgs(): { v: string; body: Node[] } | null {
    const t = this.t;
    if (t.kind !== "ident" || this.toks[this.i + 1]?.text !== ",") return null;
    this.i += 2;
    const body = this.args(")");
    return { v: t.text, body };
  }
  private member(): Node {
    let n = this.primary();
    for (;;) {
      if (this.is(".")) {
        const dot = this.t.pos;
        this.i++;
        if (this.is("?")) this.i++;
        if (this.t.kind !== "ident") this.fail("expecting IDENTIFIER");
        const name = this.t.text;
        this.i++;
        if (this.is("(")) {
          const open = this.t.pos;
          this.i++;
          const macro = MACROS.has(name) ? this.macroArgs() : null;
          n = macro
            ? { k: "comp", macro: name, range: n, v: macro.v, body: macro.body, pos: open }
            : { k: "call", fn: name, target: n, args: this.args(")"), pos: open };
        } else n = { k: "select", x: n, field: name, pos: dot };
      } else if (this.is("[")) {
        const pos = this.t.pos;
        this.i++;
        if (this.is("?")) this.i++;
        const index = this.expr();
        this.eat("]");
        n = { k: "call", fn: "_[_]", args: [n, index], pos };
      } else return n;
    }
  }
  private primary(): Node {
    const t = this.t;
    if (t.kind === "num" || t.kind === "str") {
      this.i++;
      return { k: "lit", type: literalType(t), pos: t.pos };
    }
    if (t.kind === "ident") {
      this.i++;
      if (["true", "false", "null"].includes(t.text)) {
        return { k: "lit", type: literalType(t), pos: t.pos };
      }
      if (this.is("(")) {
        const open = this.t.pos;
        this.i++;
        const args = this.args(")");
        if (t.text === "has" && args.length === 1 && args[0].k === "select") {
          return { ...args[0], test: true, pos: open };
        }
        return { k: "call", fn: t.text, args, pos: open };
      }
      return { k: "ident", name: t.text, pos: t.pos };
    }
    if (this.is(".")) {
      this.i++;
      if (this.t.kind !== "ident") this.fail("expecting IDENTIFIER");
      return this.primary();
    }
    if (this.is("(")) {
      this.i++;
      const e = this.expr();
      this.eat(")");
      return e;
    }
    if (this.is("[")) {
      this.i++;
      return { k: "list", elems: this.args("]"), pos: t.pos };
    }
    if (this.is("{")) {
      this.i++;
      const entries: [Node, Node][] = [];
      while (!this.is("}")) {
        const key = this.expr();
        this.eat(":");
        entries.push([key, this.expr()]);
        if (!this.is(",")) break;
        this.i++;
      }
      this.eat("}");
      return { k: "map", entries, pos: t.pos };
    }
    this.fail();
  }
}

/** cel-go's logic manager: a chain of && or || becomes a balanced tree of calls. */
function balanced(fn: string, terms: Node[], ops: Token[], lo: number, hi: number): Node {
  const mid = Math.floor((lo + hi + 1) / 2);
  const left = mid === lo ? terms[mid] : balanced(fn, terms, ops, lo, mid - 1);
  const right = mid === hi ? terms[mid + 1] : balanced(fn, terms, ops, mid + 1, hi);
  return { k: "call", fn, args: [left, right], pos: ops[mid].pos };
}

/** cel-go's rendering of an error at a 0-based offset of the expression. */
function display(src: string, pos: number, message: string): string {
  const before = src.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - (before.lastIndexOf("\n") + 1);
  const snippet = (src.split("\n")[line - 1] ?? "").replaceAll("\t", " ");
  const ind = [...snippet.slice(0, col)].map((
    ch,
  ) => (ch.length > 1 || ch > "\x7f" ? "\uff0e" : "."))
    .join("");
  const at = [...snippet.slice(col)][0] ?? "";
  const caret = at > "\x7f" ? "\uff3e" : "^";
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${snippet}\n | ${ind}${caret}`;
}

/** The error Talos reports for the expression in the named environment (celenv), or null. */
export function celError(
  src: string,
  env: string,
  want: "bool" | "double" = "bool",
): string | null {
  let ast: Node;
  try {
    ast = new Parser(lex(src)).parseAll();
  } catch (e) {
    if (e instanceof CelError) return display(src, e.pos, e.message);
    throw e;
  }
  const checker = new Checker(ENVS[env], env.startsWith("oom"));
  const type = checker.check(ast);
  if (checker.errors.length > 0) {
    const sorted = [...checker.errors].sort((a, b) => a.pos - b.pos);
    return sorted.map((e) => display(src, e.pos, e.message)).join("\n");
  }
  return type.k === want ? null : `expression output type is ${typeString(type)}, expected ${want}`;
}
