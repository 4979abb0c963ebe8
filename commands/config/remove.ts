// `talosctl config remove <pattern>`: remove the contexts whose names match a glob pattern
// (`*` only), asking for each unless --noconfirm. The current context is never removed.

import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/quote.ts";
import { goCompareStrings } from "../../gofmt/sort.ts";
import { GoWordScanner } from "../go_scan.ts";
import { bool, type CommandSpec, exactArgs, type RunContext } from "../spec.ts";
import { lib, open, wrap } from "./common.ts";

/** Glob matching with `*` as the only wildcard (ryanuber/go-glob semantics). */
export function glob(pattern: string, subject: string): boolean {
  if (pattern === "") return subject === "";
  if (pattern === "*") return true;
  const parts = pattern.split("*");
  if (parts.length === 1) return subject === pattern;
  const leading = pattern.startsWith("*"), trailing = pattern.endsWith("*");
  const end = parts.length - 1;
  let rest = subject;
  for (let i = 0; i < end; i++) {
    const idx = rest.indexOf(parts[i]);
    if (i === 0 ? !leading && idx !== 0 : idx < 0) return false;
    rest = rest.slice(idx + parts[i].length);
  }
  return trailing || rest.endsWith(parts[end]);
}

/**
 * Asks a yes/no question; the prompt is shown only when stdin is a terminal. The answer is read
 * as talosctl reads it (fmt.Scanf("%s"), see go_scan.ts) and is yes when it is "y" or "yes" in
 * any case (strings.EqualFold: Unicode simple folding, so "YES" and "yeſ" count too).
 */
async function confirm(ctx: RunContext, scanner: GoWordScanner, question: string) {
  const { stdin, stderr } = ctx.deps.io;
  if (stdin.isTTY) await stderr.write(`${question} (y/N): `);
  const answer = (await scanner.scan()).toUpperCase();
  return answer === "Y" || answer === "YES";
}

export const spec: CommandSpec = {
  use: "<context>",
  args: exactArgs(1),
  async complete(ctx) {
    const { contextNames } = await import("../complete_node.ts");
    return await contextNames(ctx);
  },
  flags: [
    { name: "noconfirm", short: "y", kind: "bool", usage: "remove without asking" },
    { name: "dry-run", kind: "bool", usage: "report what would be removed, change nothing" },
  ],
  async run(ctx) {
    const pattern = ctx.args[0];
    if (pattern === "") throw new UserError("no context specified");
    const { cfg } = await open(ctx);
    const names = Object.keys(cfg.contexts);
    if (names.length === 0) throw new UserError("no contexts defined");
    const matches = names.filter((n) => glob(pattern, n)).sort(goCompareStrings);
    if (matches.length === 0) {
      throw new UserError(`no contexts matched ${goQuote(pattern)}`);
    }
    const stderr = ctx.deps.io.stderr;
    const removed: string[] = [];
    const scanner = new GoWordScanner(ctx.deps.io.stdin);
    for (const name of matches) {
      const q = goQuote(name);
      if (name === cfg.context) {
        await stderr.write(
          `skipping removal of current context ${q}, please change it to another before removing\n`,
        );
        continue;
      }
      if (!bool(ctx, "noconfirm")) {
        if (!(await confirm(ctx, scanner, `remove context ${q}?`))) continue;
      } else {
        await stderr.write(`removing context ${q}\n`);
      }
      removed.push(name);
    }
    if (bool(ctx, "dry-run") || removed.length === 0) return;
    const l = await lib();
    try {
      await l.updateTalosconfig(ctx.deps, ctx.global, (fresh) => {
        let changed = false;
        for (const name of removed) {
          if (name === fresh.context || !Object.hasOwn(fresh.contexts, name)) continue;
          delete fresh.contexts[name];
          changed = true;
        }
        return changed;
      });
    } catch (e) {
      wrap("", e);
    }
  },
};
