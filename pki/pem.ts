// PEM and base64 codecs with Go's behaviour: pem.EncodeToMemory's 64-column body, pem.Decode's
// "first block" lookup, and encoding/base64's strict decoding (newlines ignored).

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 with padding (Go's base64.StdEncoding). */
export function base64Encode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + "==";
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + "=";
  }
  return out;
}

/** Value of each standard base64 character by char code; -1 for anything else. */
const B64_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUES[B64.charCodeAt(i)] = i;
const sextet = (c: number): number => (c < 128 ? B64_VALUES[c] : -1);
const CANONICAL_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array })
  .fromBase64?.bind(Uint8Array);

/**
 * Strict standard base64 decoding as Go's base64.StdEncoding.DecodeString: CR and LF are
 * skipped, padding is required; errors read `illegal base64 data at input byte N`.
 */
export function base64Decode(text: string): Uint8Array {
  const s = text.replace(/[\r\n]/g, "");
  // Well-formed input (the common case) is decoded natively; the loops below find the error.
  if (fromBase64 && CANONICAL_B64.test(s)) return fromBase64(s);
  const firstPad = s.indexOf("=");
  const dataLen = firstPad < 0 ? s.length : firstPad;
  for (let i = 0; i < dataLen; i++) {
    if (sextet(s.charCodeAt(i)) < 0) throw new Error(`illegal base64 data at input byte ${i}`);
  }
  if (firstPad >= 0) {
    const padLen = s.length - firstPad;
    const ok = padLen <= 2 && /^=+$/.test(s.slice(firstPad)) && s.length % 4 === 0 &&
      dataLen % 4 === 4 - padLen;
    if (!ok) throw new Error(`illegal base64 data at input byte ${firstPad}`);
  } else if (s.length % 4 !== 0) {
    throw new Error(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
  }
  const out = new Uint8Array(Math.floor((dataLen * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < dataLen; i++) {
    acc = ((acc << 6) | sextet(s.charCodeAt(i))) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** PEM text with the body wrapped at 64 columns and a trailing newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const BLOCK_RE = /-----BEGIN ([^\n-][^\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every well-formed PEM block in `text`, in order (headers are skipped as Go does). */
export function decodePemAll(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK_RE)) {
    let body = m[2];
    // RFC 1421 headers ("Key: value" lines up to an empty line) are not part of the data.
    if (/^[^\n:]+:/.test(body)) {
      const blank = body.search(/\r?\n\r?\n/);
      if (blank >= 0) body = body.slice(blank).trimStart();
    }
    try {
      blocks.push({ label: m[1], der: base64Decode(body.replace(/[ \t\r\n]/g, "")) });
    } catch {
      // Go's pem.Decode skips blocks whose body is not valid base64.
    }
  }
  return blocks;
}

/** The first PEM block in `text`, or null (Go's pem.Decode). */
export function decodePem(text: string): PemBlock | null {
  return decodePemAll(text)[0] ?? null;
}
