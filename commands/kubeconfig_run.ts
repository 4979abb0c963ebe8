// The work behind `talosctl kubeconfig`, loaded only when the command runs.
//
// Order as upstream: nodes (exactly one), then the target path checks, then the download. The
// whole archive is received before anything is written, so a failed or dropped stream leaves
// no file behind; files are written atomically with mode 0600.

import type { RunContext } from "./spec.ts";
import { UserError } from "../errors.ts";
import { goQuote } from "../gofmt/mod.ts";
import { errorText, isDialFailure, openSession, streamBytes, type TalosClient } from "./kit.ts";
import type { CallOptions } from "@connectrpc/connect";
import { extractFileFromTarGz } from "../archive/file.ts";
import { concat } from "../pki/der.ts";
import { encodeKubeconfig, parseKubeconfig } from "../clientconfig/kubeconfig.ts";
import { type Decision, mergeKubeconfig } from "../clientconfig/kubeconfig_merge.ts";
import {
  loadKubeconfigFile,
  resolveKubeconfigTarget,
  writeFileAtomic,
} from "../clientconfig/kubeconfig_file.ts";

export interface KubeconfigOptions {
  arg?: string;
  force: boolean;
  merge: boolean;
  forceContextName: string;
}

const GZIP_HEADER = 10;

/** Receives the whole Kubeconfig stream; errors are worded by where talosctl would see them. */
export async function receiveArchive(
  client: TalosClient,
  options: CallOptions,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const b of streamBytes(client.machine.kubeconfig({}, options))) {
      parts.push(b);
      received += b.length;
    }
  } catch (err) {
    const text = errorText(err);
    // talosctl reads the stream through a pipe: a call that never started fails as "error
    // copying", a stream that fails before the gzip header while opening gzip, later as is.
    if (isDialFailure(err)) throw new UserError(`error copying: ${text}`);
    if (received < GZIP_HEADER) throw new UserError(`error initializing gzip: ${text}`);
    throw new UserError(text);
  }
  return concat(parts);
}

async function ask(ctx: RunContext, prompt: string): Promise<Decision> {
  const { stdin, stdout } = ctx.deps.io;
  for (;;) {
    await stdout.write(`${prompt} [(r)ename/(o)verwrite]: `);
    const line = await stdin.readLine();
    if (line === null) throw new UserError("EOF");
    switch (line.trim().toLowerCase()) {
      case "overwrite":
      case "o":
        return "overwrite";
      case "rename":
      case "r":
        return "rename";
    }
  }
}

export async function downloadKubeconfig(ctx: RunContext, o: KubeconfigOptions): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("kubeconfig");
  // Building the client comes before the path checks, as in talosctl.
  const { client, options } = session.forNode(node);
  const target = await kubeconfigTarget(ctx, o);

  const archive = await receiveArchive(client, options);
  let data: Uint8Array;
  try {
    data = await extractFileFromTarGz("kubeconfig", archive);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  await deliverKubeconfig(ctx, o, target, data, "the kubeconfig sent by the node");
}

export type KubeconfigTarget = Awaited<ReturnType<typeof resolveKubeconfigTarget>>;

/** Where the kubeconfig goes (file, stdout, merge target), with talosctl's path checks. */
export async function kubeconfigTarget(
  ctx: RunContext,
  o: KubeconfigOptions,
): Promise<KubeconfigTarget> {
  const { deps } = ctx;
  try {
    return await resolveKubeconfigTarget({
      arg: o.arg,
      merge: o.merge,
      force: o.force,
      env: deps.env,
      home: deps.home,
      cwd: deps.cwd,
    });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/**
 * Writes `data` (a whole kubeconfig) to the target: to stdout or a file (atomic, 0600), or
 * merged into the target kubeconfig with talosctl's conflict rules. `what` names the data in
 * errors.
 */
export async function deliverKubeconfig(
  ctx: RunContext,
  o: KubeconfigOptions,
  target: KubeconfigTarget,
  data: Uint8Array,
  what: string,
): Promise<void> {
  const { deps } = ctx;
  if (!target.merge) {
    if (target.stdout) {
      await deps.io.stdout.write(data);
      return;
    }
    await write(target.abs, target.path, data);
    return;
  }

  let incoming;
  try {
    incoming = await parseKubeconfig(new TextDecoder().decode(data));
  } catch (err) {
    throw new UserError(`error loading ${what}: ${(err as Error).message}`);
  }
  let existing;
  try {
    existing = await loadKubeconfigFile(target.abs, target.path);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const interactive = deps.io.stdout.isTTY;
  await mergeKubeconfig(existing, incoming, {
    activateContext: true,
    forceContextName: o.forceContextName,
    report: (line) => deps.io.stdout.write(line + "\n"),
    onConflict: (component, name) => {
      if (o.force) return Promise.resolve("overwrite");
      if (!interactive) return Promise.resolve("rename");
      return ask(ctx, `${component} ${goQuote(name)} already exists`);
    },
  });
  await write(target.abs, target.path, encodeKubeconfig(existing));
}

async function write(abs: string, shown: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(abs, data);
  } catch (err) {
    throw new UserError(`error writing ${JSON.stringify(shown)}: ${(err as Error).message}`);
  }
}
