// Ground-rule audit: finds help text, docs and comments in this project that repeat upstream
// Talos prose verbatim or nearly so. Not part of `deno task check` (CI has no upstream checkout).
//
//   deno run -A tools/prose_audit.ts /path/to/talos [--all] [--min-prose N] [--min-comment N]
//     [--similar F]
//
// Both trees are cut into text segments: string literals (adjacent literals joined by `+` or `,`
// form one segment), comment blocks, Markdown paragraphs and table cells. Segments are compared
// as lower-case word sequences, so case, punctuation and layout do not hide a copy; paths and
// URLs are left out (facts), as is code in our own Markdown (command lines). Upstream is every
// Go file but generated protobuf code, the API protos and the website's reference pages.
//
// Help text is a string under a short/long/example/usage/doc/title key (or an upper-case const
// such as LONG). It is reported when it
//   =  equals an upstream segment (2+ words),
//   ~  shares a run of N+ consecutive words with upstream (--min-prose, default 6), or
//   ≈  is within a few words of an upstream segment (word edit distance; --similar, default 0.7).
// Comments are reported for runs of --min-comment (default 8) words, Markdown for runs and for
// exact cells of 3+ words. Other string literals (error messages, formats, flag names: behaviour
// that must match upstream) are compared only with --all. ALLOWED lists upstream texts that are
// layout rather than prose (help-group titles).
// Exit status: 1 when anything was reported, 2 on bad arguments, 0 otherwise.

type Kind = "prose" | "comment" | "markdown" | "string";

interface Segment {
  file: string;
  line: number;
  kind: Kind;
  /** Object key or const name the literal belongs to, if any. */
  key: string;
  words: string[];
}

/** Keys whose string values are help or documentation prose. */
const PROSE_KEY = /^(short|long|example|usage|doc|description|title|help)$/i;
const PROSE_CONST = /(short|long|example|usage|doc|help|description)/i;

/**
 * Upstream texts that are behaviour, not prose: cobra help-group titles that scripts and users
 * see as layout. Normalised (lower-case words joined by spaces).
 */
const ALLOWED = new Set([
  "manage running talos clusters",
  "commands to generate and manage machine configuration offline",
  "local talos cluster commands",
]);

/**
 * Lower-case words. Paths and URLs are facts (file locations, endpoints), not prose: they are
 * left out so that a shared default path does not count as copied text.
 */
const words = (s: string) =>
  s.replace(/[\w.$~:-]*\/[\w./$~:-]*[\w/]/g, " ").toLowerCase().match(/[a-z0-9]+/g) ?? [];

// ---------------------------------------------------------------------------------------------
// Scanning: one small lexer for Go, TypeScript and proto (same comment and string syntax, bar
// TypeScript's template and regex literals).

interface Piece {
  kind: "str" | "comment";
  text: string;
  line: number;
  key: string;
  /** Only whitespace, `+` or `,` (and `[`) since the previous string piece. */
  joins: boolean;
}

