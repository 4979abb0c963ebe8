// Walking the command tree: resolving a command path (for `help`) and loading every command
// (for shell completion and the README table). Loading is lazy everywhere else.

import {
  type Command,
  type CommandEntry,
  type CommandSpec,
  type FlagSpec,
  loadCommand,
} from "./spec.ts";

export interface TreeNode {
  entry: CommandEntry;
  spec: Command;
  /** "talosctl config add" */
  path: string;
  /** Persistent flags inherited from ancestors (as cobra merges them). */
  inherited: FlagSpec[];
  children: TreeNode[];
}

/** Flags a command passes down to its subcommands: its persistent flags over inherited ones. */
export function childInherited(spec: CommandSpec, inherited: FlagSpec[]): FlagSpec[] {
  const own = spec.persistentFlags ?? [];
  return [...own, ...inherited.filter((f) => !own.some((o) => o.name === f.name))];
}

/** Every flag a command accepts (own, own persistent, inherited), without -h/--help. */
export function allFlags(node: { spec: CommandSpec; inherited: FlagSpec[] }): FlagSpec[] {
  const own = [...(node.spec.flags ?? []), ...(node.spec.persistentFlags ?? [])];
  return [...own, ...node.inherited.filter((f) => !own.some((o) => o.name === f.name))];
}

export function rootEntry(root: Command): CommandEntry {
  return { name: "talosctl", short: root.short, load: () => Promise.resolve(root) };
}

/** Finds a subcommand by name or alias (hidden ones included, as cobra does). */
export function findEntry(spec: CommandSpec, word: string): CommandEntry | undefined {
  const subs = spec.subcommands ?? [];
  return subs.find((e) => e.name === word) ?? subs.find((e) => e.aliases?.includes(word));
}

/**
 * Follows `words` from the root as far as they name subcommands; returns the command reached
 * and the words left over.
 */
export async function resolvePath(
  root: Command,
  words: string[],
): Promise<{ node: Omit<TreeNode, "children">; rest: string[] }> {
  let node: Omit<TreeNode, "children"> = {
    entry: rootEntry(root),
    spec: root,
    path: "talosctl",
    inherited: [],
  };
  let i = 0;
  for (; i < words.length; i++) {
    const entry = findEntry(node.spec, words[i]);
    if (!entry) break;
    const spec = await loadCommand(entry);
    node = {
      entry,
      spec,
      path: `${node.path} ${entry.name}`,
      inherited: childInherited(node.spec, node.inherited),
    };
  }
  return { node, rest: words.slice(i) };
}

/** Loads the whole tree (every command module). */
export async function loadTree(root: Command): Promise<TreeNode> {
  async function visit(
    entry: CommandEntry,
    spec: Command,
    path: string,
    inherited: FlagSpec[],
  ): Promise<TreeNode> {
    const passDown = childInherited(spec, inherited);
    const children: TreeNode[] = [];
    for (const e of spec.subcommands ?? []) {
      children.push(await visit(e, await loadCommand(e), `${path} ${e.name}`, passDown));
    }
    return { entry, spec, path, inherited, children };
  }
  return await visit(rootEntry(root), root, "talosctl", []);
}

/** Depth-first list of a tree's nodes, children sorted by name. */
export function flatten(node: TreeNode): TreeNode[] {
  const kids = [...node.children].sort((a, b) => (a.entry.name < b.entry.name ? -1 : 1));
  return [node, ...kids.flatMap(flatten)];
}
