// Private keys: generation (Ed25519, ECDSA P-256, RSA), PEM encoding in the formats Go writes,
// import from any PEM Go reads, and signing in X.509's signature formats.
//
// Ed25519 and ECDSA keys are derived from the injected randomness (a seed or scalar), so tests
// with a seeded source get reproducible keys; RSA keys come from WebCrypto's generator.

import { bitString, concat, ctx, nul, octets, oid, seq, smallInt, uint } from "./der.ts";
import { encodePem } from "./pem.ts";
import { type Curve, CURVE_OIDS, type KeyAlg, OID_EC, OID_ED25519, OID_RSA } from "./key_types.ts";
import { type ParsedKey, quickPrivateKeyPem } from "./key_quick.ts";

export type Random = (n: number) => Uint8Array;

export interface PrivateKey {
  alg: KeyAlg;
  curve?: Curve;
  /** PKCS#8 DER of the private key. */
  pkcs8: Uint8Array;
  /** DER SubjectPublicKeyInfo of the matching public key. */
  spki: Uint8Array;
  /** Raw private scalar (ECDSA, 32 bytes for P-256) or seed (Ed25519); empty for RSA. */
  raw: Uint8Array;
  /** Uncompressed public point (ECDSA) or public key (Ed25519); empty for RSA. */
  publicRaw: Uint8Array;
  /** The WebCrypto key used to sign. */
  signer: CryptoKey;
}

const CURVE_OID_BY_NAME: Record<Curve, string> = Object.fromEntries(
  Object.entries(CURVE_OIDS).map(([o, c]) => [c, o]),
) as Record<Curve, string>;

const HASH_FOR_CURVE: Record<Curve, string> = {
  "P-256": "SHA-256",
  "P-384": "SHA-384",
  "P-521": "SHA-512",
};

/** Order of the P-256 group: private scalars must lie in [1, n-1]. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const b64url = (s: string): Uint8Array => {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
};
const toBig = (b: Uint8Array) => b.reduce((n, x) => (n << 8n) | BigInt(x), 0n);

function importParams(
  alg: KeyAlg,
  curve?: Curve,
): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  if (alg === "ed25519") return { name: "Ed25519" };
  if (alg === "ecdsa") return { name: "ECDSA", namedCurve: curve ?? "P-256" };
  // Go's siderolabs/crypto signs with SHA-512 whenever the key is RSA.
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" };
}

/** Imports PKCS#8 DER and derives the public half (through JWK export). */
export async function importPkcs8(
  alg: KeyAlg,
  pkcs8: Uint8Array,
  curve?: Curve,
): Promise<PrivateKey> {
  const signer = await crypto.subtle.importKey(
    "pkcs8",
    pkcs8 as BufferSource,
    importParams(alg, curve),
    true,
    ["sign"],
  );
  const jwk = await crypto.subtle.exportKey("jwk", signer);
  if (alg === "ed25519") {
    const pub = b64url(jwk.x!);
    return {
      alg,
      pkcs8,
      raw: b64url(jwk.d!),
      publicRaw: pub,
      spki: seq(seq(oid(OID_ED25519)), bitString(pub)),
      signer,
    };
  }
  if (alg === "ecdsa") {
    const c = curve ?? "P-256";
    const pub = concat([new Uint8Array([4]), b64url(jwk.x!), b64url(jwk.y!)]);
    return {
      alg,
      curve: c,
      pkcs8,
      raw: b64url(jwk.d!),
      publicRaw: pub,
      spki: seq(seq(oid(OID_EC), oid(CURVE_OID_BY_NAME[c])), bitString(pub)),
      signer,
    };
  }
  const rsaPub = seq(uint(b64url(jwk.n!)), uint(b64url(jwk.e!)));
  return {
    alg,
    pkcs8,
    raw: new Uint8Array(),
    publicRaw: new Uint8Array(),
    spki: seq(seq(oid(OID_RSA), nul()), bitString(rsaPub)),
    signer,
  };
}

/** Ed25519 key from a 32-byte seed drawn from `random`. */
export function generateEd25519(random: Random): Promise<PrivateKey> {
  const seed = random(32);
  const pkcs8 = seq(smallInt(0), seq(oid(OID_ED25519)), octets(octets(seed)));
  return importPkcs8("ed25519", pkcs8);
}

/** ECDSA P-256 key from a scalar drawn from `random` (rejection-sampled into [1, n-1]). */
export function generateEcdsaP256(random: Random): Promise<PrivateKey> {
  let d: Uint8Array;
  do d = random(32); while (toBig(d) === 0n || toBig(d) >= P256_N);
  const sec1 = seq(smallInt(1), octets(d), ctx(0, oid(CURVE_OID_BY_NAME["P-256"])));
  const pkcs8 = seq(smallInt(0), seq(oid(OID_EC), oid(CURVE_OID_BY_NAME["P-256"])), octets(sec1));
  return importPkcs8("ecdsa", pkcs8, "P-256");
}

