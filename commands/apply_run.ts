// The body of `apply-config`: read the file, apply --config-patch, check the result locally (a
// config that cannot be decoded or is invalid in every mode is refused before anything is sent),
// then one ApplyConfiguration per node, printing each node's warnings and mode details.

import type { RunContext } from "./spec.ts";
import { list, str } from "./spec.ts";
import { readInputFile } from "./files.ts";
import { errorText, NodeError, openSession, throwJoined, UserError } from "./kit.ts";
import { goQuote } from "../gofmt/mod.ts";

/** talosctl's positional-argument rule: `apply config` / `apply machineconfig` only by alias. */
async function checkArgs(ctx: RunContext): Promise<void> {
  const [arg] = ctx.args;
  if (arg === undefined) return;
  let why: string | undefined;
  if (arg !== "config" && arg.toLowerCase() !== "machineconfig") {
    why = `unknown positional argument ${arg}`;
  } else if (ctx.calledAs === "apply-config") {
    why = "expected no positional arguments";
  }
  if (why === undefined) return;
  if (ctx.help) await ctx.deps.io.stdout.write(await ctx.help());
  throw new UserError(why);
}

/** The config to send: the file with the patches applied, checked as far as a client can. */
export async function configToSend(
  ctx: RunContext,
  file: string,
  patchValues: string[],
): Promise<string> {
  const { machineConfigSchema } = await import("../machineconfig/registry.ts");
  const { encodeConfig } = await import("../machineconfig/encode.ts");
  const patcher = await import("../machineconfig/patch/mod.ts");
  const { containerConflict, parseMode, validateConfig } = await import(
    "../machineconfig/validate/mod.ts"
  );
  let text: string;
  try {
    text = await readInputFile(ctx.deps, file);
  } catch (e) {
    throw new UserError(`failed to read configuration from ${goQuote(file)}: ${errorText(e)}`);
  }
  if (text.length < 1) throw new UserError("no configuration data read");
  const schema = machineConfigSchema();
  const opts = { schema, encode: encodeConfig };
  let docs;
  try {
    if (patchValues.length > 0) {
      const patches = await patcher.loadPatches(patchValues, {
        schema,
        readFile: (p) => readInputFile(ctx.deps, p),
      });
      const state = patcher.applyPatches({ form: "bytes", text, source: file }, patches, opts);
      text = patcher.stateText(state, opts);
    }
    docs = patcher.decodeConfig(schema, text, file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError((e as Error).message);
  }
  if (docs.length === 0) throw new UserError(`${file}: config not found`);
  // The checks every platform makes (cloud mode is the common part of all modes); the node
  // then validates for its own platform.
  const conflict = containerConflict(schema, docs);
  const result = validateConfig(schema, docs, parseMode("cloud")!);
  const error = conflict ?? result.error;
  if (error !== null) {
    const patched = patchValues.length > 0 ? " (with the patches applied)" : "";
    throw new UserError(
      `${file}${patched} is not a valid machine configuration, nothing was sent: ${
        error.replace(/\n+$/, "")
      }`,
    );
  }
  return text;
}

export async function runApplyConfig(ctx: RunContext): Promise<void> {
  await checkArgs(ctx);
  const file = str(ctx, "file");
  if (file === "") throw new UserError("no filename supplied for configuration");
  const text = await configToSend(ctx, file, list(ctx, "config-patch"));
  const { applyRequest, printApplyResults } = await import("./apply_send.ts");
  const request = applyRequest(ctx, new TextEncoder().encode(text));
  const session = await openSession(ctx);
  const stderr = ctx.deps.io.stderr;
  const errors = await session.unary(
    ({ client, options }) => client.machine.applyConfiguration(request, options),
    (_node, messages) => printApplyResults(stderr, { messages }),
  );
  throwJoined(
    errors.map((e) =>
      e instanceof NodeError
        ? new Error(`${e.node}: error applying configuration: ${errorText(e.cause)}`)
        : e
    ),
  );
}
