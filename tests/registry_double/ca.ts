// A test CA for the registry double, written to `dir`/ca.crt so SSL_CERT_FILE can point at it.

import { newSelfSignedCA } from "../../pki/ca.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";

export async function registryCA(dir: string): Promise<{ ca: PemCertAndKey; caFile: string }> {
  const now = new Date();
  const ca = await newSelfSignedCA({
    algorithm: "ecdsa",
    organizations: ["registry-test"],
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 24 * 3600_000),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  });
  const caFile = `${dir}/ca.crt`;
  await Deno.writeTextFile(caFile, ca.crt);
  return { ca: { crt: ca.crt, key: ca.key }, caFile };
}
