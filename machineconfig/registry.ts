// The machine-config schema registry: expands the compact rows of schema_data.ts (derived from
// upstream's type definitions by tools/extract_schema.ts) into the typed `Schema` of schema.ts.

import type { Codec, FieldDef, FieldType, Schema, StructDef } from "./schema.ts";
import { KINDS, STRUCTS } from "./schema_data.ts";

const PRIMITIVES = new Set(["string", "int", "uint", "float", "bool", "any"]);

/** Parses the compact type text: `*T`, `[]T[#key|key]`, `map[]T`, `@codec`, primitives, structs. */
export function parseType(text: string): FieldType {
  const t = text.startsWith("*") ? text.slice(1) : text;
  if (t.startsWith("[]")) {
    const [inner, keys] = t.slice(2).split("#");
    const list: FieldType = { kind: "list", of: parseType(inner) };
    if (keys) list.mergeKey = keys.split("|");
    return list;
  }
  if (t.startsWith("map[]")) return { kind: "map", of: parseType(t.slice(5)) };
  if (t.startsWith("@")) return { kind: "custom", codec: t.slice(1) as Codec };
  if (PRIMITIVES.has(t)) return { kind: t } as FieldType;
  return { kind: "struct", name: t };
}

function expand(name: string, rows: [string, string, string, string?][]): StructDef {
  const fields = rows.map(([key, type, flags, goType]): FieldDef => {
    const f: FieldDef = { key, type: parseType(type) };
    if (goType) f.goType = goType;
    if (flags.includes("o")) f.omitEmpty = true;
    if (flags.includes("p")) f.pointer = true;
    if (flags.includes("i")) f.inline = true;
    if (flags.includes("r")) f.merge = "replace";
    return f;
  });
  return { name, fields };
}

let cached: Schema | undefined;

/** The schema of every document kind upstream Talos defines (built once, on first use). */
export function machineConfigSchema(): Schema {
  if (cached) return cached;
  const structs: Record<string, StructDef> = {};
  for (const [name, rows] of Object.entries(STRUCTS)) structs[name] = expand(name, rows);
  cached = { structs, kinds: KINDS };
  return cached;
}