function lex(src: string, lang: "go" | "ts" | "proto"): Piece[] {
  const out: Piece[] = [];
  let i = 0, line = 1, key = "", lastSig = "", gap = "", lastIdent = "";
  const lineAt = (to: number) => {
    for (let k = i; k < to; k++) if (src[k] === "\n") line++;
  };
  const push = (kind: Piece["kind"], text: string, end: number) => {
    const startLine = line;
    lineAt(end);
    i = end;
    if (kind === "str") {
      const joins = out.length > 0 && out[out.length - 1].kind === "str" &&
        /^[\s+,[]*$/.test(gap);
      out.push({ kind, text, line: startLine, key, joins });
      gap = "";
      lastSig = '"';
    } else {
      out.push({ kind, text, line: startLine, key, joins: false });
    }
  };
  while (i < src.length) {
    const c = src[i], n = src[i + 1];
    if (c === "/" && n === "/") {
      let e = src.indexOf("\n", i);
      if (e < 0) e = src.length;
      push("comment", src.slice(i + 2, e), e);
      continue;
    }
    if (c === "/" && n === "*") {
      let e = src.indexOf("*/", i + 2);
      if (e < 0) e = src.length;
      push("comment", src.slice(i + 2, e).replace(/^\s*\*/gm, " "), Math.min(e + 2, src.length));
      continue;
    }
    if (c === '"' || (c === "'" && lang !== "go") || (c === "`" && lang === "go")) {
      let e = i + 1;
      while (e < src.length && src[e] !== c) {
        if (src[e] === "\\" && c !== "`") e++;
        if (src[e] === "\n" && c !== "`") break;
        e++;
      }
      push("str", src.slice(i + 1, e), Math.min(e + 1, src.length));
      continue;
    }
    if (c === "'" && lang === "go") { // rune literal
      let e = i + 1;
      while (e < src.length && src[e] !== "'") e += src[e] === "\\" ? 2 : 1;
      lineAt(e + 1);
      i = e + 1;
      continue;
    }
    if (c === "`" && lang === "ts") {
      // Template literal: text parts become string pieces, ${...} is skipped.
      let e = i + 1, text = "";
      while (e < src.length && src[e] !== "`") {
        if (src[e] === "\\") {
          text += src.slice(e, e + 2);
          e += 2;
        } else if (src[e] === "$" && src[e + 1] === "{") {
          let depth = 1;
          e += 2;
          while (e < src.length && depth > 0) {
            if (src[e] === "{") depth++;
            else if (src[e] === "}") depth--;
            e++;
          }
          text += " \u0000 ";
        } else text += src[e++];
      }
      push("str", text, Math.min(e + 1, src.length));
      continue;
    }
    if (c === "/" && lang === "ts" && (lastSig === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSig))) {
      // Regex literal.
      let e = i + 1, cls = false;
      while (e < src.length && src[e] !== "\n") {
        if (src[e] === "\\") e++;
        else if (src[e] === "[") cls = true;
        else if (src[e] === "]") cls = false;
        else if (src[e] === "/" && !cls) break;
        e++;
      }
      lineAt(e + 1);
      i = e + 1;
      lastSig = "/";
      gap += "x";
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let e = i;
      while (e < src.length && /[\w$]/.test(src[e])) e++;
      const ident = src.slice(i, e);
      let k = e;
      while (k < src.length && (src[k] === " " || src[k] === "\t")) k++;
      if (src[k] === ":" && src[k + 1] !== ":") key = ident;
      else if (src[k] === "=" && src[k + 1] !== "=" && /const|let|var/.test(lastIdent)) {
        key = ident;
      }
      lastIdent = ident;
      lastSig = "a";
      gap += "x";
      i = e;
      continue;
    }
    if (c === "\n") line++;
    if (c === ";" || c === "}") key = "";
    if (!/\s/.test(c)) lastSig = c;
    gap += c;
    i++;
  }
  return out;
}

