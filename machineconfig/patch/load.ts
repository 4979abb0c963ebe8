// Loading `--patch` / `--config-patch` values: `@file` or inline text (a bare word without spaces
// or newlines is taken as a file name too, as upstream does). Each text is, in this order:
//   1. a strategic-merge patch: machine-config documents (possibly several, possibly with
//      `$patch: delete`), decoded strictly against the schema;
//   2. an RFC 6902 JSON patch written as JSON;
//   3. an RFC 6902 JSON patch written as a YAML list of {op, path, value, from} maps;
// otherwise the JSON error is reported when the text starts with `[`, else the config error.
// Consecutive JSON patches are concatenated. An empty patch (blank or comments only) is a no-op.

import { isMap, isScalar, isSeq, type Node } from "yaml";
import { parseYaml } from "../../goyaml/parse.ts";
import type { ConfigDocument, Schema } from "../schema.ts";
import { ConfigDecodeError, decodeDocument, documentHeader, parseYamlDocuments } from "./decode.ts";
import { type DeleteSelector, extractDeletes } from "./delete.ts";
import type { Json, Operation } from "./jsonpatch.ts";
import { yamlToJson } from "./yamlv2.ts";

export type PatchPart =
  | { type: "delete"; selector: DeleteSelector }
  | { type: "document"; doc: ConfigDocument; id: string };

export interface StrategicPatch {
  type: "strategic";
  /** Where the patch came from (file path or "inline patch #n"), for error messages. */
  source: string;
  parts: PatchPart[];
}

export interface JsonPatch {
  type: "json6902";
  source: string;
  ops: Operation[];
}

export type Patch = StrategicPatch | JsonPatch;

export class PatchLoadError extends Error {
  override name = "PatchLoadError";
}

/** Identity used to pair patch documents with config documents: apiVersion/kind[/name]. */
export function partId(apiVersion: string, kind: string, name: string): string {
  return name === "" ? `${apiVersion}/${kind}` : `${apiVersion}/${kind}/${name}`;
}

function loadStrategic(schema: Schema, text: string, source: string): StrategicPatch {
  const { docs, lines } = parseYamlDocuments(text, source);
  const parts: PatchPart[] = [];
  for (const d of docs) {
    let sels: DeleteSelector[], empty: boolean;
    try {
      ({ selectors: sels, empty } = extractDeletes(d.node));
    } catch (e) {
      throw new ConfigDecodeError(
        `${source}: error processing patch delete statements at line ${d.line}: ${
          (e as Error).message
        }`,
      );
    }
    for (const selector of sels) parts.push({ type: "delete", selector });
    if (d.node === null || empty || isNullScalar(d.node)) continue;
    if (!isMap(d.node)) {
      throw new ConfigDecodeError(`${source}: expected a YAML document at line ${d.line}`);
    }
    const doc = decodeDocument(schema, d.node, lines, source, d.line);
    const h = documentHeader(d.node);
    const kindDefName = schema.kinds.find((k) => k.kind === doc.kind);
    const name = kindDefName?.nameField ? String(doc.data[kindDefName.nameField] ?? "") : "";
    parts.push({
      type: "document",
      doc,
      id: partId(doc.kind === "v1alpha1" ? "" : h.apiVersion, doc.kind, name),
    });
  }
  if (parts.length === 0) throw new ConfigDecodeError(`${source}: config not found`);
  return { type: "strategic", source, parts };
}

function isNullScalar(n: Node): boolean {
  if (!isScalar(n)) return false;
  const v = n.value;
  return v === null || v === "" || v === "null" || v === "~";
}

/** Go's json error texts for the few shapes a mistaken JSON patch usually has. */
function decodeJsonPatch(text: string): Operation[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    if (text.trim() === "") throw new Error("unexpected end of JSON input");
    throw new Error(`invalid JSON: ${msg}`);
  }
  if (!Array.isArray(v)) {
    throw new Error(
      `json: cannot unmarshal ${
        v === null ? "null" : typeof v === "object" ? "object" : typeof v
      } into Go value of type jsonpatch.Patch`,
    );
  }
  for (const op of v) {
    if (typeof op !== "object" || Array.isArray(op)) {
      throw new Error(
        `json: cannot unmarshal ${
          Array.isArray(op) ? "array" : typeof op
        } into Go value of type jsonpatch.Operation`,
      );
    }
  }
  return v as Operation[];
}

function decodeYamlPatch(text: string): Operation[] | null {
  const docs = parseYaml(text);
  if (docs.length === 0) return [];
  const first = docs[0];
  if (first.errors.length > 0) return null;
  const node = first.contents as Node | null;
  if (node === null) return [];
  if (!isSeq(node)) return null;
  if (!node.items.every((i) => isMap(i))) return null;
  // Values go through JSON, read as Go's YAML library reads them.
  const json = yamlToJson(first.toString());
  return (json as Json[]).map((m) => m as Operation);
}

/** True when a patch text holds nothing: blank, comments and document markers only. */
export function isEmptyPatch(text: string): boolean {
  return text.split("\n").every((l) => {
    const t = l.trim();
    return t === "" || t.startsWith("#") || t === "---" || t === "...";
  });
}

/** Loads one patch text. Returns null for an empty patch (a no-op). */
export function loadPatch(schema: Schema, text: string, source: string): Patch | null {
  if (isEmptyPatch(text)) return null;
  let strategicErr: Error;
  try {
    return loadStrategic(schema, text, source);
  } catch (e) {
    strategicErr = e as Error;
  }
  let jsonErr: Error;
  try {
    return { type: "json6902", source, ops: decodeJsonPatch(text) };
  } catch (e) {
    jsonErr = e as Error;
  }
  let ops: Operation[] | null = null;
  try {
    ops = decodeYamlPatch(text);
  } catch {
    ops = null;
  }
  if (ops !== null) return { type: "json6902", source, ops };
  if (text.trim().startsWith("[")) {
    throw new PatchLoadError(`${source}: ${jsonErr.message}`);
  }
  throw strategicErr;
}

export interface LoadOptions {
  schema: Schema;
  /** Reads a patch file (path as given, relative to the working directory). */
  readFile: (path: string) => Promise<string>;
}

/** Loads every patch value in order, concatenating consecutive JSON patches. */
export async function loadPatches(values: string[], opts: LoadOptions): Promise<Patch[]> {
  const out: Patch[] = [];
  let n = 0;
  for (const value of values) {
    n++;
    let text: string;
    let source: string;
    if (value.startsWith("@")) {
      source = value.slice(1);
      text = await opts.readFile(source);
    } else if (!/[\n ]/.test(value) && !value.startsWith("[") && !value.startsWith("{")) {
      source = value;
      text = await opts.readFile(source);
    } else {
      source = `inline patch #${n}`;
      text = value;
    }
    const p = loadPatch(opts.schema, text, source);
    if (p === null) continue;
    const last = out[out.length - 1];
    if (p.type === "json6902" && last?.type === "json6902") {
      last.ops.push(...p.ops);
      last.source = `${last.source}, ${p.source}`;
    } else {
      out.push(p);
    }
  }
  return out;
}
