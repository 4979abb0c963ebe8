// `etcd members`, `etcd status` and `etcd snapshot` against the emulator over mutual TLS.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { MachineService } from "../gen/machine/machine_pb.ts";
import {
  chunks,
  type EtcdData,
  etcdSnapshotDb,
  etcdSnapshotOfSize,
  revisionKey,
  sampleEtcdData,
} from "./emulator/mod.ts";
import { etcdSetup } from "./etcd_fixture.ts";

const setup = (dir: string, roles?: string[]) => etcdSetup(dir, roles);

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

Deno.test("etcd members: one row per member per node; a worker fails, exit 1", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["etcd", "members", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.4"]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stdout,
    [
      "NODE       ID                 HOSTNAME   PEER URLS               CLIENT URLS             LEARNER",
      "10.5.0.2   0000000000001111   cp-1       https://10.5.0.2:2380   https://10.5.0.2:2379   false",
      "10.5.0.2   0000000000002222   cp-2       https://10.5.0.3:2380   https://10.5.0.3:2379   false",
      "",
    ].join("\n"),
  );
  assertEquals(
    r.stderr,
    "error from node 10.5.0.4: rpc error: code = Unimplemented desc = member list is only available on control plane nodes\n",
  );
});

Deno.test("etcd status: sizes humanized, ratio, member ids in hex", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["etcd", "status", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  const lines = r.stdout.split("\n");
  assertEquals(
    lines[0],
    "NODE       MEMBER             DB SIZE   IN USE           LEADER             RAFT INDEX   RAFT TERM   RAFT APPLIED INDEX   LEARNER   PROTOCOL   STORAGE   ERRORS",
  );
  assertStringIncludes(lines[1], "10.5.0.2   0000000000001111   21 MB     10 MB (50.00%)");
  assertStringIncludes(lines[2], "10.5.0.3   0000000000002222   21 MB");
});

/** Bitwise CRC-32C (Castagnoli), written apart from etcd/crc32c.ts to check it. */
function crc32cBitwise(chunks: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const b of chunks) {
    for (const x of b) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
  }
  return (c ^ 0xffffffff) >>> 0;
}

function byteOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The "snapshot info" line for a snapshot of `data`, from the logical data alone: buckets and
 * their keys in byte order, revision = highest main revision, keys = etcd keys whose last
 * revision is not a deletion, size = the database without the 32-byte trailer.
 */
function expectedInfo(data: EtcdData, fileSize: number): string {
  const buckets = new Map<string, [Uint8Array, Uint8Array][]>();
  buckets.set("key", data.revisions.map((r) => [revisionKey(r.main, r.sub, r.tombstone), r.value]));
  for (const [name, kvs] of Object.entries(data.buckets)) {
    buckets.set(name, kvs.map(([k, v]) => [Uint8Array.from(k, (c) => c.charCodeAt(0)), v]));
  }
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const name of [...buckets.keys()].sort()) {
    parts.push(enc.encode(name));
    for (const [k, v] of buckets.get(name)!.sort((a, b) => byteOrder(a[0], b[0]))) parts.push(k, v);
  }
  const live = new Map<string, boolean>();
  let revision = 0n;
  for (const r of data.revisions) {
    live.set(r.key, !r.tombstone);
    if (r.main > revision) revision = r.main;
  }
  const keys = [...live.values()].filter((x) => x).length;
  const hash = crc32cBitwise(parts).toString(16).padStart(8, "0");
  return `snapshot info: hash ${hash}, revision ${revision}, total keys ${keys}, total size ${
    fileSize - 32
  }\n`;
}

Deno.test("etcd snapshot: streamed to a temp file, renamed when complete, then its status", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const data = sampleEtcdData();
  const body = etcdSnapshotDb(data);
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = body;
  const r = await run(["etcd", "snapshot", "db.snapshot", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    `etcd snapshot saved to "db.snapshot" (${body.length} bytes)\n` +
      expectedInfo(data, body.length),
  );
  // 7 live keys: 9 written, one deleted, one written twice.
  assertStringIncludes(r.stdout, "revision 10, total keys 7, total size 20480\n");
  const got = await Deno.readFile(`${dir.path}/db.snapshot`);
  assertEquals(got, body);
  assertEquals((await Deno.stat(`${dir.path}/db.snapshot`)).mode! & 0o777, 0o600);
  assert(!(await exists(`${dir.path}/db.snapshot.part`)));
});

Deno.test("etcd snapshot: read as talosctl's ReadStream (in-band end, unreachable endpoint)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const data = sampleEtcdData();
  const body = etcdSnapshotDb(data);
  const cut = body.length - 1000;
  // An in-band Canceled status ends the stream normally, after the bytes of its message.
  emu.handle(MachineService.method.etcdSnapshot, async function* () {
    yield* [...chunks(body.subarray(0, cut))].map((bytes) => ({ bytes }));
    yield {
      bytes: body.subarray(cut),
      metadata: { error: "context canceled", status: { code: 1, message: "context canceled" } },
    };
    yield { bytes: new Uint8Array([1, 2, 3]) };
  });
  const r = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    `etcd snapshot saved to "db" (${body.length} bytes)\n` + expectedInfo(data, body.length),
  );
  assertEquals(await Deno.readFile(`${dir.path}/db`), body);
  // A call that never started is "error reading file", as talosctl words it.
  const down = await run(["etcd", "snapshot", "db2", "--talosconfig", cfg, "-e", "127.0.0.1:1"], {
    cwd: dir.path,
  });
  assertEquals(down.code, 1);
  assertEquals(
    down.stderr,
    'error reading file: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"\n',
  );
  assert(!(await exists(`${dir.path}/db2`)));
});

