// A small bbolt (go.etcd.io/bbolt) file writer for tests and the emulator: lays out buckets as
// B+trees of leaf and branch pages (values larger than a page get overflow pages, small buckets
// are stored inline in their parent), a freelist page, free padding pages, and the two meta
// pages bbolt's Tx.WriteTo emits (txid T on page 0, T-1 on page 1). Written independently of
// the project's reader (etcd/bbolt.ts) so each can catch the other's mistakes.

import { createHash } from "node:crypto";

export type BoltEntry =
  | { key: Uint8Array; value: Uint8Array }
  | { key: Uint8Array; bucket: BoltEntry[]; inline?: boolean };

export interface BoltWriteOptions {
  pageSize?: number;
  /** Transaction id of meta page 0 (page 1 gets one less). Default 42. */
  txid?: bigint;
  /** Fraction of a page a node may fill before a new page starts (default 1). */
  fill?: number;
  /** Pad with free pages up to this many pages (high-water mark). */
  totalPages?: number;
  /** Extra free pages (listed in the freelist). */
  freePages?: number;
  /** Write no freelist page (meta freelist = 0xFFFF...FF, readers rebuild it). */
  noFreelist?: boolean;
  /** Append etcd's trailer: the sha256 of the database bytes. */
  sha256Trailer?: boolean;
}

const HEADER = 16;
const ELEM = 16;

interface Child {
  firstKey: Uint8Array;
  pgid: number;
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function put64(v: DataView, off: number, x: bigint | number): void {
  v.setBigUint64(off, BigInt(x), true);
}

class Layout {
  /** pgid -> page bytes (a multiple of the page size). */
  readonly pages = new Map<number, Uint8Array>();
  next = 2;
  constructor(readonly pageSize: number, readonly fill: number) {}

  alloc(bytes: number): { pgid: number; buf: Uint8Array } {
    const n = Math.max(1, Math.ceil(bytes / this.pageSize));
    const pgid = this.next;
    this.next += n;
    const buf = new Uint8Array(n * this.pageSize);
    this.pages.set(pgid, buf);
    return { pgid, buf };
  }

  /** Serialises one leaf node into `buf` (which may be an inline bucket's value). */
  static leaf(buf: Uint8Array, pgid: number, overflow: number, items: LeafItem[]): void {
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    put64(v, 0, pgid);
    v.setUint16(8, 0x02, true);
    v.setUint16(10, items.length, true);
    v.setUint32(12, overflow, true);
    let data = HEADER + items.length * ELEM;
    items.forEach((it, i) => {
      const e = HEADER + i * ELEM;
      v.setUint32(e, it.flags, true);
      v.setUint32(e + 4, data - e, true);
      v.setUint32(e + 8, it.key.length, true);
      v.setUint32(e + 12, it.value.length, true);
      buf.set(it.key, data);
      buf.set(it.value, data + it.key.length);
      data += it.key.length + it.value.length;
    });
  }

  /** Writes a bucket's items as leaf pages plus branch levels; returns the root pgid. */
  tree(items: LeafItem[]): number {
    const limit = this.pageSize * this.fill;
    let level: Child[] = [];
    let group: LeafItem[] = [];
    let size = HEADER;
    const flushLeaf = () => {
      const { pgid, buf } = this.alloc(size);
      Layout.leaf(buf, pgid, buf.length / this.pageSize - 1, group);
      level.push({ firstKey: group[0]?.key ?? new Uint8Array(), pgid });
      group = [];
      size = HEADER;
    };
    for (const it of items) {
      const add = ELEM + it.key.length + it.value.length;
      if (group.length > 0 && size + add > limit) flushLeaf();
      group.push(it);
      size += add;
    }
    if (group.length > 0 || level.length === 0) flushLeaf();
    while (level.length > 1) {
      const up: Child[] = [];
      let kids: Child[] = [];
      let bsize = HEADER;
      const flushBranch = () => {
        const { pgid, buf } = this.alloc(bsize);
        const v = new DataView(buf.buffer);
        put64(v, 0, pgid);
        v.setUint16(8, 0x01, true);
        v.setUint16(10, kids.length, true);
        v.setUint32(12, buf.length / this.pageSize - 1, true);
        let data = HEADER + kids.length * ELEM;
        kids.forEach((k, i) => {
          const e = HEADER + i * ELEM;
          v.setUint32(e, data - e, true);
          v.setUint32(e + 4, k.firstKey.length, true);
          put64(v, e + 8, k.pgid);
          buf.set(k.firstKey, data);
          data += k.firstKey.length;
        });
        up.push({ firstKey: kids[0].firstKey, pgid });
        kids = [];
        bsize = HEADER;
      };
      for (const k of level) {
        const add = ELEM + k.firstKey.length;
        if (kids.length > 1 && bsize + add > limit) flushBranch();
        kids.push(k);
        bsize += add;
      }
      flushBranch();
      level = up;
    }
    return level[0].pgid;
  }

