// Certificates signed by a CA from the bundle: talosconfig client certificates (OS CA) and a
// general helper for others (e.g. the Kubernetes admin certificate: ECDSA, CN=admin,
// O=system:masters, KeyUsage digitalSignature+keyEncipherment, EKU clientAuth).
//
// As upstream (siderolabs/crypto NewKeyPair), the new key follows the CA's key type: Ed25519
// for the Talos OS CA, ECDSA P-256 for the Kubernetes CAs, RSA-4096 for RSA CAs. Leaf
// certificates get a random 128-bit serial, no BasicConstraints, no SubjectKeyId, and an
// AuthorityKeyId equal to the CA's SubjectKeyId.

import { quickCertificatePem } from "./cert_quick.ts";
import { importPrivateKeyPem, type PrivateKey, privateKeyPem, type Random } from "./keys.ts";
import { generateLike } from "./keys.ts";
import { encodePem } from "./pem.ts";
import { CLOCK_SKEW_ALLOWANCE_MS, type PemCertAndKey } from "./secrets_types.ts";
import {
  buildCertificate,
  EKU_CLIENT_AUTH,
  type Issuer,
  KeyUsage,
  type NameSpec,
  newSerial,
} from "./x509_build.ts";

const defaultRandom: Random = (n) => crypto.getRandomValues(new Uint8Array(n));

export interface IssueOptions {
  subject: NameSpec;
  notBefore: Date;
  notAfter: Date;
  /** Go KeyUsage bits (see KeyUsage in x509_build.ts). */
  keyUsage: number;
  /** Extended key usage OIDs. */
  extKeyUsage: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  random?: Random;
}

/** A CA read from PEM, ready to sign. */
export interface LoadedCA {
  issuer: Issuer;
  key: PrivateKey;
}

export async function loadCA(ca: PemCertAndKey): Promise<LoadedCA> {
  // Certificates as Go writes them are read without the ASN.1 schema libraries (cert_quick.ts).
  const info = quickCertificatePem(ca.crt) ??
    (await import(
      // A computed specifier: `deno run` would load the ASN.1 parsers up front for a literal one.
      new URL("./cert_info.ts", import.meta.url).href
    ) as typeof import("./cert_info.ts")).parseCertificatePem(ca.crt);
  const key = await importPrivateKeyPem(ca.key);
  return { issuer: { nameDer: info.subjectDer, subjectKeyId: info.subjectKeyId }, key };
}

/** Signs a certificate for `spki` (an existing public key) with the CA. Returns PEM. */
export async function signCertificate(
  ca: LoadedCA,
  spki: Uint8Array,
  o: IssueOptions,
): Promise<string> {
  const der = await buildCertificate(
    {
      serial: newSerial(o.random ?? defaultRandom),
      subject: o.subject,
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      spki,
      isCA: false,
      keyUsage: o.keyUsage,
      extKeyUsage: o.extKeyUsage,
      dnsNames: o.dnsNames,
      ipAddresses: o.ipAddresses,
    },
    ca.key,
    ca.issuer,
  );
  return encodePem("CERTIFICATE", der);
}

/** Generates a key of the CA's type and a certificate for it signed by the CA. */
export async function issueCertificate(ca: PemCertAndKey, o: IssueOptions): Promise<PemCertAndKey> {
  const loaded = await loadCA(ca);
  const key = await generateLike(loaded.key.alg, o.random ?? defaultRandom);
  const crt = await signCertificate(loaded, key.spki, o);
  return { crt, key: privateKeyPem(key) };
}

/**
 * A talosconfig client certificate signed by the OS CA: Subject O = roles, no CN, KeyUsage
 * digitalSignature, EKU clientAuth, valid `validityMs` from `now`, NotBefore backdated by
 * CLOCK_SKEW_ALLOWANCE_MS so nodes whose clock is slightly behind accept it.
 */
export function issueClientCertificate(
  ca: PemCertAndKey,
  roles: string[],
  validityMs: number,
  now: Date,
  random?: Random,
): Promise<PemCertAndKey> {
  return issueCertificate(ca, {
    subject: { organizations: roles },
    notBefore: new Date(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS),
    notAfter: new Date(now.getTime() + validityMs),
    keyUsage: KeyUsage.digitalSignature,
    extKeyUsage: [EKU_CLIENT_AUTH],
    random,
  });
}
