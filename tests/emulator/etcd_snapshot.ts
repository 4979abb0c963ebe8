// Realistic etcd snapshots for the emulator: an etcd v3 backend as bbolt stores it (buckets
// "key", "meta", "members", "cluster", "auth", ...), with mvcc revision keys (8-byte big-endian
// main revision, '_', 8-byte sub revision, 't' on tombstones) whose values are mvccpb.KeyValue
// protobufs, followed by etcd's sha256 trailer.

import { concat } from "../../pki/der.ts";
import { type BoltEntry, writeBolt } from "./bbolt_writer.ts";

const enc = new TextEncoder();
const PAGE = 4096;

export interface KvRecord {
  main: bigint;
  sub: bigint;
  tombstone: boolean;
  /** The etcd key this revision writes or deletes. */
  key: string;
  /** mvccpb.KeyValue bytes stored under the revision. */
  value: Uint8Array;
}

export interface EtcdData {
  /** The "key" bucket, in revision order. */
  revisions: KvRecord[];
  /** Every other bucket: name -> [key, value] pairs. */
  buckets: Record<string, [string, Uint8Array][]>;
}

function varint(n: bigint | number): number[] {
  let x = BigInt(n);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

/** mvccpb.KeyValue{key=1, create_revision=2, mod_revision=3, version=4, value=5, lease=6}. */
export function encodeKeyValue(kv: {
  key: Uint8Array;
  createRevision?: bigint;
  modRevision?: bigint;
  version?: bigint;
  value?: Uint8Array;
  lease?: bigint;
}): Uint8Array {
  const num = (field: number, v?: bigint) => v ? [field << 3, ...varint(v)] : [];
  const head = new Uint8Array([
    0x0a,
    ...varint(kv.key.length),
    ...kv.key,
    ...num(2, kv.createRevision),
    ...num(3, kv.modRevision),
    ...num(4, kv.version),
    ...(kv.value?.length ? [0x2a, ...varint(kv.value.length)] : []),
  ]);
  const lease = new Uint8Array(num(6, kv.lease));
  return concat(kv.value?.length ? [head, kv.value, lease] : [head, lease]);
}

/** The 17/18-byte bucket key of a revision. */
export function revisionKey(main: bigint, sub: bigint, tombstone = false): Uint8Array {
  const b = new Uint8Array(tombstone ? 18 : 17);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, main);
  b[8] = 0x5f;
  v.setBigUint64(9, sub);
  if (tombstone) b[17] = 0x74;
  return b;
}

