// A streaming ZIP writer: each entry's bytes are deflated (the runtime's raw-deflate stream) and
// handed to the sink as they come, sizes and CRC-32 follow in a data descriptor, and the central
// directory is written at the end. Memory stays bounded whatever the entries' sizes: only the
// central directory records (one per entry) are kept. ZIP64 records are used when an entry, an
// offset or the entry count outgrows the classic fields.

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;

const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_DEFLATE = 8;
const VERSION_20 = 20;
const VERSION_45 = 45;
const MADE_BY_UNIX = 3 << 8;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC-32 (IEEE) over `data`; start with 0. */
export function crc32(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** MS-DOS date and time fields of a local time (two-second resolution, years 1980-2107). */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}

class Bytes {
  readonly buf: Uint8Array;
  readonly view: DataView;
  off = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  u16(v: number): this {
    this.view.setUint16(this.off, v, true);
    this.off += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.off, v >>> 0, true);
    this.off += 4;
    return this;
  }
  u64(v: number): this {
    this.view.setBigUint64(this.off, BigInt(v), true);
    this.off += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.buf.set(b, this.off);
    this.off += b.length;
    return this;
  }
}

interface Entry {
  name: Uint8Array;
  flags: number;
  date: number;
  time: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  mode: number;
}

export interface ZipOptions {
  /** Modification time stamped on every entry. */
  modified: Date;
  /** Unix permission bits of the entries (default 0o644). */
  mode?: number;
  /**
   * Sizes and offsets from this value on are written as ZIP64 (default 0xffffffff, the format's
   * limit); a test lowers it to exercise the ZIP64 records on small archives.
   */
  zip64From?: number;
}

export type Sink = (chunk: Uint8Array) => Promise<void>;

/** Writes a ZIP archive to `sink`, one entry at a time. */
export class ZipWriter {
  #entries: Entry[] = [];
  #offset = 0;
  #busy = false;
  #closed = false;
  readonly #date: number;
  readonly #time: number;
  readonly #mode: number;
  readonly #limit: number;

  constructor(private readonly sink: Sink, opts: ZipOptions) {
    const { date, time } = dosDateTime(opts.modified);
    this.#date = date;
    this.#time = time;
    this.#mode = opts.mode ?? 0o644;
    this.#limit = opts.zip64From ?? MAX32;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#offset;
  }

  async #write(b: Uint8Array): Promise<void> {
    if (b.length === 0) return;
    await this.sink(b);
    this.#offset += b.length;
  }

  /** Adds an entry with the bytes of `source`, deflated as they arrive. */
  async add(name: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    if (this.#closed) throw new Error("zip: write to a closed archive");
    if (this.#busy) throw new Error("zip: entries must be added one at a time");
    this.#busy = true;
    try {
      await this.#add(name, source);
    } finally {
      this.#busy = false;
    }
  }

  async #add(name: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    const encoded = new TextEncoder().encode(name);
    // deno-lint-ignore no-control-regex
    const flags = FLAG_DESCRIPTOR | (/^[\x00-\x7f]*$/.test(name) ? 0 : FLAG_UTF8);
    const entry: Entry = {
      name: encoded,
      flags,
      date: this.#date,
      time: this.#time,
      crc: 0,
      compressed: 0,
      size: 0,
      offset: this.#offset,
      mode: this.#mode,
    };
    const header = new Bytes(30 + encoded.length)
      .u32(SIG_LOCAL).u16(VERSION_20).u16(flags).u16(METHOD_DEFLATE)
      .u16(entry.time).u16(entry.date)
      .u32(0).u32(0).u32(0)
      .u16(encoded.length).u16(0)
      .bytes(encoded);
    await this.#write(header.buf);

    const deflate = new CompressionStream("deflate-raw");
    const writer = deflate.writable.getWriter();
    const pump = (async () => {
      for await (const chunk of deflate.readable) {
        entry.compressed += chunk.length;
        await this.#write(chunk);
      }
    })();
    try {
      for await (const chunk of source) {
        if (chunk.length === 0) continue;
        entry.crc = crc32(entry.crc, chunk);
        entry.size += chunk.length;
        await writer.write(chunk as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
      await pump.catch(() => {});
      throw e;
    }
    await pump;

    const wide = entry.size >= this.#limit || entry.compressed >= this.#limit;
    const descriptor = new Bytes(wide ? 24 : 16).u32(SIG_DESCRIPTOR).u32(entry.crc);
    if (wide) descriptor.u64(entry.compressed).u64(entry.size);
    else descriptor.u32(entry.compressed).u32(entry.size);
    await this.#write(descriptor.buf);
    this.#entries.push(entry);
  }

  /** Writes the central directory; the archive is complete after this. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const start = this.#offset;
    for (const e of this.#entries) await this.#write(this.#central(e));
    const cdSize = this.#offset - start;
    const count = this.#entries.length;
    const wide = count >= MAX16 || start >= this.#limit || cdSize >= this.#limit;
    if (wide) {
      const end64At = this.#offset;
      await this.#write(
        new Bytes(56)
          .u32(SIG_END64).u64(44).u16(MADE_BY_UNIX | VERSION_45).u16(VERSION_45)
          .u32(0).u32(0).u64(count).u64(count).u64(cdSize).u64(start).buf,
      );
      await this.#write(new Bytes(20).u32(SIG_LOCATOR64).u32(0).u64(end64At).u32(1).buf);
    }
    const end = new Bytes(22).u32(SIG_END).u16(0).u16(0);
    if (wide) end.u16(MAX16).u16(MAX16).u32(MAX32).u32(MAX32);
    else end.u16(count).u16(count).u32(cdSize).u32(start);
    await this.#write(end.u16(0).buf);
  }

  #central(e: Entry): Uint8Array {
    const sizeWide = e.size >= this.#limit;
    const compWide = e.compressed >= this.#limit;
    const offWide = e.offset >= this.#limit;
    const extraLen = (sizeWide || compWide || offWide)
      ? 4 + 8 * (Number(sizeWide) + Number(compWide) + Number(offWide))
      : 0;
    const version = extraLen > 0 ? VERSION_45 : VERSION_20;
    const b = new Bytes(46 + e.name.length + extraLen)
      .u32(SIG_CENTRAL).u16(MADE_BY_UNIX | version).u16(version).u16(e.flags)
      .u16(METHOD_DEFLATE).u16(e.time).u16(e.date).u32(e.crc)
      .u32(compWide ? MAX32 : e.compressed).u32(sizeWide ? MAX32 : e.size)
      .u16(e.name.length).u16(extraLen).u16(0).u16(0).u16(0)
      .u32(((0o100000 | e.mode) << 16) >>> 0)
      .u32(offWide ? MAX32 : e.offset)
      .bytes(e.name);
    if (extraLen > 0) {
      b.u16(0x0001).u16(extraLen - 4);
      if (sizeWide) b.u64(e.size);
      if (compWide) b.u64(e.compressed);
      if (offWide) b.u64(e.offset);
    }
    return b.buf;
  }
}
