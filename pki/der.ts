// A minimal DER writer for the structures we generate (certificates, CSRs, key containers).
// Building DER directly keeps `gen secrets` free of the ASN.1 schema libraries at startup and
// gives byte-level control, so our output is laid out the way Go's crypto/x509 lays it out.
// Parsing goes through the @peculiar/asn1-* schemas (key_parse.ts, cert_info.ts) or, for the
// quick paths, der_strict.ts; readTlv below only walks to a field of an already parsed structure.

export type Der = Uint8Array;

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

/** A TLV with the given identifier octet. */
export function tlv(tag: number, ...content: Uint8Array[]): Der {
  const body = concat(content);
  return concat([new Uint8Array([tag, ...lengthBytes(body.length)]), body]);
}

export const seq = (...items: Der[]): Der => tlv(0x30, ...items);
export const set = (...items: Der[]): Der => tlv(0x31, ...items);
export const octets = (b: Uint8Array): Der => tlv(0x04, b);
export const nul = (): Der => new Uint8Array([0x05, 0x00]);
export const bool = (v: boolean): Der => new Uint8Array([0x01, 0x01, v ? 0xff : 0x00]);
/** Context-specific constructed tag [n] (EXPLICIT wrapping or IMPLICIT constructed). */
export const ctx = (n: number, ...items: Der[]): Der => tlv(0xa0 | n, ...items);
/** Context-specific primitive tag [n] (IMPLICIT primitive, e.g. GeneralName choices). */
export const ctxPrim = (n: number, b: Uint8Array): Der => tlv(0x80 | n, b);

export function bitString(b: Uint8Array, unusedBits = 0): Der {
  return tlv(0x03, new Uint8Array([unusedBits]), b);
}

/** INTEGER from big-endian unsigned magnitude bytes (minimal, positive). */
export function uint(magnitude: Uint8Array): Der {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let b = magnitude.subarray(i);
  if (b.length === 0) b = new Uint8Array([0]);
  if (b[0] & 0x80) b = concat([new Uint8Array([0]), b]);
  return tlv(0x02, b);
}

export function smallInt(n: number): Der {
  return uint(new Uint8Array([n]));
}

export function oid(dotted: string): Der {
  const parts = dotted.split(".").map(Number);
  const body: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    body.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(body));
}

const enc = new TextEncoder();

/** The characters a PrintableString may hold (X.680). */
export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString when the text allows it, UTF8String otherwise (as Go chooses). */
export function dirString(s: string): Der {
  return PRINTABLE.test(s) ? tlv(0x13, enc.encode(s)) : tlv(0x0c, enc.encode(s));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280), whole seconds, UTC. */
export function time(d: Date): Der {
  const y = d.getUTCFullYear();
  if (!(y >= 0 && y <= 9999)) throw new RangeError(`time ${d.getTime()} ms cannot be encoded`);
  const rest = pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + "Z";
  if (y >= 1950 && y < 2050) return tlv(0x17, enc.encode(pad(y % 100) + rest));
  return tlv(0x18, enc.encode(pad(y, 4) + rest));
}

/** Compares DER encodings as DER orders the members of a SET OF. */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** SET OF: members sorted by their encoding. */
export function setOf(items: Der[]): Der {
  return set(...[...items].sort(compareDer));
}

/** Reads one TLV at `off`; returns the tag, the content bounds and the end offset. */
export function readTlv(
  b: Uint8Array,
  off = 0,
): { tag: number; start: number; end: number; next: number } {
  if (off + 2 > b.length) throw new Error("asn1: truncated data");
  const tag = b[off];
  let len = b[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) throw new Error("asn1: bad length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > b.length) throw new Error("asn1: truncated data");
  return { tag, start: p, end: p + len, next: p + len };
}
