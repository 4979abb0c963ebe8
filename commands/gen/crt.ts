// `talosctl gen crt`: signs a CSR with a CA given by basename (<ca>.crt + <ca>.key, the key in
// PKCS#8), copying subject and SANs from the CSR; KeyUsage digitalSignature, EKU clientAuth,
// valid for --hours (24 by default). Written as <name>.crt.

import { UserError } from "../../errors.ts";
import { bool, type CommandSpec, int, noArgs, str } from "../spec.ts";
import { readInputFile, writeOutputFile } from "../files.ts";
import { requireFlags } from "./required.ts";
import { certificateEnd } from "../lifetime.ts";

const wrap = (prefix: string) => (e: unknown): never => {
  throw new UserError(`${prefix}: ${(e as Error).message}`);
};

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "name",
      kind: "string",
      required: true,
      usage: "base name of the output file (written as <name>.crt)",
    },
    {
      name: "ca",
      required: true,
      kind: "string",
      usage: "base name of the signing CA: <ca>.crt and <ca>.key are read",
    },
    {
      name: "csr",
      kind: "string",
      required: true,
      usage: "PEM file holding the certificate signing request",
    },
    {
      name: "hours",
      kind: "int",
      default: 24,
      usage: "how long the certificate stays valid, in hours from now",
    },
  ],
  async run(ctx) {
    requireFlags(ctx, ["ca", "csr", "name"]);
    const now = ctx.deps.now();
    const hours = int(ctx, "hours");
    const notAfter = certificateEnd("hours", String(hours), hours * 3600_000, now);
    const { decodePem } = await import("../../pki/pem.ts");
    const { parseCertificateDer } = await import("../../pki/cert_info.ts");
    const { parsePkcs8 } = await import("../../pki/key_parse.ts");
    const { importParsed } = await import("../../pki/keys.ts");
    const { parseCsrDer } = await import("../../pki/csr.ts");
    const { signCertificate } = await import("../../pki/client_cert.ts");
    const { EKU_CLIENT_AUTH, KeyUsage } = await import("../../pki/x509_build.ts");
    const ca = str(ctx, "ca");
    const caText = await readInputFile(ctx.deps, `${ca}.crt`).catch(wrap("error reading CA cert"));
    const caBlock = decodePem(caText);
    if (!caBlock) throw new UserError("error decoding cert PEM");
    let caInfo;
    try {
      caInfo = parseCertificateDer(caBlock.der);
    } catch (e) {
      wrap("error parsing cert")(e);
    }
    const keyText = await readInputFile(ctx.deps, `${ca}.key`).catch(
      wrap("error reading key file"),
    );
    const keyBlock = decodePem(keyText);
    if (!keyBlock) throw new UserError("error decoding key PEM");
    let parsedKey;
    try {
      parsedKey = parsePkcs8(keyBlock.der, keyBlock.label);
    } catch (e) {
      wrap("error parsing EC key")(e);
    }
    const csrPath = str(ctx, "csr");
    const csrText = await readInputFile(ctx.deps, csrPath).catch(wrap("error reading CSR"));
    const csrBlock = decodePem(csrText);
    if (!csrBlock) throw new UserError("error parsing CSR PEM");
    let csr;
    try {
      csr = parseCsrDer(csrBlock.der);
    } catch (e) {
      wrap("error parsing CSR")(e);
    }
    if (!caInfo || !parsedKey || !csr) return;
    if (!(await csr.checkSignature())) {
      throw new UserError(
        "error signing certificate: failed verifying CSR signature: x509: signature verification failure",
      );
    }
    if (csr.keyAlg !== parsedKey.alg) {
      throw new UserError(
        "error signing certificate: x509: requested SignatureAlgorithm does not match private key type",
      );
    }
    const pem = await signCertificate(
      {
        issuer: { nameDer: caInfo.subjectDer, subjectKeyId: caInfo.subjectKeyId },
        key: await importParsed(parsedKey),
      },
      csr.spki,
      {
        subject: csr.subject,
        notBefore: now,
        notAfter,
        keyUsage: KeyUsage.digitalSignature,
        extKeyUsage: [EKU_CLIENT_AUTH],
        dnsNames: csr.dnsNames,
        ipAddresses: csr.ipAddresses,
        random: ctx.deps.random,
      },
    );
    await writeOutputFile(ctx.deps, `${str(ctx, "name")}.crt`, pem, { force: bool(ctx, "force") });
  },
};
