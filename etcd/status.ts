// The status of an etcd snapshot file, as etcdutl's snapshot manager reports it
// (go.etcd.io/etcd/etcdutl/v3/snapshot, v3.7 `Status`), which `talosctl etcd snapshot` prints:
//   - the file is opened as a read-only bbolt database and must pass bbolt's consistency check
//     ("snapshot file integrity check failed. N errors found." followed by the errors);
//   - total size = the database size of the current meta page (page size x high-water mark),
//     so etcd's sha256 trailer after the database does not count;
//   - hash = CRC-32C (Castagnoli) over, for each top-level bucket in key order, the bucket name
//     and then every key and value in it (values of nested buckets count as empty);
//   - in the "key" bucket each key is an mvcc revision (8-byte big-endian main, '_', 8-byte sub,
//     and an optional 't' tombstone mark); the revision reported is the main revision of the
//     last key; every value is an mvccpb.KeyValue whose `key` (field 1) is counted as live unless
//     the revision is a tombstone, which removes it again; total keys = live keys at the end.
// Errors read as etcdutl's (Go %q quoting included). Two departures, both where etcdutl would
// crash rather than report: a snapshot without a "meta" bucket, and pages past the end of the
// file; both are reported as errors here.

import { type BoltDB, BoltError, type ByteSource, fileSource, openBolt } from "./bbolt.ts";
import { checkBolt, panicText } from "./bbolt_check.ts";
import { Crc32c } from "./crc32c.ts";
import { goQuoteByte, goQuoteBytes } from "../gofmt/mod.ts";

export interface SnapshotStatus {
  hash: number;
  revision: bigint;
  totalKey: number;
  totalSize: bigint;
}

/** A Status failure; the message is what etcdutl's error would print. */
export class StatusError extends Error {
  override name = "StatusError";
}

const enc = new TextEncoder();
const KEY_BUCKET = enc.encode("key");
const META_BUCKET = enc.encode("meta");
const STORAGE_VERSION = enc.encode("storageVersion");

/** Status of the snapshot at `path`. */
export function snapshotStatusFile(path: string): SnapshotStatus {
  let src: ByteSource;
  try {
    src = fileSource(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new StatusError(`stat ${path}: no such file or directory`);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new StatusError(`open ${path}: permission denied`);
    }
    throw new StatusError(`open ${path}: ${(e as Error).message}`);
  }
  try {
    return snapshotStatus(src);
  } finally {
    src.close();
  }
}

/** Status of a snapshot read from `src`. */
export function snapshotStatus(src: ByteSource): SnapshotStatus {
  let db: BoltDB;
  try {
    db = openBolt(src);
  } catch (e) {
    if (e instanceof BoltError) throw new StatusError(e.message);
    throw e;
  }
  const problems = checkBolt(db);
  if (problems.length > 0) {
    throw new StatusError(
      `snapshot file integrity check failed. ${problems.length} errors found.\n` +
        problems.join("\n"),
    );
  }
  try {
    return walk(db);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw new StatusError(panicText(e));
  }
}

function walk(db: BoltDB): SnapshotStatus {
  const root = db.root();
  const meta = root.bucket(META_BUCKET);
  if (!meta) {
    throw new StatusError(
      'runtime error: invalid memory address or nil pointer dereference (the snapshot has no "meta" bucket)',
    );
  }
  meta.get(STORAGE_VERSION);
  const h = new Crc32c();
  const live = new Set<string>();
  let revision = 0n;
  const c = root.cursor();
  for (let kv = c.first(); kv; kv = c.next()) {
    const name = kv.key;
    const b = root.bucket(name);
    if (!b) throw new StatusError(`nil bucket: ${goQuoteBytes(name)}`);
    h.update(name);
    const isKey = name.length === 3 && name.every((x, i) => x === KEY_BUCKET[i]);
    for (const { key, value } of b.entries()) {
      h.update(key);
      if (value) h.update(value);
      if (!isKey) continue;
      const fail = (why: string) =>
        new StatusError(
          `error during bucket key iteration, name: ${goQuoteBytes(name)} err: ${why}`,
        );
      let rev;
      try {
        rev = parseRevision(key);
      } catch (e) {
        throw fail(`cannot parse revision key: ${goQuoteBytes(key)} err: ${(e as Error).message}`);
      }
      revision = rev.main;
      let k: Uint8Array;
      try {
        k = keyValueKey(value ?? new Uint8Array());
      } catch (e) {
        throw fail(
          `cannot unmarshal value, key: ${goQuoteBytes(key)} value: ${
            goQuoteBytes(value ?? new Uint8Array())
          } err: ${(e as Error).message}`,
        );
      }
      const id = latin1(k);
      if (rev.tombstone) live.delete(id);
      else live.add(id);
    }
  }
  return { hash: h.sum(), revision, totalKey: live.size, totalSize: db.size };
}

/** mvcc.BytesToRev with its panics as errors. */
export function parseRevision(b: Uint8Array): { main: bigint; sub: bigint; tombstone: boolean } {
  if (b.length !== 17 && b.length !== 18) {
    throw new Error(`invalid revision length: ${b.length}`);
  }
  if (b[8] !== 0x5f) throw new Error(`invalid separator in bucket key: ${goQuoteByte(b[8])}`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const main = v.getBigInt64(0);
  const sub = v.getBigInt64(9);
  if (main < 0n || sub < 0n) throw new Error(`negative revision: main=${main} sub=${sub}`);
  return { main, sub, tombstone: b.length === 18 && b[17] === 0x74 };
}

const WIRE_ERROR = "proto: cannot parse invalid wire-format data";

/**
 * proto.Unmarshal into mvccpb.KeyValue, keeping only `key` (field 1, bytes; the last one wins).
 * The wire format is validated as protobuf-go does; any fault gives its "cannot parse" error
 * (protobuf-go picks a space or a no-break space after "proto:" per build; a space is used).
 */
export function keyValueKey(b: Uint8Array): Uint8Array {
  let key: Uint8Array = new Uint8Array();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let k = 0; k < 10; k++) {
      if (i >= b.length) throw new Error(WIRE_ERROR);
      const x = b[i++];
      if (k === 9 && x > 1) throw new Error(WIRE_ERROR);
      v += (x & 0x7f) * 2 ** (7 * k);
      if (x < 0x80) return v;
    }
    throw new Error(WIRE_ERROR);
  };
  const field = (typ: number, num: number, depth: number): Uint8Array | null => {
    switch (typ) {
      case 0:
        varint();
        return null;
      case 1:
      case 5: {
        const n = typ === 1 ? 8 : 4;
        if (i + n > b.length) throw new Error(WIRE_ERROR);
        i += n;
        return null;
      }
      case 2: {
        const n = varint();
        if (n > b.length - i) throw new Error(WIRE_ERROR);
        i += n;
        return b.subarray(i - n, i);
      }
      case 3:
        if (depth > 10000) throw new Error(WIRE_ERROR);
        for (;;) {
          const [n2, t2] = tag();
          if (t2 === 4) {
            if (n2 !== num) throw new Error(WIRE_ERROR);
            return null;
          }
          field(t2, n2, depth + 1);
        }
    }
    throw new Error(WIRE_ERROR);
  };
  const tag = (): [number, number] => {
    const v = varint();
    const num = Math.floor(v / 8);
    if (num < 1 || num > 0x7fffffff) throw new Error(WIRE_ERROR);
    return [num, v % 8];
  };
  while (i < b.length) {
    const [num, typ] = tag();
    const v = field(typ, num, 0);
    if (num === 1 && typ === 2 && v) key = v;
  }
  return key;
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, i + 4096));
  }
  return s;
}
