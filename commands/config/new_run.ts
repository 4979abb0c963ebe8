// The work behind `talosctl config new`, loaded only when the command runs. Checks come in
// talosctl's order: nodes (exactly one), roles, the target file, then the call.

import { int, list, type RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { errorText, filterMessages, goDuration, openSession } from "../kit.ts";
import { certificateEnd } from "../lifetime.ts";
import {
  encodeTalosconfig,
  parseTalosconfig,
  writeAtomic,
} from "../../clientconfig/talosconfig.ts";
import { resolvePath } from "../files.ts";
import { parseRoles } from "../../pki/roles.ts";
import { goQuote } from "../../gofmt/mod.ts";

/** google.protobuf.Duration for a number of milliseconds (durationpb.New). */
export function durationOf(ms: number): { seconds: bigint; nanos: number } {
  const nanos = BigInt(Math.round(ms * 1e6));
  return { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

export async function newClientConfig(ctx: RunContext): Promise<void> {
  const path = ctx.args[0] ?? "talosconfig";
  const ttl = int(ctx, "crt-ttl");
  certificateEnd("crt-ttl", goDuration(ttl), ttl, ctx.deps.now());
  const session = await openSession(ctx);
  const node = session.single("config new");
  // talosctl builds the client (and fails on a bad talosconfig) before checking the roles.
  const { client, options } = session.forNode(node);
  const { roles, unknown } = parseRoles(list(ctx, "roles"));
  if (unknown.length > 0) throw new UserError(`unknown roles: ${unknown.join(", ")}`);
  const abs = resolvePath(ctx.deps, path);
  const already = () => new UserError(`talosconfig file already exists: ${goQuote(path)}`);
  if (await exists(abs)) throw already();

  let reply;
  try {
    reply = await client.machine.generateClientConfiguration(
      { roles, crtTtl: durationOf(int(ctx, "crt-ttl")) },
      options,
    );
  } catch (err) {
    throw new UserError(errorText(err));
  }
  // FilterMessages: in-band errors fail the command with go-multierror's rendering.
  const { messages, error } = filterMessages(reply.messages);
  if (error) throw new UserError(error.message);
  if (messages.length !== 1) throw new UserError(`expected 1 message, got ${messages.length}`);

  const text = new TextDecoder().decode(messages[0].talosconfig);
  const cfg = parseTalosconfig(text, `talosconfig returned by node ${node}`);
  const current = cfg.contexts[cfg.context];
  if (!current) {
    throw new UserError(`talosconfig returned by node ${node} has no context ${cfg.context}`);
  }
  // Make the new file usable right away: it talks to the endpoints this command used.
  current.endpoints = [...client.config.endpoints];
  const out = encodeTalosconfig(cfg);
  try {
    await writeAtomic(abs, out, { noClobber: true });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  // noClobber keeps a file that appeared meanwhile; never report success over it.
  if (await Deno.readTextFile(abs) !== out) throw already();
}