Deno.test("etcd snapshot: local file errors name the paths as given, reasons as Go's", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const nodir = await run(["etcd", "snapshot", "nodir/db", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals([nodir.code, nodir.stdout], [1, ""]);
  assertEquals(
    nodir.stderr,
    "error creating temporary file: open nodir/db.part: no such file or directory\n",
  );
  // The destination is a directory: the complete snapshot cannot be renamed onto it.
  await Deno.mkdir(`${dir.path}/db`);
  const onto = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals([onto.code, onto.stdout], [1, ""]);
  assertEquals(
    onto.stderr,
    "error renaming to final location: rename db.part db: is a directory\n",
  );
  assert(!(await exists(`${dir.path}/db.part`)));
});

Deno.test("etcd snapshot: a 1 MiB snapshot with values on overflow pages", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const size = 1024 * 1024 + 32;
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = { size };
  const r = await run(["etcd", "snapshot", "big.db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  const { data } = etcdSnapshotOfSize(size)!;
  assert(data.revisions.some((x) => x.value.length > 64 * 1024), "values span several pages");
  assertEquals(
    r.stdout,
    `etcd snapshot saved to "big.db" (${size} bytes)\n` + expectedInfo(data, size),
  );
});

Deno.test("etcd snapshot: a payload that is not a bbolt database fails the status, file kept", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const body = new Uint8Array(300 * 512 + 32);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = body;
  const r = await run(["etcd", "snapshot", "db.snapshot", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 1);
  assertEquals(r.stdout, `etcd snapshot saved to "db.snapshot" (${body.length} bytes)\n`);
  assertEquals(r.stderr, "invalid database\n");
  assertEquals(await Deno.readFile(`${dir.path}/db.snapshot`), body);
  assert(!(await exists(`${dir.path}/db.snapshot.part`)));
});

Deno.test("etcd snapshot: a damaged value in the key bucket fails as etcdutl reports it", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const data = sampleEtcdData();
  // A KeyValue whose key field claims more bytes than there are.
  data.revisions[2].value = new Uint8Array([0x0a, 0x05, 0x61]);
  const body = etcdSnapshotDb(data);
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = body;
  const r = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    'error during bucket key iteration, name: "key" err: cannot unmarshal value, key: ' +
      '"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x04_\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00" ' +
      'value: "\\n\\x05a" err: proto: cannot parse invalid wire-format data\n',
  );
  assert(await exists(`${dir.path}/db`));
});

Deno.test("etcd snapshot: a denied role writes nothing", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "error reading: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name), ["talosconfig"]);
  // os:etcd:backup may take snapshots and nothing else.
  const backup = await emu.talosconfig(dir.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
  });
  const ok = await run(["etcd", "snapshot", "db", "--talosconfig", backup], { cwd: dir.path });
  assertEquals(ok.code, 0);
});

Deno.test("etcd snapshot: a stream dropped midway leaves no file", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = { size: 2048 * 512 + 32 };
  emu.nodes.get("10.5.0.2")!.faults.dropAfter = 100;
  const r = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "error reading: rpc error: code = ");
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name), ["talosconfig"]);
});

Deno.test("etcd snapshot: size check, single node only, existing file replaced only when complete", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = { size: 1000 };
  await Deno.writeTextFile(`${dir.path}/db`, "old");
  const r = await run(["etcd", "snapshot", "db", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 1);
  assertEquals(r.stderr, "sha256 checksum not found (size 1000)\n");
  assertEquals(await Deno.readTextFile(`${dir.path}/db`), "old");
  assert(!(await exists(`${dir.path}/db.part`)));
  const multi = await run([
    "etcd",
    "snapshot",
    "db",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3",
  ]);
  assertEquals(multi.code, 1);
  // As talosctl, an error mentioning "command" is followed by the usage.
  assert(
    multi.stderr.startsWith('command "etcd snapshot" requires exactly one node (got 2)\n\nUsage:'),
  );
});

Deno.test("etcd snapshot: progress on stderr only when it is a terminal", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.2")!.etcd!.snapshot = { size: 4096 * 512 + 32 };
  const { fakeDeps } = await import("./harness.ts");
  const { main } = await import("../main.ts");
  const f = fakeDeps({ cwd: dir.path });
  Object.defineProperty(f.stderr, "isTTY", { value: true });
  const code = await main(["etcd", "snapshot", "db", "--talosconfig", cfg], f.deps);
  assertEquals(code, 0);
  assertStringIncludes(
    new TextDecoder().decode(f.stderr.bytes()),
    "receiving etcd snapshot from 10.5.0.2",
  );
});
