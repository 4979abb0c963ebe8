// Reading certificates: the fields the CLI shows or checks (roles = subject O, SANs, validity,
// CA flag, key usages), parsed synchronously with the @peculiar/asn1-x509 schemas.

import { AsnConvert } from "@peculiar/asn1-schema";
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  type Name,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { decodePem } from "./pem.ts";
import { readTlv } from "./der.ts";
import { KEY_ALG_OIDS } from "./key_types.ts";

export interface CertificateInfo {
  /** Subject O values; for Talos client certificates these are the roles. */
  subjectOrganizations: string[];
  /** Subject CN ("" when absent). */
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  /** Serial number as lower-case hex without leading zeros. */
  serialHex: string;
  issuerOrganizations: string[];
  issuerCommonName: string;
  /** KeyUsage bits as names ("digitalSignature", "keyCertSign", ...); [] when absent. */
  keyUsage: string[];
  /** Extended key usage OIDs. */
  extKeyUsage: string[];
  /** Signature algorithm OID of the certificate. */
  signatureAlgorithm: string;
  /** Public key algorithm: "ed25519", "ecdsa" or "rsa" (or the OID when unknown). */
  publicKeyAlgorithm: string;
  /** DER SubjectPublicKeyInfo (for key matching and pinning hashes). */
  spki: Uint8Array;
  subjectKeyId: Uint8Array | null;
  /** The subject Name exactly as encoded (the issuer field of certificates it signs). */
  subjectDer: Uint8Array;
  /** The whole certificate, DER. */
  der: Uint8Array;
}

/** Raw subject Name of a DER certificate, by walking the TBS fields. */
function rawSubject(der: Uint8Array): Uint8Array {
  const cert = readTlv(der);
  const tbs = readTlv(der, cert.start);
  let p = tbs.start;
  if (der[p] === 0xa0) p = readTlv(der, p).next; // version
  for (let i = 0; i < 4; i++) p = readTlv(der, p).next; // serial, signature, issuer, validity
  return der.subarray(p, readTlv(der, p).next);
}

const OID_O = "2.5.4.10";
const OID_CN = "2.5.4.3";

const KEY_USAGE_NAMES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

function nameValues(name: Name, type: string): string[] {
  const out: string[] = [];
  for (const rdn of name) {
    for (const atv of rdn) if (atv.type === type) out.push(atv.value.toString());
  }
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Parses one DER certificate. Throws Go's `x509: malformed certificate` on bad input. */
export function parseCertificateDer(der: Uint8Array): CertificateInfo {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    throw new Error("x509: malformed certificate");
  }
  const tbs = cert.tbsCertificate;
  const info: CertificateInfo = {
    subjectOrganizations: nameValues(tbs.subject, OID_O),
    commonName: nameValues(tbs.subject, OID_CN)[0] ?? "",
    issuerOrganizations: nameValues(tbs.issuer, OID_O),
    issuerCommonName: nameValues(tbs.issuer, OID_CN)[0] ?? "",
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    isCA: false,
    dnsNames: [],
    ipAddresses: [],
    serialHex: hex(new Uint8Array(tbs.serialNumber)).replace(/^0+(?=.)/, ""),
    keyUsage: [],
    extKeyUsage: [],
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    publicKeyAlgorithm: KEY_ALG_OIDS[tbs.subjectPublicKeyInfo.algorithm.algorithm] ??
      tbs.subjectPublicKeyInfo.algorithm.algorithm,
    spki: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    subjectKeyId: null,
    subjectDer: rawSubject(der),
    der,
  };
  for (const ext of tbs.extensions ?? []) {
    const value = ext.extnValue.buffer;
    switch (ext.extnID) {
      case id_ce_basicConstraints:
        info.isCA = AsnConvert.parse(value, BasicConstraints).cA;
        break;
      case id_ce_keyUsage: {
        const bits = AsnConvert.parse(value, KeyUsage).toNumber();
        info.keyUsage = KEY_USAGE_NAMES.filter((_, i) => bits & (1 << i));
        break;
      }
      case id_ce_extKeyUsage:
        info.extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      case id_ce_subjectAltName:
        for (const gn of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (gn.dNSName !== undefined) info.dnsNames.push(gn.dNSName);
          if (gn.iPAddress !== undefined) info.ipAddresses.push(gn.iPAddress);
        }
        break;
      case id_ce_subjectKeyIdentifier:
        info.subjectKeyId = new Uint8Array(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
        break;
    }
  }
  return info;
}

/**
 * Parses the first certificate of a PEM text (synchronous). Errors read as siderolabs/crypto's:
 * `failed to parse PEM block`, `failed to parse certificate: ...`.
 */
export function parseCertificatePem(pem: string): CertificateInfo {
  const block = decodePem(pem);
  if (!block) throw new Error("failed to parse PEM block");
  try {
    return parseCertificateDer(block.der);
  } catch (e) {
    throw new Error(`failed to parse certificate: ${(e as Error).message}`);
  }
}
