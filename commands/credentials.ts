// Offline sources of cluster credentials for `config renew` and `kubeconfig`: the secrets
// bundle (`--from-secrets`) or a control-plane machine config (`--from-controlplane-config`).
// Each loader checks what signing needs (a CA key that is present, parses and belongs to its
// certificate) and names the file and field when something is missing.

import { UserError } from "../errors.ts";
import type { Deps } from "./deps.ts";
import { readInputFile } from "./files.ts";
import { goQuote } from "../gofmt/mod.ts";
import type { PemCertAndKey, SecretsBundle } from "../pki/secrets_types.ts";
import type { ConfigCredentials } from "../machineconfig/credentials.ts";

export interface SourceFlags {
  fromSecrets: string;
  fromControlplaneConfig: string;
}

/** A CA able to sign, and where it came from ("secrets bundle \"x\"", ...). */
export interface SigningCA {
  ca: PemCertAndKey;
  source: string;
}

export async function loadSecrets(deps: Pick<Deps, "cwd">, path: string): Promise<SecretsBundle> {
  const { loadSecretsBundle } = await import("../pki/secrets_quick.ts");
  let text: string;
  try {
    text = await readInputFile(deps, path);
  } catch (e) {
    throw new UserError(`failed to read secrets bundle: ${(e as Error).message}`);
  }
  return await loadSecretsBundle(text, path);
}

export async function loadConfigCredentials(
  deps: Pick<Deps, "cwd">,
  path: string,
): Promise<ConfigCredentials> {
  let text: string;
  try {
    text = await readInputFile(deps, path);
  } catch (e) {
    throw new UserError(`failed to read controlplane config: ${(e as Error).message}`);
  }
  const { configCredentials } = await import("../machineconfig/credentials.ts");
  return configCredentials(text, path);
}

/** Checks that `ca.key` is the private key of `ca.crt`. */
export async function checkKeyMatches(ca: PemCertAndKey, what: string): Promise<void> {
  const { importPrivateKeyPem } = await import("../pki/keys.ts");
  const { parseCertificatePem } = await import("../pki/cert_info.ts");
  const { compareDer } = await import("../pki/der.ts");
  let key, cert;
  try {
    cert = parseCertificatePem(ca.crt);
  } catch (e) {
    throw new UserError(`${what}: certificate: ${(e as Error).message}`);
  }
  try {
    key = await importPrivateKeyPem(ca.key);
  } catch (e) {
    throw new UserError(`${what}: key: ${(e as Error).message}`);
  }
  if (compareDer(key.spki, cert.spki) !== 0) {
    throw new UserError(`${what}: the key does not belong to the certificate`);
  }
}

function noKey(key: string): boolean {
  return key.trim() === "" || key === "******";
}

/** The Talos API (OS) CA with its key, from the bundle or control-plane config. */
export async function loadOsCA(deps: Pick<Deps, "cwd">, f: SourceFlags): Promise<SigningCA> {
  if (f.fromSecrets !== "") {
    const bundle = await loadSecrets(deps, f.fromSecrets);
    const source = `secrets bundle ${goQuote(f.fromSecrets)}`;
    const ca = bundle.certs.os;
    if (!ca || noKey(ca.key)) {
      throw new UserError(`${source} holds no Talos API CA key (certs.os.key)`);
    }
    await checkKeyMatches(ca, `${source}: certs.os`);
    return { ca, source };
  }
  const path = f.fromControlplaneConfig;
  const creds = await loadConfigCredentials(deps, path);
  const source = `controlplane config ${goQuote(path)}`;
  if (!creds.osCA || creds.osCA.crt === "") {
    throw new UserError(`${source} has no Talos API CA (machine.ca)`);
  }
  if (noKey(creds.osCA.key)) {
    const kind = creds.machineType === "worker" ? "a worker config" : "a config";
    throw new UserError(
      `${source} is ${kind} without the Talos API CA key (machine.ca.key): only control plane ` +
        `configs carry it; use controlplane.yaml or the secrets bundle (--from-secrets)`,
    );
  }
  await checkKeyMatches(creds.osCA, `${source}: machine.ca`);
  return { ca: creds.osCA, source };
}
