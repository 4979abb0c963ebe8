// Documentation and example comments for generated machine configs (--with-docs,
// --with-examples): documented scalars get a comment after the value, sections a comment
// above the key; examples of empty fields are written as commented-out YAML after the field
// (or, for fields left out, after the section's last field). Texts are in docs_text.ts.

import type { StructDecorator } from "./encode.ts";
import { valueNode } from "./encode.ts";
import { DOCS, type FieldDoc } from "./docs_text.ts";
import { machineConfigSchema } from "./registry.ts";
import { fieldByKey } from "./schema.ts";
import { emitDocument, scalar, TALOS_YAML } from "../goyaml/mod.ts";

export interface CommentFlags {
  docs: boolean;
  examples: boolean;
}

function exampleText(struct: string, key: string, ex: NonNullable<FieldDoc["example"]>): string {
  const schema = machineConfigSchema();
  const field = fieldByKey(schema, struct, key);
  const value = field
    ? valueNode(schema, field.type, ex.value, !!field.pointer, {})
    : valueNode(schema, { kind: "any" }, ex.value, false, {});
  const yaml = emitDocument({ t: "map", entries: [[scalar(key), value]] }, TALOS_YAML).replace(
    /\n$/,
    "",
  );
  return `# ${ex.title}\n${yaml}`;
}

const append = (a: string | undefined, b: string) => (a ? `${a}\n\n${b}` : b);

/** A decorator adding our documentation/example comments to documented structs. */
export function commentDecorator(flags: CommentFlags): StructDecorator {
  return (struct, node) => {
    const docs = DOCS[struct];
    if (!docs) return;
    const whole = docs[""]?.doc;
    if (flags.docs && whole) node.head = whole;
    const present = new Set<string>();
    for (const [k, v] of node.entries) {
      present.add(k.value);
      const d = docs[k.value];
      if (!d) continue;
      if (flags.docs && d.doc) {
        if (v.t === "scalar") v.line = d.doc;
        else k.head = d.doc;
      }
      const empty = v.t === "seq"
        ? v.items.length === 0
        : v.t === "map"
        ? v.entries.length === 0
        : v.value === "";
      if (flags.examples && d.example && empty) {
        k.foot = append(k.foot, exampleText(struct, k.value, d.example));
      }
    }
    if (!flags.examples || node.entries.length === 0) return;
    const last = node.entries[node.entries.length - 1][0];
    for (const [key, d] of Object.entries(docs)) {
      if (key !== "" && d.example && !present.has(key)) {
        last.foot = append(last.foot, exampleText(struct, key, d.example));
      }
    }
  };
}
