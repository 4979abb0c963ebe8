// A CEL (Common Expression Language) parser for the selector expressions of machine configs
// (disk, volume and link selectors). Upstream compiles them with cel-go against a typed
// environment; this parser accepts CEL's grammar, rejects syntax errors and references to
// undeclared variables, and renders errors as cel-go does ("ERROR: <input>:L:C: ..." plus the
// source line and a caret). It does not type-check: field names of `disk.*`, function argument
// types and the boolean result type are not verified, and syntax error descriptions are ours
// (cel-go words them with its ANTLR parser's messages).

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

class Parser {
  private i = 0;
  readonly refs: { name: string; pos: number }[] = [];
  private bound: string[] = [];
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

  parseAll(): void {
    this.expr();
    if (this.t.kind !== "eof") this.fail();
  }
  private expr(): void {
    this.binary(0);
    if (this.is("?")) {
      this.i++;
      this.binary(0);
      this.eat(":");
      this.expr();
    }
  }
  private static readonly LEVELS: ((t: string) => boolean)[] = [
    (t) => t === "||",
    (t) => t === "&&",
    (t) => RELATIONS.has(t) || t === "in",
    (t) => t === "+" || t === "-",
    (t) => t === "*" || t === "/" || t === "%",
  ];
  private binary(level: number): void {
    if (level === Parser.LEVELS.length) return this.unary();
    this.binary(level + 1);
    while (this.t.kind !== "str" && Parser.LEVELS[level](this.t.text)) {
      this.i++;
      this.binary(level + 1);
    }
  }
  private unary(): void {
    while (this.is("!") || this.is("-")) this.i++;
    this.member();
  }
  private args(close: string, macro = false): void {
    if (this.is(close)) return void this.i++;
    let boundHere = false;
    for (let n = 0;; n++) {
      const t = this.t;
      if (macro && n === 0 && t.kind === "ident" && this.toks[this.i + 1]?.text === ",") {
        this.bound.push(t.text);
        boundHere = true;
        this.i++;
      } else {
        this.expr();
      }
      if (this.is(",")) {
        this.i++;
        if (this.is(close)) break;
        continue;
      }
      break;
    }
    if (boundHere) this.bound.pop();
    this.eat(close);
  }
  private member(): void {
    this.primary();
    for (;;) {
      if (this.is(".")) {
        this.i++;
        if (this.is("?")) this.i++;
        if (this.t.kind !== "ident") this.fail("expecting IDENTIFIER");
        const name = this.t.text;
        this.i++;
        if (this.is("(")) {
          this.i++;
          this.args(")", MACROS.has(name));
        }
      } else if (this.is("[")) {
        this.i++;
        if (this.is("?")) this.i++;
        this.expr();
        this.eat("]");
      } else return;
    }
  }
  private primary(): void {
    const t = this.t;
    if (t.kind === "num" || t.kind === "str") return void this.i++;
    if (t.kind === "ident") {
      this.i++;
      if (["true", "false", "null"].includes(t.text)) return;
      if (this.is("(")) {
        this.i++;
        return this.args(")");
      }
      if (!this.bound.includes(t.text)) this.refs.push({ name: t.text, pos: t.pos });
      return;
    }
    if (this.is(".")) {
      this.i++;
      if (this.t.kind !== "ident") this.fail("expecting IDENTIFIER");
      return this.primary();
    }
    if (this.is("(")) {
      this.i++;
      this.expr();
      return this.eat(")");
    }
    if (this.is("[")) {
      this.i++;
      return this.args("]");
    }
    if (this.is("{")) {
      this.i++;
      while (!this.is("}")) {
        this.expr();
        this.eat(":");
        this.expr();
        if (!this.is(",")) break;
        this.i++;
      }
      return this.eat("}");
    }
    this.fail();
  }
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

const UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kB", "MB", "GB", "TB", "PB", "EB"];

/** Variables and constants of upstream's CEL environments (celenv). */
export const CEL_ENVS: Record<string, string[]> = {
  disk: ["disk", "system_disk", ...UNITS],
  volume: ["volume", "disk", ...UNITS],
  link: ["link"],
};

/** The error cel-go reports for the expression in the named environment, or null. */
export function celError(
  src: string,
  env: string,
  _want: "bool" | "double" = "bool",
): string | null {
  try {
    const p = new Parser(lex(src));
    p.parseAll();
    const errs = p.refs.filter((r) => !CEL_ENVS[env].includes(r.name))
      .map((r) => display(src, r.pos, `undeclared reference to '${r.name}' (in container '')`));
    return errs.length ? errs.join("\n") : null;
  } catch (e) {
    if (e instanceof CelError) return display(src, e.pos, e.message);
    throw e;
  }
}
