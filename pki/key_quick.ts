// Quick private key reading without the ASN.1 schema libraries, for keys in the exact forms Go,
// openssl and kubeadm write: `ED25519 PRIVATE KEY` / `PRIVATE KEY` (PKCS#8 v1, no attributes),
// `EC PRIVATE KEY` (SEC1 v1 with a named curve) and `RSA PRIVATE KEY` (two-prime PKCS#1).
//
// As cert_quick.ts, it answers "certainly valid" (the same ParsedKey key_parse.ts returns) or
// undefined, and undefined sends the caller to key_parse.ts, whose decision and error text
// stand (key_quick_test.ts checks the agreement on real and mutated keys).

import { nul, octets, oid, seq, smallInt } from "./der.ts";
import { decodePem } from "./pem.ts";
import {
  decline,
  DerReader,
  integer,
  nullValue,
  oidText,
  quick,
  smallInteger,
  TAG,
} from "./der_strict.ts";
import { type Curve, CURVE_OIDS, type KeyAlg, OID_EC, OID_ED25519, OID_RSA } from "./key_types.ts";

/** A parsed private key: enough to import it into WebCrypto and to re-encode it. */
export interface ParsedKey {
  alg: KeyAlg;
  curve?: Curve;
  /** The key as PKCS#8 DER (the form WebCrypto imports). */
  pkcs8: Uint8Array;
  /** PEM label it was read under. */
  label: string;
}

/** PKCS#8 around a PKCS#1 RSA key. */
export function wrapPkcs1(der: Uint8Array): Uint8Array {
  return seq(smallInt(0), seq(oid(OID_RSA), nul()), octets(der));
}

/** PKCS#8 around a SEC1 EC key on the curve `curveOid`. */
export function wrapSec1(curveOid: string, der: Uint8Array): Uint8Array {
  return seq(smallInt(0), seq(oid(OID_EC), oid(curveOid)), octets(der));
}

const SCALAR_BYTES: Record<Curve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** Two-prime PKCS#1 RSAPrivateKey: version 0 and eight positive integers. */
function checkPkcs1(der: Uint8Array): void {
  const top = new DerReader(der);
  const k = DerReader.of(der, top.next(TAG.sequence));
  top.done();
  if (smallInteger(der, k.next(TAG.integer)) !== 0) decline();
  for (let i = 0; i < 8; i++) integer(der, k.next(TAG.integer));
  k.done();
}

/** SEC1 ECPrivateKey v1; returns the curve OID of its parameters ("" when absent). */
function checkSec1(der: Uint8Array, curve?: Curve): string {
  const top = new DerReader(der);
  const k = DerReader.of(der, top.next(TAG.sequence));
  top.done();
  if (smallInteger(der, k.next(TAG.integer)) !== 1) decline();
  const d = k.next(TAG.octetString);
  let curveOid = "";
  const params = k.optional(0xa0);
  if (params) {
    const p = DerReader.of(der, params);
    curveOid = oidText(der, p.next(TAG.oid));
    p.done();
    if (!CURVE_OIDS[curveOid] || (curve && CURVE_OIDS[curveOid] !== curve)) decline();
  }
  const c = curve ?? CURVE_OIDS[curveOid];
  if (!c || d.end - d.start !== SCALAR_BYTES[c]) decline();
  const pub = k.optional(0xa1);
  if (pub) {
    const p = DerReader.of(der, pub);
    const bits = p.next(TAG.bitString);
    p.done();
    if (bits.end - bits.start !== 2 * SCALAR_BYTES[c] + 2) decline();
    if (der[bits.start] !== 0 || der[bits.start + 1] !== 4) decline();
  }
  k.done();
  return curveOid;
}

/** PKCS#8 v1 PrivateKeyInfo (no attributes) of an Ed25519, ECDSA or RSA key. */
function checkPkcs8(der: Uint8Array, label: string): ParsedKey {
  const top = new DerReader(der);
  const k = DerReader.of(der, top.next(TAG.sequence));
  top.done();
  if (smallInteger(der, k.next(TAG.integer)) !== 0) decline();
  const alg = DerReader.of(der, k.next(TAG.sequence));
  const id = oidText(der, alg.next(TAG.oid));
  const inner = k.next(TAG.octetString);
  k.done();
  const body = der.subarray(inner.start, inner.end);
  if (id === OID_ED25519) {
    alg.done();
    const r = new DerReader(body);
    const seed = r.next(TAG.octetString);
    r.done();
    if (seed.end - seed.start !== 32) decline();
    return { alg: "ed25519", pkcs8: der, label };
  }
  if (id === OID_EC) {
    const curve = CURVE_OIDS[oidText(der, alg.next(TAG.oid))];
    alg.done();
    if (!curve) decline();
    checkSec1(body, curve);
    return { alg: "ecdsa", curve, pkcs8: der, label };
  }
  if (id === OID_RSA) {
    nullValue(alg.next(TAG.null));
    alg.done();
    checkPkcs1(body);
    return { alg: "rsa", pkcs8: der, label };
  }
  return decline();
}

/** The first PEM block of `pem` read as parsePrivateKeyPem reads it, or undefined. */
export function quickPrivateKeyPem(pem: string): ParsedKey | undefined {
  const block = decodePem(pem);
  if (!block) return undefined;
  const { label, der } = block;
  return quick((): ParsedKey => {
    switch (label) {
      case "RSA PRIVATE KEY":
        checkPkcs1(der);
        return { alg: "rsa", pkcs8: wrapPkcs1(der), label };
      case "EC PRIVATE KEY": {
        const curveOid = checkSec1(der);
        if (!curveOid) decline();
        return { alg: "ecdsa", curve: CURVE_OIDS[curveOid], pkcs8: wrapSec1(curveOid, der), label };
      }
      case "ED25519 PRIVATE KEY": {
        const k = checkPkcs8(der, label);
        if (k.alg !== "ed25519") decline();
        return k;
      }
      case "PRIVATE KEY":
        return checkPkcs8(der, label);
      default:
        return decline();
    }
  });
}
