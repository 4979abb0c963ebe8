// A read-only reader of bbolt (go.etcd.io/bbolt, v1.5) database files, the storage format of etcd
// snapshots: opening (meta page selection), buckets (inline and on their own pages) and cursors
// that walk keys in order. It follows bbolt's behaviour, including its error texts, so that
// callers can report exactly what etcdutl reports. The consistency check is in bbolt_check.ts.
//
// Opening follows bbolt's Open in read-only mode:
//   - the page size comes from the first meta page that validates (page 0 at offset 0, else a
//     meta page at 1 KiB, 2 KiB, ... 16 MiB); if none validates but something could be read, the
//     OS page size is assumed; a file too short for even that is an "invalid database";
//   - a file shorter than two pages is rejected ("file size too small N");
//   - meta pages 0 and 1 are validated (magic, version 2, FNV-64a checksum of the first 64 bytes);
//     if both fail, page 0's error is returned; otherwise the valid one with the higher txid wins.
// Bytes past the high-water mark (etcd's sha256 trailer) are never looked at.

import {
  BoltPanic,
  BUCKET_LEAF,
  type ByteSource,
  compareBytes,
  equalBytes,
  Page,
  PAGE_HEADER,
} from "./bbolt_page.ts";

export * from "./bbolt_page.ts";

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
export const NO_FREELIST = 0xffffffffffffffffn;
/** The page size bbolt falls back to (os.Getpagesize() on the platforms Talos runs on). */
export const OS_PAGE_SIZE = 4096;

/** An error bbolt returns from Open (exact bbolt wording). */
export class BoltError extends Error {
  override name = "BoltError";
}

export interface Meta {
  magic: number;
  version: number;
  pageSize: number;
  flags: number;
  root: number;
  sequence: bigint;
  freelist: bigint;
  /** High-water mark: pages [0, pgid) are in use or free. */
  pgid: number;
  txid: bigint;
  checksum: bigint;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = 0xffffffffffffffffn;

/** FNV-64a, as hash/fnv's New64a. */
export function fnv64a(data: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of data) h = ((h ^ BigInt(b)) * FNV_PRIME) & U64;
  return h;
}

/** Reads the meta struct that follows a page header. `buf` starts at the page. */
export function parseMeta(buf: Uint8Array): Meta {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const o = PAGE_HEADER;
  return {
    magic: v.getUint32(o, true),
    version: v.getUint32(o + 4, true),
    pageSize: v.getUint32(o + 8, true),
    flags: v.getUint32(o + 12, true),
    root: Number(v.getBigUint64(o + 16, true)),
    sequence: v.getBigUint64(o + 24, true),
    freelist: v.getBigUint64(o + 32, true),
    pgid: Number(v.getBigUint64(o + 40, true)),
    txid: v.getBigUint64(o + 48, true),
    checksum: v.getBigUint64(o + 56, true),
  };
}

/** bbolt's Meta.Validate: null when valid, else bbolt's error text. */
export function validateMeta(buf: Uint8Array): string | null {
  const m = parseMeta(buf);
  if (m.magic !== MAGIC) return "invalid database";
  if (m.version !== VERSION) return "version mismatch";
  if (m.checksum !== fnv64a(buf.subarray(PAGE_HEADER, PAGE_HEADER + 56))) return "checksum error";
  return null;
}

const CACHE_PAGES = 1024;

export class BoltDB {
  readonly meta: Meta;
  /** Bytes that can be read: the file rounded up to whole OS pages, as an mmap would expose. */
  private readonly mapped: number;
  private readonly cache = new Map<number, Page>();
  /** Reused for large values, so that walking a big database allocates little. */
  private spare = new Uint8Array(0);

  constructor(readonly src: ByteSource, readonly pageSize: number) {
    this.mapped = Math.ceil(src.size / OS_PAGE_SIZE) * OS_PAGE_SIZE;
    const m0 = src.read(0, PAGE_HEADER + 64);
    const m1 = src.read(pageSize, PAGE_HEADER + 64);
    const e0 = validateMeta(m0);
    const e1 = validateMeta(m1);
    if (e0 && e1) throw new BoltError(e0);
    const [a, b] = [parseMeta(m0), parseMeta(m1)];
    const [hi, lo, eHi] = b.txid > a.txid ? [b, a, e1] : [a, b, e0];
    this.meta = eHi === null ? hi : lo;
  }

