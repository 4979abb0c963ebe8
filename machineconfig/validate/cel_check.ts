// A type checker for parsed CEL expressions following cel-go's checker: identifiers must be
// declared, fields must exist on the declared message types, function and operator calls must
// match an overload, && / || need booleans. Errors carry cel-go's texts and the offset cel-go
// reports them at. Simplifications: type variables are resolved per call (not across the
// whole expression), and nested messages of link specs are dynamic.

import type { Node } from "./cel.ts";
import {
  assignable,
  BOOL,
  type CelEnv,
  DYN,
  ERROR,
  formatType,
  list,
  mapOf,
  MESSAGES,
  type Overload,
  sameType,
  type Subs,
  substitute,
  type T,
} from "./cel_types.ts";
import { stdOverloads } from "./cel_stdlib.ts";

export interface CheckError {
  pos: number;
  message: string;
}

const LITERALS: Record<string, T> = {
  int: { k: "int" },
  uint: { k: "uint" },
  double: { k: "double" },
  bool: BOOL,
  string: { k: "string" },
  bytes: { k: "bytes" },
  null: { k: "null" },
};

const isDynOrError = (t: T) => t.k === "dyn" || t.k === "error";

export class Checker {
  readonly errors: CheckError[] = [];
  private scopes: Record<string, T>[] = [];
  constructor(private readonly env: CelEnv, private readonly optional: boolean) {}

  private error(pos: number, message: string): T {
    this.errors.push({ pos, message });
    return ERROR;
  }

  private lookup(name: string): T | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (Object.hasOwn(this.scopes[i], name)) return this.scopes[i][name];
    }
    return Object.hasOwn(this.env.vars, name) ? this.env.vars[name] : undefined;
  }

  check(n: Node): T {
    switch (n.k) {
      case "lit":
        return LITERALS[n.type];
      case "ident":
        return this.lookup(n.name) ??
          this.error(n.pos, `undeclared reference to '${n.name}' (in container '')`);
      case "select": {
        const t = this.selectField(n.x, n.field, n.pos);
        return n.test ? BOOL : t;
      }
      case "call":
        return this.call(n);
      case "list":
        return list(this.join(n.elems.map((e) => this.check(e))));
      case "map": {
        const keys: T[] = [], vals: T[] = [];
        for (const [k, v] of n.entries) {
          keys.push(this.check(k));
          vals.push(this.check(v));
        }
        return mapOf(this.join(keys), this.join(vals));
      }
      case "comp":
        return this.comprehension(n);
    }
  }

  /** joinTypes with dynamic aggregate literals: the common type, or dyn. */
  private join(types: T[]): T {
    if (types.length === 0) return DYN;
    let acc = types[0];
    for (const t of types.slice(1)) {
      if (!assignable(acc, t, new Map())) return DYN;
      if (isDynOrError(t)) acc = DYN;
    }
    return acc;
  }

  private selectField(operand: Node, field: string, pos: number): T {
    const t0 = this.check(operand);
    const isOpt = t0.k === "opt";
    const t = t0.k === "opt" ? t0.t : t0;
    let result: T;
    if (t.k === "map") result = t.val;
    else if (t.k === "msg") {
      const fields = MESSAGES[t.name];
      result = fields && Object.hasOwn(fields, field)
        ? fields[field]
        : this.error(pos, `undefined field '${field}'`);
    } else {
      if (!isDynOrError(t) && t.k !== "param") {
        this.error(pos, `type '${formatType(t)}' does not support field selection`);
      }
      result = DYN;
    }
    return isOpt ? { k: "opt", t: result } : result;
  }

  private overloads(fn: string): Overload[] | undefined {
    return Object.hasOwn(this.env.functions, fn)
      ? this.env.functions[fn]
      : stdOverloads(fn, this.optional);
  }

  private call(n: Extract<Node, { k: "call" }>): T {
    const argTypes = n.args.map((a) => this.check(a));
    let fn = n.fn;
    let target: T | undefined;
    if (n.target) {
      if (this.optional && n.target.k === "ident" && n.target.name === "optional") {
        fn = `optional.${fn}`;
      } else target = this.check(n.target);
    }
    const overloads = this.overloads(fn);
    if (!overloads) return this.error(n.pos, `undeclared reference to '${fn}' (in container '')`);
    if (fn === "_&&_" || fn === "_||_") {
      let bad = false;
      argTypes.forEach((t, i) => {
        if (!assignable(BOOL, t, new Map())) {
          bad = true;
          this.error(n.args[i].pos, `expected type 'bool' but found '${formatType(t)}'`);
        }
      });
      return bad ? ERROR : BOOL;
    }
    const all = target ? [target, ...argTypes] : argTypes;
    let result: T | undefined;
    for (const [params, res, member] of overloads) {
      if ((member ?? false) !== (target !== undefined) || params.length !== all.length) continue;
      const subs: Subs = new Map();
      if (!params.every((p, i) => assignable(p, all[i], subs))) continue;
      const r = substitute(res, subs, true);
      if (result === undefined) result = r;
      else if (result.k !== "dyn" && !sameType(r, result)) result = DYN;
    }
    if (result !== undefined) return result;
    const shown = all.map((t) => formatType(substitute(t, new Map(), true)));
    const sig = target ? `${shown[0]}.(${shown.slice(1).join(", ")})` : `(${shown.join(", ")})`;
    return this.error(n.pos, `found no matching overload for '${fn}' applied to '${sig}'`);
  }

  private comprehension(n: Extract<Node, { k: "comp" }>): T {
    const range = this.check(n.range);
    let v: T;
    if (range.k === "list") v = range.e;
    else if (range.k === "map") v = range.key;
    else if (isDynOrError(range) || range.k === "param") v = DYN;
    else {
      this.error(
        n.range.pos,
        `expression of type '${
          formatType(range)
        }' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
      v = ERROR;
    }
    this.scopes.push({ [n.v]: v });
    try {
      const body = n.body.map((b) => this.check(b));
      const predicate = (i: number) => {
        if (body[i] && !assignable(BOOL, body[i], new Map())) {
          this.error(n.body[i].pos, `expected type 'bool' but found '${formatType(body[i])}'`);
        }
      };
      switch (n.macro) {
        case "map":
          if (body.length === 2) predicate(0);
          return list(body[body.length - 1] ?? DYN);
        case "filter":
          predicate(0);
          return list(v);
        default:
          predicate(0);
          return BOOL;
      }
    } finally {
      this.scopes.pop();
    }
  }
}
