// Building X.509 certificates, laid out as Go's crypto/x509.CreateCertificate lays them out:
// v3, serial, signature algorithm of the signer, issuer = the signer's subject, validity in
// whole seconds (UTCTime before 2050), and extensions in Go's order: KeyUsage (critical),
// ExtKeyUsage, BasicConstraints (critical, CAs only), SubjectKeyId, AuthorityKeyId, SAN.

import {
  bitString,
  bool,
  ctx,
  ctxPrim,
  type Der,
  dirString,
  octets,
  oid,
  seq,
  setOf,
  time,
  uint,
} from "./der.ts";
import { type PrivateKey, sign, signatureAlgorithm } from "./keys.ts";
import { parseIp } from "./ip.ts";

/** Go's x509.KeyUsage bits. */
export const KeyUsage = {
  digitalSignature: 1 << 0,
  contentCommitment: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  certSign: 1 << 5,
  crlSign: 1 << 6,
} as const;

export const EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** The subject fields Go encodes, in its RDN order. */
export interface NameSpec {
  country?: string[];
  province?: string[];
  locality?: string[];
  streetAddress?: string[];
  postalCode?: string[];
  organizations?: string[];
  organizationalUnits?: string[];
  commonName?: string;
  serialNumber?: string;
}

const NAME_OIDS: [keyof NameSpec, string][] = [
  ["country", "2.5.4.6"],
  ["province", "2.5.4.8"],
  ["locality", "2.5.4.7"],
  ["streetAddress", "2.5.4.9"],
  ["postalCode", "2.5.4.17"],
  ["organizations", "2.5.4.10"],
  ["organizationalUnits", "2.5.4.11"],
  ["commonName", "2.5.4.3"],
  ["serialNumber", "2.5.4.5"],
];

/** A Name as Go's pkix.Name.ToRDNSequence: one (multi-valued) RDN per attribute type. */
export function encodeName(n: NameSpec): Der {
  const rdns: Der[] = [];
  for (const [field, o] of NAME_OIDS) {
    const v = n[field];
    const values = typeof v === "string" ? (v ? [v] : []) : v ?? [];
    if (values.length === 0) continue;
    rdns.push(setOf(values.map((s) => seq(oid(o), dirString(s)))));
  }
  return seq(...rdns);
}

export interface CertTemplate {
  /** Serial number magnitude (big-endian). */
  serial: Uint8Array;
  subject: NameSpec;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER of the certified key. */
  spki: Uint8Array;
  isCA: boolean;
  /** Bits of KeyUsage; 0 = no extension. */
  keyUsage: number;
  extKeyUsage: string[];
  subjectKeyId?: Uint8Array;
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** Issuer of a certificate: its Name DER and key identifier; absent = self-signed. */
export interface Issuer {
  nameDer: Uint8Array;
  subjectKeyId: Uint8Array | null;
}

function ext(id: string, critical: boolean, value: Der): Der {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** KeyUsage as a minimal BIT STRING (bit 0 = most significant bit of the first byte). */
function keyUsageBits(ku: number): Der {
  const bytes = [0, 0];
  for (let i = 0; i < 16; i++) if (ku & (1 << i)) bytes[i >> 3] |= 0x80 >> (i & 7);
  const len = bytes[1] ? 2 : 1;
  const b = new Uint8Array(bytes.slice(0, len));
  let unused = 0;
  const last = b[len - 1];
  while (unused < 8 && !(last & (1 << unused))) unused++;
  return bitString(b, unused === 8 ? 0 : unused);
}

/** SubjectAltName GeneralNames: DNS names, then IP addresses (Go's order). */
export function sanExtensionValue(dnsNames: string[], ips: string[]): Der {
  const names: Der[] = dnsNames.map((d) => ctxPrim(2, new TextEncoder().encode(d)));
  for (const ip of ips) {
    const raw = parseIp(ip);
    if (!raw) throw new Error(`invalid IP: ${ip}`);
    names.push(ctxPrim(7, raw));
  }
  return seq(...names);
}

function extensions(t: CertTemplate, issuer: Issuer | null, subjectEmpty: boolean): Der[] {
  const out: Der[] = [];
  if (t.keyUsage) out.push(ext("2.5.29.15", true, keyUsageBits(t.keyUsage)));
  if (t.extKeyUsage.length) out.push(ext("2.5.29.37", false, seq(...t.extKeyUsage.map(oid))));
  if (t.isCA) out.push(ext("2.5.29.19", true, seq(bool(true))));
  if (t.subjectKeyId?.length) out.push(ext("2.5.29.14", false, octets(t.subjectKeyId)));
  if (issuer?.subjectKeyId?.length) {
    out.push(ext("2.5.29.35", false, seq(ctxPrim(0, issuer.subjectKeyId))));
  }
  const dns = t.dnsNames ?? [];
  const ips = t.ipAddresses ?? [];
  if (dns.length || ips.length) {
    // RFC 5280: the SAN is critical when the subject is empty.
    out.push(ext("2.5.29.17", subjectEmpty, sanExtensionValue(dns, ips)));
  }
  return out;
}

/**
 * Builds and signs a certificate. `issuer` null means self-signed (no AuthorityKeyId, as Go
 * omits it when issuer and subject are the same). Returns DER.
 */
export async function buildCertificate(
  t: CertTemplate,
  signer: PrivateKey,
  issuer: Issuer | null,
): Promise<Uint8Array> {
  const subject = encodeName(t.subject);
  const sigAlg = signatureAlgorithm(signer);
  const exts = extensions(t, issuer, subject.length === 2);
  const tbs = seq(
    ctx(0, uint(new Uint8Array([2]))),
    uint(t.serial),
    sigAlg,
    issuer ? issuer.nameDer : subject,
    seq(time(t.notBefore), time(t.notAfter)),
    subject,
    t.spki,
    ...(exts.length ? [ctx(3, seq(...exts))] : []),
  );
  const sig = await sign(signer, tbs);
  return seq(tbs, sigAlg, bitString(sig));
}

/** A random serial below 2^128, as siderolabs/crypto draws it. */
export function newSerial(random: (n: number) => Uint8Array): Uint8Array {
  return random(16);
}
