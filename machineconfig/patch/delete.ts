// `$patch: delete` in strategic-merge patches (Talos 1.8+ semantics):
//   key: {$patch: delete}                      removes a key or a whole section;
//   - {name: x, $patch: delete} in a list      removes the list item whose `name` is x;
//   apiVersion/kind[/name] + $patch: delete    removes a whole document (skipped when absent).
// Selectors are cut out of the patch's YAML before it is decoded; they apply before the rest of
// their document is merged.

import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import {
  type ConfigDocument,
  type FieldDef,
  type FieldType,
  kindDef,
  type Schema,
  structDef,
  type Value,
  type ValueMap,
} from "../schema.ts";

export class PatchDeleteError extends Error {
  override name = "PatchDeleteError";
}

export interface DeleteSelector {
  path: string[];
  apiVersion: string;
  kind: string;
  name: string;
  /** For list items: the item's identifying key and its value. */
  key: string;
  value: string;
}

function isDeleteMarker(p: Pair): boolean {
  return isScalar(p.key) && p.key.value === "$patch" && isScalar(p.value) &&
    p.value.value === "delete";
}

function header(root: Node | null, key: string): string {
  if (!root || !isMap(root)) return "";
  for (const p of root.items) {
    if (isScalar(p.key) && p.key.value === key) {
      return isScalar(p.value) ? String(p.value.value ?? "") : "";
    }
  }
  return "";
}

function makeSelector(root: Node | null, path: string[], key = "", value = ""): DeleteSelector {
  let apiVersion = header(root, "apiVersion");
  let kind = header(root, "kind");
  if (path.length === 0) {
    if (apiVersion === "") {
      throw new PatchDeleteError("missing apiVersion in document for which $patch: delete is used");
    }
    if (kind === "") {
      throw new PatchDeleteError("missing kind in document for which $patch: delete is used");
    }
  }
  if (kind === "" && apiVersion === "") {
    kind = "v1alpha1";
    apiVersion = "";
  } else if (kind === "" || apiVersion === "") {
    throw new PatchDeleteError(`kind and apiVersion must be both set for path ${path.join(".")}`);
  }
  return { path: [...path], apiVersion, kind, name: header(root, "name"), key, value };
}

/**
 * Removes every `$patch: delete` from a parsed document (mutating it) and returns the selectors.
 * `empty` is true when nothing but identification keys is left of the document.
 */
export function extractDeletes(root: Node | null): { selectors: DeleteSelector[]; empty: boolean } {
  const selectors: DeleteSelector[] = [];
  if (!root) return { selectors, empty: false };

  // Returns true when `node` must be removed from its parent.
  const visit = (node: Node, path: string[], inSeq: boolean): boolean => {
    if (isMap(node)) {
      const map = node as YAMLMap;
      const marker = map.items.find(isDeleteMarker);
      if (marker) {
        if (inSeq) {
          const first = map.items.find((p) => p !== marker);
          if (!first) {
            throw new PatchDeleteError(
              `no key:val found in sequence node for path ${path.join(".")}`,
            );
          }
          const k = isScalar(first.key) ? String(first.key.value ?? "") : "";
          const v = isScalar(first.value) ? String(first.value.value ?? "") : "";
          selectors.push(makeSelector(root, path, k, v));
        } else {
          if (path.some((p) => p.startsWith("["))) {
            throw new PatchDeleteError(`cannot delete an inner key in '${path.join(".")}'`);
          }
          selectors.push(makeSelector(root, path));
        }
        return true;
      }
      for (let i = 0; i < map.items.length; i++) {
        const p = map.items[i];
        const key = isScalar(p.key) ? String(p.key.value ?? "") : "";
        if (p.value && visit(p.value as Node, [...path, key], false)) {
          map.items.splice(i, 1);
          i--;
          if (map.items.length === 0) return true;
        }
      }
      return false;
    }
    if (isSeq(node)) {
      const seq = node as YAMLSeq;
      for (let i = 0; i < seq.items.length; i++) {
        if (visit(seq.items[i] as Node, [...path, `[${i}]`], true)) {
          seq.items.splice(i, 1);
          i--;
          if (seq.items.length === 0) return true;
        }
      }
    }
    return false;
  };

  const removeAll = visit(root, [], false);
  if (removeAll) return { selectors, empty: true };
  let empty = false;
  if (isMap(root)) {
    empty = root.items.every((p) =>
      isScalar(p.key) && isScalar(p.value) &&
      ["version", "kind", "name"].includes(String(p.key.value))
    );
  }
  return { selectors, empty };
}

