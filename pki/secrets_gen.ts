// Generating a fresh secrets bundle, with upstream's (talosctl HEAD) choices:
// - etcd, Kubernetes and aggregator CAs: ECDSA P-256 signed with SHA-256, subjects O=etcd,
//   O=kubernetes and empty (the aggregator CA's common name is dropped by the CA builder);
// - the Talos OS CA: Ed25519, O=talos; every CA valid from "now" for 87600h;
// - the service-account key: RSA-4096 for contracts after v1.6, ECDSA P-256 before;
// - bootstrap and trustd tokens: 6 + "." + 16 characters of [0-9a-z] (kubeadm's format);
// - Kubernetes secrets encryption: 32 random bytes in base64, as secretbox for contracts after
//   v1.2 and aescbc up to v1.2;
// - cluster id and secret: 32 random bytes each, standard base64 with padding.

import { atLeast, effectiveContract, type VersionContract } from "../contract/mod.ts";
import { newSelfSignedCA } from "./ca.ts";
import { generateEcdsaP256, generateRsa, privateKeyPem, type Random } from "./keys.ts";
import { base64Encode } from "./pem.ts";
import { CA_VALIDITY_MS, type PemCertAndKey, type SecretsBundle } from "./secrets_types.ts";

const TOKEN_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Random [0-9a-z] text; bytes >= 252 are skipped so every character is equally likely. */
export function randomTokenString(length: number, random: Random): string {
  let out = "";
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b >= 252) continue;
      out += TOKEN_CHARS[b % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A `xxxxxx.yyyyyyyyyyyyyyyy` token (Kubernetes bootstrap token / trustd token format). */
export function generateToken(random: Random): string {
  return `${randomTokenString(6, random)}.${randomTokenString(16, random)}`;
}

export interface GenerateDeps {
  now: () => Date;
  random: Random;
}

/** Only what is missing from `partial` is generated (used by --from-kubernetes-pki). */
export interface PartialBundle {
  certs?: Partial<SecretsBundle["certs"]>;
  bootstrapToken?: string;
}

/**
 * `kubernetes: false` (gen config --skip-k8s-etcd) leaves out what upstream does not generate
 * for a Kubernetes-less contract and what shows in configs: the bootstrap token and the
 * encryption secret. (The CAs are still made; such configs do not carry them.)
 */
export interface GenerateOptions {
  kubernetes?: boolean;
  /**
   * `false` skips an RSA-4096 service-account key (seconds of work; left empty): `gen config`
   * runs that write no control plane config never show it. RSA keys draw nothing from `random`,
   * so everything else comes out the same; an ECDSA key (contracts up to v1.6) is still made,
   * as skipping it would shift every later draw.
   */
  serviceAccount?: boolean;
}

export async function generateSecretsBundle(
  contract: VersionContract,
  deps: GenerateDeps,
  partial: PartialBundle = {},
  opts: GenerateOptions = {},
): Promise<SecretsBundle> {
  contract = effectiveContract(contract);
  const now = deps.now();
  const random = deps.random;
  const ca = async (algorithm: "ecdsa" | "ed25519", org: string[]): Promise<PemCertAndKey> => {
    const c = await newSelfSignedCA({
      algorithm,
      organizations: org,
      notBefore: now,
      notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
      random,
    });
    return { crt: c.crt, key: c.key };
  };
  const useRsaServiceAccount = atLeast(contract, 1, 7);
  // RSA generation dominates the run time: start it first and let it run alongside the rest.
  const saKey = partial.certs?.k8sServiceAccount
    ? Promise.resolve(partial.certs.k8sServiceAccount)
    : opts.serviceAccount === false && useRsaServiceAccount
    ? Promise.resolve({ key: "" })
    : (useRsaServiceAccount ? generateRsa(4096) : generateEcdsaP256(random)).then((k) => ({
      key: privateKeyPem(k),
    }));
  const etcd = partial.certs?.etcd ?? await ca("ecdsa", ["etcd"]);
  const k8s = partial.certs?.k8s ?? await ca("ecdsa", ["kubernetes"]);
  const k8sAggregator = partial.certs?.k8sAggregator ?? await ca("ecdsa", []);
  const os = partial.certs?.os ?? await ca("ed25519", ["talos"]);
  const kubernetes = opts.kubernetes ?? true;
  const secrets: SecretsBundle["secrets"] = {
    bootstrapToken: partial.bootstrapToken || (kubernetes ? generateToken(random) : ""),
  };
  if (kubernetes) {
    const encryption = base64Encode(random(32));
    if (atLeast(contract, 1, 3)) secrets.secretboxEncryptionSecret = encryption;
    else secrets.aescbcEncryptionSecret = encryption;
  }
  const trustdToken = generateToken(random);
  const cluster = { id: base64Encode(random(32)), secret: base64Encode(random(32)) };
  return {
    cluster,
    secrets,
    trustdInfo: { token: trustdToken },
    certs: { etcd, k8s, k8sAggregator, k8sServiceAccount: await saKey, os },
  };
}
