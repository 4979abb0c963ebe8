// `talosctl gen csr`: a CSR for a PKCS#8 private key, with Subject O = roles and an IP SAN,
// written next to the key as <key path without extension>.csr.

import { UserError } from "../../errors.ts";
import { bool, type CommandSpec, list, noArgs, str } from "../spec.ts";
import { readInputFile, writeOutputFile } from "../files.ts";
import { requireFlags } from "./required.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "key",
      required: true,
      kind: "string",
      usage: "PEM private key file; the request is written beside it as .csr",
    },
    {
      name: "ip",
      required: true,
      kind: "string",
      usage: "IP address to put in the request's subject alternative names",
    },
    {
      name: "roles",
      kind: "strings",
      default: ["os:admin"],
      usage: "Talos API roles, set as the request's organizations",
    },
  ],
  async run(ctx) {
    requireFlags(ctx, ["ip", "key"]);
    const { decodePem } = await import("../../pki/pem.ts");
    const { parsePkcs8 } = await import("../../pki/key_parse.ts");
    const { importParsed } = await import("../../pki/keys.ts");
    const { parseIp } = await import("../../pki/ip.ts");
    const { parseRoles } = await import("../../pki/roles.ts");
    const { buildCsr } = await import("../../pki/csr.ts");
    const keyPath = str(ctx, "key");
    let text: string;
    try {
      text = await readInputFile(ctx.deps, keyPath);
    } catch (e) {
      throw new UserError(`error reading key: ${(e as Error).message}`);
    }
    const block = decodePem(text);
    if (!block) throw new UserError("error decoding PEM");
    let parsed;
    try {
      // As upstream, the key must be PKCS#8 whatever its PEM label says.
      parsed = parsePkcs8(block.der, block.label);
    } catch (e) {
      throw new UserError(`error parsing ECDSA key: ${(e as Error).message}`);
    }
    const ip = str(ctx, "ip");
    if (!parseIp(ip)) throw new UserError(`invalid IP: ${ip}`);
    const { roles, unknown } = parseRoles(list(ctx, "roles"));
    if (unknown.length > 0) throw new UserError(`unknown roles: ${unknown.join(", ")}`);
    const key = await importParsed(parsed);
    const pem = await buildCsr(key, { organizations: roles }, { ipAddresses: [ip] });
    const slash = keyPath.lastIndexOf("/");
    const dot = keyPath.lastIndexOf(".");
    const stem = dot > slash ? keyPath.slice(0, dot) : keyPath;
    await writeOutputFile(ctx.deps, `${stem}.csr`, pem, { force: bool(ctx, "force") });
  },
};
