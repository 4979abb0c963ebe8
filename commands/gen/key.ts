// `talosctl gen key`: an Ed25519 private key, PKCS#8 under Go's `ED25519 PRIVATE KEY` label.

import { bool, type CommandSpec, noArgs, str } from "../spec.ts";
import { writeOutputFile } from "../files.ts";
import { requireFlags } from "./required.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [{
    name: "name",
    required: true,
    kind: "string",
    usage: "base name of the output file (written as <name>.key)",
  }],
  async run(ctx) {
    requireFlags(ctx, ["name"]);
    const { generateEd25519, privateKeyPem } = await import("../../pki/keys.ts");
    const key = await generateEd25519(ctx.deps.random);
    await writeOutputFile(ctx.deps, `${str(ctx, "name")}.key`, privateKeyPem(key), {
      force: bool(ctx, "force"),
    });
  },
};
