// PEM checks of upstream's certificate and key fields: meta.AssertValidPEM,
// meta.CertificateAndKey.Validate and x509.CertPool.AppendCertsFromPEM, with their error texts.
// Parsing the DER inside a block is limited to its outer structure (see certificateDER).

import { decodePemAll } from "../../pki/pem.ts";
import { goQuote } from "../../gofmt/mod.ts";

/** meta.AssertValidPEM: every block of an expected type (any type when none given), >= 1 block. */
export function assertValidPEMError(data: string, ...types: string[]): string | null {
  const blocks = decodePemAll(data);
  for (const b of blocks) {
    if (types.length > 0 && !types.includes(b.label)) {
      return `unexpected PEM block type ${goQuote(b.label)}, expected one of [${
        types.map(goQuote).join(" ")
      }]`;
    }
  }
  return blocks.length === 0 ? "no PEM blocks found" : null;
}

/** DER TLV at `off`: [content start, end] or null. */
function tlv(der: Uint8Array, off: number, tag: number): [number, number] | null {
  if (off + 2 > der.length || der[off] !== tag) return null;
  let len = der[off + 1], start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  return start + len <= der.length ? [start, start + len] : null;
}

/** The outer shape of an X.509 certificate: SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }. */
export function certificateDER(der: Uint8Array): boolean {
  const outer = tlv(der, 0, 0x30);
  if (!outer || outer[1] !== der.length) return false;
  const tbs = tlv(der, outer[0], 0x30);
  const alg = tbs && tlv(der, tbs[1], 0x30);
  const sig = alg && tlv(der, alg[1], 0x03);
  return sig !== null && sig[1] === outer[1];
}

/** x509.CertPool.AppendCertsFromPEM: at least one CERTIFICATE block holds a certificate. */
export function appendsCerts(data: string): boolean {
  return decodePemAll(data).some((b) => b.label === "CERTIFICATE" && certificateDER(b.der));
}

/** meta.CertificateAndKey.Validate (the PEM checks; `nil` sections are valid). */
export function certificateAndKeyError(
  ck: { cert: string; key: string } | undefined,
): string | null {
  if (!ck) return null;
  if (ck.cert === "") return "certificate is required";
  if (ck.key === "") return "key is required";
  const ce = assertValidPEMError(ck.cert, "CERTIFICATE");
  if (ce) return `certificate: ${ce}`;
  const ke = assertValidPEMError(ck.key);
  if (ke) return `key: ${ke}`;
  return null;
}

const KEY_TYPES = ["RSA PRIVATE KEY", "EC PRIVATE KEY", "ED25519 PRIVATE KEY", "PRIVATE KEY"];

/** siderolabs/crypto PEMEncodedKey.GetKey, up to the PEM block type. */
export function privateKeyPEMError(data: string): string | null {
  const b = decodePemAll(data)[0];
  if (!b) return "failed to parse PEM block";
  return KEY_TYPES.includes(b.label) ? null : `unsupported key type ${goQuote(b.label)}`;
}
