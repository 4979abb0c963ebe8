// Pages of a bbolt (go.etcd.io/bbolt) database file, read without mmap: the file is read one page
// span at a time, so memory stays flat however large the file is.
//
// On-disk layout (little-endian, as bbolt writes it on every platform etcd ships for):
//   page header, 16 bytes: id u64 | flags u16 | count u16 | overflow u32
//     flags: 0x01 branch, 0x02 leaf, 0x04 meta, 0x10 freelist; a page spans overflow+1 pages
//   leaf element, 16 bytes: flags u32 | pos u32 | ksize u32 | vsize u32
//     (flags 0x01 = the value is a bucket header); key at element offset + pos, value follows it
//   branch element, 16 bytes: pos u32 | ksize u32 | child pgid u64
//   freelist page: `count` page ids (u64); count 0xFFFF means the first u64 holds the real count

export const PAGE_HEADER = 16;
export const ELEMENT_SIZE = 16;
export const BRANCH = 0x01;
export const LEAF = 0x02;
export const META = 0x04;
export const FREELIST = 0x10;
export const BUCKET_LEAF = 0x01;

/**
 * A Go panic in bbolt (failed assertion, impossible layout). Inside the consistency check it is
 * reported as one of the check's errors, as bbolt recovers it there.
 */
export class BoltPanic extends Error {
  override name = "BoltPanic";
}

/** Random access to the database bytes. */
export interface ByteSource {
  readonly size: number;
  /**
   * `length` bytes at `offset`; bytes past the end of the data read as zero. With `into`
   * (at least `length` bytes), the bytes are read into it and a view of it is returned.
   */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array;
  close(): void;
}

/** A source over bytes already in memory (tests, small files). */
export function bytesSource(data: Uint8Array): ByteSource {
  return {
    size: data.length,
    read(offset, length) {
      if (offset + length <= data.length) return data.subarray(offset, offset + length);
      const out = new Uint8Array(length);
      if (offset < data.length) out.set(data.subarray(offset));
      return out;
    },
    close() {},
  };
}

/** A source reading an open file with positioned reads. */
export function fileSource(path: string): ByteSource {
  const file = Deno.openSync(path, { read: true });
  const size = file.statSync().size;
  return {
    size,
    read(offset, length, into) {
      const out = into ? into.subarray(0, length) : new Uint8Array(length);
      file.seekSync(offset, Deno.SeekMode.Start);
      let got = 0;
      while (got < length) {
        const n = file.readSync(out.subarray(got));
        if (n === null || n === 0) break;
        got += n;
      }
      if (into) out.fill(0, got);
      return out;
    },
    close() {
      file.close();
    },
  };
}

export function typeName(flags: number): string {
  switch (flags) {
    case BRANCH:
      return "branch";
    case LEAF:
      return "leaf";
    case META:
      return "meta";
    case FREELIST:
      return "freelist";
  }
  return `unknown<${flags.toString(16).padStart(2, "0")}>`;
}

/**
 * A page (with its overflow pages) or an inline bucket's embedded page. Only the first `head`
 * bytes are held; bytes further into a long page (large values) are read when asked for, so that
 * walking keys does not read values.
 */
export class Page {
  private readonly view: DataView;
  constructor(
    private readonly head: Uint8Array,
    /** Bytes the page spans (with overflow pages), at most what the file holds. */
    readonly span: number = head.length,
    /** Reads further bytes; `transient` ones may be overwritten by the next transient read. */
    private readonly more?: (offset: number, length: number, transient: boolean) => Uint8Array,
  ) {
    if (head.length < PAGE_HEADER) throw new BoltPanic("page header is truncated");
    this.view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  }
  /** The page id as stored (ids past 2^53 lose precision; such pages cannot be read anyway). */
  get id(): number {
    return Number(this.view.getBigUint64(0, true));
  }
  get flags(): number {
    return this.view.getUint16(8, true);
  }
  get count(): number {
    return this.view.getUint16(10, true);
  }
  get overflow(): number {
    return this.view.getUint32(12, true);
  }
  get isBranch(): boolean {
    return this.flags === BRANCH;
  }
  get isLeaf(): boolean {
    return this.flags === LEAF;
  }
  get typ(): string {
    return typeName(this.flags);
  }

  /** `len` bytes at `off` within the page (`transient`: valid until the next such read). */
  bytes(off: number, len: number, what: string, transient = false): Uint8Array {
    if (off + len <= this.head.length) return this.head.subarray(off, off + len);
    if (off + len > this.span || !this.more) {
      throw new BoltPanic(`${what} of page ${this.id} lies outside the page`);
    }
    return this.more(off, len, transient);
  }

  private u32(off: number): number {
    if (off + 4 <= this.head.length) return this.view.getUint32(off, true);
    const b = this.bytes(off, 4, "element");
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  private u64(off: number): number {
    return this.u32(off) + this.u32(off + 4) * 2 ** 32;
  }

  private elem(i: number): number {
    return PAGE_HEADER + i * ELEMENT_SIZE;
  }

  leafFlags(i: number): number {
    return this.u32(this.elem(i));
  }
  leafKey(i: number): Uint8Array {
    const off = this.elem(i);
    return this.bytes(off + this.u32(off + 4), this.u32(off + 8), `key ${i}`);
  }
  /**
   * The value of element `i`. A value beyond the page's first page (a large one) is read into a
   * buffer the database reuses: it is valid until the next large value is read.
   */
  leafValue(i: number): Uint8Array {
    const off = this.elem(i);
    const pos = this.u32(off + 4);
    const ksize = this.u32(off + 8);
    return this.bytes(off + pos + ksize, this.u32(off + 12), `value ${i}`, true);
  }
  branchKey(i: number): Uint8Array {
    const off = this.elem(i);
    return this.bytes(off + this.u32(off), this.u32(off + 4), `key ${i}`);
  }
  branchPgid(i: number): number {
    return this.u64(this.elem(i) + 8);
  }

  /** The page ids listed on a freelist page. */
  freelistIds(): number[] {
    if (this.flags !== FREELIST) {
      throw new BoltPanic(
        `assertion failed: can't get freelist page IDs from a non-freelist page: ${
          this.flags.toString(16).padStart(2, " ")
        }`,
      );
    }
    let idx = 0;
    let count = this.count;
    if (count === 0xffff) {
      idx = 1;
      const c = new DataView(this.bytes(PAGE_HEADER, 8, "freelist").slice().buffer)
        .getBigUint64(0, true);
      if (c > 0x7fffffffffffffffn) {
        throw new BoltPanic(`leading element count ${c} overflows int`);
      }
      count = Number(c);
    }
    const raw = this.bytes(PAGE_HEADER + idx * 8, count * 8, "freelist");
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const ids: number[] = new Array(count);
    for (let i = 0; i < count; i++) {
      ids[i] = v.getUint32(i * 8, true) + v.getUint32(i * 8 + 4, true) * 2 ** 32;
    }
    return ids;
  }
}

/** Go's bytes.Compare. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}
