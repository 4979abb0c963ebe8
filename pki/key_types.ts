// Key algorithm names and OIDs shared by key generation and parsing (no ASN.1 library here,
// so generating keys does not load the parsers).

export type KeyAlg = "ed25519" | "ecdsa" | "rsa";
export type Curve = "P-256" | "P-384" | "P-521";

export const OID_ED25519 = "1.3.101.112";
export const OID_RSA = "1.2.840.113549.1.1.1";
export const OID_EC = "1.2.840.10045.2.1";
/** Key algorithm by the OID of a SubjectPublicKeyInfo (certificates, CSRs). */
export const KEY_ALG_OIDS: Record<string, KeyAlg> = {
  [OID_ED25519]: "ed25519",
  [OID_EC]: "ecdsa",
  [OID_RSA]: "rsa",
};
export const CURVE_OIDS: Record<string, Curve> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};
