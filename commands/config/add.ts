// `talosctl config add <context>`: add a context (or replace one of the same name) holding the
// given CA and client certificate/key files, with no endpoints. The current context is kept.

import { UserError } from "../../errors.ts";
import { type CommandSpec, exactArgs, type RunContext, str } from "../spec.ts";
import { lib, wrap } from "./common.ts";
import { readInputBytes } from "../files.ts";

/** os.ReadFile as talosctl calls it, base64-encoded; errors read "error reading <what>: ...". */
async function readBase64(ctx: RunContext, path: string, what: string): Promise<string> {
  const l = await lib();
  try {
    return l.base64Encode(await readInputBytes(ctx.deps, path));
  } catch (e) {
    throw new UserError(`error reading ${what}: ${(e as Error).message}`);
  }
}

export const spec: CommandSpec = {
  use: "<context>",
  args: exactArgs(1),
  flags: [
    { name: "ca", kind: "string", usage: "path of the CA certificate (PEM) to trust" },
    { name: "crt", kind: "string", usage: "path of the client certificate (PEM)" },
    { name: "key", kind: "string", usage: "path of the client private key (PEM)" },
  ],
  async run(ctx) {
    const name = ctx.args[0];
    const l = await lib();
    try {
      await l.updateTalosconfig(ctx.deps, ctx.global, async (cfg) => {
        const added: import("../../clientconfig/talosconfig.ts").TalosContext = { endpoints: [] };
        const ca = str(ctx, "ca"), crt = str(ctx, "crt"), key = str(ctx, "key");
        if (ca !== "") added.ca = await readBase64(ctx, ca, "CA");
        if (crt !== "" || key !== "") {
          if (crt === "" || key === "") {
            throw new UserError(
              "if either the 'crt' or 'key' flag is specified, both are required",
            );
          }
          added.crt = await readBase64(ctx, crt, "certificate");
          added.key = await readBase64(ctx, key, "key");
        }
        cfg.contexts[name] = added;
      });
    } catch (e) {
      wrap("", e);
    }
  },
};
