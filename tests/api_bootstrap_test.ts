// `bootstrap` against the emulator over mutual TLS: once per cluster, one node only, control
// plane only, admins only, and recovery from an uploaded snapshot (a client-streamed EtcdRecover).

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { applyState, type SimNode, simNode, startEmulator } from "./emulator/mod.ts";
import { etcdSnapshotDb, sampleEtcdData } from "./emulator/mod.ts";

/** Control plane nodes whose etcd was never started (a new cluster). */
const fresh = (address: string, opts: Partial<SimNode> = {}) =>
  simNode(address, { etcd: undefined, ...opts });

async function setup(dir: string, nodes: SimNode[], roles = ["os:admin"]) {
  const emu = await startEmulator({ nodes });
  const cfg = await emu.talosconfig(dir, { roles, nodes: [nodes[0].address] });
  return { emu, cfg };
}

const calls = (emu: { calls: { path: string }[] }, method: string) =>
  emu.calls.filter((c) => c.path === `/machine.MachineService/${method}`).length;

Deno.test("bootstrap: starts etcd once per cluster; the second time is upstream's error", async () => {
  await using dir = await tempDir();
  const nodes = [fresh("10.5.0.2"), fresh("10.5.0.3")];
  const { emu, cfg } = await setup(dir.path, nodes);
  await using _ = emu;
  assertEquals(emu.etcdMembers.length, 0);
  const r = await run(["bootstrap", "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(emu.etcdMembers.map((m) => m.hostname), [nodes[0].hostname]);
  const etcd = nodes[0].services.find((s) => s.id === "etcd")!;
  assertEquals(etcd.state, "Running");
  assertEquals(etcd.events.slice(-2).map((e) => e.msg), [
    "Bootstrap requested",
    "Health check successful",
  ]);
  const members = await run(["etcd", "members", "--talosconfig", cfg]);
  assertEquals(members.code, 0);
  assertStringIncludes(members.stdout, nodes[0].hostname);

  for (const node of ["10.5.0.2", "10.5.0.3"]) {
    const again = await run(["bootstrap", "--talosconfig", cfg, "-n", node]);
    assertEquals(again.code, 1);
    assertEquals(
      again.stderr,
      "error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n",
    );
  }
  assertEquals(emu.etcdMembers.length, 1);
});

Deno.test("bootstrap: one node only, control plane only, admins only, a node down", async () => {
  await using dir = await tempDir();
  const nodes = [fresh("10.5.0.2"), fresh("10.5.0.3", { controlPlane: false }), fresh("10.5.0.4")];
  const { emu, cfg } = await setup(dir.path, nodes);
  await using _ = emu;

  const two = await run(["bootstrap", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.4"]);
  assertEquals(two.code, 1);
  assert(
    two.stderr.startsWith(
      'command "bootstrap" requires exactly one node (got 2)\n\nUsage:\n  talosctl bootstrap [flags]\n',
    ),
    two.stderr,
  );

  const worker = await run(["bootstrap", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(
    worker.stderr,
    "error executing bootstrap: rpc error: code = Unimplemented desc = bootstrap is only available on control plane nodes\n",
  );

  nodes[2].faults.down = true;
  const down = await run(["bootstrap", "--talosconfig", cfg, "-n", "10.5.0.4"]);
  assertEquals(
    down.stderr,
    'error executing bootstrap: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.4:50000: connect: connection refused"\n',
  );

  const reader = await emu.talosconfig(dir.path, { roles: ["os:operator"], nodes: ["10.5.0.2"] });
  const denied = await run(["bootstrap", "--talosconfig", reader]);
  assertEquals(
    denied.stderr,
    "error executing bootstrap: rpc error: code = PermissionDenied desc = not authorized\n",
  );

  const extra = await run(["bootstrap", "now", "--talosconfig", cfg]);
  assertEquals(extra.code, 1);
  assert(extra.stderr.startsWith('unknown command "now" for "talosctl bootstrap"\n'));
  assertEquals(emu.etcdMembers.length, 0);
});

Deno.test("bootstrap --recover-from: the snapshot's status, its upload, then a recovering bootstrap", async () => {
  await using dir = await tempDir();
  // A snapshot saved from a running cluster with `etcd snapshot`.
  const running = simNode("10.5.0.9");
  const body = etcdSnapshotDb(sampleEtcdData());
  running.etcd!.snapshot = body;
  const old = await setup(dir.path, [running]);
  const saved = await run(["etcd", "snapshot", "snap.db", "--talosconfig", old.cfg], {
    cwd: dir.path,
  });
  await old.emu.close();
  assertEquals(saved.code, 0);
  const info = saved.stdout.split("\n")[1];
  assert(info.startsWith("snapshot info: hash "), info);

  const node = fresh("10.5.0.2");
  const { emu, cfg } = await setup(dir.path, [node]);
  await using _ = emu;
  const r = await run(["bootstrap", "--recover-from", "snap.db", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(r.stdout, `recovering from snapshot "snap.db": ${info.slice(15)}\n`);
  assertEquals(calls(emu, "EtcdRecover"), 1);
  assertEquals(node.etcd?.snapshot, body);
  assertEquals(node.extra.bootstrap, {
    recoverEtcd: true,
    recoverSkipHashCheck: false,
    snapshotBytes: body.length,
  });
  assertEquals(node.services.find((s) => s.id === "etcd")!.state, "Running");
});

Deno.test("bootstrap --recover-from: a copied database needs --recover-skip-hash-check", async () => {
  await using dir = await tempDir();
  const db = etcdSnapshotDb(sampleEtcdData());
  // A data-directory copy: the bbolt database without etcd's sha256 trailer.
  await Deno.writeFile(`${dir.path}/member.db`, db.subarray(0, db.length - 32));
  const nodes = [fresh("10.5.0.2"), fresh("10.5.0.3")];
  const emu = await startEmulator({ nodes });
  await using _ = emu;
  const cfg = await emu.talosconfig(dir.path, {});
  const base = ["bootstrap", "--recover-from", `${dir.path}/member.db`, "--talosconfig", cfg];

  const strict = await run([...base, "-n", "10.5.0.2"]);
  assertEquals(strict.code, 0);
  const etcd = nodes[0].services.find((s) => s.id === "etcd")!;
  assertEquals(etcd.state, "Failed");
  assertEquals(
    etcd.events.at(-1)!.msg,
    "Failed to run pre stage: error recovering from the snapshot: snapshot missing hash but --skip-hash-check=false",
  );

  emu.etcdMembers.length = 0; // etcd never came up: the cluster is still new
  const skip = await run([...base, "-n", "10.5.0.3", "--recover-skip-hash-check"]);
  assertEquals(skip.code, 0);
  assertEquals(nodes[1].services.find((s) => s.id === "etcd")!.state, "Running");
  assertEquals(nodes[1].extra.bootstrap, {
    recoverEtcd: true,
    recoverSkipHashCheck: true,
    snapshotBytes: db.length - 32,
  });
});

Deno.test("bootstrap --recover-from: bad files and refused uploads send no Bootstrap", async () => {
  await using dir = await tempDir();
  const nodes = [fresh("10.5.0.2"), fresh("10.5.0.3", { controlPlane: false })];
  const { emu, cfg } = await setup(dir.path, nodes);
  await using _ = emu;
  const opts = { cwd: dir.path };

  const missing = await run(["bootstrap", "--recover-from", "nope.db", "--talosconfig", cfg], opts);
  assertEquals([missing.code, missing.stdout], [1, ""]);
  assertEquals(missing.stderr, "stat nope.db: no such file or directory\n");

  await Deno.writeTextFile(`${dir.path}/junk.db`, "not a database");
  const junk = await run(["bootstrap", "--recover-from", "junk.db", "--talosconfig", cfg], opts);
  assertEquals([junk.code, junk.stdout, junk.stderr], [1, "", "invalid database\n"]);

  await Deno.writeFile(`${dir.path}/snap.db`, etcdSnapshotDb(sampleEtcdData()));
  const worker = await run(
    ["bootstrap", "--recover-from", "snap.db", "--talosconfig", cfg, "-n", "10.5.0.3"],
    opts,
  );
  assertEquals(worker.code, 1);
  assert(worker.stdout.startsWith('recovering from snapshot "snap.db": hash '));
  assertEquals(
    worker.stderr,
    "error uploading snapshot: rpc error: code = Unimplemented desc = etcd recover is only available on control plane nodes\n",
  );
  assertEquals(applyState(nodes[1]).recoverySnapshot, undefined);
  assertEquals(calls(emu, "Bootstrap"), 0);
  assertEquals(emu.etcdMembers.length, 0);
});
