// Self-signed certificate authorities as siderolabs/crypto makes them
// (NewSelfSignedCertificateAuthority): subject carries only the organizations (a common name
// option is ignored, which is why the aggregator CA's subject is empty), a random 128-bit
// serial, a random 20-byte SubjectKeyId, CA:TRUE, KeyUsage certSign+digitalSignature and
// ExtKeyUsage serverAuth+clientAuth. The key type picks the signature: Ed25519 (default),
// ECDSA P-256 with SHA-256, or RSA-4096 with SHA-512.

import { encodePem } from "./pem.ts";
import {
  generateEcdsaP256,
  generateEd25519,
  generateRsa,
  type PrivateKey,
  privateKeyPem,
  type Random,
} from "./keys.ts";
import {
  buildCertificate,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  KeyUsage,
  newSerial,
} from "./x509_build.ts";

export type CaAlgorithm = "ed25519" | "ecdsa" | "rsa";

export interface CaOptions {
  algorithm: CaAlgorithm;
  organizations?: string[];
  notBefore: Date;
  notAfter: Date;
  ipAddresses?: string[];
  dnsNames?: string[];
  random: Random;
}

export interface CertificateAuthority {
  /** PEM certificate. */
  crt: string;
  /** PEM key in Go's per-type format (ED25519 / EC / RSA PRIVATE KEY). */
  key: string;
  der: Uint8Array;
  privateKey: PrivateKey;
}

export function generateKey(alg: CaAlgorithm, random: Random): Promise<PrivateKey> {
  if (alg === "ed25519") return generateEd25519(random);
  if (alg === "ecdsa") return generateEcdsaP256(random);
  return generateRsa(4096);
}

/** Creates a self-signed CA; `key` may be given to certify an existing key. */
export async function newSelfSignedCA(
  o: CaOptions,
  key?: PrivateKey,
): Promise<CertificateAuthority> {
  const privateKey = key ?? await generateKey(o.algorithm, o.random);
  const der = await buildCertificate(
    {
      serial: newSerial(o.random),
      subject: { organizations: o.organizations ?? [] },
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      spki: privateKey.spki,
      isCA: true,
      keyUsage: KeyUsage.certSign | KeyUsage.digitalSignature,
      extKeyUsage: [EKU_SERVER_AUTH, EKU_CLIENT_AUTH],
      subjectKeyId: o.random(20),
      dnsNames: o.dnsNames,
      ipAddresses: o.ipAddresses,
    },
    privateKey,
    null,
  );
  return { crt: encodePem("CERTIFICATE", der), key: privateKeyPem(privateKey), der, privateKey };
}

/** `sha256:<hex>` of the certificate's SubjectPublicKeyInfo (the `.sha256` file of `gen ca`). */
export async function spkiHash(spki: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", spki as BufferSource));
  return "sha256:" + Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}
