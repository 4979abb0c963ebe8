// bbolt's consistency check (Tx.Check, v1.5) on a read-only database, with bbolt's messages:
//   1. load the free list: from the freelist page, or (when the meta page says none was synced)
//      rebuilt as every page in [2, hwm) that no bucket reaches;
//   2. pages listed twice in the free list ("already freed");
//   3. from the root bucket down, every page of every non-inline bucket: within the high-water
//      mark, referenced once, not free, a branch or leaf; keys ordered within and across pages;
//   4. every page below the high-water mark is reachable or free.
// A panic inside bbolt's check (a page that does not identify as itself, an unreadable free list)
// ends the check and becomes its last error, as bbolt's recover does.

import {
  type BoltDB,
  BoltPanic,
  type Bucket,
  compareBytes,
  NO_FREELIST,
  type Page,
} from "./bbolt.ts";
import { BUCKET_LEAF } from "./bbolt_page.ts";

type Reachable = Map<number, Page>;

const EMPTY = new Uint8Array();

const hex = (b: Uint8Array | null) =>
  b ? Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("") : "";
const stackText = (s: number[]) => `[${s.join(" ")}]`;

class Checker {
  readonly errors: string[] = [];
  constructor(readonly db: BoltDB) {}

  get hwm(): number {
    return this.db.meta.pgid;
  }

  run(): void {
    const freeIds = this.freelist();
    const freed = new Set<number>();
    for (const id of freeIds) {
      if (freed.has(id)) this.errors.push(`page ${id}: already freed`);
      freed.add(id);
    }
    const reachable: Reachable = new Map();
    reachable.set(0, this.db.txPage(0));
    reachable.set(1, this.db.txPage(1));
    const fl = this.db.meta.freelist;
    if (fl !== NO_FREELIST) {
      const p = this.db.txPage(Number(fl));
      for (let i = 0; i <= p.overflow; i++) reachable.set(Number(fl) + i, p);
    }
    this.checkBucket(this.db.root(), reachable, freed);
    for (let i = 0; i < this.hwm; i++) {
      if (!reachable.has(i) && !freed.has(i)) this.errors.push(`page ${i}: unreachable unfreed`);
    }
  }

  /** The free page ids, sorted (db.loadFreelist + freelist.Copyall). */
  private freelist(): number[] {
    const fl = this.db.meta.freelist;
    if (fl !== NO_FREELIST) {
      const p = this.db.page(Number(fl));
      if (p.flags !== 0x10) {
        throw new BoltPanic(`invalid freelist page: ${p.id}, page type is ${p.typ}`);
      }
      return p.freelistIds().sort((a, b) => a - b);
    }
    // Not synced: every page no bucket reaches is free; any finding here is fatal.
    const sub = new Checker(this.db);
    const reachable: Reachable = new Map();
    sub.checkBucket(this.db.root(), reachable, new Set());
    if (sub.errors.length > 0) {
      throw new BoltPanic(`freepages: failed to get all reachable pages (${sub.errors[0]})`);
    }
    const ids: number[] = [];
    for (let i = 2; i < this.hwm; i++) if (!reachable.has(i)) ids.push(i);
    return ids;
  }

  checkBucket(b: Bucket, reachable: Reachable, freed: Set<number>): void {
    if (b.rootPage === 0) return; // inline buckets have no pages of their own
    this.checkPages(b.rootPage, reachable, freed);
    this.checkKeyOrder(b.rootPage, null, null, []);
    const c = b.cursor();
    for (let kv = c.first(); kv; kv = c.next()) {
      if ((kv.flags & BUCKET_LEAF) === 0) continue;
      const child = b.bucket(kv.key);
      if (child) this.checkBucket(child, reachable, freed);
    }
  }

