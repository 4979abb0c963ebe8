// The cgroup tree as talosctl draws it: one row per cgroup, the name indented under its parent
// with box-drawing edges, then the schema's columns rendered for it.

import type { CgNode } from "./tree.ts";
import { GoTemplate } from "../../gofmt/template.ts";
import type { Column } from "./presets.ts";

export class Schema {
  readonly #templates: GoTemplate[];
  constructor(readonly columns: Column[]) {
    this.#templates = columns.map((c) => new GoTemplate(c.name, c.template));
  }

  headerLine(): string {
    return this.columns.map((c) => c.name).join("\t");
  }

  render(data: unknown): string {
    return this.#templates.map((t) => t.execute(data)).join("\t");
  }
}

const INDENT = 3;

/** Appends the rows of `node` and its subtree to `out`. */
export function printNode(
  out: string[],
  name: string,
  schema: Schema,
  node: CgNode,
  parent: CgNode | null,
  level: number,
  levelsEnded: number[],
  lastNode: boolean,
  treeRoot: boolean,
): void {
  let prefix = "";
  for (let i = 0; i < level; i++) {
    prefix += levelsEnded.includes(i) ? " ".repeat(INDENT + 1) : "│" + " ".repeat(INDENT);
  }
  const edge = treeRoot ? "" : lastNode ? "└──" : "├──";
  // The template sees the node's fields and methods, and .Parent (nil for the root).
  const data = Object.assign(Object.create(Object.getPrototypeOf(node)), node, {
    goType: "struct { *cgroups.Node; Parent *cgroups.Node }",
    Parent: parent,
  });
  out.push(`${prefix}${edge}${name}\t${schema.render(data)}\n`);
  const ended = lastNode ? [...levelsEnded, level] : levelsEnded;
  const next = treeRoot ? level : level + 1;
  const children = node.sortedChildren();
  children.forEach((child, i) => {
    printNode(
      out,
      child,
      schema,
      node.Children.get(child)!,
      node,
      next,
      ended,
      i === children.length - 1,
      false,
    );
  });
}
