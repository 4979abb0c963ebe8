// A resource's YAML as the resources screen shows it: the document walked node by node, two
// spaces a level, keys cyan, strings green (quoted as written), numbers, booleans and nulls
// yellow; block scalars keep their lines.

import { isMap, isScalar, isSeq, parseDocument, type Scalar } from "yaml";
import { colored, type Line, seg } from "./canvas.ts";
import { resolvePlain } from "../resources/yaml_values.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

function scalarLines(node: Scalar): Line[] {
  const text = String(node.value ?? "");
  switch (node.type) {
    case "QUOTE_DOUBLE":
      return [[colored("green", `"${text}"`)]];
    case "QUOTE_SINGLE":
      return [[colored("green", `'${text}'`)]];
    case "BLOCK_LITERAL":
    case "BLOCK_FOLDED": {
      const lines = text.replace(/\n$/, "").split("\n");
      return [
        [colored("green", node.type === "BLOCK_LITERAL" ? "|" : ">")],
        ...lines.map((l) => [colored("green", l)]),
      ];
    }
    default: {
      const source = String(node.source ?? node.value ?? "");
      const v = resolvePlain(source);
      return [[colored(typeof v === "string" ? "green" : "yellow", source)]];
    }
  }
}

/** Appends `first` to the last line and the rest as lines of their own. */
function append(out: Line[], lines: Line[]): void {
  const [first, ...rest] = lines;
  out[out.length - 1].push(...first);
  out.push(...rest);
}

function walk(node: Node, indent: number, out: Line[], dashFirst: boolean): void {
  const prefix = "  ".repeat(indent);
  if (isMap(node)) {
    node.items.forEach((pair: Node, i: number) => {
      const lead = dashFirst && i === 0 ? prefix + "- " : dashFirst ? prefix + "  " : prefix;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out.push([seg(lead), colored("cyan", key), seg(":")]);
      const v = pair.value;
      const inner = dashFirst ? indent + 2 : indent + 1;
      if (isScalar(v)) {
        out[out.length - 1].push(seg(" "));
        append(out, scalarLines(v));
      } else if (isMap(v) || isSeq(v)) walk(v, inner, out, false);
    });
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isScalar(item)) {
        out.push([seg(prefix + "- ")]);
        append(out, scalarLines(item));
      } else if (isMap(item) && item.items.length > 0) walk(item, indent, out, true);
      else {
        out.push([seg(prefix + "-")]);
        walk(item, indent + 1, out, false);
      }
    }
  } else if (isScalar(node)) {
    out.push([seg(prefix)]);
    append(out, scalarLines(node));
  }
}

/** The document's lines, colored. */
export function yamlView(text: string): Line[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return text.replace(/\n$/, "").split("\n").map((l) => [seg(l)]);
  const out: Line[] = [];
  walk(doc.contents, 0, out, false);
  return out;
}
