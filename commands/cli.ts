// Builds the commander tree from command specs with cobra/pflag semantics, routes argv to the
// command to run (loading only that command's module), and runs it.

import { Command, CommanderError, Option } from "commander";
import { ExitCode, UsageError } from "../errors.ts";
import type { Deps } from "./deps.ts";
import { parseBool, parseFlagValue, zeroValue } from "./flag_values.ts";
import { goQuote } from "../gofmt/mod.ts";
import { type HelpNode, helpString, suggestions, usageString } from "./help.ts";
import type {
  ArgsRule,
  Command as LoadedCommand,
  CommandEntry,
  FlagSpec,
  FlagValue,
  FlagValues,
  GlobalArgs,
} from "./spec.ts";
import { type CommandSpec, loadCommand } from "./spec.ts";

/** Mutable state shared with the error reporter: the usage text of the command being run. */
export interface CliState {
  usage: string;
  /** The last command name or alias found in argv (cobra's CalledAs of the command run). */
  calledAs?: string;
}

interface Built {
  spec: LoadedCommand;
  path: string;
  inherited: FlagSpec[];
  /** attribute name -> flag spec, for every flag registered on the commander command */
  byAttr: Map<string, FlagSpec>;
}

class CobraCommand extends Command {
  built?: Built;
  parentCobra?: CobraCommand;
  lastToken = "";

  override createCommand(name?: string): CobraCommand {
    return new CobraCommand(name);
  }

  private flagFor(token: string): FlagSpec | undefined {
    if (!this.built) return undefined;
    for (const f of this.built.byAttr.values()) {
      if (token === `--${f.name}` || (f.short && token === `-${f.short}`)) return f;
    }
    return undefined;
  }

  /** Rewrites pflag-only spellings (`--bool=false`, `-n=value`) before commander sees them. */
  override parseOptions(argv: string[]) {
    const out: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (arg === "--") {
        out.push(...argv.slice(i));
        break;
      }
      const m = /^(--?[^=]+)=(.*)$/s.exec(arg);
      const f = m && (m[1].startsWith("--") || m[1].length === 2) ? this.flagFor(m[1]) : undefined;
      if (m && f) {
        if (f.kind === "bool") {
          const value = parseBool(f, m[2]);
          if (value) out.push(m[1]);
          else this.setOptionValueWithSource(attrName(f), false, "cli");
        } else {
          out.push(m[1], m[2]);
        }
        continue;
      }
      out.push(arg);
    }
    this.lastToken = out[out.length - 1] ?? "";
    return super.parseOptions(out);
  }

  // The methods below replace commander's messages with pflag's/cobra's.
  unknownOption(flag: string): never {
    if (flag.startsWith("--")) {
      throw new UsageError(`unknown flag: ${flag.split("=")[0]}`, this.usageText());
    }
    throw new UsageError(`unknown shorthand flag: '${flag[1]}' in ${flag}`, this.usageText());
  }

  optionMissingArgument(option: Option): never {
    // Only the last token can lack its value; pflag names it as it was spelled.
    const f = this.built?.byAttr.get(option.attributeName());
    const name = f?.short && this.lastToken === `-${f.short}`
      ? `'${f.short}' in -${f.short}`
      : `--${f?.name}`;
    throw new UsageError(`flag needs an argument: ${name}`, this.usageText());
  }

  override helpInformation(): string {
    return this.built ? helpString(helpNode(this.built)) : "";
  }

  usageText(): string {
    return this.built ? usageString(helpNode(this.built)) : "";
  }
}

/**
 * A commander Option without commander's `--no-x` negation: pflag has none, and flags such as
 * `--no-descriptions` or `--no-color` are ordinary booleans named as written.
 */
function plainOption(flags: string, description?: string): Option {
  const opt = new Option(flags, description);
  opt.negate = false;
  return opt;
}

function attrName(f: FlagSpec): string {
  return plainOption(`--${f.name}`).attributeName();
}

