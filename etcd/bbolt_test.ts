import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { type BoltEntry, writeBolt } from "../tests/emulator/bbolt_writer.ts";
import { type BoltDB, BoltError, bytesSource, openBolt } from "./bbolt.ts";
import { checkBolt } from "./bbolt_check.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string) => enc.encode(s);

function open(bytes: Uint8Array): BoltDB {
  return openBolt(bytesSource(bytes));
}

function keys(n: number, size = 30): BoltEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    key: k(`key-${String(i).padStart(6, "0")}`),
    value: new Uint8Array(size).fill(i & 0xff),
  }));
}

Deno.test("bbolt: a three-level tree is walked in key order and searched", () => {
  const db = open(writeBolt([{ key: k("b"), bucket: keys(3000) }], { pageSize: 1024, fill: 0.5 }));
  assertEquals(db.pageSize, 1024);
  assertEquals(checkBolt(db), []);
  const b = db.root().bucket(k("b"))!;
  // Root branch -> branch -> leaves.
  const root = db.txPage(b.rootPage);
  assert(root.isBranch && db.txPage(root.branchPgid(0)).isBranch, "three levels");
  const got = [...b.entries()].map((e) => dec.decode(e.key));
  assertEquals(got.length, 3000);
  assertEquals(got, [...got].sort());
  assertEquals(got[0], "key-000000");
  assertEquals(b.get(k("key-001234")), new Uint8Array(30).fill(1234 & 0xff));
  assertEquals(b.get(k("key-001234x")), null);
  assertEquals(b.get(k("nope")), null);
  assertEquals(db.root().bucket(k("a")), null);
});

Deno.test("bbolt: values larger than a page live on overflow pages", () => {
  const big = new Uint8Array(20_000).map((_, i) => (i * 13) & 0xff);
  const db = open(writeBolt([{
    key: k("v"),
    bucket: [{ key: k("big"), value: big }, { key: k("small"), value: k("s") }],
  }]));
  assertEquals(checkBolt(db), []);
  const b = db.root().bucket(k("v"))!;
  assertEquals(b.get(k("big")), big);
  assertEquals(b.get(k("small")), k("s"));
  const root = db.txPage(b.rootPage);
  assert(root.isBranch && db.txPage(root.branchPgid(0)).overflow === 4, "leaf spans 5 pages");
});

Deno.test("bbolt: inline buckets, nested buckets and empty buckets", () => {
  const db = open(writeBolt([
    { key: k("inline"), bucket: [{ key: k("a"), value: k("1") }, { key: k("b"), value: k("2") }] },
    {
      key: k("outer"),
      bucket: [
        { key: k("child"), bucket: [{ key: k("x"), value: k("y") }] },
        { key: k("plain"), value: k("v") },
      ],
    },
    { key: k("empty"), bucket: [] },
    { key: k("paged"), bucket: [{ key: k("p"), value: k("q") }], inline: false },
  ]));
  assertEquals(checkBolt(db), []);
  const root = db.root();
  const inline = root.bucket(k("inline"))!;
  assertEquals(inline.rootPage, 0);
  assertEquals([...inline.entries()].map((e) => dec.decode(e.value!)), ["1", "2"]);
  const outer = root.bucket(k("outer"))!;
  assert(outer.rootPage > 0, "a bucket holding buckets is never inline");
  assertEquals(
    [...outer.entries()].map((e) => [dec.decode(e.key), e.value && dec.decode(e.value)]),
    [
      ["child", null],
      ["plain", "v"],
    ],
  );
  assertEquals(outer.get(k("child")), null);
  assertEquals(outer.bucket(k("plain")), null);
  assertEquals(dec.decode(outer.bucket(k("child"))!.get(k("x"))!), "y");
  assertEquals([...root.bucket(k("empty"))!.entries()], []);
  assert(root.bucket(k("paged"))!.rootPage > 0);
  assertEquals([...root.entries()].map((e) => dec.decode(e.key)), [
    "empty",
    "inline",
    "outer",
    "paged",
  ]);
});

function sample(opts = {}): Uint8Array {
  return writeBolt([{ key: k("b"), bucket: keys(200) }], { freePages: 3, txid: 10n, ...opts });
}

