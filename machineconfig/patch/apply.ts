// Applying loaded patches to a machine config, in order. The config travels either as documents
// (after a strategic merge) or as bytes (after a JSON patch, or untouched input), converting only
// when the next patch needs the other form, as upstream does: a strategic merge on bytes decodes
// them strictly; a JSON patch on documents encodes them canonically (no comments) first.

import { type ConfigDocument, kindDef, type Schema } from "../schema.ts";
import { decodeConfig } from "./decode.ts";
import { applyDelete } from "./delete.ts";
import { applyJsonPatch, type Json } from "./jsonpatch.ts";
import { type JsonPatch, partId, type Patch, type StrategicPatch } from "./load.ts";
import { mergeStruct } from "./merge.ts";
import { yamlToJson } from "./yamlv2.ts";
import { emitYamlV2, type JsonValue } from "../../goyaml/emit_v2.ts";
import { parseYaml } from "../../goyaml/parse.ts";

export class PatchApplyError extends Error {
  override name = "PatchApplyError";
}

/** A config in either form. */
export type ConfigState =
  | { form: "docs"; docs: ConfigDocument[] }
  | { form: "bytes"; text: string; source: string };

export interface ApplyOptions {
  schema: Schema;
  /** The canonical encoder (comments disabled). */
  encode: (docs: ConfigDocument[]) => string;
}

function docId(schema: Schema, doc: ConfigDocument): string {
  const def = kindDef(schema, doc.kind);
  const apiVersion = doc.kind === "v1alpha1" ? "" : String(doc.data.apiVersion ?? "");
  const name = def?.nameField ? String(doc.data[def.nameField] ?? "") : "";
  return partId(apiVersion, doc.kind, name);
}

/** Strategic merge of a patch's documents into a copy of `docs`. */
export function strategicMerge(
  schema: Schema,
  docs: ConfigDocument[],
  patch: StrategicPatch,
): ConfigDocument[] {
  const left = structuredClone(docs);
  for (const part of patch.parts) {
    if (part.type === "delete") {
      const s = part.selector;
      const id = partId(s.apiVersion, s.kind, s.name);
      const i = left.findIndex((d) => docId(schema, d) === id);
      if (i < 0) continue; // deleting an absent document is not an error
      try {
        if (applyDelete(schema, left[i], s) === "zeroed") left.splice(i, 1);
      } catch (e) {
        throw new PatchApplyError(`${patch.source}: ${(e as Error).message}`);
      }
      continue;
    }
    const target = left.find((d) => docId(schema, d) === part.id);
    if (!target) {
      left.push(structuredClone(part.doc));
      continue;
    }
    const def = kindDef(schema, target.kind);
    if (!def) continue;
    try {
      mergeStruct(schema, def.struct, target.data, structuredClone(part.doc.data));
    } catch (e) {
      throw new PatchApplyError(
        `${patch.source}: document ${part.id}: ${(e as Error).message}`,
      );
    }
  }
  return left;
}

function countDocuments(text: string): number {
  return parseYaml(text).filter((d) => d.contents !== null).length;
}

/** JSON 6902 on a single-document config's text; the result is re-written in v2 YAML style. */
export function json6902(text: string, patch: JsonPatch): string {
  if (countDocuments(text) !== 1) {
    throw new PatchApplyError(
      "JSON6902 patches are not supported for multi-document machine configuration",
    );
  }
  let json: Json;
  try {
    json = yamlToJson(text);
  } catch (e) {
    throw new PatchApplyError(
      `failure converting talos machine config to json: ${(e as Error).message}`,
    );
  }
  let patched: Json;
  try {
    patched = applyJsonPatch(json, patch.ops);
  } catch (e) {
    throw new PatchApplyError(
      `${patch.source}: failure applying rfc6902 patches to talos machine config: ${
        (e as Error).message
      }`,
    );
  }
  return emitYamlV2(patched as JsonValue);
}

function decodeInput(schema: Schema, state: { text: string; source: string }): ConfigDocument[] {
  const docs = decodeConfig(schema, state.text, state.source);
  if (docs.length === 0) throw new PatchApplyError(`${state.source}: config not found`);
  return docs;
}

/** Applies patches in order. With no patches the input is returned as it came. */
export function applyPatches(
  input: ConfigState,
  patches: Patch[],
  opts: ApplyOptions,
): ConfigState {
  let state = input;
  for (const p of patches) {
    if (p.type === "json6902") {
      const text = state.form === "bytes" ? state.text : opts.encode(state.docs);
      state = { form: "bytes", text: json6902(text, p), source: "patched config" };
    } else {
      const docs = state.form === "docs" ? state.docs : decodeInput(opts.schema, state);
      state = { form: "docs", docs: strategicMerge(opts.schema, docs, p) };
    }
  }
  return state;
}

/** The config as text: encoded documents, or the bytes as they are. */
export function stateText(state: ConfigState, opts: ApplyOptions): string {
  return state.form === "bytes" ? state.text : opts.encode(state.docs);
}

/** The config as documents: bytes are decoded strictly. */
export function stateDocs(state: ConfigState, schema: Schema): ConfigDocument[] {
  return state.form === "docs" ? state.docs : decodeConfig(schema, state.text, state.source);
}
