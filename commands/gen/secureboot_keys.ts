// `talosctl gen secureboot uki` and `pcr`: self-signed RSA CAs as siderolabs/crypto makes them
// (subject O = the common name, valid for the CA lifetime of 87600h from now). `uki` writes
// the certificate (PEM and DER) and a 4096-bit key; `pcr` only a 2048-bit key.

import { type CommandSpec, noArgs, type RunContext, str } from "../spec.ts";
import { writeSecureBootFiles } from "./secureboot_write.ts";

/** secrets.CAValidityTime: ten years of hours. */
const CA_VALIDITY_MS = 87600 * 3600_000;

async function generateSigningKey(
  ctx: RunContext,
  prefix: string,
  commonName: string,
  bits: number,
  withCert: boolean,
): Promise<void> {
  const { newSelfSignedCA } = await import("../../pki/ca.ts");
  const { generateRsa } = await import("../../pki/keys.ts");
  const now = ctx.deps.now();
  const ca = await newSelfSignedCA(
    {
      algorithm: "rsa",
      organizations: [commonName],
      notBefore: now,
      notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
      random: ctx.deps.random,
    },
    await generateRsa(bits),
  );
  const files: { name: string; data: string | Uint8Array }[] = [];
  if (withCert) {
    files.push({ name: `${prefix}-signing-cert.pem`, data: ca.crt });
    files.push({ name: `${prefix}-signing-cert.der`, data: ca.der });
  }
  files.push({ name: `${prefix}-signing-key.pem`, data: ca.key });
  await writeSecureBootFiles(ctx, files);
}

export const uki: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "common-name",
      kind: "string",
      default: "Test UKI Signing Key",
      usage: "name put in the certificate's subject",
    },
  ],
  run: (ctx) => generateSigningKey(ctx, "uki", str(ctx, "common-name"), 4096, true),
};

export const pcr: CommandSpec = {
  args: noArgs,
  run: (ctx) => generateSigningKey(ctx, "pcr", "dummy", 2048, false),
};
