// etcd maintenance commands (alarm, defrag, leave, remove-member, forfeit-leadership,
// downgrade) against the emulator over mutual TLS.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { etcdCluster } from "./emulator/mod.ts";
import { etcdSetup } from "./etcd_fixture.ts";

async function setup(dir: string, roles?: string[], nodes?: string[]) {
  const { emu, cfg } = await etcdSetup(dir, roles, nodes);
  for (const a of ["10.5.0.2", "10.5.0.3"]) emu.nodes.get(a)!.etcd!.status.leader = 0x1111n;
  return { emu, cfg };
}

const WORKER = (api: string) =>
  `error from node 10.5.0.4: rpc error: code = Unimplemented desc = ${api} is only available on control plane nodes\n`;

Deno.test("etcd alarm list: no alarms prints nothing; alarms per node; worker fails", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const none = await run(["etcd", "alarm", "list", "--talosconfig", cfg]);
  assertEquals([none.code, none.stdout, none.stderr], [0, "", ""]);

  etcdCluster(emu).alarms = [{ memberId: 0x2222n, alarm: 1 }, { memberId: 0x1111n, alarm: 2 }];
  const r = await run(["etcd", "alarm", "list", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.4"]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stdout,
    [
      "NODE       MEMBER             ALARM",
      "10.5.0.2   0000000000002222   NOSPACE",
      "10.5.0.2   0000000000001111   CORRUPT",
      "",
    ].join("\n"),
  );
  assertEquals(r.stderr, WORKER("etcd alarm list"));
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run([
    "etcd",
    "alarm",
    "list",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.3,10.5.0.2",
  ]);
  assertEquals(down.code, 1);
  assertEquals(down.stdout.split("\n").length, 4);
  assertEquals(
    down.stderr,
    'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
});

Deno.test("etcd alarm disarm: lists what was cleared; a reader is denied", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"]);
  await using _ = emu;
  etcdCluster(emu).alarms = [{ memberId: 0x2222n, alarm: 1 }];
  const r = await run(["etcd", "alarm", "disarm", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    "NODE       MEMBER             ALARM\n10.5.0.2   0000000000002222   NOSPACE\n",
  );
  assertEquals(etcdCluster(emu).alarms, []);
  const again = await run(["etcd", "alarm", "disarm", "--talosconfig", cfg]);
  assertEquals([again.code, again.stdout], [0, ""]);

  await Deno.mkdir(`${dir.path}/r`);
  const reader = await emu.talosconfig(`${dir.path}/r`, {
    roles: ["os:reader"],
    nodes: ["10.5.0.2"],
  });
  etcdCluster(emu).alarms = [{ memberId: 0x2222n, alarm: 1 }];
  const denied = await run(["etcd", "alarm", "disarm", "--talosconfig", reader]);
  assertEquals(denied.code, 1);
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(etcdCluster(emu).alarms.length, 1);
});

Deno.test("etcd defrag: one node only; shrinks the database; worker and node-down errors", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"]);
  await using _ = emu;
  const r = await run(["etcd", "defrag", "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  const st = emu.nodes.get("10.5.0.2")!.etcd!.status;
  assertEquals(st.dbSize, st.dbSizeInUse);

  const two = await run(["etcd", "defrag", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(two.code, 1);
  assertEquals(
    two.stderr.split("\n")[0],
    'command "etcd defrag" requires exactly one node (got 2)',
  );

  const worker = await run(["etcd", "defrag", "--talosconfig", cfg, "-n", "10.5.0.4"]);
  assertEquals(worker.code, 1);
  assertEquals(
    worker.stderr,
    "rpc error: code = Unimplemented desc = etcd defragment is only available on control plane nodes\n",
  );

  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["etcd", "defrag", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(down.code, 1);
  assertEquals(
    down.stderr,
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
});

Deno.test("etcd leave: the member goes and etcd stops; operators are denied", async () => {
  await using dir = await tempDir();
  const { emu, cfg: op } = await setup(dir.path, ["os:operator"], ["10.5.0.3"]);
  await using _ = emu;
  const denied = await run(["etcd", "leave", "--talosconfig", op]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stderr, "rpc error: code = PermissionDenied desc = not authorized\n");
  assertEquals(emu.etcdMembers.length, 2);

  await Deno.mkdir(`${dir.path}/a`);
  const admin = await emu.talosconfig(`${dir.path}/a`, {
    roles: ["os:admin"],
    nodes: ["10.5.0.3"],
  });
  const r = await run(["etcd", "leave", "--talosconfig", admin]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(emu.etcdMembers.map((m) => m.hostname), ["cp-1"]);
  assertEquals(emu.nodes.get("10.5.0.3")!.services.find((s) => s.id === "etcd")!.state, "Finished");
});

Deno.test("etcd remove-member: hex IDs, unknown member is NotFound, bad ID is a parse error", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const bad = await run(["etcd", "remove-member", "0x2222", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    'error parsing member ID: error parsing etcd member id: strconv.ParseUint: parsing "0x2222": invalid syntax\n',
  );
  const missing = await run(["etcd", "remove-member", "abc", "--talosconfig", cfg]);
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr,
    "error from node 10.5.0.2: rpc error: code = NotFound desc = failed to remove member 2748: etcdserver: member not found\n",
  );
  const r = await run(["etcd", "remove-member", "0000000000002222", "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(emu.etcdMembers.map((m) => m.id), [0x1111n]);
  const args = await run(["etcd", "remove-member", "--talosconfig", cfg]);
  assertEquals(args.code, 1);
  assertEquals(args.stderr.split("\n")[0], "accepts 1 arg(s), received 0");
});

Deno.test("etcd forfeit-leadership: the leader hands over; several nodes; single member fails", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["etcd", "forfeit-leadership", "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(emu.nodes.get("10.5.0.2")!.etcd!.status.leader, 0x2222n);
  // Not the leader any more: nothing to hand over; the worker has no etcd.
  const two = await run([
    "etcd",
    "forfeit-leadership",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.4",
  ]);
  assertEquals([two.code, two.stdout, two.stderr], [1, "", WORKER("etcd forfeit leadership")]);
  assertEquals(emu.nodes.get("10.5.0.3")!.etcd!.status.leader, 0x2222n);

  emu.etcdMembers.pop();
  const one = await run(["etcd", "forfeit-leadership", "--talosconfig", cfg]);
  assertEquals(one.code, 1);
  assertEquals(
    one.stderr,
    "error from node 10.5.0.2: rpc error: code = Unknown desc = failed to forfeit leadership: cannot forfeit leadership, only one member\n",
  );
});

Deno.test("etcd downgrade validate/enable/cancel: NODE MESSAGE, server-side validation", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  etcdCluster(emu).clusterVersion = "3.6.0";
  const v = await run(["etcd", "downgrade", "validate", "3.5", "--talosconfig", cfg]);
  assertEquals([v.code, v.stderr], [0, ""]);
  assertEquals(
    v.stdout,
    "NODE       MESSAGE\n10.5.0.2   downgrade validate success, cluster version 3.6.0\n",
  );
  const e = await run(["etcd", "downgrade", "enable", "3.5", "--talosconfig", cfg]);
  assertEquals(
    e.stdout,
    "NODE       MESSAGE\n10.5.0.2   downgrade enable success, cluster version 3.6.0\n",
  );
  assertEquals(etcdCluster(emu).downgradeTarget, "3.5");
  const c = await run(["etcd", "downgrade", "cancel", "--talosconfig", cfg]);
  assertEquals(
    c.stdout,
    "NODE       MESSAGE\n10.5.0.2   downgrade cancel success, cluster version 3.6.0\n",
  );
  const again = await run(["etcd", "downgrade", "cancel", "--talosconfig", cfg]);
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr,
    "rpc error: code = Unknown desc = failed to query etcd status: etcdserver: no inflight downgrade job\n",
  );
  const old = await run(["etcd", "downgrade", "validate", "3.4", "--talosconfig", cfg]);
  assertEquals(
    old.stderr,
    "rpc error: code = InvalidArgument desc = etcd downgrade is only supported to 3.5 and later versions\n",
  );
  const form = await run(["etcd", "downgrade", "enable", "3.5.1", "--talosconfig", cfg]);
  assertEquals(
    form.stderr,
    "rpc error: code = InvalidArgument desc = version should be in MAJOR.MINOR format\n",
  );
  await Deno.mkdir(`${dir.path}/r`);
  const reader = await emu.talosconfig(`${dir.path}/r`, {
    roles: ["os:reader"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["etcd", "downgrade", "validate", "3.5", "--talosconfig", reader]);
  assertEquals(denied.stderr, "rpc error: code = PermissionDenied desc = not authorized\n");
  const worker = await run([
    "etcd",
    "downgrade",
    "validate",
    "3.5",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.4",
  ]);
  assertEquals(
    worker.stderr,
    "rpc error: code = Unimplemented desc = etcd downgrade validate is only available on control plane nodes\n",
  );
});
