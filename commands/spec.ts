// Command and flag specifications. A command file exports a `CommandSpec`; group `mod.ts` files
// list their children as lazy `CommandEntry`s so that only the command being run is loaded.
// Command modules import heavy code (crypto, YAML, gRPC) inside `run`, with `await import()`.

import type { Deps } from "./deps.ts";

/** Flag value kinds, named after the pflag types they mirror (and shown as such in help). */
export type FlagKind =
  | "string" // --x v
  | "bool" // --x, --x=false
  | "int" // --x 3
  | "duration" // --x 1h30m, value in milliseconds
  | "strings" // string slice: comma-separated and/or repeated
  | "stringArray"; // repeated, never split on commas

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  usage: string;
  /** Default value; for "duration" in milliseconds. Omitted = zero value of the kind. */
  default?: string | boolean | number | string[];
  /** How the default is shown in help when it differs from the value's plain rendering. */
  defaultText?: string;
  hidden?: boolean;
  /**
   * Deprecated (pflag MarkDeprecated): each time the flag is set, `Flag --<name> has been
   * deprecated, <this>` goes to stderr once the command line parsed. Hide it in help as well.
   */
  deprecated?: string;
  /** For "int": the Go integer size (pflag Int32 = 32); default 64. */
  bits?: 32 | 64;
  /** The value type shown in help, for flags of a custom pflag Value type (e.g. an enum). */
  typeName?: string;
  /**
   * For "string": checks a value as a custom pflag Value's Set does; returns why it is rejected
   * (reported as pflag's `invalid argument "v" for "-m, --mode" flag: <why>`), or undefined.
   */
  check?: (value: string) => string | undefined;
  /**
   * cobra's MarkFlagRequired, for completion (offered until given); the command itself checks
   * that it was given (gen/required.ts).
   */
  required?: boolean;
  /**
   * Dynamic completion of the flag's value (cobra's RegisterFlagCompletionFunc), for `talosctl
   * __complete`; the scripts of `talosctl completion` ask it for the value of this flag.
   */
  complete?: (ctx: RunContext, toComplete: string) => Promise<Completion>;
}

export type ArgsRule =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "exact"; n: number }
  | { kind: "min"; n: number }
  | { kind: "max"; n: number }
  | { kind: "range"; min: number; max: number };

export const noArgs: ArgsRule = { kind: "none" };
export const exactArgs = (n: number): ArgsRule => ({ kind: "exact", n });
export const minArgs = (n: number): ArgsRule => ({ kind: "min", n });
export const maxArgs = (n: number): ArgsRule => ({ kind: "max", n });
export const rangeArgs = (min: number, max: number): ArgsRule => ({ kind: "range", min, max });

export type FlagValue = string | boolean | number | string[];
export type FlagValues = Record<string, FlagValue>;

/** Global talosctl arguments (the persistent flags of API commands). */
export interface GlobalArgs {
  talosconfig: string;
  context: string;
  nodes: string[];
  endpoints: string[];
  cluster: string;
}

export interface RunContext {
  args: string[];
  /** Every flag of the command (own and inherited), defaults applied, keyed by long name. */
  flags: FlagValues;
  /** Long names of flags given on the command line (cobra's `Changed`). */
  changed: Set<string>;
  global: GlobalArgs;
  deps: Deps;
  /** Full command path, e.g. "talosctl config add". */
  path: string;
  /** The name or alias the command was invoked by (cobra's CalledAs); default its name. */
  calledAs?: string;
  /** The command's full help text (cobra's cmd.Help()), for commands that print it on errors. */
  help?: () => Promise<string>;
}

/**
 * What a command module declares. Its name, aliases, short text and visibility are declared once,
 * in the parent's `CommandEntry` (needed to list and route it without loading the module);
 * `loadCommand` joins the two.
 */
export interface CommandSpec {
  /** The use line after the command's name: "<context>" for "add <context>". */
  use?: string;
  long?: string;
  example?: string;
  /** Argument-count rule; default: any for leaf commands. */
  args?: ArgsRule;
  flags?: FlagSpec[];
  /** Flags inherited by every subcommand (cobra persistent flags). */
  persistentFlags?: FlagSpec[];
  run?: (ctx: RunContext) => Promise<void>;
  /**
   * Dynamic completion of the next argument (cobra's ValidArgsFunction), for `talosctl
   * __complete`: `ctx.args` holds the arguments before the one being completed.
   */
  complete?: (ctx: RunContext, toComplete: string) => Promise<Completion>;
  subcommands?: CommandEntry[];
  /** Help group titles, in order, for the subcommand listing. */
  groups?: { id: string; title: string }[];
}

/** Candidates and cobra's ShellCompDirective bits (Error 1, NoSpace 2, NoFileComp 4). */
export interface Completion {
  /** Each a value, or "value\tdescription" (cobra's CompletionWithDesc). */
  items: string[];
  directive: number;
}

/** A command as seen by its parent: enough to list and route it without loading it. */
export interface CommandEntry {
  name: string;
  aliases?: string[];
  short: string;
  group?: string;
  hidden?: boolean;
  load: () => Promise<CommandSpec>;
}

/** A loaded command: its module's spec with the entry's name, short text and aliases. */
export interface Command extends CommandSpec {
  name: string;
  /** cobra's Use: "add <context>". */
  use: string;
  short: string;
  aliases?: string[];
  hidden?: boolean;
}

/**
 * `import()` of `specifier` (relative to `base`, the caller's `import.meta.url`) that Deno's
 * module graph builder cannot see. Before running anything, `deno run` loads and analyses every
 * module reachable through literal `import("...")` calls, which from the command tree is all of
 * it (gRPC, PKI, YAML, their npm packages): a few milliseconds to tens of them on every start.
 * Command entries and the first imports of `run` go through here; `deno compile` gets the
 * modules from tools/compile.ts, which lists them.
 */
export function lazy<M>(base: string, specifier: string): Promise<M> {
  return import(new URL(specifier, base).href);
}

/**
 * An entry's `load`: the `CommandSpec` exported as `name` (default `spec`) by the module at
 * `specifier`, relative to `base` (the mod.ts's `import.meta.url`), imported with `lazy`:
 * `load: () => loadSpec(import.meta.url, "./version.ts")`.
 */
export async function loadSpec(
  base: string,
  specifier: string,
  name = "spec",
): Promise<CommandSpec> {
  const mod = await lazy<Record<string, CommandSpec | undefined>>(base, specifier);
  const spec = mod[name];
  if (!spec) throw new Error(`${new URL(specifier, base).pathname} exports no command ${name}`);
  return spec;
}

/** Loads the module behind `entry` and joins it with what the entry declares. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  const spec = await entry.load();
  return {
    ...spec,
    name: entry.name,
    use: spec.use ? `${entry.name} ${spec.use}` : entry.name,
    short: entry.short,
    aliases: entry.aliases,
    hidden: entry.hidden,
  };
}

/** Typed access to flag values. */
export function str(ctx: RunContext, name: string): string {
  return ctx.flags[name] as string;
}
export function bool(ctx: RunContext, name: string): boolean {
  return ctx.flags[name] as boolean;
}
export function int(ctx: RunContext, name: string): number {
  return ctx.flags[name] as number;
}
export function list(ctx: RunContext, name: string): string[] {
  return ctx.flags[name] as string[];
}
