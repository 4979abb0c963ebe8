// The command-line grammar of cobra and pflag, on our flag specs: how cobra finds the command a
// command line names (flags may come before it), and how pflag then parses that command's flags
// (interspersed with the arguments), with their error texts. No I/O, no imports beyond types,
// flag values and Go quoting, so that parsing costs nothing at startup.

import { UsageError } from "../errors.ts";
import { goQuoteByte } from "../gofmt/quote.ts";
import { parseFlagValue } from "./flag_values.ts";
import type { CommandEntry, CommandSpec, FlagSpec, FlagValue } from "./spec.ts";

/** cobra's -h/--help, which every command carries (cobra adds it when the command runs). */
export function helpFlag(commandName: string): FlagSpec {
  return { name: "help", short: "h", kind: "bool", usage: `help for ${commandName}` };
}

/** `own` followed by the inherited flags it does not shadow (same name), as cobra merges them. */
export function withInherited(own: FlagSpec[], inherited: FlagSpec[]): FlagSpec[] {
  return [...own, ...inherited.filter((f) => !own.some((o) => o.name === f.name))];
}

/** Every flag a command accepts: its own, its persistent ones, then its ancestors' persistent. */
export function commandFlags(spec: CommandSpec, inherited: FlagSpec[]): FlagSpec[] {
  return withInherited([...(spec.flags ?? []), ...(spec.persistentFlags ?? [])], inherited);
}

/**
 * cobra's stripFlags/argsMinusFirstX test: whether `token` takes the next word as its value while
 * looking for the command. A flag the level does not know (`--help` included: cobra adds it only
 * to the command it runs) is assumed to take one.
 */
function skipsNext(token: string, flags: FlagSpec[]): boolean {
  if (token.includes("=")) return false;
  let f: FlagSpec | undefined;
  if (token.startsWith("--")) f = flags.find((x) => x.name === token.slice(2));
  else if (token.length === 2) f = flags.find((x) => x.short === token[1]);
  else return false;
  return f === undefined || f.kind !== "bool";
}

/** Index of the first word that is neither a flag nor a flag's value (cobra: the next command). */
function firstWord(args: string[], flags: FlagSpec[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") return -1;
    if (a.startsWith("-")) {
      if (skipsNext(a, flags)) i++;
    } else if (a !== "") {
      return i;
    }
  }
  return -1;
}

export interface Found<T> {
  /** The commands from the root's child down to the command found (empty: the root). */
  path: { entry: CommandEntry; spec: T; calledAs: string }[];
  /** Flags inherited by the command found (its ancestors' persistent flags). */
  inherited: FlagSpec[];
  /** The command line without the command names. */
  args: string[];
}

/**
 * cobra's Find: follows the command names in `argv` from `root` (by name or alias, hidden ones
 * included), skipping flags and the values of the flags each level knows. `load` loads a child's
 * spec; only the commands on the path are loaded.
 */
export async function findCommand<T extends CommandSpec>(
  argv: string[],
  root: T,
  load: (entry: CommandEntry) => Promise<T>,
): Promise<Found<T>> {
  const path: Found<T>["path"] = [];
  let spec: T = root;
  let inherited: FlagSpec[] = [];
  let args = argv;
  for (;;) {
    const i = firstWord(args, commandFlags(spec, inherited));
    if (i < 0) break;
    const word = args[i];
    const subs = spec.subcommands ?? [];
    const entry = subs.find((e) => e.name === word || (e.aliases ?? []).includes(word));
    if (!entry) break;
    args = [...args.slice(0, i), ...args.slice(i + 1)];
    inherited = withInherited(spec.persistentFlags ?? [], inherited);
    spec = await load(entry);
    path.push({ entry, spec, calledAs: word });
  }
  return { path, inherited, args };
}

/** The first word cobra's stripFlags keeps (neither a flag nor a flag's value), if any. */
export function firstNonFlag(args: string[], flags: FlagSpec[]): string | undefined {
  const i = firstWord(args, flags);
  return i < 0 ? undefined : args[i];
}

export interface ParsedFlags {
  /** Values of the flags given, keyed by long name (absent: not given). */
  values: Map<string, FlagValue>;
  /** The arguments: every word that is not a flag or a flag's value, and all words after `--`. */
  args: string[];
  /** pflag's notes on deprecated flags, one per setting, in command-line order. */
  warnings: string[];
}

/** Go's %q of the first byte of `s` (pflag indexes strings by byte). */
function quoteFirstByte(s: string): string {
  return goQuoteByte(new TextEncoder().encode(s)[0]);
}

/**
 * pflag's FlagSet.Parse with interspersed arguments: `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, `-n=value`, grouped short booleans (`-ab`), bools set by their name alone or with
 * `=value`, repeated flags (the last wins; string slices append), `--` ending the flags. Errors are
 * `UsageError`s worded as pflag's (the caller adds the usage text).
 */
export function parseFlags(argv: string[], flags: FlagSpec[]): ParsedFlags {
  const values = new Map<string, FlagValue>();
  const args: string[] = [];
  const warnings: string[] = [];
  const set = (f: FlagSpec, raw: string) => {
    values.set(f.name, parseFlagValue(f, raw, values.get(f.name)));
    if (f.deprecated) warnings.push(`Flag --${f.name} has been deprecated, ${f.deprecated}`);
  };
  let i = 0;
  while (i < argv.length) {
    const s = argv[i++];
    if (s.length < 2 || s[0] !== "-") {
      args.push(s);
      continue;
    }
    if (s[1] === "-") {
      if (s.length === 2) {
        args.push(...argv.slice(i));
        break;
      }
      const body = s.slice(2);
      if (body[0] === "-" || body[0] === "=") throw new UsageError(`bad flag syntax: ${s}`);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      const f = flags.find((x) => x.name === name);
      if (!f) throw new UsageError(`unknown flag: --${name}`);
      if (eq >= 0) set(f, body.slice(eq + 1));
      else if (f.kind === "bool") set(f, "true");
      else if (i < argv.length) set(f, argv[i++]);
      else throw new UsageError(`flag needs an argument: --${name}`);
      continue;
    }
    // A group of shorthands; only the last one may take the next word as its value.
    let shorts = s.slice(1);
    while (shorts.length > 0) {
      if (shorts.startsWith("test.")) break; // pflag lets `go test` flags through unread
      const f = flags.find((x) => x.short === shorts[0]);
      if (!f) {
        throw new UsageError(`unknown shorthand flag: ${quoteFirstByte(shorts)} in -${shorts}`);
      }
      let value: string;
      let rest = "";
      if (shorts.length > 2 && shorts[1] === "=") value = shorts.slice(2);
      else if (f.kind === "bool") [value, rest] = ["true", shorts.slice(1)];
      else if (shorts.length > 1) value = shorts.slice(1);
      else if (i < argv.length) value = argv[i++];
      else throw new UsageError(`flag needs an argument: ${quoteFirstByte(shorts)} in -${shorts}`);
      set(f, value);
      shorts = rest;
    }
  }
  return { values, args, warnings };
}
