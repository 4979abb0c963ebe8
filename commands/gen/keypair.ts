// `talosctl gen keypair`: a self-signed Ed25519 CA certificate valid for 24 hours (the
// library's default lifetime), optionally with an IP SAN, written as <org>.crt and <org>.key.

import { UserError } from "../../errors.ts";
import { bool, type CommandSpec, noArgs, str } from "../spec.ts";
import { ensureWritable, writeOutputSet } from "../files.ts";
import { requireFlags } from "./required.ts";

/** siderolabs/crypto's default certificate lifetime. */
const DEFAULT_VALIDITY_MS = 24 * 3600_000;

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "ip",
      kind: "string",
      usage: "IP address to add to the certificate's subject alternative names",
    },
    {
      name: "organization",
      required: true,
      kind: "string",
      usage:
        "organization (O) of the certificate's subject; also the base name of the output files",
    },
  ],
  async run(ctx) {
    requireFlags(ctx, ["organization"]);
    const { parseIp } = await import("../../pki/ip.ts");
    const { newSelfSignedCA } = await import("../../pki/ca.ts");
    const ip = str(ctx, "ip");
    if (ip && !parseIp(ip)) throw new UserError(`invalid IP: ${ip}`);
    const org = str(ctx, "organization");
    const now = ctx.deps.now();
    const ca = await newSelfSignedCA({
      algorithm: "ed25519",
      organizations: org ? [org] : [],
      notBefore: now,
      notAfter: new Date(now.getTime() + DEFAULT_VALIDITY_MS),
      ipAddresses: ip ? [ip] : [],
      random: ctx.deps.random,
    });
    const files = [`${org}.crt`, `${org}.key`];
    await ensureWritable(ctx.deps, files, { force: bool(ctx, "force"), multi: true });
    await writeOutputSet(ctx.deps, [
      { path: files[0], data: ca.crt },
      { path: files[1], data: ca.key },
    ], { force: true });
  },
};
