// `talosctl validate --config FILE --mode metal|cloud|container [--strict]`: strict decoding of
// the config (unknown keys are named with their line), then upstream's semantic checks for the
// mode. Warnings go to stderr; success prints "<path> is valid for <mode> mode".

import { bool, type CommandSpec, noArgs, str } from "./spec.ts";
import { UserError } from "../errors.ts";
import { readInputFile } from "./files.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    { name: "config", short: "c", kind: "string", usage: "machine config file to check" },
    {
      name: "mode",
      required: true,
      short: "m",
      kind: "string",
      usage: "platform mode to check against: metal, cloud or container",
    },
    { name: "strict", kind: "bool", usage: "fail on warnings too" },
  ],
  async run(ctx) {
    if (!ctx.changed.has("mode")) throw new UserError(`required flag(s) "mode" not set`);
    const { machineConfigSchema } = await import("../machineconfig/registry.ts");
    const { decodeConfig } = await import("../machineconfig/patch/mod.ts");
    const { containerConflict, parseMode, validateConfig } = await import(
      "../machineconfig/validate/mod.ts"
    );
    const path = str(ctx, "config");
    const text = await readInputFile(ctx.deps, path);
    const schema = machineConfigSchema();
    let docs;
    try {
      docs = decodeConfig(schema, text, path);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    if (docs.length === 0) throw new UserError(`${path}: config not found`);
    const conflict = containerConflict(schema, docs);
    if (conflict) throw new UserError(`${path}: ${conflict}`);
    const modeName = str(ctx, "mode");
    const mode = parseMode(modeName);
    if (!mode) throw new UserError(`unknown runtime mode: ${JSON.stringify(modeName)}`);
    const result = validateConfig(schema, docs, mode, { strict: bool(ctx, "strict") });
    for (const w of result.warnings) await ctx.deps.io.stderr.write(`WARNING: ${w}\n`);
    if (result.error !== null) throw new UserError(result.error.replace(/\n+$/, ""));
    await ctx.deps.io.stdout.write(`${path} is valid for ${modeName} mode\n`);
  },
};
