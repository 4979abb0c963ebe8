// The Talos client configuration file (talosconfig): strict parsing with file/line errors and
// context selection. The data model and encoding are in talosconfig_model.ts, file locations,
// locking and saving in talosconfig_file.ts; both are re-exported here.

import { type Document, isMap, isScalar, isSeq, type Node } from "yaml";
import { parseYaml } from "../goyaml/parse.ts";
import { UserError } from "../errors.ts";
import { base64Decode, type Talosconfig, type TalosContext } from "./talosconfig_model.ts";

export * from "./talosconfig_model.ts";

// ---------------------------------------------------------------------------------------------
// Parsing

class Reader {
  constructor(readonly doc: Document, readonly text: string, readonly source: string) {}

  line(node: Node | null | undefined): number {
    const offset = node?.range?.[0] ?? 0;
    let line = 1;
    for (let i = 0; i < offset && i < this.text.length; i++) if (this.text[i] === "\n") line++;
    return line;
  }

  fail(node: Node | null | undefined, what: string): never {
    throw new UserError(`${this.source}: line ${this.line(node)}: ${what}`);
  }

  kind(node: Node): string {
    if (isMap(node)) return "a mapping";
    if (isSeq(node)) return "a list";
    return "a scalar";
  }

  /** Follows aliases. */
  deref(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    const n = node as Node & { resolve?: (d: Document) => Node | undefined };
    if ((n as { source?: unknown }).source !== undefined && typeof n.resolve === "function") {
      return n.resolve(this.doc) ?? null;
    }
    return n;
  }

  /** null for YAML null (empty, ~, null), else the scalar's text. */
  scalar(node: unknown, field: string): string | null {
    const n = this.deref(node);
    if (n === null) return null;
    if (!isScalar(n)) this.fail(n, `${field}: expected a string, found ${this.kind(n)}`);
    const v = String(n.value ?? "");
    if (n.type === "PLAIN" && ["", "~", "null", "Null", "NULL"].includes(v)) return null;
    return v;
  }

  str(node: unknown, field: string): string {
    return this.scalar(node, field) ?? "";
  }

  list(node: unknown, field: string): string[] | undefined {
    const n = this.deref(node);
    if (n === null || (isScalar(n) && this.scalar(n, field) === null)) return undefined;
    if (!isSeq(n)) this.fail(n, `${field}: expected a list of strings, found ${this.kind(n)}`);
    return n.items.map((item, i) => this.str(item, `${field}[${i}]`));
  }

  /** Pairs of a mapping (null for YAML null). */
  map(node: unknown, field: string): [string, unknown, Node | null][] | null {
    const n = this.deref(node);
    if (n === null || (isScalar(n) && this.scalar(n, field) === null)) return null;
    if (!isMap(n)) this.fail(n, `${field}: expected a mapping, found ${this.kind(n)}`);
    return n.items.map((p) => {
      const k = this.deref(p.key);
      return [this.str(k, `${field} key`), p.value, k];
    });
  }
}

// Contexts read without an endpoints list (key absent or null): the Go client's slice is nil,
// which `config info -o json` prints as null rather than [].
const NIL_ENDPOINTS = new WeakSet<TalosContext>();

/** True when the file gave this context no endpoints list at all (Go: a nil slice). */
export function endpointsUnset(ctx: TalosContext): boolean {
  return NIL_ENDPOINTS.has(ctx) && ctx.endpoints.length === 0;
}

function readContext(r: Reader, node: unknown, name: string): TalosContext {
  const ctx: TalosContext = { endpoints: [] };
  let target = "", listed = false;
  const where = `contexts.${name}`;
  for (const [k, v] of r.map(node, where) ?? []) {
    const field = `${where}.${k}`;
    switch (k) {
      case "target":
        target = r.str(v, field);
        break;
      case "endpoints":
        {
          const eps = r.list(v, field);
          listed = eps !== undefined;
          ctx.endpoints = eps ?? [];
        }
        break;
      case "nodes": {
        const nodes = r.list(v, field);
        if (nodes !== undefined) ctx.nodes = nodes;
        break;
      }
      case "ca":
      case "crt":
      case "key":
      case "cluster":
        ctx[k] = r.str(v, field) || undefined;
        if (ctx[k] === undefined) delete ctx[k];
        break;
      case "proxy-url": {
        const url = r.str(v, field);
        if (url) ctx.proxyUrl = url;
        break;
      }
      case "auth":
        readAuth(r, v, field, ctx);
        break;
    }
  }
  // The deprecated single `target` is folded into the endpoints, as the Go client does on read.
  if (target) ctx.endpoints.push(target);
  else if (!listed) NIL_ENDPOINTS.add(ctx);
  return ctx;
}

