// The body of `image cache-cert-gen`: a self-signed ECDSA CA ("talos.dev Root CA") and a server
// certificate it signs for the advertised addresses and names, for `image cache-serve
// --tls-cert-file/--tls-key-file`; plus image-cache-patch.yaml, a TrustedRootsConfig document that
// makes Talos trust the CA. The key is written 0600; existing files are kept unless --force.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { goLogTime } from "../../gofmt/time.ts";
import { exists, replaceFile } from "../files.ts";

export const CA_PATCH_FILE = "image-cache-patch.yaml";

/** pflag's IP parsing (net.ParseIP): dotted IPv4 or IPv6 text. */
function checkIP(s: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4 && v4.slice(1).every((o) => Number(o) <= 255 && !/^0\d/.test(o))) return s;
  if (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s)) {
    try {
      new URL(`http://[${s}]/`);
      return s;
    } catch {
      // fall through
    }
  }
  throw new UserError(
    `invalid argument "${s}" for "--advertised-address" flag: invalid string being converted to IP address: ${s}`,
  );
}

export async function cacheCertGenRun(ctx: RunContext): Promise<void> {
  const ips = (ctx.flags["advertised-address"] as string[]).map(checkIP);
  const names = ctx.flags["advertised-name"] as string[];
  const { resolve } = await import("node:path");
  const files = {
    ca: resolve(ctx.deps.cwd, ctx.flags["tls-ca-file"] as string),
    cert: resolve(ctx.deps.cwd, ctx.flags["tls-cert-file"] as string),
    key: resolve(ctx.deps.cwd, ctx.flags["tls-key-file"] as string),
    patch: resolve(ctx.deps.cwd, CA_PATCH_FILE),
  };
  if (!(ctx.flags.force as boolean)) {
    for (const f of Object.values(files)) {
      if (await exists(f)) throw new UserError(`${f} already exists, use --force to overwrite it`);
    }
  }
  const { selfSignedServing } = await import("../../pki/self_signed.ts");
  const { ca, server } = await selfSignedServing({
    ipAddresses: ips,
    dnsNames: names,
    random: ctx.deps.random,
    now: ctx.deps.now(),
  });

  const { emitDocument, mapping, scalar, TALOS_YAML } = await import("../../goyaml/mod.ts");
  const patch = emitDocument(
    mapping([
      ["apiVersion", scalar("v1alpha1")],
      ["kind", scalar("TrustedRootsConfig")],
      ["name", scalar("image-cache-ca")],
      ["certificates", scalar(ca.crt)],
    ]),
    TALOS_YAML,
  );
  await ctx.deps.io.stderr.write(
    `${goLogTime(ctx.deps.now())} writing config patch to ${CA_PATCH_FILE}\n`,
  );
  await replaceFile(files.patch, patch, 0o644);
  await replaceFile(files.ca, ca.crt, 0o644);
  await replaceFile(files.cert, server.crt, 0o644);
  await replaceFile(files.key, server.key, 0o600);
}