function segmentsOf(file: string, src: string, own = false): Segment[] {
  if (file.endsWith(".md")) {
    // In our own Markdown, code (command lines, output) is behaviour: blank it, keeping lines.
    if (own) {
      src = src.replace(/```[\s\S]*?```/g, (m) => m.replace(/[^\n]/g, " "))
        .replace(/`[^`\n]*`/g, " ");
    }
    const segs: Segment[] = [];
    let line = 1;
    // Paragraphs; a table row is one segment per cell.
    for (const para of src.split(/\n\s*\n/)) {
      let l = line;
      let prose: string[] = [];
      for (const row of para.split("\n")) {
        if (row.trimStart().startsWith("|")) {
          for (const cell of row.split(/(?<!\\)\|/)) {
            segs.push({ file, line: l, kind: "markdown", key: "", words: words(cell) });
          }
        } else prose.push(...words(row));
        l++;
      }
      if (prose.length > 0) segs.push({ file, line, kind: "markdown", key: "", words: prose });
      prose = [];
      line += para.split("\n").length + 1;
    }
    return segs;
  }
  const lang = file.endsWith(".go") ? "go" : file.endsWith(".proto") ? "proto" : "ts";
  const pieces = lex(src, lang);
  const segs: Segment[] = [];
  let prevComment: { seg: Segment; endLine: number } | undefined;
  for (const p of pieces) {
    if (p.kind === "comment") {
      const w = words(p.text);
      const endLine = p.line + p.text.split("\n").length - 1;
      if (prevComment && p.line === prevComment.endLine + 1) {
        prevComment.seg.words.push(...w);
        prevComment.endLine = endLine;
      } else {
        const seg: Segment = { file, line: p.line, kind: "comment", key: "", words: w };
        segs.push(seg);
        prevComment = { seg, endLine };
      }
      continue;
    }
    if (lang === "proto") continue;
    const w = words(p.text);
    const last = segs[segs.length - 1];
    if (p.joins && last && last.kind !== "comment") {
      last.words.push(...w);
      continue;
    }
    const prose = PROSE_KEY.test(p.key) ||
      (PROSE_CONST.test(p.key) && p.key === p.key.toUpperCase());
    segs.push({ file, line: p.line, kind: prose ? "prose" : "string", key: p.key, words: w });
  }
  return segs;
}

// ---------------------------------------------------------------------------------------------

async function* walk(dir: string, accept: (p: string) => boolean): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) {
      if (e.name === ".git" || e.name === "node_modules" || e.name === "vendor") continue;
      yield* walk(p, accept);
    } else if (e.isFile && accept(p)) yield p;
  }
}

interface Loc {
  file: string;
  line: number;
}

/** Word-level edit distance (insertions, deletions, substitutions of whole words). */
function editDistance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

const MAX_POSTINGS = 40;

class UpstreamIndex {
  #exact = new Map<string, Loc>();
  #grams = new Map<string, Loc>();
  #segments: Segment[] = [];
  #trigrams = new Map<string, number[]>();
  constructor(readonly window: number) {}

  add(s: Segment) {
    const loc = { file: s.file, line: s.line };
    if (s.words.length >= 2) this.#exact.set(s.words.join(" "), loc);
    for (let k = 0; k + this.window <= s.words.length; k++) {
      const g = s.words.slice(k, k + this.window).join(" ");
      if (!this.#grams.has(g)) this.#grams.set(g, loc);
    }
    if (s.words.length < 3 || s.words.length > 80) return;
    const id = this.#segments.push(s) - 1;
    for (let k = 0; k + 3 <= s.words.length; k++) {
      const g = s.words.slice(k, k + 3).join(" ");
      const list = this.#trigrams.get(g) ?? [];
      if (list.length < MAX_POSTINGS && list[list.length - 1] !== id) list.push(id);
      this.#trigrams.set(g, list);
    }
  }

  /** Findings for one project segment, as printable lines. */
  find(s: Segment, minRun: number, opt: { exact: boolean; similar: number }): string[] {
    const text = s.words.join(" ");
    const same = s.words.length >= 2 ? this.#exact.get(text) : undefined;
    if (same) return opt.exact ? [`= "${text}"  <- ${same.file}:${same.line}`] : [];
    const hits: string[] = [];
    // Maximal runs of consecutive matching n-grams.
    const w = this.window;
    let k = 0;
    while (k + w <= s.words.length) {
      const first = this.#grams.get(s.words.slice(k, k + w).join(" "));
      if (!first) {
        k++;
        continue;
      }
      let end = k + w;
      while (
        end < s.words.length && this.#grams.has(s.words.slice(end - w + 1, end + 1).join(" "))
      ) {
        end++;
      }
      if (end - k >= minRun) {
        const run = s.words.slice(k, end).join(" ");
        hits.push(`~ ${end - k} words "${run}"  <- ${first.file}:${first.line}`);
      }
      k = end;
    }
    if (hits.length > 0 || opt.similar > 1 || s.words.length < 3) return hits;
    // Near-verbatim: a few words swapped, added or dropped.
    const shared = new Map<number, number>();
    for (let k = 0; k + 3 <= s.words.length; k++) {
      for (const id of this.#trigrams.get(s.words.slice(k, k + 3).join(" ")) ?? []) {
        shared.set(id, (shared.get(id) ?? 0) + 1);
      }
    }
    let best: { score: number; seg: Segment } | undefined;
    for (const [id] of [...shared].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
      const u = this.#segments[id];
      const score = 1 - editDistance(s.words, u.words) / Math.max(s.words.length, u.words.length);
      if (!best || score > best.score) best = { score, seg: u };
    }
    if (best && best.score >= opt.similar) {
      const pct = Math.round(best.score * 100);
      hits.push(`≈ ${pct}% "${best.seg.words.join(" ")}"  <- ${best.seg.file}:${best.seg.line}`);
    }
    return hits;
  }
}

function usage(problem: string): never {
  console.error(`${problem}
usage: deno run -A tools/prose_audit.ts <talos checkout> [--all] [--min-prose N] [--min-comment N] [--similar F]`);
  Deno.exit(2);
}

function parseArgs(argv: string[]) {
  const opts = { upstream: "", all: false, minProse: 6, minComment: 8, similar: 0.7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--all") opts.all = true;
    else if (a === "--min-prose") opts.minProse = Number(argv[++i]);
    else if (a === "--min-comment") opts.minComment = Number(argv[++i]);
    else if (a === "--similar") opts.similar = Number(argv[++i]);
    else if (!a.startsWith("-") && !opts.upstream) opts.upstream = a;
    else usage(`unknown argument ${a}`);
  }
  if (!opts.upstream) usage("the path of an upstream siderolabs/talos checkout is required");
  return opts;
}

async function main() {
  const opts = parseArgs(Deno.args);
  const up = opts.upstream.replace(/\/$/, "");
  const project = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const window = Math.min(opts.minProse, opts.minComment);

  // All Go sources but generated protobuf code, the API protos, and the reference pages of the
  // website (generated from the CLI and config docs, so they hold the same prose).
  const upFile = (p: string) =>
    (p.endsWith(".go") && !p.endsWith(".pb.go")) || p.endsWith(".proto") ||
    (p.endsWith(".md") && /\/website\/content\/[^/]+\/reference\//.test(p));
  await Deno.stat(`${up}/cmd/talosctl`).catch(() =>
    usage(`${up} does not look like a Talos checkout (no cmd/talosctl)`)
  );
  const index = new UpstreamIndex(window);
  for await (const p of walk(up, upFile)) {
    const rel = p.slice(up.length + 1);
    for (const s of segmentsOf(rel, await Deno.readTextFile(p))) index.add(s);
  }

  const ownFile = (p: string) => {
    const rel = p.slice(project.length + 1);
    if (/^(gen|dist|tests\/golden|tests\/fixtures)\//.test(rel)) return false;
    if (rel === "tools/prose_audit.ts") return false;
    return /\.(ts|proto|md)$/.test(rel);
  };
  let reported = 0;
  for await (const p of walk(project, ownFile)) {
    const rel = p.slice(project.length + 1);
    for (const s of segmentsOf(rel, await Deno.readTextFile(p), true)) {
      if (s.kind === "string" && !opts.all) continue;
      const text = s.words.join(" ");
      if (ALLOWED.has(text)) continue;
      const hits = index.find(s, s.kind === "comment" ? opts.minComment : opts.minProse, {
        // Short comments and table cells (a command path, an alias) repeat upstream naturally:
        // comments count by runs only, Markdown cells as exact matches from three words up.
        exact: s.kind === "prose" || (s.kind === "markdown" && s.words.length >= 3),
        similar: s.kind === "prose" ? opts.similar : 2,
      });
      for (const h of hits) {
        reported++;
        console.log(`${rel}:${s.line} [${s.kind}${s.key ? " " + s.key : ""}] ${h}`);
      }
    }
  }
  console.log(`${reported} finding(s)`);
  if (reported > 0) Deno.exit(1);
}

if (import.meta.main) await main();
