// Shared by the `config` subcommands: talosctl's error wording around talosconfig access, the
// "current context" checks, and a Go text/tabwriter equivalent for tables.

import { errorMessage, UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/quote.ts";
import type { RunContext } from "../spec.ts";
import type * as TC from "../../clientconfig/talosconfig.ts";

export type TalosconfigModule = typeof TC;

/** The talosconfig library, loaded on first use (it pulls in the YAML parser). */
export function lib(): Promise<TalosconfigModule> {
  return import("../../clientconfig/talosconfig.ts");
}

/** Go's %q, as talosctl quotes context names in its messages. */
const q = (s: string) => goQuote(s);

export { goTrimSpace } from "../../gofmt/path.ts";

/** Rethrows a failure of talosconfig access worded as talosctl does. */
export function wrap(prefix: string, e: unknown): never {
  if (e instanceof UserError && e.name === "TalosconfigUpdateError") {
    const phase = (e as UserError & { phase: string }).phase;
    throw new UserError(`error ${phase === "read" ? "reading" : "writing"} config: ${e.message}`);
  }
  if (e instanceof UserError && prefix === "") throw e;
  throw new UserError(`${prefix}${errorMessage(e)}`);
}

/** Opens the talosconfig as every `config` command does ("error reading config: ..."). */
export async function open(ctx: RunContext): Promise<TC.OpenedTalosconfig> {
  const l = await lib();
  try {
    return await l.openTalosconfig(ctx.deps, ctx.global);
  } catch (e) {
    wrap("error reading config: ", e);
  }
}

/**
 * talosctl's check before endpoint/node/info/proxy-url/context: the named (or else the file's
 * current) context must be set and defined.
 */
export function requireContext(cfg: TC.Talosconfig, name: string): void {
  const context = name === "" ? cfg.context : name;
  if (context === "") throw new UserError("no context is set");
  if (!Object.hasOwn(cfg.contexts, context)) {
    throw new UserError(`context ${q(context)} is not defined`);
  }
}

/** The context a `config` command edits: `--context` if given, else the current one. */
export function contextData(cfg: TC.Talosconfig, ctx: RunContext): TC.TalosContext {
  const name = ctx.global.context !== "" ? ctx.global.context : cfg.context;
  if (!Object.hasOwn(cfg.contexts, name)) throw new UserError(`context ${q(name)} is not defined`);
  return cfg.contexts[name];
}

/**
 * Runs a read-modify-write of the talosconfig for a command that first checks the current
 * context (talosctl's openConfigAndContext), then edits the selected context.
 */
export async function editCurrentContext(
  ctx: RunContext,
  edit: (c: TC.TalosContext) => void,
): Promise<void> {
  const l = await lib();
  try {
    await l.updateTalosconfig(ctx.deps, ctx.global, (cfg) => {
      requireContext(cfg, "");
      edit(contextData(cfg, ctx));
    });
  } catch (e) {
    wrap("", e);
  }
}
