// `talosctl __complete <words...> <word being completed>` (and `__completeNoDesc`): cobra's
// completion protocol, which shell scripts call for candidates they cannot know statically (node
// file paths, service, container and pod IDs, resource types and IDs, cluster members for
// --nodes: the commands' and flags' `complete`). Candidates one a line ("name\tdescription" unless
// NoDesc), then ":<directive>" (cobra's ShellCompDirective bits); a note on stderr.

import type { Deps } from "./deps.ts";
import { zeroValue } from "./flag_values.ts";
import { commandFlags, findCommand, helpFlag, parseFlags } from "./pflag.ts";
import { type Command, type Completion, type FlagValues, loadCommand } from "./spec.ts";

export const DIRECTIVE = { error: 1, noSpace: 2, noFileComp: 4 } as const;

function directiveName(d: number): string {
  if (d === 0) return "ShellCompDirectiveDefault";
  const names: string[] = [];
  if (d & 1) names.push("ShellCompDirectiveError");
  if (d & 2) names.push("ShellCompDirectiveNoSpace");
  if (d & 4) names.push("ShellCompDirectiveNoFileComp");
  if (d & 8) names.push("ShellCompDirectiveFilterFileExt");
  if (d & 16) names.push("ShellCompDirectiveFilterDirs");
  if (d & 32) names.push("ShellCompDirectiveKeepOrder");
  return names.join(", ");
}

interface Candidate {
  name: string;
  desc?: string;
}

/** A completion function's item: "value" or "value\tdescription". */
function candidate(item: string): Candidate {
  const tab = item.indexOf("\t");
  return tab < 0 ? { name: item } : { name: item.slice(0, tab), desc: item.slice(tab + 1) };
}

async function candidates(
  words: string[],
  toComplete: string,
  root: Command,
  deps: Deps,
): Promise<{ items: Candidate[]; directive: number }> {
  const found = await findCommand(words, root, loadCommand);
  const spec = found.path.at(-1)?.spec ?? root;
  const name = found.path.at(-1)?.entry.name ?? root.name;
  const all = [...commandFlags(spec, found.inherited), helpFlag(name)];
  const path = [root.name, ...found.path.map((p) => p.entry.name)].join(" ");

  if (toComplete.startsWith("-") && !toComplete.includes("=")) {
    const items: Candidate[] = [];
    for (const f of all.filter((f) => !f.hidden)) {
      items.push({ name: `--${f.name}`, desc: f.usage.replace(/`/g, "") });
      if (f.short && !toComplete.startsWith("--")) {
        items.push({ name: `-${f.short}`, desc: f.usage.replace(/`/g, "") });
      }
    }
    return {
      items: items.filter((c) => c.name.startsWith(toComplete)),
      directive: DIRECTIVE.noFileComp,
    };
  }

  // the value of a flag: the last word is a flag that takes one, or --flag=<value>
  const last = found.args.at(-1) ?? "";
  const valueOf = toComplete.startsWith("--") && toComplete.includes("=")
    ? toComplete.slice(2, toComplete.indexOf("="))
    : /^--?[^=-][^=]*$/.test(last)
    ? last.replace(/^--?/, "")
    : "";
  const flag = all.find((f) =>
    f.kind !== "bool" && (f.name === valueOf || (f.short === valueOf && !last.startsWith("--")))
  );
  const pending = flag !== undefined && !toComplete.includes("=");
  let parsed;
  try {
    parsed = parseFlags(pending ? found.args.slice(0, -1) : found.args, all);
  } catch {
    return { items: [], directive: DIRECTIVE.error };
  }
  const flags: FlagValues = {};
  const changed = new Set<string>();
  for (const f of all) {
    const v = parsed.values.get(f.name);
    flags[f.name] = v ?? zeroValue(f);
    if (v !== undefined) changed.add(f.name);
  }
  const global = {
    talosconfig: (flags.talosconfig as string | undefined) ?? "",
    context: (flags.context as string | undefined) ?? "",
    nodes: (flags.nodes as string[] | undefined) ?? [],
    endpoints: (flags.endpoints as string[] | undefined) ?? [],
    cluster: (flags.cluster as string | undefined) ?? "",
  };
  const ctx = { args: parsed.args, flags, changed, global, deps, path };
  if (flag) {
    // as cobra: the function gets the value alone (after "--flag="), and its candidates are
    // values; a flag without one leaves the shell to complete file names
    if (!flag.complete) return { items: [], directive: 0 };
    const value = toComplete.startsWith("--")
      ? toComplete.slice(toComplete.indexOf("=") + 1)
      : toComplete;
    const c = await flag.complete(ctx, value);
    return { items: c.items.map(candidate), directive: c.directive };
  }

  if ((spec.subcommands ?? []).length > 0 && (!spec.run || parsed.args.length === 0)) {
    const subs = (spec.subcommands ?? []).filter((e) => !e.hidden && e.name.startsWith(toComplete))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    if (subs.length > 0 || !spec.run) {
      return {
        items: subs.map((e) => ({ name: e.name, desc: e.short })),
        directive: DIRECTIVE.noFileComp,
      };
    }
  }

  if (spec.complete) {
    const c: Completion = await spec.complete(ctx, toComplete);
    return { items: c.items.map(candidate), directive: c.directive };
  }
  return { items: [], directive: 0 };
}

/** Runs the __complete protocol for argv (its first word is "__complete" or "__completeNoDesc"). */
export async function complete(argv: string[], root: Command, deps: Deps): Promise<void> {
  const noDesc = argv[0] === "__completeNoDesc";
  const words = argv.slice(1);
  const toComplete = words.pop() ?? "";
  let result;
  try {
    result = await candidates(words, toComplete, root, deps);
  } catch (e) {
    await deps.io.stderr.write(`[Debug] [Error] ${(e as Error).message}`);
    result = { items: [], directive: DIRECTIVE.error };
  }
  let out = "";
  for (const c of result.items) {
    out += !noDesc && c.desc ? `${c.name}\t${c.desc.split("\n")[0]}\n` : `${c.name}\n`;
  }
  out += `:${result.directive}\n`;
  await deps.io.stdout.write(out);
  await deps.io.stderr.write(
    `Completion ended with directive: ${directiveName(result.directive)}\n`,
  );
}
