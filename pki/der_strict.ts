// Strict DER reading for the quick paths (cert_quick.ts, key_quick.ts): single-byte tags,
// minimal definite lengths, nothing left over. A structure that is not exactly as expected is
// not judged here: the reader throws `Decline` and the caller falls back to the full ASN.1
// schema parsers (cert_info.ts, key_parse.ts), which produce the accept/reject decision and the
// error text. So a quick path may only ever say "certainly valid", never "invalid".

export class Decline extends Error {}

export function decline(): never {
  throw new Decline("not in the quick path's subset");
}

/** Runs `fn`; a Decline becomes undefined, any other error propagates. */
export function quick<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One element: its tag and the bounds of its content within the buffer. */
export interface Element {
  tag: number;
  start: number;
  end: number;
  /** Offset of the element's first byte (its tag). */
  offset: number;
}

/** Reads the elements of a constructed value (or of a whole buffer) one after another. */
export class DerReader {
  private p: number;

  constructor(readonly b: Uint8Array, start = 0, readonly end = b.length) {
    this.p = start;
  }

  /** A reader over the content of `e`. */
  static of(b: Uint8Array, e: Element): DerReader {
    return new DerReader(b, e.start, e.end);
  }

  /** Tag of the next element, or undefined at the end. */
  peek(): number | undefined {
    return this.p < this.end ? this.b[this.p] : undefined;
  }

  /** The next element, which must carry `tag`. */
  next(tag: number): Element {
    const { b, end } = this;
    const offset = this.p;
    if (offset + 2 > end || b[offset] !== tag || (tag & 0x1f) === 0x1f) decline();
    let len = b[offset + 1];
    let p = offset + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || p + n > end || b[p] === 0) decline();
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
      p += n;
      if (len < 0x80) decline();
    }
    if (p + len > end) decline();
    this.p = p + len;
    return { tag, start: p, end: p + len, offset };
  }

  /** The next element if it carries `tag`, else undefined (nothing consumed). */
  optional(tag: number): Element | undefined {
    return this.peek() === tag ? this.next(tag) : undefined;
  }

  /** Requires that every element has been read. */
  done(): void {
    if (this.p !== this.end) decline();
  }
}

/** A minimally encoded INTEGER; `positive` also requires a value above zero. */
export function integer(b: Uint8Array, e: Element, positive = true): Uint8Array {
  const c = b.subarray(e.start, e.end);
  if (c.length === 0) decline();
  if (c.length > 1 && ((c[0] === 0 && c[1] < 0x80) || (c[0] === 0xff && c[1] >= 0x80))) {
    decline();
  }
  if (positive && (c[0] & 0x80 || (c.length === 1 && c[0] === 0))) decline();
  return c;
}

/** A small non-negative INTEGER's value. */
export function smallInteger(b: Uint8Array, e: Element): number {
  const c = integer(b, e, false);
  if (c.length > 4 || c[0] & 0x80) decline();
  return c.reduce((n, x) => n * 256 + x, 0);
}

/** The dotted text of a minimally encoded OBJECT IDENTIFIER. */
export function oidText(b: Uint8Array, e: Element): string {
  const c = b.subarray(e.start, e.end);
  if (c.length === 0 || c[c.length - 1] & 0x80) decline();
  const parts: number[] = [];
  let v = 0;
  let fresh = true;
  for (const x of c) {
    if (fresh && x === 0x80) decline();
    v = v * 128 + (x & 0x7f);
    if (v > 0xffffffff) decline();
    fresh = !(x & 0x80);
    if (fresh) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts[0] < 40 ? [0, parts[0]] : parts[0] < 80 ? [1, parts[0] - 40] : [
    2,
    parts[0] - 80,
  ];
  return [...first, ...parts.slice(1)].join(".");
}

/** A NULL with empty content. */
export function nullValue(e: Element): void {
  if (e.end !== e.start) decline();
}

/** The content of a BIT STRING without unused bits (keys, signatures). */
export function wholeBits(b: Uint8Array, e: Element): Uint8Array {
  if (e.end - e.start < 2 || b[e.start] !== 0) decline();
  return b.subarray(e.start + 1, e.end);
}
