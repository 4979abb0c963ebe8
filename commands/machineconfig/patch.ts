// `talosctl machineconfig patch <file> --patch ... [-o out]`: applies patches to a machine config
// file offline. Stdout gets the result plus a newline; `-o` writes the bytes as they are (0600,
// since a machine config holds keys and tokens; upstream writes 0644; parent directories
// created). Nothing is written when loading or applying a patch fails.

import { type CommandSpec, exactArgs, list, str } from "../spec.ts";
import { UserError } from "../../errors.ts";
import type { Deps } from "../deps.ts";
import { readInputFile, resolvePath } from "../files.ts";

async function writeOutput(deps: Deps, path: string, text: string): Promise<void> {
  const abs = resolvePath(deps, path);
  const dir = abs.slice(0, abs.lastIndexOf("/")) || "/";
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`failed to create output dir: ${(e as Error).message}`);
  }
  const tmp = `${dir}/.${abs.slice(dir.length + 1)}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: 0o600 });
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, abs);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new UserError(`open ${path}: ${(e as Error).message}`);
  }
}

export const spec: CommandSpec = {
  use: "<machineconfig-file>",
  args: exactArgs(1),
  flags: [
    {
      name: "patch",
      short: "p",
      kind: "stringArray",
      usage:
        "patch to apply (strategic merge or JSON 6902); @file reads it from a file; repeatable",
    },
    {
      name: "output",
      short: "o",
      kind: "string",
      usage: "file to write the patched config to; stdout when empty",
    },
  ],
  async run(ctx) {
    const { machineConfigSchema } = await import("../../machineconfig/registry.ts");
    const { encodeConfig } = await import("../../machineconfig/encode.ts");
    const patcher = await import("../../machineconfig/patch/mod.ts");
    const deps = ctx.deps;
    const file = ctx.args[0];
    const input = await readInputFile(deps, file);
    const schema = machineConfigSchema();
    const opts = {
      schema,
      encode: (docs: Parameters<typeof encodeConfig>[0]) => encodeConfig(docs),
    };
    let text: string;
    try {
      const patches = await patcher.loadPatches(list(ctx, "patch"), {
        schema,
        readFile: (p) => readInputFile(deps, p),
      });
      const state = patcher.applyPatches(
        { form: "bytes", text: input, source: file },
        patches,
        opts,
      );
      text = patcher.stateText(state, opts);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError((e as Error).message);
    }
    const out = str(ctx, "output");
    if (out === "") {
      await deps.io.stdout.write(text + "\n");
      return;
    }
    await writeOutput(deps, out, text);
  },
};
