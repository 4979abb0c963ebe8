// The canonical machine-config encoder: walks each document with its schema (field order,
// omitempty, zero values, custom scalars) and writes YAML exactly as Talos's encoder does with
// comments disabled; documents are joined with `---`. Documentation comments are added by
// machineconfig/docs.ts when requested.

import {
  type ConfigDocument,
  type FieldDef,
  type FieldType,
  isValueMap,
  kindDef,
  type Schema,
  structDef,
  type Value,
  type ValueMap,
} from "./schema.ts";
import { machineConfigSchema } from "./registry.ts";
import {
  emitDocument,
  formatGoFloat,
  type MapNode,
  scalar,
  TALOS_YAML,
  type YamlNode,
} from "../goyaml/mod.ts";
import { normalizeDuration } from "./go_format.ts";

/**
 * Map keys in the order Talos's config encoder writes them: it sorts a map's keys itself with a
 * plain byte-wise string comparison (not yaml.v3's digit-aware order), so "a10" precedes "a9"
 * and "B" precedes "_". Comparing code points is comparing UTF-8 bytes.
 */
export function sortMapKeys(keys: string[]): string[] {
  const cmp = (a: string, b: string): number => {
    const ar = [...a], br = [...b];
    for (let i = 0; i < ar.length && i < br.length; i++) {
      const d = ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
      if (d !== 0) return d;
    }
    return ar.length - br.length;
  };
  return [...keys].sort(cmp);
}

/** Hook used by the documentation layer: decorates a struct's key nodes with comments. */
export type StructDecorator = (
  struct: string,
  node: MapNode,
  value: ValueMap,
) => void;

export interface EncodeOptions {
  decorate?: StructDecorator;
}

/** True when Go's YAML encoder treats the value as empty for `omitempty`. */
export function isZeroValue(
  schema: Schema,
  f: FieldDef | FieldType,
  v: Value | undefined,
): boolean {
  if (v === undefined || v === null) return true;
  const type = "type" in f ? f.type : f;
  if ("type" in f && f.pointer) return false;
  switch (type.kind) {
    case "string":
    case "custom":
      return v === "" || (type.kind === "custom" && type.codec === "duration" && v === 0);
    case "int":
    case "uint":
    case "float":
      return v === 0;
    case "bool":
      return v === false;
    case "list":
      return Array.isArray(v) && v.length === 0;
    case "map":
      return isValueMap(v) && Object.keys(v).length === 0;
    case "any":
      return (isValueMap(v) && Object.keys(v).length === 0);
    case "struct": {
      if (!isValueMap(v)) return false;
      return structDef(schema, type.name).fields.every((sf) =>
        isZeroValue(schema, sf, sf.inline ? v : v[sf.key])
      );
    }
  }
}

function anyNode(v: Value | undefined): YamlNode {
  if (v === undefined || v === null) return scalar("null", "plain");
  if (typeof v === "string") return scalar(v);
  if (typeof v === "boolean") return scalar(String(v), "plain");
  if (typeof v === "number") {
    return scalar(Number.isInteger(v) ? String(v) : formatGoFloat(v), "plain");
  }
  if (Array.isArray(v)) return { t: "seq", items: v.map(anyNode) };
  return {
    t: "map",
    entries: sortMapKeys(Object.keys(v)).map((k) => [scalar(k), anyNode(v[k])]),
  };
}

function zeroNode(schema: Schema, type: FieldType, pointer: boolean, o: EncodeOptions): YamlNode {
  switch (type.kind) {
    case "string":
      return scalar("");
    case "int":
    case "uint":
    case "float":
      return scalar("0", "plain");
    case "bool":
      return scalar("false", "plain");
    case "list":
      return { t: "seq", items: [] };
    case "map":
      return { t: "map", entries: [] };
    case "custom":
      return type.codec === "duration" ? scalar("0s", "plain") : scalar("");
    case "any":
      return scalar("null", "plain");
    case "struct":
      return pointer ? scalar("null", "plain") : structNode(schema, type.name, {}, o);
  }
}

export function valueNode(
  schema: Schema,
  type: FieldType,
  v: Value | undefined,
  pointer: boolean,
  o: EncodeOptions,
): YamlNode {
  if (v === undefined || v === null) return zeroNode(schema, type, pointer, o);
  switch (type.kind) {
    case "string":
      // Go decodes a YAML number or boolean into a string field as its text.
      if (typeof v === "number" || typeof v === "boolean") return scalar(String(v));
      return typeof v === "string" ? scalar(v) : anyNode(v);
    case "int":
    case "uint":
    case "float":
    case "bool":
      return anyNode(v);
    case "custom":
      if (type.codec === "duration" && (typeof v === "string" || typeof v === "number")) {
        return scalar(normalizeDuration(v));
      }
      if (typeof v === "number" || typeof v === "boolean") return scalar(String(v));
      return typeof v === "string" ? scalar(v) : anyNode(v);
    case "any":
      return anyNode(v);
    case "list":
      if (!Array.isArray(v)) return anyNode(v);
      return { t: "seq", items: v.map((item) => valueNode(schema, type.of, item, true, o)) };
    case "map":
      if (!isValueMap(v)) return anyNode(v);
      return {
        t: "map",
        entries: sortMapKeys(Object.keys(v)).map((
          k,
        ) => [scalar(k), valueNode(schema, type.of, v[k], true, o)]),
      };
    case "struct":
      return isValueMap(v) ? structNode(schema, type.name, v, o) : anyNode(v);
  }
}

export function structNode(
  schema: Schema,
  name: string,
  v: ValueMap,
  o: EncodeOptions,
): MapNode {
  const node: MapNode = { t: "map", entries: [] };
  for (const f of structDef(schema, name).fields) {
    if (f.inline) {
      if (f.type.kind === "struct") {
        node.entries.push(...structNode(schema, f.type.name, v, o).entries);
      }
      continue;
    }
    const fv = v[f.key];
    if (f.omitEmpty && isZeroValue(schema, f, fv)) continue;
    node.entries.push([scalar(f.key), valueNode(schema, f.type, fv, !!f.pointer, o)]);
  }
  o.decorate?.(name, node, v);
  return node;
}

/** The YAML node tree of one document (unknown kinds are written as free-form data). */
export function documentNode(schema: Schema, doc: ConfigDocument, o: EncodeOptions = {}): YamlNode {
  const def = kindDef(schema, doc.kind);
  if (!def) return anyNode(doc.data);
  return structNode(schema, def.struct, doc.data, o);
}

/** Encodes a machine config (its documents in order) to YAML text. */
export function encodeConfig(docs: ConfigDocument[], o: EncodeOptions = {}): string {
  const schema = machineConfigSchema();
  return docs.map((d) => emitDocument(documentNode(schema, d, o), TALOS_YAML)).join("---\n");
}