// ---------------------------------------------------------------------------------------------
// Application to a document of the model

const LOOKUP_FAILED = "lookup failed";

function scalarText(v: Value | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

type Step = { t: FieldType; pointer: boolean } | { t: { kind: "any" }; pointer: false };

function fieldOf(schema: Schema, struct: string, key: string): FieldDef | undefined {
  for (const f of structDef(schema, struct).fields) {
    if (f.inline && f.type.kind === "struct") {
      const inner = fieldOf(schema, f.type.name, key);
      if (inner) return inner;
    } else if (f.key === key && !f.inline) {
      return f;
    }
  }
  return undefined;
}

function deleteAt(
  schema: Schema,
  holder: ValueMap | undefined,
  step: Step,
  path: string[],
  sel: DeleteSelector,
): void {
  const [seg, ...rest] = path;
  const t = step.t;
  if (t.kind === "struct") {
    if (holder === undefined && step.pointer) throw new Error(LOOKUP_FAILED);
    const f = fieldOf(schema, t.name, seg);
    if (!f) throw new Error(LOOKUP_FAILED);
    if (rest.length === 0) {
      if (holder) delete holder[f.key];
      return;
    }
    const next = holder?.[f.key];
    if (f.type.kind === "list") return deleteInList(next, rest, sel);
    const nextMap = next !== null && typeof next === "object" && !Array.isArray(next)
      ? next
      : undefined;
    return deleteAt(
      schema,
      nextMap,
      { t: f.type, pointer: !!f.pointer || f.type.kind !== "struct" },
      rest,
      sel,
    );
  }
  if (t.kind === "map" || t.kind === "any") {
    if (!holder || !Object.hasOwn(holder, seg)) throw new Error(LOOKUP_FAILED);
    if (rest.length === 0) {
      delete holder[seg];
      return;
    }
    const next = holder[seg];
    const inner: FieldType = t.kind === "map" ? t.of : t;
    if (Array.isArray(next)) return deleteInList(next, rest, sel);
    if (next === null || typeof next !== "object") throw new Error(LOOKUP_FAILED);
    return deleteAt(schema, next, { t: inner, pointer: true }, rest, sel);
  }
  throw new Error(LOOKUP_FAILED);
}

function deleteInList(list: Value | undefined, path: string[], sel: DeleteSelector): void {
  const [seg, ...rest] = path;
  if (rest.length !== 0) throw new Error("searching for complex paths in slices is not supported");
  if (seg === "") throw new Error("searching for '' in a slice is not supported");
  if (!seg.startsWith("[")) {
    throw new Error("searching for non-integer keys in slices is not supported");
  }
  if (!Array.isArray(list)) throw new Error(LOOKUP_FAILED);
  const i = list.findIndex((item) =>
    item !== null && typeof item === "object" && !Array.isArray(item) &&
    Object.hasOwn(item, sel.key) && scalarText(item[sel.key]) === sel.value
  );
  if (i < 0) throw new Error(LOOKUP_FAILED);
  list.splice(i, 1);
}

/**
 * Applies a selector to a matching document. Returns "zeroed" when the whole document must go.
 * Error texts follow upstream's ("patch delete: path '...' in document '...': ...").
 */
export function applyDelete(
  schema: Schema,
  doc: ConfigDocument,
  sel: DeleteSelector,
): "zeroed" | "ok" {
  const apiVersion = doc.kind === "v1alpha1" ? "" : String(doc.data.apiVersion ?? "");
  const p = sel.path.join(".");
  const wrapErr = (msg: string) => {
    if (sel.name !== "") {
      return new PatchDeleteError(`named patch delete: document ${apiVersion}/${doc.kind}: ${msg}`);
    }
    return new PatchDeleteError(
      `patch delete: path '${p}' in document '${apiVersion}/${doc.kind}': ${msg}`,
    );
  };
  if (sel.kind !== doc.kind || sel.apiVersion !== apiVersion) {
    throw wrapErr(`incorrect document type for ${sel.apiVersion}/${sel.kind}`);
  }
  if (sel.path.length === 0) {
    if (doc.kind === "v1alpha1") throw wrapErr("can't delete the root of the legacy document");
    return "zeroed";
  }
  const def = kindDef(schema, doc.kind);
  if (!def) throw wrapErr(`unknown document kind ${doc.kind}`);
  try {
    deleteAt(
      schema,
      doc.data,
      { t: { kind: "struct", name: def.struct }, pointer: false },
      sel.path,
      sel,
    );
  } catch (e) {
    throw wrapErr(`failed to delete path '${p}': ${(e as Error).message}`);
  }
  return "ok";
}