  /** tx.Size(): the database size as of the current meta page. */
  get size(): bigint {
    return BigInt(this.meta.pgid) * BigInt(this.pageSize);
  }

  /** db.page(id): the page and its overflow pages, unchecked. */
  page(id: number): Page {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const off = id * this.pageSize;
    if (!Number.isSafeInteger(off) || off + this.pageSize > this.mapped) {
      throw new BoltPanic(
        `unexpected fault address: page ${id} lies past the end of the file (${this.src.size} bytes)`,
      );
    }
    const head = this.src.read(off, this.pageSize);
    const overflow = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(
      12,
      true,
    );
    const span = Math.min((overflow + 1) * this.pageSize, this.mapped - off);
    const p = new Page(
      head,
      span,
      (o, n, transient) => this.src.read(off + o, n, transient ? this.scratch(n) : undefined),
    );
    if (this.cache.size >= CACHE_PAGES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, p);
    return p;
  }

  private scratch(n: number): Uint8Array {
    if (this.spare.length < n) this.spare = new Uint8Array(Math.max(n, this.spare.length * 2));
    return this.spare;
  }

  /** tx.page(id): the page, asserting that it is what it claims to be (bbolt's FastCheck). */
  txPage(id: number): Page {
    const p = this.page(id);
    if (p.id !== id) {
      throw new BoltPanic(
        `assertion failed: Page expected to be: ${id}, but self identifies as ${p.id}`,
      );
    }
    if (![0x01, 0x02, 0x04, 0x10].includes(p.flags)) {
      throw new BoltPanic(
        `assertion failed: page ${p.id}: has unexpected type/flags: ${p.flags.toString(16)}`,
      );
    }
    return p;
  }

  /** The root bucket of the current transaction. */
  root(): Bucket {
    return new Bucket(this, this.meta.root, null);
  }

  close(): void {
    this.src.close();
  }
}

/** Opens a database like bolt.Open(path, 0400, &Options{ReadOnly: true}). */
export function openBolt(src: ByteSource): BoltDB {
  const size = src.size;
  let canRead = false;
  let pageSize = 0;
  if (size >= 0x1000) {
    canRead = true;
    const buf = src.read(0, 0x1000);
    if (validateMeta(buf) === null) pageSize = parseMeta(buf).pageSize;
  }
  if (pageSize === 0) {
    for (let i = 0; i <= 14; i++) {
      const pos = 1024 << i;
      if (pos >= size - 1024) break;
      canRead = true;
      const buf = src.read(pos, 0x1000);
      if (validateMeta(buf) === null) {
        pageSize = parseMeta(buf).pageSize;
        break;
      }
    }
  }
  if (pageSize === 0) {
    if (!canRead) throw new BoltError("invalid database");
    pageSize = OS_PAGE_SIZE;
  }
  if (size < pageSize * 2) throw new BoltError(`file size too small ${size}`);
  return new BoltDB(src, pageSize);
}

/** A bucket: on its own pages (root > 0) or inline in its parent's value (root 0). */
export class Bucket {
  constructor(
    readonly db: BoltDB,
    readonly rootPage: number,
    readonly inline: Page | null,
  ) {}

  /** bucket.pageNode(id) for a read-only transaction. */
  pageOf(id: number): Page {
    if (this.rootPage === 0) {
      if (id !== 0) throw new BoltPanic(`inline bucket non-zero page access(2): ${id} != 0`);
      if (!this.inline) throw new BoltPanic("inline bucket without a page");
      return this.inline;
    }
    return this.db.txPage(id);
  }

  cursor(): Cursor {
    return new Cursor(this);
  }

  /** The child bucket stored under `name`, or null when absent or not a bucket. */
  bucket(name: Uint8Array): Bucket | null {
    const kv = this.cursor().seek(name);
    if (!kv || !equalBytes(kv.key, name) || (kv.flags & BUCKET_LEAF) === 0) return null;
    return openBucket(this.db, kv.value);
  }

  /** The value under `key` (a large one valid until the next large read); null when absent. */
  get(key: Uint8Array): Uint8Array | null {
    const kv = this.cursor().seek(key);
    if (!kv || !equalBytes(kv.key, key) || (kv.flags & BUCKET_LEAF) !== 0) return null;
    return kv.value;
  }

