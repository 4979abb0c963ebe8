// `talosctl gen secureboot database`: db.auth, KEK.auth and PK.auth that enrol a certificate
// (by default the UKI signing certificate) as platform key, key exchange key and allowed
// signer, signed by a certificate and RSA key, optionally with Microsoft's UEFI CAs in KEK and db.

import { UserError } from "../../errors.ts";
import { bool, type CommandSpec, noArgs, str } from "../spec.ts";
import { readInputBytes, readInputFile } from "../files.ts";
import { outputPath, writeSecureBootFiles } from "./secureboot_write.ts";

const UKI_CERT = outputPath("_out", "uki-signing-cert.pem");
const UKI_KEY = outputPath("_out", "uki-signing-key.pem");

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "enrolled-certificate",
      kind: "string",
      default: UKI_CERT,
      usage: "certificate to enrol (PEM or DER)",
    },
    {
      name: "signing-certificate",
      kind: "string",
      default: UKI_CERT,
      usage: "certificate (PEM) of the key that signs the variables",
    },
    {
      name: "signing-key",
      kind: "string",
      default: UKI_KEY,
      usage: "RSA key (PKCS#1 PEM) that signs the variables",
    },
    {
      name: "include-well-known-uefi-certs",
      kind: "bool",
      usage: "also enrol Microsoft's UEFI CA certificates in KEK and db",
    },
  ],
  async run(ctx) {
    const { fileSigner, generateDatabase, parseSigningKey } = await import(
      "../../pki/secureboot_db.ts"
    );
    const keyPath = str(ctx, "signing-key");
    const certPath = str(ctx, "signing-certificate");
    const signerError = (e: unknown) =>
      new UserError(`failed to create signer: ${(e as Error).message}`);
    if (keyPath === "" || certPath === "") {
      throw signerError(new Error("unsupported SecureBoot signer"));
    }
    let signer;
    try {
      const key = await parseSigningKey(await readInputFile(ctx.deps, keyPath));
      signer = fileSigner(key, await readInputFile(ctx.deps, certPath));
    } catch (e) {
      throw signerError(e);
    }
    const enrolled = await readInputBytes(ctx.deps, str(ctx, "enrolled-certificate"));
    let entries;
    try {
      entries = await generateDatabase(enrolled, signer, {
        includeWellKnown: bool(ctx, "include-well-known-uefi-certs"),
        now: ctx.deps.now(),
      });
    } catch (e) {
      throw new UserError(`failed to generate database: ${(e as Error).message}`);
    }
    await writeSecureBootFiles(ctx, entries.map((e) => ({ name: e.name, data: e.contents })));
  },
};
