// PKCS#7 (RFC 2315) SignedData with a detached content, as UEFI authenticated variables carry
// it: one SHA-256 digest algorithm, content type `data` without the content itself, the signing
// certificate, and one SignerInfo whose authenticated attributes (content type, signing time,
// message digest, in DER's SET OF order) are what the RSA PKCS#1 v1.5 signature covers.
// This is the layout go-uefi writes for talosctl's `gen secureboot database`.

import { ctx, nul, octets, oid, readTlv, seq, set, smallInt, time } from "./der.ts";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME = "1.2.840.113549.1.9.5";

/** What signing needs: the certificate (DER) and a signature over bytes with its RSA key. */
export interface Pkcs7Signer {
  certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The issuer Name and serialNumber INTEGER of a DER certificate, as encoded. */
export function issuerAndSerial(cert: Uint8Array): Uint8Array {
  const c = readTlv(cert);
  const tbs = readTlv(cert, c.start);
  let p = tbs.start;
  if (cert[p] === 0xa0) p = readTlv(cert, p).next; // [0] version
  const serial = readTlv(cert, p);
  const signature = readTlv(cert, serial.next);
  const issuer = readTlv(cert, signature.next);
  return seq(cert.subarray(signature.next, issuer.next), cert.subarray(p, serial.next));
}

/**
 * SignedData (without the outer ContentInfo, as WIN_CERTIFICATE_UEFI_GUID holds it) over the
 * detached `content`, signed at `signingTime`.
 */
export async function signDetached(
  content: Uint8Array,
  signer: Pkcs7Signer,
  signingTime: Date,
): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", content as BufferSource));
  const sha256 = seq(oid(OID_SHA256), nul());
  // Sorted by encoding as DER requires; the three sizes put them in exactly this order.
  const attributes = [
    seq(oid(OID_CONTENT_TYPE), set(oid(OID_DATA))),
    seq(oid(OID_SIGNING_TIME), set(time(signingTime))),
    seq(oid(OID_MESSAGE_DIGEST), set(octets(digest))),
  ];
  // The signature covers the attributes as a SET; the SignerInfo holds them under [0] IMPLICIT.
  const signature = await signer.sign(set(...attributes));
  const signerInfo = seq(
    smallInt(1),
    issuerAndSerial(signer.certificate),
    sha256,
    ctx(0, ...attributes),
    seq(oid(OID_RSA_ENCRYPTION), nul()),
    octets(signature),
  );
  return seq(
    smallInt(1),
    set(sha256),
    seq(oid(OID_DATA)),
    ctx(0, signer.certificate),
    set(signerInfo),
  );
}