Deno.test("bbolt: the newer valid meta page wins; a damaged one falls back to the other", () => {
  const bytes = sample();
  assertEquals(open(bytes).meta.txid, 10n);
  const m0bad = bytes.slice();
  m0bad[16 + 40] ^= 1; // pgid of meta 0, not covered by a new checksum
  assertEquals(open(m0bad).meta.txid, 9n);
  assertEquals(checkBolt(open(m0bad)), []);
  // Trailing bytes past the high-water mark (etcd's sha256) are ignored.
  const trailer = writeBolt([{ key: k("b"), bucket: keys(10) }], { sha256Trailer: true });
  assertEquals(trailer.length % 512, 32);
  assertEquals(open(trailer).size, BigInt(trailer.length - 32));
});

Deno.test("bbolt: open errors use bbolt's words", () => {
  const bytes = sample();
  const err = (b: Uint8Array) => {
    const e = assertThrows(() => open(b));
    assert(e instanceof BoltError, String(e));
    return e.message;
  };
  const bothBad = bytes.slice();
  bothBad[16 + 56] ^= 1;
  bothBad[4096 + 16 + 56] ^= 1;
  assertEquals(err(bothBad), "checksum error");
  const version = bothBad.slice();
  version[16 + 4] = 1;
  assertEquals(err(version), "version mismatch");
  const magic = bothBad.slice();
  magic[16] ^= 0xff;
  assertEquals(err(magic), "invalid database");
  // Too short for any meta page to be read at all; readable but too small for two pages.
  assertEquals(err(new Uint8Array(2000).fill(7)), "invalid database");
  assertEquals(err(new Uint8Array(3000).fill(7)), "file size too small 3000");
  assertEquals(err(new Uint8Array(6000).fill(7)), "file size too small 6000");
  assertEquals(err(new Uint8Array(300 * 512 + 32).fill(7)), "invalid database");
});

Deno.test("bbolt: the page size is found on the second meta page when the first is damaged", () => {
  const bytes = writeBolt([{ key: k("b"), bucket: keys(50) }], { pageSize: 8192 });
  bytes[16 + 56] ^= 1;
  const db = open(bytes);
  assertEquals(db.pageSize, 8192);
  assertEquals([...db.root().bucket(k("b"))!.entries()].length, 50);
});

Deno.test("bbolt check: free, unreachable, disordered and misplaced pages are reported", () => {
  const bytes = sample();
  const db = open(bytes);
  const fl = Number(db.meta.freelist);
  const flOff = fl * 4096;
  const ids = new DataView(bytes.buffer, flOff + 16);
  const firstFree = Number(ids.getBigUint64(0, true));
  const leaf = db.root().bucket(k("b"))!.rootPage; // the "b" bucket's root (a branch)

  // A free page listed twice and a reachable page listed as free.
  const dup = bytes.slice();
  new DataView(dup.buffer, flOff + 16).setBigUint64(8, BigInt(firstFree), true);
  new DataView(dup.buffer, flOff + 16).setBigUint64(16, BigInt(leaf), true);
  assertEquals(checkBolt(open(dup)), [
    `page ${firstFree}: already freed`,
    `page ${leaf}: reachable freed`,
    `page ${firstFree + 1}: unreachable unfreed`,
    `page ${firstFree + 2}: unreachable unfreed`,
  ]);

  // A leaf whose keys are out of order.
  const disorder = bytes.slice();
  const root = db.txPage(leaf);
  const child = root.branchPgid(1);
  const p = db.txPage(child);
  const key1 = p.leafKey(1);
  const at = child * 4096 + indexOf(disorder.subarray(child * 4096, (child + 1) * 4096), key1);
  disorder[at + 4] = 0x2f; // "key-0..." -> "key-/...": smaller than its predecessor
  const errs = checkBolt(open(disorder));
  assertEquals(errs.length, 1);
  assert(
    errs[0].startsWith(`key[1]=(hex)`) &&
      errs[0].includes(`on leaf page(${child}) needs to be > (found <) than previous element`) &&
      errs[0].endsWith(`Stack: [${leaf} ${child}]`),
    errs[0],
  );

  // A page that does not identify as itself: bbolt panics, the check reports it.
  const wrongId = bytes.slice();
  new DataView(wrongId.buffer, child * 4096).setBigUint64(0, 99n, true);
  assertEquals(checkBolt(open(wrongId)), [
    `panic: assertion failed: Page expected to be: ${child}, but self identifies as 99`,
  ]);
});

Deno.test("bbolt check: without a synced free list, unreachable pages count as free", () => {
  const db = open(sample({ noFreelist: true }));
  assertEquals(db.meta.freelist, 0xffffffffffffffffn);
  assertEquals(checkBolt(db), []);
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
