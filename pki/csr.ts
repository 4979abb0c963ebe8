// Certificate signing requests: building them as Go's x509.CreateCertificateRequest does
// (subject, key, SANs in an extensionRequest attribute, signature chosen from the key type),
// and reading them back with the signature checked, for `gen csr` / `gen crt`.

import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import {
  Extensions,
  id_ce_subjectAltName,
  type Name,
  SubjectAlternativeName,
} from "@peculiar/asn1-x509";
import { ECParameters } from "@peculiar/asn1-ecc";
import { bitString, ctx, type Der, octets, oid, readTlv, seq, set, smallInt } from "./der.ts";
import { type PrivateKey, sign, signatureAlgorithm } from "./keys.ts";
import { CURVE_OIDS, KEY_ALG_OIDS, type KeyAlg } from "./key_types.ts";
import { encodePem } from "./pem.ts";
import { encodeName, type NameSpec, sanExtensionValue } from "./x509_build.ts";

const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

/** Builds and signs a CSR; returns PEM (`CERTIFICATE REQUEST`). */
export async function buildCsr(
  key: PrivateKey,
  subject: NameSpec,
  sans: { dnsNames?: string[]; ipAddresses?: string[] } = {},
): Promise<string> {
  const dns = sans.dnsNames ?? [];
  const ips = sans.ipAddresses ?? [];
  const attrs: Der[] = [];
  if (dns.length || ips.length) {
    const san = seq(oid("2.5.29.17"), octets(sanExtensionValue(dns, ips)));
    attrs.push(seq(oid(OID_EXTENSION_REQUEST), set(seq(san))));
  }
  const info = seq(smallInt(0), encodeName(subject), key.spki, ctx(0, ...attrs));
  const sig = await sign(key, info);
  return encodePem("CERTIFICATE REQUEST", seq(info, signatureAlgorithm(key), bitString(sig)));
}

export interface ParsedCsr {
  subject: NameSpec;
  spki: Uint8Array;
  keyAlg: KeyAlg | "unknown";
  dnsNames: string[];
  ipAddresses: string[];
  /** Verifies the CSR's self-signature (Go's CheckSignature). */
  checkSignature(): Promise<boolean>;
}

const NAME_FIELDS: Record<string, keyof NameSpec> = {
  "2.5.4.6": "country",
  "2.5.4.8": "province",
  "2.5.4.7": "locality",
  "2.5.4.9": "streetAddress",
  "2.5.4.17": "postalCode",
  "2.5.4.10": "organizations",
  "2.5.4.11": "organizationalUnits",
  "2.5.4.3": "commonName",
  "2.5.4.5": "serialNumber",
};

/** The subject fields Go keeps when it parses a Name and encodes it again. */
export function nameSpec(name: Name): NameSpec {
  const out: NameSpec = {};
  for (const rdn of name) {
    for (const atv of rdn) {
      const field = NAME_FIELDS[atv.type];
      if (!field) continue;
      const v = atv.value.toString();
      if (field === "commonName" || field === "serialNumber") out[field] = v;
      else (out[field] ??= []).push(v);
    }
  }
  return out;
}

const SIG_HASH: Record<string, string> = {
  "1.2.840.10045.4.3.2": "SHA-256",
  "1.2.840.10045.4.3.3": "SHA-384",
  "1.2.840.10045.4.3.4": "SHA-512",
  "1.2.840.113549.1.1.11": "SHA-256",
  "1.2.840.113549.1.1.12": "SHA-384",
  "1.2.840.113549.1.1.13": "SHA-512",
};

/** ECDSA DER signature -> IEEE P1363 (r || s), as WebCrypto verifies. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array {
  const s = readTlv(der);
  const r = readTlv(der, s.start);
  const t = readTlv(der, r.next);
  const out = new Uint8Array(size * 2);
  const put = (v: Uint8Array, off: number) => {
    const trimmed = v.subarray(Math.max(0, v.length - size));
    out.set(trimmed, off + size - trimmed.length);
  };
  put(der.subarray(r.start, r.end), 0);
  put(der.subarray(t.start, t.end), size);
  return out;
}

/** Parses a PEM CSR. Errors read as Go's (`x509: malformed certificate request` etc.). */
export function parseCsrDer(der: Uint8Array): ParsedCsr {
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch {
    throw new Error("asn1: structure error: tags don't match");
  }
  const info = csr.certificationRequestInfo;
  const spkiObj = info.subjectPKInfo;
  const spki = new Uint8Array(AsnConvert.serialize(spkiObj));
  const keyAlg = KEY_ALG_OIDS[spkiObj.algorithm.algorithm] ?? "unknown";
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const attr of info.attributes) {
    if (attr.type !== OID_EXTENSION_REQUEST) continue;
    for (const v of attr.values) {
      for (const e of AsnConvert.parse(v, Extensions)) {
        if (e.extnID !== id_ce_subjectAltName) continue;
        for (const gn of AsnConvert.parse(e.extnValue.buffer, SubjectAlternativeName)) {
          if (gn.dNSName !== undefined) dnsNames.push(gn.dNSName);
          if (gn.iPAddress !== undefined) ipAddresses.push(gn.iPAddress);
        }
      }
    }
  }
  const outer = readTlv(der);
  const cri = readTlv(der, outer.start);
  const signed = der.subarray(outer.start, cri.next);
  const sigOid = csr.signatureAlgorithm.algorithm;
  const signature = new Uint8Array(csr.signature);
  return {
    subject: nameSpec(info.subject),
    spki,
    keyAlg,
    dnsNames,
    ipAddresses,
    async checkSignature() {
      let params: Algorithm | EcKeyImportParams | RsaHashedImportParams;
      let verify: Algorithm | EcdsaParams = { name: "Ed25519" };
      let sig: Uint8Array = signature;
      if (keyAlg === "ed25519") params = { name: "Ed25519" };
      else if (keyAlg === "ecdsa") {
        const curveOid = AsnConvert.parse(spkiObj.algorithm.parameters!, ECParameters).namedCurve;
        const curve = CURVE_OIDS[curveOid ?? ""];
        if (!curve) return false;
        params = { name: "ECDSA", namedCurve: curve };
        verify = { name: "ECDSA", hash: SIG_HASH[sigOid] ?? "SHA-256" };
        sig = ecdsaRaw(signature, curve === "P-256" ? 32 : curve === "P-384" ? 48 : 66);
      } else if (keyAlg === "rsa") {
        params = { name: "RSASSA-PKCS1-v1_5", hash: SIG_HASH[sigOid] ?? "SHA-256" };
        verify = { name: "RSASSA-PKCS1-v1_5" };
      } else return false;
      try {
        const pub = await crypto.subtle.importKey("spki", spki as BufferSource, params, false, [
          "verify",
        ]);
        return await crypto.subtle.verify(verify, pub, sig as BufferSource, signed as BufferSource);
      } catch {
        return false;
      }
    },
  };
}