  /** tx.forEachPage + verifyPageReachable, depth first. */
  private checkPages(id: number, reachable: Reachable, freed: Set<number>, stack: number[] = []) {
    const path = [...stack, id];
    const p = this.db.txPage(id);
    if (p.id > this.hwm) {
      this.errors.push(`page ${p.id}: out of bounds: ${this.hwm} (stack: ${stackText(path)})`);
    }
    for (let i = 0; i <= p.overflow; i++) {
      const n = p.id + i;
      if (reachable.has(n)) {
        this.errors.push(`page ${n}: multiple references (stack: ${stackText(path)})`);
      }
      reachable.set(n, p);
    }
    if (freed.has(p.id)) {
      this.errors.push(`page ${p.id}: reachable freed`);
    } else if (!p.isBranch && !p.isLeaf) {
      this.errors.push(`page ${p.id}: invalid type: ${p.typ} (stack: ${stackText(path)})`);
    }
    if (p.isBranch) {
      for (let i = 0; i < p.count; i++) this.checkPages(p.branchPgid(i), reachable, freed, path);
    }
  }

  /** Keys sorted on each page and within the range their parent branch gives them. */
  private checkKeyOrder(
    id: number,
    minKeyClosed: Uint8Array | null,
    maxKeyOpen: Uint8Array | null,
    stack: number[],
  ): Uint8Array | null {
    const p = this.db.txPage(id);
    const path = [...stack, id];
    let maxInSubtree: Uint8Array | null = null;
    if (p.isBranch) {
      let runningMin = minKeyClosed;
      for (let i = 0; i < p.count; i++) {
        const key = p.branchKey(i);
        this.verifyKeyOrder(p.branchPgid(i), "branch", i, key, runningMin, maxKeyOpen, path);
        const maxKey = i < p.count - 1 ? p.branchKey(i + 1) : maxKeyOpen;
        maxInSubtree = this.checkKeyOrder(p.branchPgid(i), key, maxKey, path);
        runningMin = maxInSubtree;
      }
      return maxInSubtree;
    }
    if (p.isLeaf) {
      let runningMin = minKeyClosed;
      for (let i = 0; i < p.count; i++) {
        const key = p.leafKey(i);
        this.verifyKeyOrder(id, "leaf", i, key, runningMin, maxKeyOpen, path);
        runningMin = key;
      }
      return p.count > 0 ? p.leafKey(p.count - 1) : null;
    }
    this.errors.push(`unexpected page type (flags: ${p.flags.toString(16)}) for pgId:${id}`);
    return null;
  }

  private verifyKeyOrder(
    id: number,
    kind: string,
    index: number,
    key: Uint8Array,
    previous: Uint8Array | null,
    maxKeyOpen: Uint8Array | null,
    path: number[],
  ): void {
    const k = hex(key);
    if (index === 0 && previous !== null && compareBytes(previous, key) > 0) {
      this.errors.push(
        `the first key[${index}]=(hex)${k} on ${kind} page(${id}) needs to be >= the key in the ancestor (${
          hex(previous)
        }). Stack: ${stackText(path)}`,
      );
    }
    if (index > 0) {
      const cmp = compareBytes(previous ?? EMPTY, key);
      if (cmp >= 0) {
        this.errors.push(
          `key[${index}]=(hex)${k} on ${kind} page(${id}) needs to be > (found ${
            cmp > 0 ? "<" : "="
          }) than previous element (hex)${hex(previous)}. Stack: ${stackText(path)}`,
        );
      }
    }
    if (maxKeyOpen !== null && compareBytes(key, maxKeyOpen) >= 0) {
      // bbolt prints the previous key here, not the ancestor's.
      this.errors.push(
        `key[${index}]=(hex)${k} on ${kind} page(${id}) needs to be < than key of the next element in ancestor (hex)${
          hex(previous)
        }. Pages stack: ${stackText(path)}`,
      );
    }
  }
}

/** Runs bbolt's Tx.Check; returns its errors in the order bbolt reports them (none = sound). */
export function checkBolt(db: BoltDB): string[] {
  const c = new Checker(db);
  try {
    c.run();
  } catch (e) {
    c.errors.push(panicText(e));
  }
  return c.errors;
}

/** How bbolt's `panicked` error reads: "panic: <value>" for panics with a message. */
export function panicText(e: unknown): string {
  if (e instanceof BoltPanic) return `panic: ${e.message}`;
  if (e instanceof RangeError) return `runtime error: ${e.message}`;
  throw e;
}