/** RSA key (e = 65537) from WebCrypto's generator. */
export async function generateRsa(bits = 4096): Promise<PrivateKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-512",
    },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return importPkcs8("rsa", pkcs8);
}

/** A key of the same kind as `like` (client certificates follow their CA's key type). */
export function generateLike(like: KeyAlg, random: Random): Promise<PrivateKey> {
  if (like === "ed25519") return generateEd25519(random);
  if (like === "ecdsa") return generateEcdsaP256(random);
  return generateRsa(4096);
}

/** The inner structure of a PKCS#8 container (PKCS#1 for RSA). */
function pkcs8Inner(pkcs8: Uint8Array): Uint8Array {
  // PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING, ... }
  let p = 2 + (pkcs8[1] & 0x80 ? pkcs8[1] & 0x7f : 0);
  for (let i = 0; i < 2; i++) p = skip(pkcs8, p);
  const len = readLen(pkcs8, p + 1);
  return pkcs8.subarray(len.start, len.start + len.len);
}
function readLen(b: Uint8Array, p: number): { len: number; start: number } {
  const first = b[p];
  if (!(first & 0x80)) return { len: first, start: p + 1 };
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + b[p + 1 + i];
  return { len, start: p + 1 + (first & 0x7f) };
}
function skip(b: Uint8Array, p: number): number {
  const { len, start } = readLen(b, p + 1);
  return start + len;
}

/** SEC1 ECPrivateKey as Go's x509.MarshalECPrivateKey writes it (curve OID and public key). */
export function sec1Der(key: PrivateKey): Uint8Array {
  const c = key.curve ?? "P-256";
  const size = c === "P-256" ? 32 : c === "P-384" ? 48 : 66;
  const d = new Uint8Array(size);
  d.set(key.raw, size - key.raw.length);
  return seq(
    smallInt(1),
    octets(d),
    ctx(0, oid(CURVE_OID_BY_NAME[c])),
    ctx(1, bitString(key.publicRaw)),
  );
}

/**
 * PEM in the label and format Go's siderolabs/crypto writes for this key type:
 * `ED25519 PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1).
 */
export function privateKeyPem(key: PrivateKey): string {
  if (key.alg === "ed25519") return encodePem("ED25519 PRIVATE KEY", key.pkcs8);
  if (key.alg === "ecdsa") return encodePem("EC PRIVATE KEY", sec1Der(key));
  return encodePem("RSA PRIVATE KEY", pkcs8Inner(key.pkcs8));
}

/** Generic PKCS#8 PEM (`PRIVATE KEY`). */
export function pkcs8Pem(key: PrivateKey): string {
  return encodePem("PRIVATE KEY", key.pkcs8);
}

/**
 * Imports any private key PEM Go reads (see key_parse.ts for the labels and errors). Keys in the
 * forms Go writes are read by key_quick.ts; only others load the ASN.1 schema parsers.
 */
export async function importPrivateKeyPem(pem: string): Promise<PrivateKey> {
  const parsed = quickPrivateKeyPem(pem) ??
    (await import(
      // A computed specifier: `deno run` would load the ASN.1 parsers up front for a literal one.
      new URL("./key_parse.ts", import.meta.url).href
    ) as typeof import("./key_parse.ts")).parsePrivateKeyPem(pem);
  return await importParsed(parsed);
}

export function importParsed(k: ParsedKey): Promise<PrivateKey> {
  return importPkcs8(k.alg, k.pkcs8, k.curve);
}

/** AlgorithmIdentifier of the signatures this key makes (as Go picks them for the key type). */
export function signatureAlgorithm(key: PrivateKey): Uint8Array {
  if (key.alg === "ed25519") return seq(oid(OID_ED25519));
  if (key.alg === "ecdsa") {
    const h = HASH_FOR_CURVE[key.curve ?? "P-256"];
    const o = h === "SHA-256" ? "2" : h === "SHA-384" ? "3" : "4";
    return seq(oid(`1.2.840.10045.4.3.${o}`));
  }
  return seq(oid("1.2.840.113549.1.1.13"), nul());
}

/** Signs `data`; ECDSA signatures are converted to DER (SEQUENCE { r, s }) as X.509 wants. */
export async function sign(key: PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  const params: Algorithm | EcdsaParams = key.alg === "ecdsa"
    ? { name: "ECDSA", hash: HASH_FOR_CURVE[key.curve ?? "P-256"] }
    : key.alg === "ed25519"
    ? { name: "Ed25519" }
    : { name: "RSASSA-PKCS1-v1_5" };
  const sig = new Uint8Array(await crypto.subtle.sign(params, key.signer, data as BufferSource));
  if (key.alg !== "ecdsa") return sig;
  const half = sig.length / 2;
  return seq(uint(sig.subarray(0, half)), uint(sig.subarray(half)));
}
