// Runs a command line against the command tree with cobra's semantics: finds the command (loading
// only the modules on its path), parses its flags as pflag does (commands/pflag.ts), then prints
// its help or checks its arguments and runs it.

import { UsageError } from "../errors.ts";
import { goQuote } from "../gofmt/quote.ts";
import type { Deps } from "./deps.ts";
import { zeroValue } from "./flag_values.ts";
import type { HelpNode } from "./help.ts";
import { commandFlags, findCommand, firstNonFlag, helpFlag, parseFlags } from "./pflag.ts";
import {
  type ArgsRule,
  type Command,
  type FlagSpec,
  type FlagValues,
  type GlobalArgs,
  lazy,
  loadCommand,
} from "./spec.ts";

/** Mutable state shared with the error reporter: the usage text of the command being run. */
export interface CliState {
  usage: string;
}

function argsError(rule: ArgsRule, args: string[], path: string): string | null {
  const n = args.length;
  switch (rule.kind) {
    case "any":
      return null;
    case "none":
      return n > 0 ? `unknown command ${goQuote(args[0])} for ${goQuote(path)}` : null;
    case "exact":
      return n !== rule.n ? `accepts ${rule.n} arg(s), received ${n}` : null;
    case "min":
      return n < rule.n ? `requires at least ${rule.n} arg(s), only received ${n}` : null;
    case "max":
      return n > rule.n ? `accepts at most ${rule.n} arg(s), received ${n}` : null;
    case "range":
      return n < rule.min || n > rule.max
        ? `accepts between ${rule.min} and ${rule.max} arg(s), received ${n}`
        : null;
  }
}

function globalArgs(flags: FlagValues): GlobalArgs {
  return {
    talosconfig: (flags.talosconfig as string | undefined) ?? "",
    context: (flags.context as string | undefined) ?? "",
    nodes: (flags.nodes as string[] | undefined) ?? [],
    endpoints: (flags.endpoints as string[] | undefined) ?? [],
    cluster: (flags.cluster as string | undefined) ?? "",
  };
}

/** cobra adds -h/--help to the command it runs, unless the command has a flag of that name. */
function withHelp(flags: FlagSpec[], name: string): FlagSpec[] {
  if (flags.some((f) => f.name === "help")) return flags;
  const help = helpFlag(name);
  if (flags.some((f) => f.short === "h")) delete help.short;
  return [...flags, help];
}

/** Runs argv against the tree rooted at `root`. Throws on failure. */
export async function runCli(
  argv: string[],
  root: Command,
  deps: Deps,
  state: CliState,
): Promise<void> {
  if (argv[0] === "__complete" || argv[0] === "__completeNoDesc") {
    const { complete } = await lazy<typeof import("./complete.ts")>(
      import.meta.url,
      "./complete.ts",
    );
    return await complete(argv, root, deps);
  }
  const found = await findCommand(argv, root, loadCommand);
  const spec = found.path.at(-1)?.spec ?? root;
  const path = [root.name, ...found.path.map((p) => p.entry.name)].join(" ");
  const node: HelpNode = {
    spec,
    path,
    localFlags: [...(spec.flags ?? []), ...(spec.persistentFlags ?? [])],
    inheritedFlags: found.inherited,
    isRoot: found.path.length === 0,
  };
  try {
    await execute(spec, node, found.inherited, found.args, deps, found.path.at(-1)?.calledAs);
  } catch (e) {
    // The usage text (cobra's UsageString) is only rendered when something went wrong.
    const { usageString } = await import("./help.ts");
    state.usage = usageString(node);
    throw e;
  }
}

async function execute(
  spec: Command,
  node: HelpNode,
  inherited: FlagSpec[],
  argv: string[],
  deps: Deps,
  calledAs: string | undefined,
): Promise<void> {
  const { path } = node;
  const all = commandFlags(spec, inherited);

  // cobra's legacyArgs, checked before any flag: words left at the root name no command.
  const subs = spec.subcommands ?? [];
  if (node.isRoot && spec.args === undefined && subs.length > 0) {
    const word = firstNonFlag(argv, all);
    if (word !== undefined) {
      const { suggestions } = await import("./help.ts");
      throw new UsageError(
        `unknown command ${goQuote(word)} for ${goQuote(path)}${suggestions(word, subs)}`,
      );
    }
  }

  const parsed = parseFlags(argv, withHelp(all, spec.name));
  // As cobra: the deprecation notes of a command line that parsed, before anything else.
  for (const w of parsed.warnings) await deps.io.stderr.write(w + "\n");
  if (parsed.values.get("help") === true || !spec.run) {
    const { helpString } = await import("./help.ts");
    await deps.io.stdout.write(helpString(node));
    return;
  }
  const why = argsError(spec.args ?? { kind: "any" }, parsed.args, path);
  if (why) throw new UsageError(why);
  const flags: FlagValues = {};
  const changed = new Set<string>();
  for (const f of all) {
    const value = parsed.values.get(f.name);
    if (value === undefined) {
      flags[f.name] = zeroValue(f);
    } else {
      flags[f.name] = value;
      changed.add(f.name);
    }
  }
  await spec.run({
    args: parsed.args,
    flags,
    changed,
    global: globalArgs(flags),
    deps,
    path,
    calledAs: calledAs ?? spec.name,
    help: async () => (await import("./help.ts")).helpString(node),
  });
}
