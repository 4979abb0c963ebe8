import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { concat } from "../pki/der.ts";
import { writeBolt } from "../tests/emulator/bbolt_writer.ts";
import {
  encodeKeyValue,
  etcdSnapshotDb,
  revisionKey,
  sampleEtcdData,
} from "../tests/emulator/etcd_snapshot.ts";
import { bytesSource } from "./bbolt.ts";
import { Crc32c, crc32c } from "./crc32c.ts";
import { goQuoteByte, goQuoteBytes } from "../gofmt/mod.ts";
import { keyValueKey, parseRevision, snapshotStatus, StatusError } from "./status.ts";

const enc = new TextEncoder();
const k = (s: string) => enc.encode(s);

function statusError(bytes: Uint8Array): string {
  const e = assertThrows(() => snapshotStatus(bytesSource(bytes)));
  assert(e instanceof StatusError, String(e));
  return e.message;
}

Deno.test("crc32c: Castagnoli check values, incremental = one shot", () => {
  assertEquals(crc32c(k("123456789")), 0xe3069283);
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assertEquals(crc32c(new Uint8Array()), 0);
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff);
  const h = new Crc32c();
  for (const n of [1, 7, 8, 9, 100, 875]) h.update(data.subarray(0, n));
  const parts = [1, 7, 8, 9, 100, 875].map((n) => data.subarray(0, n));
  assertEquals(h.sum(), crc32c(concat(parts)));
});

Deno.test("gofmt: %q of bytes and of a byte, as Go prints them", () => {
  assertEquals(goQuoteBytes(k('a"b\\c\n\t')), '"a\\"b\\\\c\\n\\t"');
  assertEquals(goQuoteBytes(new Uint8Array([0, 0x7f, 0xff, 0x41])), '"\\x00\\x7f\\xffA"');
  assertEquals(goQuoteBytes(k("héllo ☃")), '"héllo ☃"');
  assertEquals(goQuoteBytes(k("\u00a0\u200b")), '"\\u00a0\\u200b"');
  assertEquals(goQuoteBytes(new Uint8Array([0xe2, 0x98])), '"\\xe2\\x98"');
  assertEquals(goQuoteBytes(new Uint8Array([0xed, 0xa0, 0x80])), '"\\xed\\xa0\\x80"');
  assertEquals(goQuoteByte(0x78), "'x'");
  assertEquals(goQuoteByte(0x27), "'\\''");
  assertEquals(goQuoteByte(0), "'\\x00'");
  assertEquals(goQuoteByte(0xe9), "'é'");
});

Deno.test("revision keys: mvcc's layout and its errors", () => {
  assertEquals(parseRevision(revisionKey(5n, 2n)), { main: 5n, sub: 2n, tombstone: false });
  assertEquals(parseRevision(revisionKey(9n, 0n, true)).tombstone, true);
  const bad = (b: Uint8Array) => assertThrows(() => parseRevision(b)).message;
  assertEquals(bad(k("abc")), "invalid revision length: 3");
  const sep = revisionKey(1n, 1n);
  sep[8] = 0x78;
  assertEquals(bad(sep), "invalid separator in bucket key: 'x'");
  const neg = revisionKey(1n, 1n);
  neg[0] = 0x80;
  assertEquals(bad(neg), "negative revision: main=-9223372036854775807 sub=1");
});

Deno.test("KeyValue: key extracted; the wire format is validated as protobuf-go does", () => {
  const kv = encodeKeyValue({ key: k("/a"), modRevision: 7n, value: k("v"), lease: 3n });
  assertEquals(keyValueKey(kv), k("/a"));
  assertEquals(keyValueKey(new Uint8Array()), new Uint8Array());
  // Unknown fields of every wire type (incl. a group) are skipped; the last key wins.
  const odd = new Uint8Array([
    0x0a,
    0x01,
    0x78, // key "x"
    0x38,
    0x96,
    0x01, // field 7 varint
    0x41,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8, // field 8 fixed64
    0x4d,
    1,
    2,
    3,
    4, // field 9 fixed32
    0x53,
    0x08,
    0x01,
    0x54, // field 10 group { field 1 varint }
    0x08,
    0x05, // field 1 with the wrong wire type: an unknown field
    0x0a,
    0x01,
    0x79, // key "y"
  ]);
  assertEquals(keyValueKey(odd), k("y"));
  const bad = (b: number[]) =>
    assertThrows(() => keyValueKey(new Uint8Array(b))).message ===
      "proto: cannot parse invalid wire-format data";
  assert(bad([0x0a, 0x05, 0x61]), "length past the end");
  assert(bad([0x02, 0x00]), "field number 0");
  assert(bad([0x0e]), "wire type 6");
  assert(bad([0x0c]), "stray end group");
  assert(bad([0x53, 0x5c]), "group closed with another number");
  assert(bad([0x08, 0x80]), "truncated varint");
  assert(bad([0x08, ...new Array(9).fill(0xff), 0x02]), "varint over 64 bits");
  assert(bad([0x45, 1, 2]), "short fixed32");
});

Deno.test("status: hash, revision, live keys and size of a sample snapshot", () => {
  const data = sampleEtcdData();
  const bytes = etcdSnapshotDb(data);
  const st = snapshotStatus(bytesSource(bytes));
  assertEquals(st.revision, 10n);
  assertEquals(st.totalKey, 7);
  assertEquals(st.totalSize, BigInt(bytes.length - 32));
  // Same data, another layout (half-full pages, free pages, no free list): same hash.
  const entries = [
    {
      key: k("key"),
      bucket: data.revisions.map((r) => ({
        key: revisionKey(r.main, r.sub, r.tombstone),
        value: r.value,
      })),
    },
    ...Object.entries(data.buckets).map(([name, kvs]) => ({
      key: k(name),
      bucket: kvs.map(([key, value]) => ({
        key: Uint8Array.from(key, (c) => c.charCodeAt(0)),
        value,
      })),
      inline: false,
    })),
  ];
  const other = writeBolt(entries, { pageSize: 1024, fill: 0.3, freePages: 9, noFreelist: true });
  const st2 = snapshotStatus(bytesSource(other));
  assertEquals(st2.hash, st.hash);
  assertEquals(st2.totalSize, BigInt(other.length));
});

Deno.test("status: etcdutl's errors for foreign databases", () => {
  const meta = { key: k("meta"), bucket: [] };
  assertEquals(
    statusError(writeBolt([meta, { key: k("zz\n"), value: k("not a bucket") }])),
    'nil bucket: "zz\\n"',
  );
  assertEquals(
    statusError(writeBolt([meta, { key: k("key"), bucket: [{ key: k("k1"), value: k("") }] }])),
    'error during bucket key iteration, name: "key" err: cannot parse revision key: "k1" err: invalid revision length: 2',
  );
  assert(statusError(writeBolt([{ key: k("key"), bucket: [] }])).includes('no "meta" bucket'));
  // Integrity failures are listed after a count.
  const bytes = writeBolt([meta], { freePages: 2 });
  const v = new DataView(bytes.buffer);
  const fl = Number(v.getBigUint64(16 + 32, true));
  v.setUint16(fl * 4096 + 10, 1, true); // the free list forgets its second page
  const hwm = Number(v.getBigUint64(16 + 40, true));
  assertEquals(
    statusError(bytes),
    `snapshot file integrity check failed. 1 errors found.\npage ${hwm - 1}: unreachable unfreed`,
  );
});