/** A small cluster's history, plus `fillers` puts of `fillerBytes`-byte values. */
export function sampleEtcdData(fillers = 0, fillerBytes = 0): EtcdData {
  const revisions: KvRecord[] = [];
  const state = new Map<string, { create: bigint; version: bigint }>();
  let main = 1n;
  const put = (key: string, value: Uint8Array, sub = 0n, lease = 0n) => {
    if (sub === 0n) main++;
    const prev = state.get(key);
    const create = prev?.create ?? main;
    const version = (prev?.version ?? 0n) + 1n;
    state.set(key, { create, version });
    revisions.push({
      main,
      sub,
      tombstone: false,
      key,
      value: encodeKeyValue({
        key: enc.encode(key),
        createRevision: create,
        modRevision: main,
        version,
        value,
        lease,
      }),
    });
  };
  const del = (key: string) => {
    main++;
    state.delete(key);
    revisions.push({
      main,
      sub: 0n,
      tombstone: true,
      key,
      value: encodeKeyValue({ key: enc.encode(key), modRevision: main }),
    });
  };
  const json = (o: unknown) => enc.encode(JSON.stringify(o));
  put("/registry/namespaces/default", json({ kind: "Namespace", name: "default" }));
  put("/registry/namespaces/kube-system", json({ kind: "Namespace", name: "kube-system" }));
  put("/registry/services/specs/default/kubernetes", json({ kind: "Service", port: 443 }));
  put("/registry/configmaps/kube-system/kube-root-ca.crt", json({ kind: "ConfigMap" }));
  put("/registry/leases/kube-system/kube-scheduler", json({ holder: "cp-1" }), 0n, 0x694d8a1b2cn);
  put("/registry/leases/kube-system/kube-scheduler", json({ holder: "cp-2" }), 0n, 0x694d8a1b2cn);
  put("/registry/events/default/node-ready", json({ reason: "NodeReady" }));
  del("/registry/events/default/node-ready");
  put("/registry/secrets/kube-system/bootstrap-token-abcdef", json({ kind: "Secret" }));
  put("/registry/serviceaccounts/default/default", json({ kind: "ServiceAccount" }), 1n);
  if (fillers > 0) {
    const base = new Uint8Array(fillerBytes);
    let x = 0x2545f491;
    for (let i = 0; i < base.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      base[i] = x & 0xff;
    }
    for (let i = 0; i < fillers; i++) {
      const value = base.slice();
      new DataView(value.buffer).setUint32(0, i);
      put(`/registry/configmaps/default/blob-${String(i).padStart(5, "0")}`, value);
    }
  }
  const u64 = (n: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    return b;
  };
  const member = "8e9e05c52164694d";
  return {
    revisions,
    buckets: {
      alarm: [],
      auth: [["authEnabled", new Uint8Array([0])], ["authRevision", u64(1n)]],
      authRoles: [],
      authUsers: [],
      cluster: [["clusterVersion", enc.encode("3.5.0")]],
      lease: [["\x00\x00\x00\x69\x4d\x8a\x1b\x2c", latin1("\x08\xac\xb6\xa9\xe4\xd2\x0d\x10\x0f")]],
      members: [[
        member,
        json({ id: 10276657743932975437n.toString(), peerURLs: ["https://10.5.0.2:2380"] }),
      ]],
      members_removed: [],
      meta: [
        ["confState", json({ voters: [10276657743932975437n.toString()], auto_leave: false })],
        ["consistent_index", u64(BigInt(revisions.length + 40))],
        ["term", u64(2n)],
      ],
    },
  };
}

/** The bbolt database (with trailer) holding `data`; `totalPages` pads it with free pages. */
export function etcdSnapshotDb(data: EtcdData, totalPages?: number): Uint8Array {
  const entries: BoltEntry[] = [{
    key: enc.encode("key"),
    bucket: data.revisions.map((r) => ({
      key: revisionKey(r.main, r.sub, r.tombstone),
      value: r.value,
    })),
  }];
  for (const [name, kvs] of Object.entries(data.buckets)) {
    entries.push({
      key: enc.encode(name),
      bucket: kvs.map(([k, v]) => ({ key: latin1(k), value: v })),
    });
  }
  return writeBolt(entries, { totalPages, sha256Trailer: true, txid: 1234n });
}

/** Bytes of a string whose characters are all below 256 (binary keys written as strings). */
export function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * A valid etcd snapshot of exactly `size` bytes (database + 32-byte trailer), filled with large
 * values when big; null when no bbolt file has that size (size - 32 not a whole number of pages).
 */
export function etcdSnapshotOfSize(size: number): { data: EtcdData; bytes: Uint8Array } | null {
  if (size < 32 || (size - 32) % PAGE !== 0) return null;
  const pages = (size - 32) / PAGE;
  const base = sampleEtcdData();
  const basePages = (etcdSnapshotDb(base).length - 32) / PAGE;
  if (pages < basePages) return null;
  const avail = pages - basePages - 4;
  const per = Math.max(1, Math.min(64, Math.floor(avail / 8)));
  let fillers = avail > 0 ? Math.floor((avail - Math.ceil(avail / per / 100) - 1) / per) : 0;
  for (; fillers >= 0; fillers--) {
    const data = sampleEtcdData(fillers, per * PAGE - 160);
    try {
      return { data, bytes: etcdSnapshotDb(data, pages) };
    } catch {
      // too full: one filler fewer
    }
  }
  return null;
}
