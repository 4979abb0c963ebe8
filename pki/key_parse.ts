// Reading private keys from PEM, for every label Go writes and reads: `ED25519 PRIVATE KEY`
// (PKCS#8 body), `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1) and `PRIVATE KEY` (PKCS#8).
// Synchronous and structural (ASN.1 schemas only), so bundles can be validated without
// WebCrypto; keys.ts turns the result into a signing key. Error texts follow Go's crypto/x509
// and siderolabs/crypto, which users of talosctl see in their messages.

import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { type Curve, CURVE_OIDS, OID_EC, OID_ED25519, OID_RSA } from "./key_types.ts";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { RSAPrivateKey } from "@peculiar/asn1-rsa";
import { decodePem } from "./pem.ts";
import { type ParsedKey, wrapPkcs1, wrapSec1 } from "./key_quick.ts";

export { CURVE_OIDS, OID_EC, OID_ED25519, OID_RSA } from "./key_types.ts";
export type { Curve, KeyAlg } from "./key_types.ts";

export type { ParsedKey } from "./key_quick.ts";

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof Uint8Array
    ? b
    : ArrayBuffer.isView(b)
    ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    : new Uint8Array(b);

function parsePkcs1(der: Uint8Array): RSAPrivateKey {
  try {
    return AsnConvert.parse(der, RSAPrivateKey);
  } catch {
    throw new Error(
      "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)",
    );
  }
}

function parseSec1(der: Uint8Array): ECPrivateKey {
  let k: ECPrivateKey;
  try {
    k = AsnConvert.parse(der, ECPrivateKey);
  } catch {
    throw new Error(
      "x509: failed to parse EC private key: asn1: structure error: tags don't match",
    );
  }
  if (k.version !== 1) throw new Error(`x509: unknown EC private key version ${k.version}`);
  return k;
}

function pkcs8Info(der: Uint8Array): PrivateKeyInfo {
  try {
    return AsnConvert.parse(der, PrivateKeyInfo);
  } catch {
    // Go tells the user which parser would have worked.
    try {
      AsnConvert.parse(der, ECPrivateKey);
      return fail("use ParseECPrivateKey instead for this key format");
    } catch (e) {
      if (e instanceof Pkcs8Error) throw e;
    }
    try {
      AsnConvert.parse(der, RSAPrivateKey);
      return fail("use ParsePKCS1PrivateKey instead for this key format");
    } catch (e) {
      if (e instanceof Pkcs8Error) throw e;
    }
    throw new Error("asn1: structure error: tags don't match");
  }
}

class Pkcs8Error extends Error {}
function fail(hint: string): never {
  throw new Pkcs8Error(`x509: failed to parse private key (${hint})`);
}

/** Parses PKCS#8 DER (Go's x509.ParsePKCS8PrivateKey). */
export function parsePkcs8(der: Uint8Array, label = "PRIVATE KEY"): ParsedKey {
  const info = pkcs8Info(der);
  const algOid = info.privateKeyAlgorithm.algorithm;
  const inner = u8(info.privateKey.buffer);
  switch (algOid) {
    case OID_ED25519: {
      let seed: Uint8Array;
      try {
        seed = u8(AsnConvert.parse(inner, OctetString).buffer);
      } catch {
        throw new Error("x509: invalid Ed25519 private key: asn1: structure error");
      }
      if (seed.length !== 32) {
        throw new Error(`x509: invalid Ed25519 private key length: ${seed.length}`);
      }
      return { alg: "ed25519", pkcs8: der, label };
    }
    case OID_EC: {
      const params = info.privateKeyAlgorithm.parameters;
      const curveOid = params ? AsnConvert.parse(params, ECParameters).namedCurve : undefined;
      const curve = curveOid ? CURVE_OIDS[curveOid] : undefined;
      if (!curve) {
        throw new Error(
          "x509: failed to parse EC private key embedded in PKCS#8: x509: unknown elliptic curve",
        );
      }
      parseSec1(inner);
      return { alg: "ecdsa", curve, pkcs8: der, label };
    }
    case OID_RSA:
      parsePkcs1(inner);
      return { alg: "rsa", pkcs8: der, label };
    default:
      throw new Error(
        `x509: PKCS#8 wrapping contained private key with unknown algorithm: ${algOid}`,
      );
  }
}

/** Wraps a SEC1 EC key in PKCS#8. */
export function sec1ToPkcs8(der: Uint8Array): { curve: Curve; pkcs8: Uint8Array } {
  const k = parseSec1(der);
  const curveOid = k.parameters?.namedCurve;
  const curve = curveOid ? CURVE_OIDS[curveOid] : undefined;
  if (!curve) throw new Error("x509: unknown elliptic curve");
  return { curve, pkcs8: wrapSec1(curveOid!, der) };
}

/** Wraps a PKCS#1 RSA key in PKCS#8. */
export function pkcs1ToPkcs8(der: Uint8Array): Uint8Array {
  parsePkcs1(der);
  return wrapPkcs1(der);
}

/**
 * Reads the first PEM block of `pem` as a private key, dispatching on the label as
 * siderolabs/crypto does. `unsupportedSep` reproduces the two spellings of its
 * "unsupported key type" error (`: ` for certificate+key pairs, ` ` for lone keys).
 */
export function parsePrivateKeyPem(pem: string, unsupportedSep = ": "): ParsedKey {
  const block = decodePem(pem);
  if (!block) throw new Error("failed to parse PEM block");
  const { label, der } = block;
  switch (label) {
    case "RSA PRIVATE KEY":
      try {
        return { alg: "rsa", pkcs8: pkcs1ToPkcs8(der), label };
      } catch (e) {
        throw new Error(`failed to parse RSA key: ${(e as Error).message}`);
      }
    case "EC PRIVATE KEY":
      try {
        const { curve, pkcs8 } = sec1ToPkcs8(der);
        return { alg: "ecdsa", curve, pkcs8, label };
      } catch (e) {
        throw new Error(`failed to parse ECDSA key: ${(e as Error).message}`);
      }
    case "ED25519 PRIVATE KEY": {
      let k: ParsedKey;
      try {
        k = parsePkcs8(der, label);
      } catch (e) {
        throw new Error(`failed to parse Ed25519 key: ${(e as Error).message}`);
      }
      if (k.alg !== "ed25519") throw new Error("failed parsing Ed25519 key, got wrong key type");
      return k;
    }
    case "PRIVATE KEY":
      try {
        return parsePkcs8(der, label);
      } catch (e) {
        throw new Error(`failed to parse key: ${(e as Error).message}`);
      }
    default:
      throw new Error(`unsupported key type${unsupportedSep}${JSON.stringify(label)}`);
  }
}