function readAuth(r: Reader, node: unknown, where: string, ctx: TalosContext): void {
  const auth: NonNullable<TalosContext["auth"]> = {};
  for (const [k, v] of r.map(node, where) ?? []) {
    if (k === "basic") {
      const fields = r.map(v, `${where}.basic`);
      if (fields === null) continue;
      const basic = { username: "", password: "" };
      for (const [bk, bv] of fields) {
        if (bk === "username" || bk === "password") basic[bk] = r.str(bv, `${where}.basic.${bk}`);
      }
      auth.basic = basic;
    } else if (k === "siderov1") {
      const fields = r.map(v, `${where}.siderov1`);
      if (fields === null) continue;
      const s = { identity: "" };
      for (const [sk, sv] of fields) {
        if (sk === "identity") s.identity = r.str(sv, `${where}.siderov1.identity`);
      }
      auth.siderov1 = s;
    }
  }
  if (auth.basic || auth.siderov1) ctx.auth = auth;
}

/**
 * Parses talosconfig text. Unknown keys are ignored, as the Go client does. Errors are UserErrors
 * naming `source` and the line: "<source>: line 3: <what is wrong>".
 */
export function parseTalosconfig(text: string, source: string): Talosconfig {
  const list = parseYaml(text, { schema: "failsafe", uniqueKeys: true });
  if (list.length === 0 || list[0].contents === null) {
    throw new UserError(`${source}: the file is empty (no YAML document)`);
  }
  const doc = list[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? 1;
    const msg = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new UserError(`${source}: line ${line}: ${msg}`);
  }
  const r = new Reader(doc, text, source);
  const cfg: Talosconfig = { context: "", contexts: {} };
  const top = r.map(doc.contents, "talosconfig");
  for (const [k, v] of top ?? []) {
    if (k === "context") cfg.context = r.str(v, "context");
    if (k === "contexts") {
      for (const [name, node] of r.map(v, "contexts") ?? []) {
        cfg.contexts[name] = readContext(r, node, name);
      }
    }
  }
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// Context selection

export interface SelectedContext {
  name: string;
  ctx: TalosContext;
}

/**
 * The context an API command uses: `--context` if given, else the file's current context.
 * Messages are the Go client's.
 */
export function currentContext(cfg: Talosconfig, global: { context?: string }): SelectedContext {
  const override = global.context ?? "";
  if (override !== "") {
    const ctx = cfg.contexts[override];
    if (!ctx) throw new UserError(`context ${JSON.stringify(override)} not found in config`);
    return { name: override, ctx };
  }
  const ctx = Object.hasOwn(cfg.contexts, cfg.context) ? cfg.contexts[cfg.context] : undefined;
  if (!ctx) {
    if (cfg.context === "" && Object.keys(cfg.contexts).length === 0) {
      throw new UserError("talos config file is empty");
    }
    throw new UserError(`default context ${JSON.stringify(cfg.context)} not found in config`);
  }
  return { name: cfg.context, ctx };
}

/**
 * Decodes a context's base64 PEM field (ca, crt or key) to PEM text; "" when the field is unset.
 * A broken value is a UserError naming the context and field.
 */
export function contextPem(sel: SelectedContext, field: "ca" | "crt" | "key"): string {
  const v = sel.ctx[field];
  if (!v) return "";
  try {
    return new TextDecoder().decode(base64Decode(v));
  } catch (e) {
    throw new UserError(
      `talosconfig context ${JSON.stringify(sel.name)}: ${field} is not valid base64: ${
        (e as Error).message
      }`,
    );
  }
}

export * from "./talosconfig_file.ts";
