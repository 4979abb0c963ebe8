// The machine-config schema and in-memory document model.
//
// A machine config is a sequence of documents. Each document is plain data (`Value`): JS objects,
// arrays, strings, numbers, booleans and null, keyed by YAML key. Field ORDER is not carried by the
// data: the encoder (machineconfig/encode.ts) always walks the schema, so patching code may build
// or mutate objects in any key order and still get Talos's canonical field order on output.
//
// Go-to-JS conventions of the model (what the encoder relies on):
//   - a key that is absent (or `undefined`) is Go's nil / zero value: omitted when the field is
//     `omitEmpty`, otherwise rendered as Go's zero value (`""`, `0`, `false`, `[]`, `{}`, `null`
//     for pointers to structs);
//   - a present empty object `{}` or array `[]` is a non-nil empty map/slice/struct pointer:
//     for a `pointer` field it is kept even under omitEmpty (Go omits only nil pointers);
//   - custom scalars (durations, URLs, base64 bytes, prefixes) are stored as the strings a user
//     writes; their `codec` normalises them when encoding (e.g. duration "168h" -> "168h0m0s");
//   - free-form sections (`any`, Go's meta.Unstructured / map[string]any) are stored as is and
//     encoded with map keys sorted the way Go's YAML encoder sorts them.
//
// Documents: the legacy root document (`version: v1alpha1`, no `kind`) has kind "v1alpha1";
// every other document carries `apiVersion` and `kind` in its data and is identified by
// kind (+ `name` for named kinds). See `DocumentKindDef`.
//
// Merge hints (for strategic-merge patches, machineconfig/patch/): by default maps merge key by
// key, structs field by field, lists append; `merge: "replace"` replaces a list/section
// wholesale; `mergeKey` on a list merges items whose key fields are equal.

/** A value of the document model. */
export type Value = string | number | boolean | null | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

/** Named custom scalar encodings (Go types with their own YAML marshaller). */
export type Codec =
  | "duration" // Go time.Duration: "1h2m3s" (normalised to Go's String())
  | "url" // a URL kept as text
  | "base64" // []byte rendered as standard base64 text
  | "prefix" // netip.Prefix text
  | "addr" // netip.Addr text
  | "text"; // any other TextMarshaler rendered as a string

export type FieldType =
  | { kind: "string" }
  | { kind: "int" }
  | { kind: "uint" }
  | { kind: "float" }
  | { kind: "bool" }
  | { kind: "struct"; name: string } // a StructDef in the registry
  | { kind: "list"; of: FieldType; mergeKey?: string[] }
  | { kind: "map"; of: FieldType } // string keys, sorted on output
  | { kind: "any" } // free-form YAML (Go any / meta.Unstructured)
  | { kind: "custom"; codec: Codec }; // scalar with a custom text form

export interface FieldDef {
  /** YAML key. */
  key: string;
  type: FieldType;
  /** Go `omitempty`: omitted when nil/zero (see the model conventions above). */
  omitEmpty?: boolean;
  /** Go pointer (or interface): nil is distinct from the zero value. */
  pointer?: boolean;
  /** Go `,inline`: the struct's fields are written at this level. */
  inline?: boolean;
  /** Strategic-merge hint: replace instead of merging. */
  merge?: "replace";
  /** Deprecated in upstream (still accepted and encoded). */
  deprecated?: boolean;
  /** Go's name of the field's type (reflect.Type.String), when `type` does not spell it. */
  goType?: string;
}

export interface StructDef {
  name: string;
  fields: FieldDef[];
}

/** A document kind: how it is recognised and which struct describes it. */
export interface DocumentKindDef {
  /** `kind:` value; "v1alpha1" for the legacy root document. */
  kind: string;
  /** `apiVersion:` value ("" for the legacy document, which uses `version:`). */
  apiVersion: string;
  /** Root struct name in the registry. */
  struct: string;
  /** Field holding the document's name, for kinds that may appear several times. */
  nameField?: string;
}

/** One document of a machine config. */
export interface ConfigDocument {
  /** Kind as in DocumentKindDef.kind ("v1alpha1" for the legacy root document). */
  kind: string;
  /** The document body, including `apiVersion`/`kind` (or `version`) keys. */
  data: ValueMap;
}

/** The schema registry: struct definitions and document kinds. */
export interface Schema {
  structs: Record<string, StructDef>;
  kinds: DocumentKindDef[];
}

export function isValueMap(v: unknown): v is ValueMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Finds a document kind by `kind` (legacy root: "v1alpha1"). */
export function kindDef(schema: Schema, kind: string): DocumentKindDef | undefined {
  return schema.kinds.find((k) => k.kind === kind);
}

/** Resolves a struct by name; throws on a registry bug (never on user input). */
export function structDef(schema: Schema, name: string): StructDef {
  const s = schema.structs[name];
  if (!s) throw new Error(`machine config schema: unknown struct ${name}`);
  return s;
}

/** Looks up a field of a struct (following inlined structs) by YAML key. */
export function fieldByKey(schema: Schema, struct: string, key: string): FieldDef | undefined {
  for (const f of structDef(schema, struct).fields) {
    if (f.inline && f.type.kind === "struct") {
      const inner = fieldByKey(schema, f.type.name, key);
      if (inner) return inner;
    } else if (f.key === key) {
      return f;
    }
  }
  return undefined;
}
