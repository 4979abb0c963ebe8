// The project's one way into the `yaml` package's parser for Go-read files (machine configs,
// patches, secrets bundles, talosconfig): documents come back with
// - aliases expanded as go-yaml's decoder expands them, with its guard against alias bombs
//   ("document contains excessive aliasing") and self-containing anchors;
// - error messages fit for users: the parser's stack overflow on very deep nesting becomes a
//   plain message, and bytes that are not printable are escaped, never echoed raw.

import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isSeq,
  type LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";

export interface ParseOptions {
  schema?: "failsafe" | "core" | "yaml-1.1" | "json";
  uniqueKeys?: boolean;
  lineCounter?: LineCounter;
  keepSourceTokens?: boolean;
}

/** go-yaml's alias budget: the share of decoded nodes that may come from alias expansion. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000, high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.10;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

class AliasError extends Error {}

/** Escapes what a terminal should not receive raw, the way Go's %q shows such bytes. */
export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\t" || (cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp !== 0xfffd)) {
      out += ch;
    } else if (cp === 0xfffd) out += "\\ufffd";
    else out += cp < 0x100 ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u${cp.toString(16)}`;
  }
  return out;
}

/** A parser error message in one line, in words a user can act on. */
export function yamlMessage(message: string): string {
  const first = message.split("\n")[0];
  if (first.includes("Maximum call stack size exceeded")) {
    return "the document is nested too deeply to be read";
  }
  if (first.startsWith("Source contains multiple documents")) {
    return "expected one YAML document, found several";
  }
  return printable(first);
}

/**
 * Checks a document's aliases as go-yaml's decoder does while decoding: it counts every node
 * decoded (aliased content once per use) and how many of them came through an alias, and fails
 * when aliasing dominates (an alias bomb) or an anchor's value contains an alias to itself.
 * Nothing is built, so a bomb costs no memory.
 */
function checkAliases(doc: Document): void {
  const anchors = new Map<string, Node>();
  /** Anchored nodes being decoded: an alias to one of them is inside its own value. */
  const open = new Set<Node>();
  let decoded = 0;
  let aliased = 0;
  const visit = (node: unknown, aliasDepth: number): void => {
    decoded++;
    if (aliasDepth > 0) aliased++;
    if (aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) {
      throw new AliasError("document contains excessive aliasing");
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) throw new AliasError(`unknown anchor '${node.source}' referenced`);
      if (open.has(target)) throw new AliasError(`anchor '${node.source}' value contains itself`);
      open.add(target);
      visitChildren(target, aliasDepth + 1);
      open.delete(target);
      return;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (!anchor) return visitChildren(node, aliasDepth);
    anchors.set(anchor, node as Node);
    open.add(node as Node);
    visitChildren(node, aliasDepth);
    open.delete(node as Node);
  };
  const visitChildren = (node: unknown, aliasDepth: number): void => {
    if (!isMap(node) && !isSeq(node)) return;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        visit(item.key, aliasDepth);
        if (item.value !== null) visit(item.value, aliasDepth);
      } else {
        visit(item, aliasDepth);
      }
    }
  };
  if (doc.contents) visit(doc.contents, 0);
}

/** Replaces every alias by a copy of its anchor's value (after checkAliases passed). */
function expandAliases(doc: Document): void {
  const anchors = new Map<string, Node>();
  const expand = (node: unknown): unknown => {
    if (isAlias(node)) {
      const copy = (anchors.get(node.source) as { clone(): Node }).clone();
      (copy as { anchor?: string }).anchor = undefined;
      return copy;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (isPair(item)) {
          item.key = expand(item.key);
          if (item.value !== null) item.value = expand(item.value);
        } else {
          items[i] = expand(item);
        }
      }
    }
    // Registered after its content: an anchor's value cannot refer to itself (checked above).
    if (anchor) anchors.set(anchor, node as Node);
    return node;
  };
  if (doc.contents) doc.contents = expand(doc.contents) as typeof doc.contents;
}

/**
 * Parses every document of `text`. Syntax errors stay in each document's `errors` (first one
 * first) with their message made readable; an alias problem is added there too, as
 * `yaml: <what>` like go-yaml says it.
 */
export function parseYaml(text: string, opts: ParseOptions = {}): Document.Parsed[] {
  let parsed: Document.Parsed[] | { empty: true };
  try {
    parsed = parseAllDocuments(text, opts) as unknown as Document.Parsed[] | { empty: true };
  } catch (e) {
    if (e instanceof RangeError) {
      throw new Error("yaml: the document is nested too deeply to be read");
    }
    throw e;
  }
  if (!Array.isArray(parsed)) return [];
  for (const doc of parsed) {
    for (const err of doc.errors) err.message = yamlMessage(err.message);
    if (doc.errors.length > 0) continue;
    try {
      checkAliases(doc);
      expandAliases(doc);
    } catch (e) {
      if (e instanceof RangeError) {
        doc.errors.push(depthError(doc));
      } else if (e instanceof AliasError) {
        doc.errors.push(aliasError(doc, e.message));
      } else throw e;
    }
  }
  return parsed;
}

function depthError(doc: Document) {
  return aliasError(doc, "the document is nested too deeply to be read");
}

function aliasError(doc: Document, message: string) {
  // Shaped as the parser's own errors, which callers already report.
  const err = Object.assign(new Error(message), {
    name: "YAMLParseError",
    code: "BAD_ALIAS",
    pos: [doc.range?.[0] ?? 0, doc.range?.[1] ?? 0] as [number, number],
  });
  return err as unknown as Document["errors"][number];
}
