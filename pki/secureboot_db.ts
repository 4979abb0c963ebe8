// The SecureBoot enrolment database of `talosctl gen secureboot database`: PK, KEK and db
// signature lists holding the enrolled certificate (and, on request, Microsoft's well-known UEFI
// CA certificates in KEK and db), each signed as an authenticated variable and named as
// systemd-boot expects for automatic enrolment (db.auth, KEK.auth, PK.auth).

import { pkcs1ToPkcs8, sec1ToPkcs8 } from "./key_parse.ts";
import { decodePem } from "./pem.ts";
import { parseCertificateDer } from "./cert_info.ts";
import type { Pkcs7Signer } from "./pkcs7.ts";
import { authenticatedVariable, DB, KEK, PK, SignatureDatabase } from "./uefi_vars.ts";

/** Owner GUID Microsoft uses for its certificates in KEK and db. */
export const MICROSOFT_OWNER_GUID = "77fa9abd-0359-4d32-bd60-28f4e78f784b";

/** The well-known certificates, DER files under uefi_certs/, in the order they are added. */
const WELL_KNOWN_KEK = [
  "kek/MicCorKEKCA2011_2011-06-24.der",
  "kek/microsoft-corporation-kek-2k-ca-2023.der",
];
const WELL_KNOWN_DB = [
  "db/MicCorUEFCA2011_2011-06-27.der",
  "db/microsoft-option-rom-uefi-ca-2023.der",
  "db/microsoft-uefi-ca-2023.der",
];

function loadWellKnown(names: string[]): Promise<Uint8Array[]> {
  return Promise.all(
    names.map((n) => Deno.readFile(new URL(`./uefi_certs/${n}`, import.meta.url))),
  );
}

export interface DatabaseEntry {
  name: string;
  contents: Uint8Array;
}

/**
 * The signature owner GUID derived from the enrolled certificate file's bytes: a name-based
 * UUID over the X.500 namespace hashed with SHA-256 (first 16 bytes, version 4, RFC 4122
 * variant), as talosctl derives it.
 */
export async function ownerGuidFor(enrolled: Uint8Array): Promise<string> {
  const namespaceX500 = Uint8Array.from(
    "6ba7b8149dad11d180b400c04fd430c8".match(/../g)!,
    (h) => parseInt(h, 16),
  );
  const input = new Uint8Array(16 + enrolled.length);
  input.set(namespaceX500);
  input.set(enrolled, 16);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/**
 * Builds db.auth, KEK.auth and PK.auth (in that order) enrolling `enrolled` (the certificate
 * file as read: PEM or DER), signed by `signer` at `now`.
 */
export async function generateDatabase(
  enrolled: Uint8Array,
  signer: Pkcs7Signer,
  opts: { includeWellKnown: boolean; now: Date },
): Promise<DatabaseEntry[]> {
  const owner = await ownerGuidFor(enrolled);
  const pk = new SignatureDatabase();
  pk.appendX509(owner, enrolled);
  const signedPK = await authenticatedVariable(PK, pk.bytes(), signer, opts.now);

  const kek = new SignatureDatabase();
  kek.appendX509(owner, enrolled);
  if (opts.includeWellKnown) {
    for (const c of await loadWellKnown(WELL_KNOWN_KEK)) kek.appendX509(MICROSOFT_OWNER_GUID, c);
  }
  const signedKEK = await authenticatedVariable(KEK, kek.bytes(), signer, opts.now);

  const db = new SignatureDatabase();
  db.appendX509(owner, enrolled);
  if (opts.includeWellKnown) {
    for (const c of await loadWellKnown(WELL_KNOWN_DB)) db.appendX509(MICROSOFT_OWNER_GUID, c);
  }
  const signedDB = await authenticatedVariable(DB, db.bytes(), signer, opts.now);

  return [
    { name: "db.auth", contents: signedDB },
    { name: "KEK.auth", contents: signedKEK },
    { name: "PK.auth", contents: signedPK },
  ];
}

/**
 * The RSA key of a file-based SecureBoot signer: PKCS#1 DER under any PEM label, read as
 * talosctl reads it; errors carry its wording. Ready to sign with SHA-256, as UEFI wants.
 */
export async function parseSigningKey(keyPem: string): Promise<CryptoKey> {
  const block = decodePem(keyPem);
  if (!block) throw new Error("failed to decode private key");
  let pkcs8: Uint8Array;
  try {
    pkcs8 = pkcs1ToPkcs8(block.der);
  } catch (e) {
    let reason = (e as Error).message;
    try {
      sec1ToPkcs8(block.der);
      reason =
        "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)";
    } catch {
      // not SEC1 either: the PKCS#1 parser's reason stands
    }
    throw new Error(`failed to parse private RSA key: ${reason}`);
  }
  return await crypto.subtle.importKey(
    "pkcs8",
    pkcs8 as BufferSource,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/** A PKCS#7 signer from the key and the first certificate of a PEM text. */
export function fileSigner(key: CryptoKey, certPem: string): Pkcs7Signer {
  const block = decodePem(certPem);
  if (!block) throw new Error("failed to decode certificate");
  try {
    parseCertificateDer(block.der);
  } catch (e) {
    throw new Error(`failed to parse certificate: ${(e as Error).message}`);
  }
  return {
    certificate: block.der,
    async sign(data) {
      return new Uint8Array(
        await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, data as BufferSource),
      );
    },
  };
}
