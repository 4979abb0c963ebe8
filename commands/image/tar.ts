// The bits of tar this command needs: a streaming reader (entries of a layer, bodies skipped or
// collected) and a writer of Go archive/tar's USTAR headers (PAX for long names), as the
// image-cache layer is built from files streamed one after another.

const BLOCK = 512;
const dec = new TextDecoder();
const enc = new TextEncoder();

/** Reads exact byte counts from a stream without holding more than a chunk or two. */
export class ByteReader {
  #buf: Uint8Array = new Uint8Array(0);
  #done = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async #fill(n: number): Promise<boolean> {
    while (this.#buf.length < n && !this.#done) {
      const r = await this.reader.read();
      if (r.done) {
        this.#done = true;
        break;
      }
      if (this.#buf.length === 0) this.#buf = r.value;
      else {
        const b = new Uint8Array(this.#buf.length + r.value.length);
        b.set(this.#buf);
        b.set(r.value, this.#buf.length);
        this.#buf = b;
      }
    }
    return this.#buf.length >= n;
  }

  /** Exactly n bytes, or null at a clean end (error when the stream stops midway). */
  async read(n: number): Promise<Uint8Array | null> {
    if (!(await this.#fill(n))) {
      if (this.#buf.length === 0) return null;
      throw new Error("unexpected EOF");
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Skips n bytes, reading as little as possible at a time. */
  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.#buf.length === 0 && !(await this.#fill(1))) throw new Error("unexpected EOF");
      const k = Math.min(n, this.#buf.length);
      this.#buf = this.#buf.subarray(k);
      n -= k;
    }
  }
}

function field(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return dec.decode(z >= 0 ? s.subarray(0, z) : s);
}

function octal(b: Uint8Array, off: number, len: number): number {
  if (b[off] & 0x80) {
    let n = 0;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + b[i];
    return n;
  }
  const s = field(b, off, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

export interface TarHeader {
  name: string;
  type: string;
  size: number;
}

/**
 * Calls `onEntry` for each entry of a tar stream; it returns how much of the body it wants
 * (`collect` up to a bound) or undefined to skip it. PAX and GNU long names are honoured.
 */
export async function readTar(
  stream: ReadableStream<Uint8Array>,
  onEntry: (h: TarHeader, body: Uint8Array | undefined) => void,
  want: (h: TarHeader) => boolean,
  maxBody = 16 << 20,
): Promise<void> {
  const r = new ByteReader(stream.getReader());
  let longName = "";
  for (;;) {
    const block = await r.read(BLOCK);
    if (block === null || block.every((x) => x === 0)) break;
    let name = field(block, 0, 100);
    const prefix = field(block, 345, 155);
    if (prefix && dec.decode(block.subarray(257, 263)).startsWith("ustar")) {
      name = `${prefix}/${name}`;
    }
    const type = String.fromCharCode(block[156] || 48);
    const size = octal(block, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x" || type === "L") {
      const body = await r.read(padded);
      if (!body) throw new Error("unexpected EOF");
      const text = dec.decode(body.subarray(0, size));
      if (type === "L") longName = text.replace(/\0.*$/s, "");
      else {
        for (const m of text.matchAll(/\d+ path=([^\n]*)\n/g)) longName = m[1];
      }
      continue;
    }
    if (longName) {
      name = longName;
      longName = "";
    }
    const h = { name, type, size };
    if (want(h) && size <= maxBody) {
      const body = size > 0 ? await r.read(padded) : new Uint8Array(0);
      if (!body) throw new Error("unexpected EOF");
      onEntry(h, body.slice(0, size));
    } else {
      await r.skip(padded);
      onEntry(h, undefined);
    }
  }
}

function putString(b: Uint8Array, off: number, len: number, s: string): void {
  b.set(enc.encode(s).subarray(0, len), off);
}

function putOctal(b: Uint8Array, off: number, len: number, n: number): void {
  putString(b, off, len, n.toString(8).padStart(len - 1, "0"));
}

/** Go's splitUSTARPath: a name longer than 100 bytes split at a slash into prefix/name. */
function splitUSTAR(name: string): [string, string] | undefined {
  const bytes = enc.encode(name);
  if (bytes.length <= 100) return ["", name];
  if (bytes.length > 256) return undefined;
  let i = Math.min(bytes.length - 1, 155);
  while (i > 0 && bytes[i] !== 0x2f) i--;
  for (; i > 0; i--) {
    if (bytes[i] !== 0x2f) continue;
    const prefix = dec.decode(bytes.subarray(0, i));
    const rest = dec.decode(bytes.subarray(i + 1));
    if (enc.encode(rest).length <= 100 && enc.encode(rest).length > 0 && i <= 155) {
      return [prefix, rest];
    }
  }
  return undefined;
}

function header(name: string, mode: number, size: number, type: string, ustar = true): Uint8Array {
  const b = new Uint8Array(BLOCK);
  let prefix = "";
  let short = name;
  if (ustar) {
    const split = splitUSTAR(name);
    if (split) [prefix, short] = split;
  }
  putString(b, 0, 100, short);
  putOctal(b, 100, 8, mode);
  putOctal(b, 108, 8, 0);
  putOctal(b, 116, 8, 0);
  putOctal(b, 124, 12, size);
  putOctal(b, 136, 12, 0);
  b[156] = type.charCodeAt(0);
  putString(b, 257, 6, "ustar\0");
  putString(b, 263, 2, "00");
  putString(b, 345, 155, prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  putString(b, 148, 7, sum.toString(8).padStart(6, "0"));
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

/** The header block(s) of an entry: PAX "path" record first when the name does not fit USTAR. */
export function tarHeader(name: string, mode: number, size: number, dir: boolean): Uint8Array {
  const type = dir ? "5" : "0";
  if (splitUSTAR(name)) return header(name, mode, size, type);
  // a PAX extended header carrying the full path
  let rec = ` path=${name}\n`;
  let len = enc.encode(rec).length;
  let n = len + String(len).length;
  if (String(n).length !== String(len).length) n = len + String(n).length;
  rec = `${n}${rec}`;
  len = enc.encode(rec).length;
  const slash = name.lastIndexOf("/");
  const paxName = `${name.slice(0, slash + 1)}PaxHeaders.0/${name.slice(slash + 1)}`.slice(0, 100);
  const pax = header(paxName, 0, len, "x");
  const body = new Uint8Array(Math.ceil(len / BLOCK) * BLOCK);
  body.set(enc.encode(rec));
  const main = header(name.slice(0, 100), mode, size, type, false);
  const out = new Uint8Array(pax.length + body.length + main.length);
  out.set(pax);
  out.set(body, pax.length);
  out.set(main, pax.length + body.length);
  return out;
}

/** Zero padding after a body of `size` bytes. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of an archive: two zero blocks. */
export const TAR_END = new Uint8Array(BLOCK * 2);
