// CLI surface audit: compares upstream talosctl's cobra commands and flags (read statically from
// the Go sources of a Talos checkout) with this project's command tree. Not part of
// `deno task check` (CI has no upstream checkout); tests/flag_audit_test.ts checks the parser on
// a small fixture.
//
//   deno run -A tools/flag_audit.ts [/path/to/talos bare repo] [--ref=REV] [--json]
//
// --ref picks the upstream revision (default HEAD; our defaults follow the release pinned in
// contract/mod.ts, e.g. --ref=v1.13.9).
//
// Upstream side: every Go file under cmd/talosctl (but the `cluster` tree and the hidden *-launch
// commands, which are out of scope) is scanned for `x := &cobra.Command{...}`
// literals (Use, Aliases, Hidden), `parent.AddCommand(...)` / `addCommand(x)` edges and
// `x.Flags().StringVarP(...)`-style flag definitions, including those made through helper
// functions that take a *cobra.Command (`f.addTrackActionFlags(cmd)`), `flags := x.Flags()`
// locals and `for _, c := range []*cobra.Command{...}` loops. Defaults are evaluated when they
// are literals, durations (`30*time.Minute`) or constants of the same package or
// pkg/machinery/constants (and gendata.ArtifactsPath, read from gendata's artifacts file);
// the rest are listed as unresolved.
// Our side: the command tree of commands/mod.ts, loaded through loadCommand.
// Exit status: 0 (differences are a report, not a failure), 2 on bad arguments.

import { zeroValue } from "../commands/flag_values.ts";
import type { FlagKind } from "../commands/spec.ts";

export interface UpFlag {
  name: string;
  short: string;
  /** pflag type: "string", "bool", "duration", "stringSlice", ..., or "custom" for Var(). */
  type: string;
  /** Evaluated default (duration in ms), or undefined when unresolved. */
  default?: string | number | boolean | string[];
  /** The Go expression of the default, as written. */
  defaultExpr: string;
  persistent: boolean;
  hidden: boolean;
}

export interface UpCommand {
  key: string;
  use: string;
  name: string;
  aliases: string[];
  hidden: boolean;
  file: string;
  flags: UpFlag[];
  children: string[];
}

export interface UpTree {
  commands: Map<string, UpCommand>;
  /** Keys of the commands added to the root. */
  roots: string[];
  unresolved: string[];
}

const FLAG_TYPES: Record<string, string> = {
  String: "string",
  Bool: "bool",
  Int: "int",
  Int8: "int",
  Int16: "int",
  Int32: "int",
  Int64: "int",
  Uint: "int",
  Uint8: "int",
  Uint16: "int",
  Uint32: "int",
  Uint64: "int",
  Float32: "float",
  Float64: "float",
  Duration: "duration",
  StringSlice: "stringSlice",
  StringArray: "stringArray",
  StringToString: "stringToString",
  IntSlice: "intSlice",
  BoolSlice: "boolSlice",
  DurationSlice: "durationSlice",
  IP: "ip",
  IPNet: "ipNet",
  IPSlice: "ipSlice",
  BytesHex: "bytesHex",
  Count: "count",
  "": "custom",
};

const DURATION_UNITS: Record<string, number> = {
  Nanosecond: 1e-6,
  Microsecond: 1e-3,
  Millisecond: 1,
  Second: 1000,
  Minute: 60_000,
  Hour: 3_600_000,
};

