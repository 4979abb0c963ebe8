// Quick certificate reading without the ASN.1 schema libraries, for the certificates Talos
// tools write (CAs and leaf certificates from Go's crypto/x509, openssl or kubeadm): strict DER,
// v3, known signature and key algorithms, names of PrintableString/UTF8String values, and the
// extensions cert_info.ts interprets in the forms Go writes them.
//
// It answers only "certainly valid" (the fields loading a CA needs) or undefined; undefined
// sends the caller to cert_info.ts, whose decision and error text stand. Everything accepted
// here is accepted by cert_info.ts's parser with the same subject bytes and key identifier
// (cert_quick_test.ts checks this on real and mutated certificates).

import { decodePem } from "./pem.ts";
import { PRINTABLE } from "./der.ts";
import {
  decline,
  DerReader,
  type Element,
  integer,
  nullValue,
  oidText,
  quick,
  smallInteger,
  TAG,
  wholeBits,
} from "./der_strict.ts";
import { CURVE_OIDS, OID_EC, OID_ED25519, OID_RSA } from "./key_types.ts";

/** What loading a CA needs from its certificate. */
export interface QuickCertificate {
  /** The subject Name exactly as encoded (the issuer field of certificates it signs). */
  subjectDer: Uint8Array;
  subjectKeyId: Uint8Array | null;
}

const ECDSA_SIGS = ["1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"];
const RSA_SIGS = ["1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13"];
const CURVE_POINT_BYTES: Record<string, number> = { "P-256": 65, "P-384": 97, "P-521": 133 };

const EXT_KEY_USAGE = "2.5.29.15";
const EXT_EXT_KEY_USAGE = "2.5.29.37";
const EXT_BASIC_CONSTRAINTS = "2.5.29.19";
const EXT_SUBJECT_KEY_ID = "2.5.29.14";
const EXT_SUBJECT_ALT_NAME = "2.5.29.17";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** AlgorithmIdentifier of a signature: known OID, NULL parameters exactly for RSA. */
function signatureAlgorithm(r: DerReader): Uint8Array {
  const e = r.next(TAG.sequence);
  const a = DerReader.of(r.b, e);
  const id = oidText(r.b, a.next(TAG.oid));
  if (RSA_SIGS.includes(id)) nullValue(a.next(TAG.null));
  else if (!ECDSA_SIGS.includes(id) && id !== OID_ED25519) decline();
  a.done();
  return r.b.subarray(e.offset, e.end);
}