  /** Bucket.ForEach: every key in order; values of nested buckets are null. */
  *entries(): Generator<{ key: Uint8Array; value: Uint8Array | null }> {
    const c = this.cursor();
    for (let kv = c.first(); kv; kv = c.next()) {
      yield { key: kv.key, value: (kv.flags & BUCKET_LEAF) !== 0 ? null : kv.value };
    }
  }
}

/** Interprets a bucket header value: InBucket{root u64, sequence u64} [+ inline page]. */
export function openBucket(db: BoltDB, value: Uint8Array): Bucket {
  if (value.length < 16) {
    throw new BoltPanic(`bucket header of ${value.length} bytes is shorter than 16`);
  }
  const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const root = Number(v.getBigUint64(0, true));
  // An inline page is copied: the value may sit in a buffer that later reads reuse.
  return new Bucket(db, root, root === 0 ? new Page(value.slice(16)) : null);
}

export interface KeyValue {
  key: Uint8Array;
  value: Uint8Array;
  flags: number;
}

interface ElemRef {
  page: Page;
  index: number;
}

/** bbolt's Cursor over one bucket (read-only: pages only, no materialized nodes). */
export class Cursor {
  private stack: ElemRef[] = [];
  constructor(readonly bucket: Bucket) {}

  first(): KeyValue | null {
    this.stack = [{ page: this.bucket.pageOf(this.bucket.rootPage), index: 0 }];
    this.goToFirst();
    if (this.top().page.count === 0) return this.next();
    return this.keyValue();
  }

  next(): KeyValue | null {
    for (;;) {
      let i = this.stack.length - 1;
      for (; i >= 0; i--) {
        const e = this.stack[i];
        if (e.index < e.page.count - 1) {
          e.index++;
          break;
        }
      }
      if (i === -1) return null;
      this.stack.length = i + 1;
      this.goToFirst();
      if (this.top().page.count === 0) continue;
      return this.keyValue();
    }
  }

  /** Positions at the first key >= `key` (as cursor.seek: may rest past the last element). */
  seek(key: Uint8Array): KeyValue | null {
    this.stack = [];
    let id = this.bucket.rootPage;
    for (;;) {
      const p = this.bucket.pageOf(id);
      if (!p.isBranch && !p.isLeaf) {
        throw new BoltPanic(`invalid page type: ${p.id}: ${p.flags.toString(16)}`);
      }
      const ref: ElemRef = { page: p, index: 0 };
      this.stack.push(ref);
      if (p.isLeaf) {
        ref.index = search(p.count, (i) => compareBytes(p.leafKey(i), key) !== -1).index;
        return this.keyValue();
      }
      const r = search(
        p.count,
        (i) => compareBytes(p.branchKey(i), key) !== -1,
        (i) => compareBytes(p.branchKey(i), key) === 0,
      );
      ref.index = !r.exact && r.index > 0 ? r.index - 1 : r.index;
      id = p.branchPgid(ref.index);
    }
  }

  private top(): ElemRef {
    return this.stack[this.stack.length - 1];
  }

  private goToFirst(): void {
    for (;;) {
      const ref = this.top();
      if (ref.page.isLeaf) return;
      const id = ref.page.branchPgid(ref.index);
      this.stack.push({ page: this.bucket.pageOf(id), index: 0 });
    }
  }

  private keyValue(): KeyValue | null {
    const { page, index } = this.top();
    if (page.count === 0 || index >= page.count) return null;
    // The value is read only when asked for: walks that need keys and flags skip large values.
    return {
      key: page.leafKey(index),
      flags: page.leafFlags(index),
      get value() {
        return page.leafValue(index);
      },
    };
  }
}

/** Go's sort.Search, also telling whether any probe matched exactly (bbolt's `exact`). */
function search(
  n: number,
  f: (i: number) => boolean,
  eq?: (i: number) => boolean,
): { index: number; exact: boolean } {
  let i = 0;
  let j = n;
  let exact = false;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (eq && eq(h)) exact = true;
    if (!f(h)) i = h + 1;
    else j = h;
  }
  return { index: i, exact };
}
