// The body of `patch`: load the patches, then for each node patch its running config and apply
// the result (a result without changes is still sent, as talosctl does, but reported as skipped).

import type { RunContext } from "./spec.ts";
import { errorText, UserError } from "./kit.ts";
import { readInputFile } from "./files.ts";
import { machineConfigBody, machineConfigUpdater, sendConfig, stripComments } from "./mc_update.ts";

export async function runPatch(ctx: RunContext, values: string[]): Promise<void> {
  if (values.length === 0) throw new UserError("either --patch or --patch-file should be defined");
  const { machineConfigSchema } = await import("../machineconfig/registry.ts");
  const { encodeConfig } = await import("../machineconfig/encode.ts");
  const patcher = await import("../machineconfig/patch/mod.ts");
  const { printApplyResults } = await import("./apply_send.ts");
  const schema = machineConfigSchema();
  const opts = { schema, encode: encodeConfig };
  const fail = (e: unknown): never => {
    if (e instanceof UserError) throw e;
    throw new UserError((e as Error).message);
  };
  let patches: Awaited<ReturnType<typeof patcher.loadPatches>> = [];
  try {
    patches = await patcher.loadPatches(values, {
      schema,
      readFile: (p) => readInputFile(ctx.deps, p),
    });
  } catch (e) {
    fail(e);
  }
  const stderr = ctx.deps.io.stderr;
  await machineConfigUpdater(ctx, async (target, mc) => {
    const body = machineConfigBody(mc);
    let patched = "";
    try {
      const state = patcher.applyPatches(
        { form: "bytes", text: body, source: "machine config" },
        patches,
        opts,
      );
      patched = patcher.stateText(state, opts);
    } catch (e) {
      fail(e);
    }
    let resp, failure: unknown;
    try {
      resp = await sendConfig(ctx, target, patched);
    } catch (e) {
      failure = e;
    }
    if (stripComments(patched).trim() === stripComments(body).trim()) {
      await stderr.write("Apply was skipped: no changes detected.\n");
      return;
    }
    await stderr.write(
      `patched ${mc.metadata?.type}/${mc.metadata?.id} at the node ${target.node}\n`,
    );
    await printApplyResults(stderr, resp);
    if (failure !== undefined) throw new UserError(errorText(failure));
  });
}