  /** The value stored under a bucket's key: InBucket{root, sequence} [+ inline page]. */
  bucketValue(entries: BoltEntry[], inline?: boolean): Uint8Array {
    const items = this.items(entries);
    const pageBytes = HEADER +
      items.reduce((n, it) => n + ELEM + it.key.length + it.value.length, 0);
    const nested = entries.some((e) => "bucket" in e);
    const asInline = inline ?? (!nested && pageBytes <= this.pageSize / 4);
    if (asInline) {
      const value = new Uint8Array(16 + pageBytes);
      Layout.leaf(value.subarray(16), 0, 0, items);
      return value;
    }
    const value = new Uint8Array(16);
    put64(new DataView(value.buffer), 0, this.tree(items));
    return value;
  }

  /** Sorted leaf items; nested buckets are written first (post-order). */
  items(entries: BoltEntry[]): LeafItem[] {
    return [...entries].sort((a, b) => cmp(a.key, b.key)).map((e) =>
      "bucket" in e
        ? { key: e.key, value: this.bucketValue(e.bucket, e.inline), flags: 1 }
        : { key: e.key, value: e.value, flags: 0 }
    );
  }
}

interface LeafItem {
  key: Uint8Array;
  value: Uint8Array;
  flags: number;
}

function fnv64a(data: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of data) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

/** Lays out `root` (top-level entries must be buckets) as a bbolt database file. */
export function writeBolt(root: BoltEntry[], opts: BoltWriteOptions = {}): Uint8Array {
  const pageSize = opts.pageSize ?? 4096;
  const L = new Layout(pageSize, opts.fill ?? 1);
  const rootPgid = L.tree(L.items(root));
  const used = L.next;
  const idsPerPage = (n: number) =>
    Math.ceil((HEADER + 8 * (n + (n >= 0xffff ? 1 : 0))) / pageSize);
  let free = opts.freePages ?? 0;
  let flPages = opts.noFreelist ? 0 : idsPerPage(free);
  if (opts.totalPages !== undefined) {
    for (flPages = opts.noFreelist ? 0 : 1;; flPages++) {
      free = opts.totalPages - used - flPages;
      if (free < 0) throw new Error(`content needs more than ${opts.totalPages} pages`);
      if (opts.noFreelist || idsPerPage(free) <= flPages) break;
    }
  }
  const freelistPgid = used;
  const hwm = used + flPages + free;
  const db = new Uint8Array(hwm * pageSize + (opts.sha256Trailer ? 32 : 0));
  for (const [pgid, buf] of L.pages) db.set(buf, pgid * pageSize);
  if (!opts.noFreelist) {
    const v = new DataView(db.buffer, freelistPgid * pageSize);
    put64(v, 0, freelistPgid);
    v.setUint16(8, 0x10, true);
    v.setUint32(12, flPages - 1, true);
    const ids = Array.from({ length: free }, (_, i) => used + flPages + i);
    let at = HEADER;
    if (ids.length >= 0xffff) {
      v.setUint16(10, 0xffff, true);
      put64(v, at, ids.length);
      at += 8;
    } else {
      v.setUint16(10, ids.length, true);
    }
    for (const id of ids) {
      put64(v, at, id);
      at += 8;
    }
  }
  const txid = opts.txid ?? 42n;
  for (const id of [0, 1]) {
    const v = new DataView(db.buffer, id * pageSize, pageSize);
    put64(v, 0, id);
    v.setUint16(8, 0x04, true);
    v.setUint32(16, 0xed0cdaed, true);
    v.setUint32(20, 2, true);
    v.setUint32(24, pageSize, true);
    put64(v, 32, rootPgid);
    put64(v, 48, opts.noFreelist ? 0xffffffffffffffffn : freelistPgid);
    put64(v, 56, hwm);
    put64(v, 64, txid - BigInt(id));
    put64(v, 72, fnv64a(db.subarray(id * pageSize + 16, id * pageSize + 72)));
  }
  if (opts.sha256Trailer) {
    const sum = createHash("sha256").update(db.subarray(0, hwm * pageSize)).digest();
    db.set(sum, hwm * pageSize);
  }
  return db;
}
