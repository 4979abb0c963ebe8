// cobra-compatible help and usage text, rendered from command specs.

import type { Command, CommandEntry, FlagSpec } from "./spec.ts";
import { goDuration } from "../gofmt/text.ts";

export interface HelpNode {
  spec: Command;
  /** "talosctl config add" */
  path: string;
  /** Local flags (own + own persistent), without -h/--help. */
  localFlags: FlagSpec[];
  /** Persistent flags inherited from ancestors. */
  inheritedFlags: FlagSpec[];
  isRoot: boolean;
  /** Extra entries listed under "Additional Commands" (root: completion, help). */
  extraCommands?: CommandEntry[];
}

function typeName(f: FlagSpec): string {
  if (f.typeName !== undefined) return f.typeName;
  const m = /`([^`]+)`/.exec(f.usage);
  if (m) return m[1];
  switch (f.kind) {
    case "bool":
      return "";
    case "strings":
      return "strings";
    case "int":
      // pflag names the type by its Go type: Int32Var flags are "int32".
      return f.bits === 32 ? "int32" : "int";
    default:
      return f.kind;
  }
}

function defaultText(f: FlagSpec): string | undefined {
  if (f.defaultText !== undefined) return f.defaultText;
  const d = f.default;
  switch (f.kind) {
    case "bool":
      return d === true ? "true" : undefined;
    case "string":
      return d ? JSON.stringify(d) : undefined;
    case "int":
      return d ? String(d) : undefined;
    case "duration":
      return d ? goDuration(d as number) : undefined;
    case "strings":
    case "stringArray":
      return Array.isArray(d) && d.length > 0 ? `[${d.join(",")}]` : undefined;
  }
}

/** pflag's FlagUsages: sorted, aligned, with defaults. */
export function flagUsages(flags: FlagSpec[]): string {
  const visible = flags.filter((f) => !f.hidden).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  const rows = visible.map((f) => {
    let left = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    const t = typeName(f);
    if (t) left += " " + t;
    let usage = f.usage.replace(/`/g, "");
    const d = defaultText(f);
    if (d !== undefined) usage += ` (default ${d})`;
    return { left, usage };
  });
  const max = Math.max(0, ...rows.map((r) => r.left.length));
  // As pflag: the lines of a multi-line usage start in the usage column.
  const indent = "\n" + " ".repeat(max + 3);
  return rows.map((r) =>
    `${r.left} ${" ".repeat(max - r.left.length)}  ${r.usage.replace(/\n/g, indent)}`.trimEnd()
  ).join("\n");
}

const helpFlag = (name: string): FlagSpec => ({
  name: "help",
  short: "h",
  kind: "bool",
  usage: `help for ${name}`,
});

function listable(e: CommandEntry): boolean {
  return !e.hidden;
}

/** cobra's UsageString(). */
export function usageString(node: HelpNode): string {
  const { spec, path } = node;
  const name = spec.name;
  const subs = (spec.subcommands ?? []).concat(node.extraCommands ?? []);
  const available = subs.filter(listable);
  const parentPath = path.split(" ").slice(0, -1).join(" ");
  let out = "Usage:";
  if (spec.run) {
    let useLine = parentPath ? `${parentPath} ${spec.use}` : spec.use;
    if (!useLine.includes("[flags]")) useLine += " [flags]";
    out += `\n  ${useLine}`;
  }
  if (available.length > 0) out += `\n  ${path} [command]`;
  if (spec.aliases && spec.aliases.length > 0) {
    out += `\n\nAliases:\n  ${[name, ...spec.aliases].join(", ")}`;
  }
  if (spec.example) out += `\n\nExamples:\n${spec.example}`;
  if (available.length > 0) {
    const pad = Math.max(11, ...subs.map((e) => e.name.length));
    const sorted = [...available].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const line = (e: CommandEntry) => `\n  ${e.name.padEnd(pad)} ${e.short}`;
    const groups = spec.groups ?? [];
    if (groups.length === 0) {
      out += "\n\nAvailable Commands:" + sorted.map(line).join("");
    } else {
      for (const g of groups) {
        const members = sorted.filter((e) => e.group === g.id);
        if (members.length > 0) out += `\n\n${g.title}` + members.map(line).join("");
      }
      const rest = sorted.filter((e) => !e.group);
      if (rest.length > 0) out += "\n\nAdditional Commands:" + rest.map(line).join("");
    }
  }
  const local = [...node.localFlags, helpFlag(name)];
  out += `\n\nFlags:\n${flagUsages(local)}`;
  const inherited = node.inheritedFlags.filter((f) => !f.hidden);
  if (inherited.length > 0) out += `\n\nGlobal Flags:\n${flagUsages(inherited)}`;
  if (available.length > 0) {
    out += `\n\nUse "${path} [command] --help" for more information about a command.`;
  }
  return out + "\n";
}

/** cobra's default help: Long (or Short), a blank line, then the usage. */
export function helpString(node: HelpNode): string {
  const head = (node.spec.long || node.spec.short).trimEnd();
  return (head ? head + "\n\n" : "") + usageString(node);
}

/** Levenshtein distance, as cobra uses for "Did you mean this?". */
export function levenshtein(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** cobra's findSuggestions: close names or names the typed word is a prefix of. */
export function suggestions(typed: string, entries: CommandEntry[]): string {
  const found: string[] = [];
  const t = typed.toLowerCase();
  for (const e of [...entries].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (e.hidden || e.name === "help") continue;
    const n = e.name.toLowerCase();
    if (levenshtein(t, n) <= 2 || n.startsWith(t)) found.push(e.name);
  }
  if (found.length === 0) return "";
  return "\n\nDid you mean this?\n" + found.map((n) => `\t${n}\n`).join("");
}