/** Name: RDNs of one or more PrintableString/UTF8String attributes. */
function name(r: DerReader): Uint8Array {
  const e = r.next(TAG.sequence);
  const rdns = DerReader.of(r.b, e);
  while (rdns.peek() !== undefined) {
    const set = DerReader.of(r.b, rdns.next(TAG.set));
    if (set.peek() === undefined) decline();
    while (set.peek() !== undefined) {
      const atv = DerReader.of(r.b, set.next(TAG.sequence));
      oidText(r.b, atv.next(TAG.oid));
      const tag = atv.peek();
      if (tag !== TAG.printableString && tag !== TAG.utf8String) decline();
      const v = atv.next(tag);
      const text = r.b.subarray(v.start, v.end);
      if (tag === TAG.printableString) {
        if (!PRINTABLE.test(String.fromCharCode(...text))) decline();
      } else {
        try {
          utf8.decode(text);
        } catch {
          decline();
        }
      }
      atv.done();
    }
  }
  return r.b.subarray(e.offset, e.end);
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ with fields in range. */
function time(r: DerReader): void {
  const tag = r.peek();
  if (tag !== TAG.utcTime && tag !== TAG.generalizedTime) decline();
  const e = r.next(tag);
  const s = String.fromCharCode(...r.b.subarray(e.start, e.end));
  const m =
    (tag === TAG.utcTime
      ? /^\d\d(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/
      : /^\d{4}(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/)
      .exec(s);
  if (!m) decline();
  const [mo, d, h, mi, sec] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) decline();
}

/** SubjectPublicKeyInfo of an Ed25519, ECDSA (named curve) or RSA key. */
function publicKeyInfo(r: DerReader): void {
  const spki = DerReader.of(r.b, r.next(TAG.sequence));
  const alg = DerReader.of(r.b, spki.next(TAG.sequence));
  const id = oidText(r.b, alg.next(TAG.oid));
  const key = wholeBits(r.b, spki.next(TAG.bitString));
  spki.done();
  if (id === OID_ED25519) {
    if (key.length !== 32) decline();
  } else if (id === OID_EC) {
    const curve = CURVE_OIDS[oidText(r.b, alg.next(TAG.oid))];
    if (!curve || key.length !== CURVE_POINT_BYTES[curve] || key[0] !== 4) decline();
  } else if (id === OID_RSA) {
    nullValue(alg.next(TAG.null));
    const rsa = new DerReader(key);
    const seq = DerReader.of(key, rsa.next(TAG.sequence));
    rsa.done();
    integer(key, seq.next(TAG.integer));
    integer(key, seq.next(TAG.integer));
    seq.done();
  } else decline();
  alg.done();
}

/** Checks one extension value the way cert_info.ts will read it; returns the key id if SKI. */
function extensionValue(b: Uint8Array, id: string, e: Element): Uint8Array | undefined {
  const r = DerReader.of(b, e);
  switch (id) {
    case EXT_KEY_USAGE: {
      const bits = r.next(TAG.bitString);
      const n = bits.end - bits.start;
      if (n < 2 || n > 3 || b[bits.start] > 7) decline();
      break;
    }
    case EXT_EXT_KEY_USAGE: {
      const s = DerReader.of(b, r.next(TAG.sequence));
      if (s.peek() === undefined) decline();
      while (s.peek() !== undefined) oidText(b, s.next(TAG.oid));
      break;
    }
    case EXT_BASIC_CONSTRAINTS: {
      const s = DerReader.of(b, r.next(TAG.sequence));
      const ca = s.optional(TAG.boolean);
      // DER writes only TRUE (0xff); FALSE is the default and left out.
      if (ca && (ca.end - ca.start !== 1 || b[ca.start] !== 0xff)) decline();
      const path = s.optional(TAG.integer);
      if (path) smallInteger(b, path);
      s.done();
      break;
    }
    case EXT_SUBJECT_KEY_ID: {
      const k = r.next(TAG.octetString);
      if (k.end === k.start) decline();
      r.done();
      return b.slice(k.start, k.end);
    }
    case EXT_SUBJECT_ALT_NAME: {
      const s = DerReader.of(b, r.next(TAG.sequence));
      if (s.peek() === undefined) decline();
      while (s.peek() !== undefined) {
        if (s.peek() === 0x82) {
          const dns = s.next(0x82);
          for (let i = dns.start; i < dns.end; i++) if (b[i] < 0x21 || b[i] > 0x7e) decline();
        } else {
          const ip = s.next(0x87);
          if (ip.end - ip.start !== 4 && ip.end - ip.start !== 16) decline();
        }
      }
      break;
    }
    default:
      // Other extensions (AuthorityKeyId, ...) are kept as opaque bytes by the full parser too.
      return undefined;
  }
  r.done();
  return undefined;
}

/** Extensions: each once, well-formed, with DER's rules for the critical flag. */
function extensions(r: DerReader): Uint8Array | null {
  const wrap = r.optional(0xa3);
  if (!wrap) return null;
  const outer = DerReader.of(r.b, wrap);
  const list = DerReader.of(r.b, outer.next(TAG.sequence));
  outer.done();
  if (list.peek() === undefined) decline();
  const seen = new Set<string>();
  let keyId: Uint8Array | null = null;
  while (list.peek() !== undefined) {
    const ext = DerReader.of(r.b, list.next(TAG.sequence));
    const id = oidText(r.b, ext.next(TAG.oid));
    if (seen.has(id)) decline();
    seen.add(id);
    const critical = ext.optional(TAG.boolean);
    if (critical && (critical.end - critical.start !== 1 || r.b[critical.start] !== 0xff)) {
      decline();
    }
    const value = ext.next(TAG.octetString);
    ext.done();
    keyId = extensionValue(r.b, id, value) ?? keyId;
  }
  return keyId;
}

/** Reads a DER certificate, or undefined when it is outside the quick subset. */
export function quickCertificateDer(der: Uint8Array): QuickCertificate | undefined {
  return quick(() => {
    const top = new DerReader(der);
    const cert = DerReader.of(der, top.next(TAG.sequence));
    top.done();
    const tbs = DerReader.of(der, cert.next(TAG.sequence));
    const version = DerReader.of(der, tbs.next(0xa0));
    if (smallInteger(der, version.next(TAG.integer)) !== 2) decline();
    version.done();
    const serial = integer(der, tbs.next(TAG.integer));
    if (serial.length > 21) decline();
    const innerAlg = signatureAlgorithm(tbs);
    name(tbs);
    const validity = DerReader.of(der, tbs.next(TAG.sequence));
    time(validity);
    time(validity);
    validity.done();
    const subjectDer = name(tbs);
    publicKeyInfo(tbs);
    const subjectKeyId = extensions(tbs);
    tbs.done();
    const outerAlg = signatureAlgorithm(cert);
    if (outerAlg.length !== innerAlg.length || outerAlg.some((x, i) => x !== innerAlg[i])) {
      decline();
    }
    wholeBits(der, cert.next(TAG.bitString));
    cert.done();
    return { subjectDer, subjectKeyId };
  });
}

/** The first PEM block of `pem` read as a certificate (as parseCertificatePem), or undefined. */
export function quickCertificatePem(pem: string): QuickCertificate | undefined {
  const block = decodePem(pem);
  return block ? quickCertificateDer(block.der) : undefined;
}