/** Go source with comments blanked out (same length, so offsets stay valid). */
export function stripComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") out += " ", i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      while (i < stop) out += src[i] === "\n" ? "\n" : " ", i++;
    } else if (c === '"' || c === "`" || c === "'") {
      const start = i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\" && c !== "`") i++;
        i++;
      }
      i++;
      out += src.slice(start, i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the bracket matching the one at `open`. */
function matchClose(src: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "`" || c === "'") {
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\" && c !== "`") i++;
        i++;
      }
    } else if (pairs[c]) stack.push(pairs[c]);
    else if (c === ")" || c === "]" || c === "}") {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return src.length;
}

/** Splits an argument list (without its parentheses) at top-level commas. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "`" || c === "'") {
      const start = i++;
      while (i < s.length && s[i] !== c) {
        if (s[i] === "\\" && c !== "`") i++;
        i++;
      }
      cur += s.slice(start, i + 1);
      continue;
    }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function goString(lit: string): string | undefined {
  lit = lit.trim();
  if (lit.startsWith("`") && lit.endsWith("`")) return lit.slice(1, -1);
  if (/^"(?:[^"\\]|\\.)*"$/.test(lit)) {
    try {
      return JSON.parse(lit);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Constants: package name -> const name -> Go expression. */
export type ConstTable = Map<string, Map<string, string>>;

/** `const X = expr` and `const ( X = expr ... )` declarations of one file. */
export function collectConsts(src: string, into: Map<string, string>) {
  const s = stripComments(src);
  for (const m of s.matchAll(/^(?:const|var)\s+(\w+)(?:\s+[\w.]+)?\s*=\s*(.+)$/gm)) {
    into.set(m[1], m[2].trim());
  }
  for (const m of s.matchAll(/^const\s*\(/gm)) {
    const open = m.index! + m[0].length - 1;
    const body = s.slice(open + 1, matchClose(s, open) - 1);
    for (const l of body.matchAll(/^\s*(\w+)(?:\s+[\w.]+)?\s*=\s*(.+)$/gm)) {
      into.set(l[1], l[2].trim());
    }
  }
}

/** Evaluates a default expression; undefined when it cannot. */
export function evalExpr(
  expr: string,
  pkg: string,
  consts: ConstTable,
  depth = 0,
): string | number | boolean | string[] | undefined {
  const e = expr.trim();
  if (depth > 8) return undefined;
  const str = goString(e);
  if (str !== undefined) return str;
  if (e === "true" || e === "false") return e === "true";
  if (e === "nil" || /^\[\]string\{\s*\}$/.test(e)) return [];
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (/^0x[0-9a-f]+$/i.test(e)) return Number(e);
  const slice = e.match(/^\[\]string\{([\s\S]*)\}$/);
  if (slice) {
    const items = splitArgs(slice[1]).map((x) => evalExpr(x, pkg, consts, depth + 1));
    return items.every((x) => typeof x === "string") ? items as string[] : undefined;
  }
  const sprintf = e.match(/^fmt\.Sprintf\(([\s\S]*)\)$/);
  if (sprintf) {
    const [format, ...args] = splitArgs(sprintf[1]);
    const f = goString(format ?? "");
    const vals = args.map((a) => evalExpr(a, pkg, consts, depth + 1));
    if (f === undefined || !vals.every((v) => typeof v === "string" || typeof v === "number")) {
      return undefined;
    }
    let next = 0;
    return f.replace(/%(?:\[(\d+)\])?[sdv]/g, (_, n) => String(vals[n ? Number(n) - 1 : next++]));
  }
  // net.IPv4(a, b, c, d): an IP flag's default
  const ipv4 = e.match(/^net\.IPv4\(\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)\s*\)$/);
  if (ipv4) return ipv4.slice(1).join(".");
  const unit = e.match(/^time\.(\w+)$/);
  if (unit && DURATION_UNITS[unit[1]] !== undefined) return DURATION_UNITS[unit[1]];
  const paren = e.match(/^\(([\s\S]*)\)$/);
  if (paren) return evalExpr(paren[1], pkg, consts, depth + 1);
  const conv = e.match(/^(?:time\.Duration|int|int32|int64|uint32|uint64|string)\(([\s\S]*)\)$/);
  if (conv) return evalExpr(conv[1], pkg, consts, depth + 1);
  // a * b, a + b (left to right, no precedence beyond these two)
  const parts = splitTop(e, "+");
  if (parts.length > 1) {
    const vals = parts.map((p) => evalExpr(p, pkg, consts, depth + 1));
    if (vals.every((v) => typeof v === "number")) {
      return (vals as number[]).reduce((a, b) => a + b);
    }
    if (vals.every((v) => typeof v === "string")) return (vals as string[]).join("");
    return undefined;
  }
  const factors = splitTop(e, "*");
  if (factors.length > 1) {
    const vals = factors.map((p) => evalExpr(p, pkg, consts, depth + 1));
    if (vals.every((v) => typeof v === "number")) {
      return (vals as number[]).reduce((a, b) => a * b);
    }
    return undefined;
  }
  // helpers.ArtifactPath(name): filepath.Join(helpers.ArtifactsPath, name).
  const artifact = e.match(/^helpers\.ArtifactPath\(([\s\S]*)\)$/);
  if (artifact) {
    const dir = evalExpr("helpers.ArtifactsPath", pkg, consts, depth + 1);
    const name = evalExpr(artifact[1], pkg, consts, depth + 1);
    if (typeof dir !== "string" || typeof name !== "string") return undefined;
    return dir === "" ? name : `${dir.replace(/\/+$/, "")}/${name}`;
  }
  const id = e.match(/^(?:(\w+)\.)?(\w+)$/);
  if (id) {
    const p = id[1] ?? pkg;
    const v = consts.get(p)?.get(id[2]);
    if (v !== undefined) return evalExpr(v, p, consts, depth + 1);
  }
  return undefined;
}

function splitTop(e: string, op: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === '"' || c === "`") {
      const start = i++;
      while (i < e.length && e[i] !== c) {
        if (e[i] === "\\" && c !== "`") i++;
        i++;
      }
      cur += e.slice(start, i + 1);
      continue;
    }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === op && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

interface FuncSpan {
  name: string;
  start: number;
  end: number;
  params: string[];
}

function funcSpans(s: string): FuncSpan[] {
  const out: FuncSpan[] = [];
  for (const m of s.matchAll(/^func\s+(?:\([^)]*\)\s*)?(\w+)\s*(\()/gm)) {
    const pOpen = m.index! + m[0].length - 1;
    const pClose = matchClose(s, pOpen);
    const params = splitArgs(s.slice(pOpen + 1, pClose - 1)).map((p) => p.split(/\s+/)[0]);
    const bOpen = s.indexOf("{", pClose);
    if (bOpen < 0) continue;
    out.push({ name: m[1], start: bOpen, end: matchClose(s, bOpen), params });
  }
  return out;
}

/**
 * Expands `for _, c := range []*cobra.Command{a, b} { body }` (and `range []string{"x", "y"}`)
 * into one body per element.
 */
function expandLoops(s: string): string {
  const re = /for\s+_,\s*(\w+)\s*:=\s*range\s*\[\](?:\*cobra\.Command|string)\{([^}]*)\}\s*\{/g;
  let m;
  while ((m = re.exec(s))) {
    const open = m.index + m[0].length - 1;
    const close = matchClose(s, open);
    const body = s.slice(open + 1, close - 1);
    const names = splitArgs(m[2]);
    const v = new RegExp(`\\b${m[1]}\\b`, "g");
    const expanded = names.map((n) => body.replace(v, n)).join("\n");
    s = s.slice(0, m.index) + expanded + s.slice(close);
    re.lastIndex = m.index + expanded.length;
  }
  return s;
}

/** Files built only with the `sidero.debug` tag are not part of released talosctl. */
function isDebugBuild(text: string): boolean {
  const tag = text.match(/^\/\/go:build\s+(.+)$/m)?.[1] ?? "";
  return /(^|[\s(&])sidero\.debug\b/.test(tag);
}

export interface GoFile {
  path: string;
  text: string;
}

interface PendingFlagCall {
  pkg: string;
  file: string;
  /** Receiver: a command variable, or `param:<func>:<index>` inside a helper. */
  target: string;
  flag: UpFlag;
}

/** Parses upstream Go files into a command tree. `consts` gets each file's constants too. */
export function parseUpstream(files: GoFile[], consts: ConstTable): UpTree {
  const commands = new Map<string, UpCommand>();
  const roots: string[] = [];
  const unresolved: string[] = [];
  const edges: { parent: string; child: string }[] = [];
  const pending: PendingFlagCall[] = [];
  const marks: { target: string; name: string; what: string }[] = [];
  /** Helper function -> [its param index, command] calls. */
  const helperCalls: { pkg: string; fn: string; index: number; target: string }[] = [];
  const constructors = new Map<string, { lit: string; file: string }>();

  const prepared = files.filter((f) => !isDebugBuild(f.text)).map((f) => {
    const s = expandLoops(stripComments(f.text));
    const pkg = s.match(/^package\s+(\w+)/m)?.[1] ?? "main";
    if (!consts.has(pkg)) consts.set(pkg, new Map());
    collectConsts(s, consts.get(pkg)!);
    return { ...f, s, pkg };
  });

  // Constructors: func F(name string) *cobra.Command { return &cobra.Command{...} }
  for (const f of prepared) {
    for (const fn of funcSpans(f.s)) {
      const body = f.s.slice(fn.start, fn.end);
      const lit = body.match(/return\s+&cobra\.Command\s*\{/);
      if (lit) {
        const open = fn.start + lit.index! + lit[0].length - 1;
        constructors.set(`${f.pkg}.${fn.name}`, {
          lit: f.s.slice(open, matchClose(f.s, open)),
          file: f.path,
        });
      }
    }
  }

  const addCommand = (key: string, lit: string, file: string, pkg: string, useArg?: string) => {
    const useExpr = lit.match(/\bUse:\s*([^\n]+?),?\s*\n/)?.[1] ?? '""';
    let use = goString(useExpr) ?? "";
    const sprintf = useExpr.match(/^fmt\.Sprintf\(\s*"([^"]*)"/);
    if (sprintf && useArg !== undefined) use = sprintf[1].replace("%s", useArg);
    if (!goString(useExpr) && !(sprintf && useArg !== undefined)) {
      const v = evalExpr(useExpr, pkg, consts);
      if (typeof v === "string") use = v;
      else unresolved.push(`${file}: Use of ${key}: ${useExpr}`);
    }
    const al = lit.match(/\bAliases:\s*\[\]string\{([^}]*)\}/);
    const aliases = al
      ? splitArgs(al[1]).map((a) => {
        const v = goString(a) ?? evalExpr(a, pkg, consts);
        return typeof v === "string" ? v : a;
      })
      : [];
    const hidden = /\bHidden:\s*true/.test(lit);
    commands.set(key, {
      key,
      use,
      name: use.split(/\s+/)[0],
      aliases,
      hidden,
      file,
      flags: [],
      children: [],
    });
  };

  for (const f of prepared) {
    const { s, pkg } = f;
    for (const m of s.matchAll(/\b(\w+)\s*:?=\s*&cobra\.Command\s*\{/g)) {
      const open = m.index! + m[0].length - 1;
      addCommand(`${pkg}.${m[1]}`, s.slice(open, matchClose(s, open)), f.path, pkg);
    }
    for (const m of s.matchAll(/\b(\w+)\s*:?=\s*(?:(\w+)\.)?(\w+)\(\s*"([^"]*)"\s*\)/g)) {
      const c = constructors.get(`${m[2] ?? pkg}.${m[3]}`);
      if (c) addCommand(`${pkg}.${m[1]}`, c.lit, c.file, pkg, m[4]);
    }
  }

  const resolveTarget = (
    f: { pkg: string; s: string },
    recv: string,
    at: number,
    spans: FuncSpan[],
  ): string | undefined => {
    const q = recv.includes(".") ? recv : `${f.pkg}.${recv}`;
    if (commands.has(q)) return q;
    const fn = spans.find((x) => at >= x.start && at < x.end);
    if (fn) {
      const idx = fn.params.indexOf(recv);
      if (idx >= 0) return `param:${f.pkg}.${fn.name}:${idx}`;
    }
    return undefined;
  };

  for (const f of prepared) {
    const { s, pkg } = f;
    const spans = funcSpans(s);
    // locals: flags := x.Flags()
    const locals: { name: string; at: number; recv: string; persistent: boolean }[] = [];
    for (const m of s.matchAll(/\b(\w+)\s*:?=\s*([\w.]+)\.(Persistent)?Flags\(\)\s*$/gm)) {
      locals.push({ name: m[1], at: m.index!, recv: m[2], persistent: !!m[3] });
    }
    const callRe =
      /\b([\w.]+?)\.(Persistent)?Flags\(\)\.(Mark\w+)\(|\b([\w.]+?)(?:\.(Persistent)?Flags\(\))?\.(\w*?)(VarPF|VarP|Var|P|)\(/g;
    for (const m of s.matchAll(callRe)) {
      const at = m.index!;
      const open = at + m[0].length - 1;
      const args = splitArgs(s.slice(open + 1, matchClose(s, open) - 1));
      if (m[3]) {
        const target = resolveTarget(f, m[1], at, spans);
        const name = evalExpr(args[0] ?? "", pkg, consts);
        if (target && typeof name === "string") marks.push({ target, name, what: m[3] });
        continue;
      }
      let recv = m[4];
      let persistent = !!m[5];
      const direct = m[0].includes("Flags()");
      if (!direct) {
        const local = locals.filter((l) => l.name === recv && l.at < at).at(-1);
        if (!local) continue;
        recv = local.recv;
        persistent = local.persistent;
      }
      const typeName = m[6];
      const suffix = m[7];
      if (!(typeName in FLAG_TYPES)) continue;
      if (typeName === "" && suffix !== "Var" && suffix !== "VarP" && suffix !== "VarPF") continue;
      const target = resolveTarget(f, recv, at, spans);
      if (!target) continue;
      const hasPtr = suffix.startsWith("Var");
      const hasShort = suffix.endsWith("P") || suffix === "VarPF";
      let i = hasPtr ? 1 : 0;
      const nameV = evalExpr(args[i++] ?? "", pkg, consts);
      const shortV = hasShort ? evalExpr(args[i++] ?? "", pkg, consts) : "";
      const defExpr = typeName === "" ? args[0] : (args[i] ?? "");
      if (typeof nameV !== "string") {
        unresolved.push(`${f.path}: flag name ${args[hasPtr ? 1 : 0]}`);
        continue;
      }
      const type = FLAG_TYPES[typeName];
      let def = type === "custom" ? undefined : evalExpr(defExpr, pkg, consts);
      if (type === "duration" && typeof def === "number") def = Math.round(def * 1e6) / 1e6;
      pending.push({
        pkg,
        file: f.path,
        target,
        flag: {
          name: nameV,
          short: typeof shortV === "string" ? shortV : "",
          type,
          default: def,
          defaultExpr: defExpr,
          persistent,
          hidden: false,
        },
      });
    }
    // helper calls: h(x), recv.h(x), a.b.h(x) where x is a command or a helper's parameter
    for (const m of s.matchAll(/\b(?:[\w.]+\.)?(\w+)\(([^()]*)\)/g)) {
      const args = splitArgs(m[2]);
      args.forEach((a, index) => {
        const target = resolveTarget(f, a, m.index!, spans);
        if (target) helperCalls.push({ pkg, fn: m[1], index, target });
      });
    }
    // tree edges
    for (const m of s.matchAll(/\b([\w.]+)\.AddCommand\(/g)) {
      const open = m.index! + m[0].length - 1;
      for (const a of splitArgs(s.slice(open + 1, matchClose(s, open) - 1))) {
        const ctor = a.match(/^(?:(\w+)\.)?(\w+)\(\s*"([^"]*)"\s*\)$/);
        let child = a.includes(".") ? a : `${pkg}.${a}`;
        if (ctor) {
          const c = constructors.get(`${ctor[1] ?? pkg}.${ctor[2]}`);
          if (!c) continue;
          child = `${pkg}.${ctor[2]}(${ctor[3]})`;
          addCommand(child, c.lit, c.file, pkg, ctor[3]);
        }
        const parent = m[1].includes(".") ? m[1] : `${pkg}.${m[1]}`;
        if (m[1] !== "rootCmd") edges.push({ parent, child });
      }
    }
    for (const m of s.matchAll(/^\s*addCommand\(([\w.]+)\)/gm)) {
      roots.push(m[1].includes(".") ? m[1] : `${pkg}.${m[1]}`);
    }
  }

  // Apply flags: direct ones, then through helpers (to a fixed point).
  const helperFlags = new Map<string, UpFlag[]>();
  const helperMarks = new Map<string, { name: string; what: string }[]>();
  for (const p of pending) {
    if (p.target.startsWith("param:")) {
      const k = p.target.slice(6);
      helperFlags.set(k, [...(helperFlags.get(k) ?? []), p.flag]);
    }
  }
  for (const mk of marks) {
    if (mk.target.startsWith("param:")) {
      const k = mk.target.slice(6);
      helperMarks.set(k, [...(helperMarks.get(k) ?? []), mk]);
    }
  }
  /** A helper by name: in the caller's package, else the one other package that has it. */
  const calleeOf = (c: { pkg: string; fn: string; index: number }) => {
    const own = `${c.pkg}.${c.fn}:${c.index}`;
    if (helperFlags.has(own) || helperMarks.has(own)) return own;
    const others = [...new Set([...helperFlags.keys(), ...helperMarks.keys()])]
      .filter((k) => k.endsWith(`.${c.fn}:${c.index}`));
    return others.length === 1 ? others[0] : own;
  };
  for (let round = 0; round < 4; round++) {
    for (const c of helperCalls) {
      if (!c.target.startsWith("param:")) continue;
      const callee = calleeOf(c);
      const k = c.target.slice(6);
      const add = helperFlags.get(callee) ?? [];
      const have = helperFlags.get(k) ?? [];
      const merged = [...have, ...add.filter((f) => !have.some((h) => h.name === f.name))];
      helperFlags.set(k, merged);
    }
  }
  const put = (key: string, flag: UpFlag) => {
    const c = commands.get(key);
    if (!c) return;
    if (!c.flags.some((f) => f.name === flag.name && f.persistent === flag.persistent)) {
      c.flags.push({ ...flag });
    }
  };
  for (const p of pending) if (!p.target.startsWith("param:")) put(p.target, p.flag);
  for (const c of helperCalls) {
    if (c.target.startsWith("param:")) continue;
    const callee = calleeOf(c);
    for (const fl of helperFlags.get(callee) ?? []) put(c.target, fl);
    for (const mk of helperMarks.get(callee) ?? []) marks.push({ ...mk, target: c.target });
  }
  for (const mk of marks) {
    const c = commands.get(mk.target);
    const fl = c?.flags.find((f) => f.name === mk.name);
    if (
      fl && (mk.what === "MarkHidden" || mk.what === "MarkDeprecated" ||
        mk.what === "MarkPersistentFlagHidden")
    ) fl.hidden = true;
  }
  for (const e of edges) {
    const p = commands.get(e.parent);
    if (p && commands.has(e.child) && !p.children.includes(e.child)) p.children.push(e.child);
  }
  return { commands, roots: [...new Set(roots)].filter((r) => commands.has(r)), unresolved };
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface OurFlag {
  name: string;
  short: string;
  kind: string;
  default?: string | number | boolean | string[];
  persistent: boolean;
  hidden: boolean;
}

export interface OurCommand {
  path: string;
  aliases: string[];
  hidden: boolean;
  flags: OurFlag[];
  children: Map<string, OurCommand>;
}

const KIND_OF: Record<string, string> = {
  string: "string",
  bool: "bool",
  int: "int",
  duration: "duration",
  stringSlice: "strings",
  stringArray: "stringArray",
};

export interface Difference {
  path: string;
  kind:
    | "missing-command"
    | "missing-alias"
    | "hidden-command"
    | "missing-flag"
    | "short"
    | "type"
    | "default"
    | "placement"
    | "hidden-flag"
    | "extra-flag";
  detail: string;
}

/** Effective flags of an upstream command: its own plus its ancestors' persistent ones. */
function upstreamEffective(chain: UpCommand[]): UpFlag[] {
  const out: UpFlag[] = [];
  chain.forEach((c, i) => {
    for (const f of c.flags) {
      if (i < chain.length - 1 && !f.persistent) continue;
      if (!out.some((o) => o.name === f.name)) out.push(f);
    }
  });
  return out;
}

export function compare(up: UpTree, ours: OurCommand, skip: (path: string) => boolean) {
  const diffs: Difference[] = [];
  const unresolvedDefaults: string[] = [];
  const walk = (key: string, chain: UpCommand[], ourParent: OurCommand | undefined) => {
    const c = up.commands.get(key)!;
    const path = [...chain.map((x) => x.name), c.name].join(" ");
    const full = `talosctl ${path}`;
    if (skip(full) || (c.hidden && /-launch$/.test(c.name))) return;
    const ourCmd = ourParent?.children.get(c.name);
    if (!ourCmd) {
      diffs.push({ path: full, kind: "missing-command", detail: c.use });
      return;
    }
    if (c.hidden !== ourCmd.hidden) {
      diffs.push({
        path: full,
        kind: "hidden-command",
        detail: `upstream ${c.hidden ? "hidden" : "listed"}, ours ${
          ourCmd.hidden ? "hidden" : "listed"
        }`,
      });
    }
    for (const a of c.aliases) {
      if (!ourCmd.aliases.includes(a)) {
        diffs.push({ path: full, kind: "missing-alias", detail: a });
      }
    }
    const eff = upstreamEffective([...chain, c]);
    for (const f of eff) {
      if (f.name === "help") continue;
      const o = ourCmd.flags.find((x) => x.name === f.name);
      const where = `--${f.name}`;
      if (!o) {
        diffs.push({
          path: full,
          kind: "missing-flag",
          detail: `${where}${f.short ? ` (-${f.short})` : ""} ${f.type} default ${
            JSON.stringify(f.default ?? f.defaultExpr)
          }${f.persistent ? " persistent" : ""}${f.hidden ? " hidden" : ""}`,
        });
        continue;
      }
      if ((o.short ?? "") !== f.short) {
        diffs.push({
          path: full,
          kind: "short",
          detail: `${where}: upstream -${f.short || "(none)"}, ours -${o.short || "(none)"}`,
        });
      }
      const want = KIND_OF[f.type];
      if (want && want !== o.kind) {
        diffs.push({
          path: full,
          kind: "type",
          detail: `${where}: upstream ${f.type}, ours ${o.kind}`,
        });
      }
      if (f.type === "custom") {
        unresolvedDefaults.push(`${full} ${where}: custom pflag.Value ${f.defaultExpr}`);
      } else if (f.default === undefined) {
        unresolvedDefaults.push(`${full} ${where}: ${f.defaultExpr}`);
      } else if (f.default !== undefined && want) {
        const ourDef = zeroValue({ kind: o.kind as FlagKind, default: o.default });
        if (JSON.stringify(ourDef) !== JSON.stringify(f.default)) {
          diffs.push({
            path: full,
            kind: "default",
            detail: `${where}: upstream ${JSON.stringify(f.default)} (${f.defaultExpr}), ours ${
              JSON.stringify(ourDef)
            }`,
          });
        }
      }
      // placement: persistent on this command vs local; inherited ones are persistent on both
      const ownUp = c.flags.find((x) => x.name === f.name);
      const upPersistent = !ownUp || ownUp.persistent;
      if (upPersistent !== o.persistent) {
        diffs.push({
          path: full,
          kind: "placement",
          detail: `${where}: upstream ${upPersistent ? "persistent" : "local"}, ours ${
            o.persistent ? "persistent" : "local"
          }`,
        });
      }
      if (f.hidden !== o.hidden && !f.hidden) {
        diffs.push({ path: full, kind: "hidden-flag", detail: `${where}: ours is hidden` });
      }
    }
    for (const o of ourCmd.flags) {
      if (o.name === "help" || eff.some((f) => f.name === o.name)) continue;
      diffs.push({ path: full, kind: "extra-flag", detail: `--${o.name}` });
    }
    for (const ch of c.children) walk(ch, [...chain, c], ourCmd);
  };
  for (const r of up.roots) walk(r, [], ours);
  return { diffs, unresolvedDefaults };
}

// ---------------------------------------------------------------------------------------------
// Our tree

export async function loadOurs(): Promise<OurCommand> {
  const { root } = await import("../commands/mod.ts");
  const { loadCommand } = await import("../commands/spec.ts");
  type Spec = Awaited<ReturnType<typeof loadCommand>>;
  type FS = NonNullable<Spec["flags"]>[number];
  const conv = (f: FS, persistent: boolean): OurFlag => ({
    name: f.name,
    short: f.short ?? "",
    kind: f.kind,
    default: f.kind === "duration" && typeof f.default === "number" ? f.default : f.default,
    persistent,
    hidden: !!f.hidden,
  });
  const build = async (cmd: Spec, inherited: OurFlag[], path: string): Promise<OurCommand> => {
    const own = [
      ...(cmd.persistentFlags ?? []).map((f) => conv(f, true)),
      ...(cmd.flags ?? []).map((f) => conv(f, false)),
    ];
    const flags = [...own, ...inherited.filter((i) => !own.some((o) => o.name === i.name))];
    const persistent = flags.filter((f) => f.persistent);
    const children = new Map<string, OurCommand>();
    for (const e of cmd.subcommands ?? []) {
      const sub = await loadCommand(e);
      children.set(e.name, await build(sub, persistent, `${path} ${e.name}`));
    }
    return { path, aliases: cmd.aliases ?? [], hidden: !!cmd.hidden, flags, children };
  };
  return await build(root as Spec, [], "talosctl");
}

// ---------------------------------------------------------------------------------------------
// Main

async function git(repo: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: ["-C", repo, ...args], stdout: "piped" })
    .output();
  if (!out.success) throw new Error(`git ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

const OUT_OF_SCOPE = /^cmd\/talosctl\/cmd\/(mgmt\/cluster\/|mgmt\/.*_launch)/;

async function main() {
  const args = Deno.args.filter((a) => !a.startsWith("--"));
  const json = Deno.args.includes("--json");
  const repo = args[0] ?? "/work/.mirror/siderolabs+talos/repo";
  const ref = Deno.args.find((a) => a.startsWith("--ref="))?.slice(6) ?? "HEAD";
  const paths = (await git(repo, "ls-tree", "-r", "--name-only", ref, "cmd/talosctl"))
    .split("\n")
    .filter((p) => p.endsWith(".go") && !p.endsWith("_test.go") && !OUT_OF_SCOPE.test(p));
  const files: GoFile[] = [];
  for (const p of paths) files.push({ path: p, text: await git(repo, "show", `${ref}:${p}`) });
  const consts: ConstTable = new Map([["constants", new Map()], ["time", new Map()]]);
  for (
    const p of (await git(repo, "ls-tree", "-r", "--name-only", ref, "pkg/machinery/constants"))
      .split("\n").filter((p) => p.endsWith(".go") && !p.endsWith("_test.go"))
  ) {
    collectConsts(await git(repo, "show", `${ref}:${p}`), consts.get("constants")!);
  }
  // gendata.ArtifactsPath (helpers.ArtifactsPath) is set at build time from this file.
  const artifacts = await git(repo, "show", `${ref}:pkg/machinery/gendata/data/artifacts`)
    .catch(() => undefined);
  if (artifacts !== undefined) {
    consts.set("gendata", new Map([["ArtifactsPath", JSON.stringify(artifacts.trim())]]));
  }
  const up = parseUpstream(files, consts);
  const ours = await loadOurs();
  const skip = (p: string) => /^talosctl cluster( |$)/.test(p);
  const { diffs, unresolvedDefaults } = compare(up, ours, skip);
  if (json) {
    console.log(JSON.stringify({ diffs, unresolvedDefaults, unresolved: up.unresolved }, null, 2));
    return;
  }
  const counts = new Map<string, number>();
  for (const d of diffs) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  console.log(`upstream commands parsed: ${up.commands.size}, differences: ${diffs.length}`);
  for (const [k, n] of counts) console.log(`  ${k}: ${n}`);
  console.log("");
  for (const d of diffs) console.log(`${d.path}\t${d.kind}\t${d.detail}`);
  if (unresolvedDefaults.length) {
    console.log("\nunresolved defaults (compared by name/shorthand/type only):");
    for (const u of unresolvedDefaults) console.log(`  ${u}`);
  }
  if (up.unresolved.length) {
    console.log("\nunresolved upstream expressions:");
    for (const u of up.unresolved) console.log(`  ${u}`);
  }
}

if (import.meta.main) await main();
