// Strategic merge of one document into another, over the typed schema, with the rules of Talos's
// config merge:
//   - scalars: the patch's value wins unless it is the zero value ("" / 0); under a pointer
//     (`*string`, `*int`, ...) any given value wins; non-pointer booleans are always taken;
//   - structs merge field by field; a nil pointer in the patch leaves the target alone; URLs
//     (meta.URL, v1alpha1.Endpoint: structs around a *url.URL) merge field by field too, so a
//     patch without a path keeps the target's path;
//   - lists append, unless the field says `merge: "replace"` or the list has merge keys (then
//     items with equal keys merge and the others append);
//   - maps merge key by key; `map[string]any` argument maps (meta.Args) replace per key;
//   - free-form sections (`any`) merge recursively: maps by key, lists append, type clashes fail.

import {
  type FieldDef,
  type FieldType,
  type Schema,
  structDef,
  type Value,
  type ValueMap,
} from "../schema.ts";
import { type GoURL, goURLString, parseGoURL } from "../generate/gourl.ts";

export class MergeError extends Error {
  override name = "MergeError";
}

function isMap(v: Value | undefined): v is ValueMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function clone<T extends Value>(v: T): T {
  return structuredClone(v);
}

function isZeroScalar(v: Value | undefined): boolean {
  return v === undefined || v === null || v === "" || v === 0;
}

/**
 * Go's struct merge of two url.URL values: text fields and the user info pointer are taken from
 * the right unless zero, booleans always. Text that does not parse as a URL is replaced whole.
 */
function mergeURL(left: Value, right: string): Value {
  if (typeof left !== "string" || left === "") return right;
  const l = parseGoURL(left), r = parseGoURL(right);
  if ("error" in l || "error" in r) return right;
  const out: GoURL = { ...l };
  for (const k of ["scheme", "opaque", "host", "path", "rawPath", "rawQuery"] as const) {
    if (r[k] !== "") out[k] = r[k];
  }
  for (const k of ["fragment", "rawFragment"] as const) if (r[k] !== "") out[k] = r[k];
  if (r.user) out.user = r.user;
  out.omitHost = r.omitHost;
  out.forceQuery = r.forceQuery;
  return goURLString(out);
}

function typeOfAny(v: Value): string {
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  return typeof v;
}

/** Merges free-form values (Go `any`): maps by key, lists append, scalars replace unless zero. */
function mergeAny(left: Value, right: Value, path: string): Value {
  if (right === null) return left;
  if (left === null) return clone(right);
  if (typeOfAny(left) !== typeOfAny(right)) {
    throw new MergeError(
      `${path}: merge type mismatch left ${typeOfAny(left)} right ${typeOfAny(right)}`,
    );
  }
  if (isMap(left) && isMap(right)) {
    for (const [k, rv] of Object.entries(right)) {
      const lv = left[k];
      left[k] = lv === undefined || lv === null ? clone(rv) : mergeAny(lv, rv, `${path}.${k}`);
    }
    return left;
  }
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...clone(right)];
  if (typeof right === "boolean") return right;
  return isZeroScalar(right) ? left : right;
}

function listKeyMatch(schema: Schema, item: Value, other: Value, keys: string[]): boolean {
  if (!isMap(item) || !isMap(other)) return false;
  for (const k of keys) {
    const v = item[k];
    if (v === undefined || v === null || v === "") continue;
    return JSON.stringify(canonical(v)) === JSON.stringify(canonical(other[k]));
  }
  void schema;
  return false;
}

function canonical(v: Value | undefined): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isMap(v)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  }
  return v ?? null;
}

function mergeList(
  schema: Schema,
  left: Value | undefined,
  right: Value[],
  t: Extract<FieldType, { kind: "list" }>,
  replace: boolean,
  path: string,
): Value[] {
  if (replace) return clone(right);
  const base = Array.isArray(left) ? left : [];
  if (!t.mergeKey || t.mergeKey.length === 0) return [...base, ...clone(right)];
  const out = [...base];
  for (const item of right) {
    const existing = out.findIndex((l) => listKeyMatch(schema, item, l, t.mergeKey!));
    if (existing >= 0) {
      out[existing] = mergeValue(schema, out[existing], item, t.of, false, false, path) ?? null;
    } else {
      out.push(clone(item));
    }
  }
  return out;
}

/**
 * Merges `right` into `left` for a value of type `t` and returns the merged value (`left` may
 * be mutated). `undefined` means "absent" (nil/zero in Go terms).
 */
export function mergeValue(
  schema: Schema,
  left: Value | undefined,
  right: Value | undefined,
  t: FieldType,
  pointer: boolean,
  replace: boolean,
  path: string,
): Value | undefined {
  switch (t.kind) {
    case "string":
    case "int":
    case "uint":
    case "float":
    case "custom":
      if (right === undefined || right === null) return left;
      if (t.kind === "custom" && t.codec === "url" && typeof right === "string" && left != null) {
        return mergeURL(left, right);
      }
      if (!pointer && isZeroScalar(right)) return left;
      return right;
    case "bool":
      if (pointer) return right === undefined || right === null ? left : right;
      return right === undefined || right === null
        ? (left === undefined ? undefined : false)
        : right;
    case "list":
      if (!Array.isArray(right)) return left;
      if (left === undefined && right.length === 0) return [];
      return mergeList(schema, left, right, t, replace, path);
    case "map": {
      if (!isMap(right)) return left;
      if (replace) return clone(right);
      const out: ValueMap = isMap(left) ? left : {};
      for (const [k, rv] of Object.entries(right)) {
        const lv = out[k];
        if (lv === undefined || lv === null || t.of.kind === "any") {
          out[k] = clone(rv);
        } else {
          const m = mergeValue(schema, lv, rv, t.of, false, false, `${path}.${k}`);
          if (m !== undefined) out[k] = m;
        }
      }
      return out;
    }
    case "any":
      if (right === undefined || right === null) return left;
      if (replace) return clone(right);
      if (left === undefined || left === null) return clone(right);
      return mergeAny(left, right, path);
    case "struct": {
      if (!isMap(right)) return left;
      if (replace) return Object.keys(right).length === 0 ? left : clone(right);
      if (!isMap(left)) return clone(right);
      mergeStruct(schema, t.name, left, right, path);
      return left;
    }
  }
}

function mergeField(
  schema: Schema,
  f: FieldDef,
  left: ValueMap,
  right: ValueMap,
  path: string,
): void {
  const p = path ? `${path}.${f.key}` : f.key;
  const merged = mergeValue(
    schema,
    left[f.key],
    right[f.key],
    f.type,
    !!f.pointer,
    f.merge === "replace",
    p,
  );
  if (merged === undefined) delete left[f.key];
  else left[f.key] = merged;
}

/** Merges a struct's fields from `right` into `left` (in place). */
export function mergeStruct(
  schema: Schema,
  struct: string,
  left: ValueMap,
  right: ValueMap,
  path = "",
): void {
  for (const f of structDef(schema, struct).fields) {
    if (f.inline) {
      if (f.type.kind === "struct") mergeStruct(schema, f.type.name, left, right, path);
      else {
        // inlined free-form map: every key not claimed by a field
        for (const [k, rv] of Object.entries(right)) {
          if (structDef(schema, struct).fields.some((g) => g.key === k && !g.inline)) continue;
          left[k] = left[k] === undefined ? clone(rv) : mergeAny(left[k], rv, `${path}.${k}`);
        }
      }
      continue;
    }
    if (!Object.hasOwn(right, f.key) && !(f.type.kind === "bool" && !f.pointer)) continue;
    mergeField(schema, f, left, right, path);
  }
}