function helpNode(b: Built): HelpNode {
  const local = [...(b.spec.flags ?? []), ...(b.spec.persistentFlags ?? [])];
  const isRoot = !b.path.includes(" ");
  return {
    spec: b.spec,
    path: b.path,
    localFlags: local,
    inheritedFlags: b.inherited,
    isRoot,
  };
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

/** `own` followed by the inherited flags it does not shadow (same name). */
function withInherited(own: FlagSpec[], inherited: FlagSpec[]): FlagSpec[] {
  return [...own, ...inherited.filter((f) => !own.some((o) => o.name === f.name))];
}

/** Fills a stub commander command from its (now loaded) spec. */
function populate(
  cmd: CobraCommand,
  spec: LoadedCommand,
  path: string,
  inherited: FlagSpec[],
  deps: Deps,
  state: CliState,
): void {
  const all = withInherited([...(spec.flags ?? []), ...(spec.persistentFlags ?? [])], inherited);
  const built: Built = { spec, path, inherited, byAttr: new Map() };
  cmd.built = built;
  state.usage = usageString(helpNode(built));
  cmd.description(spec.short);
  for (const f of all) {
    const flags = `${f.short ? `-${f.short}, ` : ""}--${f.name}${
      f.kind === "bool" ? "" : " <value>"
    }`;
    const opt = plainOption(flags, f.usage);
    if (f.kind !== "bool") opt.argParser((v: string, prev: unknown) => parseFlagValue(f, v, prev));
    cmd.addOption(opt);
    built.byAttr.set(opt.attributeName(), f);
  }
  cmd.allowExcessArguments(true);
  const childInherited = withInherited(spec.persistentFlags ?? [], inherited);
  const subs = spec.subcommands ?? [];
  if (subs.length > 0) {
    cmd.enablePositionalOptions();
    for (const e of subs) addStub(cmd, e, `${path} ${e.name}`, childInherited, deps, state);
  }

  cmd.action(async () => {
    const args = cmd.args;
    if (!spec.run) {
      if (args.length > 0 && !cmd.parentCobra) {
        throw new UsageError(
          `unknown command ${goQuote(args[0])} for ${goQuote(path)}${suggestions(args[0], subs)}`,
          state.usage,
        );
      }
      await deps.io.stdout.write(helpString(helpNode(built)));
      return;
    }
    const why = argsError(spec.args ?? { kind: "any" }, args, path);
    if (why) throw new UsageError(why, state.usage);
    const flags: FlagValues = {};
    const changed = new Set<string>();
    for (const f of all) {
      const attr = attrName(f);
      let value: FlagValue | undefined;
      for (let c: CobraCommand | undefined = cmd; c; c = c.parentCobra) {
        if (c.built?.byAttr.has(attr) && c.getOptionValueSource(attr) === "cli") {
          value = c.getOptionValue(attr) as FlagValue;
          break;
        }
      }
      if (value === undefined) {
        flags[f.name] = zeroValue(f);
      } else {
        flags[f.name] = value;
        changed.add(f.name);
      }
    }
    await spec.run({
      args,
      flags,
      changed,
      global: globalArgs(flags),
      deps,
      path,
      calledAs: state.calledAs ?? spec.name,
      help: () => helpString(helpNode(built)),
    });
  });
}

function addStub(
  parent: CobraCommand,
  entry: CommandEntry,
  path: string,
  inherited: FlagSpec[],
  deps: Deps,
  state: CliState,
): void {
  const stub = parent.command(entry.name, { hidden: entry.hidden }) as CobraCommand;
  stub.parentCobra = parent;
  for (const a of entry.aliases ?? []) stub.alias(a);
  stub.description(entry.short);
  parent.hook("preSubcommand", async (_this, sub) => {
    if ((sub as Command) !== (stub as Command) || stub.built) return;
    const spec = await loadCommand(entry);
    populate(stub, spec, path, inherited, deps, state);
  });
}

/**
 * cobra's stripFlags/argsMinusFirstX: whether a token takes the next argument as its value. A
 * flag this level does not know is assumed to take one, as cobra assumes.
 */
function takesValue(token: string, flags: FlagSpec[]): boolean {
  if (token.includes("=")) return false;
  const f = token.startsWith("--")
    ? flags.find((x) => `--${x.name}` === token)
    : token.length === 2 && token[0] === "-"
    ? flags.find((x) => x.short === token[1])
    : undefined;
  if (f) return f.kind !== "bool";
  return token.startsWith("--") || (token.length === 2 && token[0] === "-");
}

/**
 * Moves the command names to the front of argv the way cobra finds a command: flags may come
 * before the subcommand (`talosctl -n 10.0.0.2 version`, `talosctl --talosconfig x config info`),
 * and every level skips the values of the flags it sees. Commander then parses the rest at the
 * command that owns the flags. Loads only the specs on the path (the ones that run anyway).
 */
async function routeArgs(
  argv: string[],
  root: LoadedCommand,
  state: CliState,
): Promise<string[]> {
  const help: FlagSpec = { name: "help", short: "h", kind: "bool", usage: "" };
  const names: string[] = [];
  let spec: CommandSpec = root;
  let inherited: FlagSpec[] = [];
  let args = argv;
  for (;;) {
    const flags = [
      ...withInherited([...(spec.flags ?? []), ...(spec.persistentFlags ?? [])], inherited),
      help,
    ];
    let first = -1;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "--") break;
      if (a.startsWith("-")) {
        if (takesValue(a, flags)) i++;
        continue;
      }
      if (a !== "") first = i;
      break;
    }
    if (first < 0) break;
    const name = args[first];
    const entry = (spec.subcommands ?? []).find((e) =>
      e.name === name || e.aliases?.includes(name)
    );
    if (!entry) break;
    names.push(name);
    state.calledAs = name;
    args = [...args.slice(0, first), ...args.slice(first + 1)];
    inherited = withInherited(spec.persistentFlags ?? [], inherited);
    spec = await entry.load();
  }
  return [...names, ...args];
}

/** Runs argv against the tree rooted at `root`. Throws on failure. */
export async function runCli(
  argv: string[],
  root: LoadedCommand,
  deps: Deps,
  state: CliState,
): Promise<void> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new CobraCommand("talosctl");
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  program.helpOption("-h, --help");
  program.helpCommand(false);
  program.showSuggestionAfterError(false);
  populate(program, root, "talosctl", [], deps, state);
  try {
    await program.parseAsync(await routeArgs(argv, root, state), { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (out.length > 0) await deps.io.stdout.write(out.join(""));
      if (e.exitCode === 0) throw new ExitCode(0);
      if (e.code === "commander.unknownCommand") {
        const name = e.message.match(/'(.*)'/)?.[1] ?? "";
        throw new UsageError(
          `unknown command ${goQuote(name)} for ${goQuote("talosctl")}${
            suggestions(name, root.subcommands ?? [])
          }`,
          state.usage,
        );
      }
      throw new UsageError(e.message.replace(/^error: /, ""), state.usage);
    }
    throw e;
  }
  if (out.length > 0) await deps.io.stdout.write(out.join(""));
}
