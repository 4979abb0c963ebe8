// `talosctl gen ca`: a self-signed CA (Ed25519, or RSA-4096 with --rsa) written as
// <org>.crt, <org>.sha256 (pin of its public key) and <org>.key.

import { bool, type CommandSpec, int, noArgs, str } from "../spec.ts";
import { ensureWritable, writeOutputSet } from "../files.ts";
import { requireFlags } from "./required.ts";
import { certificateEnd } from "../lifetime.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "organization",
      required: true,
      kind: "string",
      usage: "organization (O) of the CA's subject; also the base name of the output files",
    },
    {
      name: "hours",
      kind: "int",
      default: 87600,
      usage: "how long the certificate stays valid, in hours from now",
    },
    { name: "rsa", kind: "bool", usage: "make an RSA-4096 key instead of Ed25519" },
  ],
  async run(ctx) {
    requireFlags(ctx, ["organization"]);
    const { newSelfSignedCA, spkiHash } = await import("../../pki/ca.ts");
    const org = str(ctx, "organization");
    const now = ctx.deps.now();
    const hours = int(ctx, "hours");
    const notAfter = certificateEnd("hours", String(hours), hours * 3600_000, now);
    const ca = await newSelfSignedCA({
      algorithm: bool(ctx, "rsa") ? "rsa" : "ed25519",
      organizations: org ? [org] : [],
      notBefore: now,
      notAfter,
      random: ctx.deps.random,
    });
    const files = [`${org}.crt`, `${org}.sha256`, `${org}.key`];
    const force = bool(ctx, "force");
    await ensureWritable(ctx.deps, files, { force, multi: true });
    const hash = await spkiHash(ca.privateKey.spki);
    await writeOutputSet(ctx.deps, [
      { path: files[0], data: ca.crt },
      { path: files[1], data: hash },
      { path: files[2], data: ca.key },
    ], { force: true });
  },
};
