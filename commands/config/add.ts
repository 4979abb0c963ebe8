// `talosctl config add <context>`: add a context (or replace one of the same name) holding the
// given CA and client certificate/key files, with no endpoints. The current context is kept.

import { UserError } from "../../errors.ts";
import { type CommandSpec, exactArgs, type RunContext, str } from "../spec.ts";
import { lib, wrap } from "./common.ts";
import { resolvePath } from "../files.ts";

async function readBase64(ctx: RunContext, path: string, what: string): Promise<string> {
  const l = await lib();
  try {
    return l.base64Encode(await Deno.readFile(resolvePath(ctx.deps, path)));
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file or directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : e instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : (e as Error).message;
    throw new UserError(`error reading ${what}: open ${path}: ${why}`);
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
