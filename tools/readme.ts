// Regenerates the command table of README.md (between the commands:start/end markers) from the
// command tree. `deno task readme` rewrites it; `--check` exits 1 when README.md is stale.

import { root } from "../commands/mod.ts";
import { flatten, loadTree, type TreeNode } from "../commands/tree.ts";

const START = "<!-- commands:start -->";
const END = "<!-- commands:end -->";

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The Markdown table: one row per visible command, depth-first, sorted by name. */
export function commandTable(tree: TreeNode): string {
  const rows = flatten(tree).filter((n) => n.path !== "talosctl" && !hiddenPath(tree, n));
  const body = rows.map((n) => [
    `\`${cell(usePath(n))}\``,
    cell((n.entry.aliases ?? []).join(", ")),
    cell(n.spec.short),
  ]);
  // Columns padded as `deno fmt` lays Markdown tables out, so the check and fmt agree.
  const all = [["Command", "Aliases", "Description"], ...body];
  const widths = [0, 1, 2].map((i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(all[0]), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function usePath(n: TreeNode): string {
  const parent = n.path.split(" ").slice(0, -1).join(" ");
  return `${parent} ${n.spec.use}`;
}

function hiddenPath(tree: TreeNode, node: TreeNode): boolean {
  const walk = (n: TreeNode, hidden: boolean): boolean | undefined => {
    const h = hidden || !!n.spec.hidden;
    if (n === node) return h;
    for (const c of n.children) {
      const r = walk(c, h);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(tree, false) ?? false;
}

/** README text with the table between the markers replaced. */
export function withTable(readme: string, table: string): string {
  const a = readme.indexOf(START), b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} / ${END} markers`);
  return readme.slice(0, a + START.length) + "\n\n" + table + "\n\n" + readme.slice(b);
}

export async function renderReadme(readmePath: string): Promise<{ old: string; next: string }> {
  const old = await Deno.readTextFile(readmePath);
  return { old, next: withTable(old, commandTable(await loadTree(root))) };
}

if (import.meta.main) {
  const path = new URL("../README.md", import.meta.url).pathname;
  const { old, next } = await renderReadme(path);
  if (Deno.args.includes("--check")) {
    if (old !== next) {
      console.error("README.md command table is stale: run `deno task readme`");
      Deno.exit(1);
    }
  } else if (old !== next) {
    await Deno.writeTextFile(path, next);
    console.error("README.md command table updated");
  }
}
