// `meta write|delete`, `wipe disk|lv|vg|pv|md` and the hidden `disks`, `interfaces`, `routes`,
// `crashdump` pointers, against the emulator over mutual TLS.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { netState, simNode, startEmulator } from "./emulator/mod.ts";

async function setup(dir: string, roles = ["os:admin"]) {
  const emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })],
  });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2", "10.5.0.3"] });
  return { emu, cfg };
}

const text = (b: Uint8Array | undefined) => b && new TextDecoder().decode(b);

Deno.test("meta write/delete: Go-syntax keys, every node; missing key and bad keys fail", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const w = await run(["meta", "write", "0x0a", "hello world", "--talosconfig", cfg]);
  assertEquals([w.code, w.stdout, w.stderr], [0, "", ""]);
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    assertEquals(text(netState(emu.nodes.get(a)!).meta.get(10)), "hello world");
  }
  // machined keeps META keys as MetaKeys resources.
  const get = await run(["get", "metakeys", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(get.code, 0);
  assertEquals(get.stdout.split("\n")[1].split(/\s+/).slice(0, 4), [
    "10.5.0.2",
    "runtime",
    "MetaKey",
    "0x0a",
  ]);
  assertStringIncludes(get.stdout, "hello world");
  const d = await run(["meta", "delete", "10", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals([d.code, d.stderr], [0, ""]);
  assertEquals(netState(emu.nodes.get("10.5.0.2")!).meta.has(10), false);
  const gone = await run(["get", "meta", "0x0a", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(gone.code, 1);
  const again = await run(["meta", "delete", "012", "--talosconfig", cfg]);
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr,
    "error deleting meta from node 10.5.0.2: rpc error: code = NotFound desc = meta key not found\n",
  );
  assertEquals(netState(emu.nodes.get("10.5.0.3")!).meta.has(10), false);

  const big = await run(["meta", "write", "256", "x", "--talosconfig", cfg]);
  assertEquals([big.code, big.stderr], [
    1,
    'strconv.ParseUint: parsing "256": value out of range\n',
  ]);
  const bad = await run(["meta", "delete", "key", "--talosconfig", cfg]);
  assertEquals(bad.stderr, 'strconv.ParseUint: parsing "key": invalid syntax\n');
  // --insecure belongs to `meta` itself, as upstream: its subcommands do not take it.
  const insecure = await run(["meta", "write", "-i", "1", "x", "--talosconfig", cfg]);
  assertEquals(insecure.code, 1);
  assertEquals(insecure.stderr.split("\n")[0], "unknown shorthand flag: 'i' in -i");
});

Deno.test("meta write: meta writers may, readers may not; a node down; container mode", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:meta:writer"]);
  await using _ = emu;
  const ok = await run(["meta", "write", "1", "v", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals([ok.code, ok.stderr], [0, ""]);
  await Deno.mkdir(`${dir.path}/r`);
  const reader = await emu.talosconfig(`${dir.path}/r`, { roles: ["os:reader"] });
  const denied = await run(["meta", "write", "1", "v", "--talosconfig", reader, "-n", "10.5.0.3"]);
  assertEquals(
    denied.stderr,
    "error writing meta to node 10.5.0.3: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  emu.nodes.get("10.5.0.2")!.platform.mode = "container";
  const r = await run(["meta", "write", "1", "v", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr.split("\n").filter((l) => l).sort(),
    [
      "error writing meta to node 10.5.0.2: rpc error: code = FailedPrecondition desc = method is not supported in container mode",
      'error writing meta to node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"',
    ],
  );
});

Deno.test("wipe disk: methods, checks in upstream's order, errors per node", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["wipe", "disk", "sdb1", "sdb", "--method", "ZEROES", "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(netState(emu.nodes.get("10.5.0.3")!).wipes, [
    { device: "sdb1", method: "ZEROES", dropPartition: false },
    { device: "sdb", method: "ZEROES", dropPartition: false },
  ]);
  const drop = await run([
    "wipe",
    "disk",
    "sdb1",
    "--drop-partition",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2",
  ]);
  assertEquals(drop.code, 0);
  const st = netState(emu.nodes.get("10.5.0.2")!);
  assertEquals(st.wipes.at(-1), { device: "sdb1", method: "FAST", dropPartition: true });
  assertEquals(st.blockDevices.some((b) => b.id === "sdb1"), false);

  const method = await run(["wipe", "disk", "sdb", "--method", "SLOW", "--talosconfig", cfg]);
  assertEquals([method.code, method.stderr], [1, 'invalid wipe method "SLOW"\n']);

  const used = await run(["wipe", "disk", "sda", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(
    used.stderr,
    'error wiping device on node 10.5.0.2: rpc error: code = FailedPrecondition desc = blockdevice "sda" is in use by volume "EFI"\n',
  );
  const forced = await run([
    "wipe",
    "disk",
    "sda4",
    "--skip-volume-check",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2",
  ]);
  assertEquals([forced.code, forced.stderr], [0, ""]);
  const cd = await run(["wipe", "disk", "sr0", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(
    cd.stderr,
    'error wiping device on node 10.5.0.2: rpc error: code = FailedPrecondition desc = blockdevice "sr0" is read-only\n',
  );
  const none = await run(["wipe", "disk", "vdz", "--talosconfig", cfg]);
  assertEquals(
    none.stderr.split("\n").filter((l) => l).sort(),
    [
      'error wiping device on node 10.5.0.2: rpc error: code = NotFound desc = blockdevice "vdz" not found',
      'error wiping device on node 10.5.0.3: rpc error: code = NotFound desc = blockdevice "vdz" not found',
    ],
  );
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["wipe", "disk", "sdb", "--talosconfig", cfg]);
  assertEquals(
    down.stderr,
    'error wiping device on node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
  const args = await run(["wipe", "disk", "--talosconfig", cfg]);
  assertEquals(args.stderr.split("\n")[0], "requires at least 1 arg(s), only received 0");
});

Deno.test("wipe disk: operators are denied; readers may wipe in maintenance mode (--insecure)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"]);
  await using _ = emu;
  const denied = await run(["wipe", "disk", "sdb", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(
    denied.stderr,
    "error wiping device on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(netState(emu.nodes.get("10.5.0.2")!).wipes, []);

  await using maint = await startEmulator({ nodes: [simNode("10.5.0.9")], maintenance: true });
  const r = await run(["wipe", "disk", "sdb", "-i", "-n", maint.endpoint], {
    home: "/nonexistent",
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(netState(maint.nodes.get("10.5.0.9")!).wipes.length, 1);
  assertEquals(maint.calls.map((c) => [c.path, c.roles]), [[
    "/storage.StorageService/BlockDeviceWipe",
    ["os:reader"],
  ]]);
});

Deno.test("wipe lv/vg/pv/md: argument checks before dialing; removals per node", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const lv = await run(["wipe", "lv", "vg0/lv1", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals([lv.code, lv.stderr], [0, ""]);
  assertEquals(netState(emu.nodes.get("10.5.0.2")!).lvm.groups.get("vg0"), ["lv0"]);
  const badLv = await run(["wipe", "lv", "vg0", "--talosconfig", cfg]);
  assertEquals(badLv.stderr, 'invalid logical volume "vg0", expected <vg>/<lv>\n');
  const vg = await run(["wipe", "vg", "vg0", "--talosconfig", cfg]);
  assertEquals([vg.code, vg.stderr], [0, ""]);
  const vgAgain = await run(["wipe", "vg", "vg0", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(
    vgAgain.stderr,
    'error from node 10.5.0.3: rpc error: code = NotFound desc = volume group "vg0" not found\n',
  );
  const pv = await run(["wipe", "pv", "/dev/sdc1", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals([pv.code, pv.stderr], [0, ""]);
  const md = await run(["wipe", "md", "md127", "--talosconfig", cfg]);
  assertEquals(md.stderr, "md device must be a full /dev path\n");
  const mdOk = await run(["wipe", "md", "/dev/md127", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals([mdOk.code, mdOk.stderr], [0, ""]);
  assertEquals(netState(emu.nodes.get("10.5.0.2")!).md.size, 0);
});

Deno.test("disks, interfaces, routes, crashdump: hidden, and point at their replacements", async () => {
  const cases: [string[], string][] = [
    [
      ["disks"],
      "`talosctl disks` is deprecated, please use `talosctl get disks`, `talosctl get systemdisk`, `talosctl get discoveredvolumes` instead\n",
    ],
    [
      ["interfaces", "-n", "10.5.0.2"],
      "`talosctl interfaces` is deprecated, please use `talosctl get addresses` and `talosctl get links` instead\n",
    ],
    [["route"], "`talosctl routes` is deprecated, please use `talosctl get routes` instead\n"],
    [
      ["crashdump", "--init-node", "10.5.0.2", "--control-plane-nodes", "10.5.0.3,10.5.0.4"],
      "`talosctl crashdump` is deprecated, please use `talosctl support` instead\n",
    ],
  ];
  for (const [argv, err] of cases) {
    const r = await run(argv);
    assertEquals([r.code, r.stdout, r.stderr], [1, "", err]);
  }
  // Arguments are refused before the pointer, as cobra.NoArgs does.
  const extra = await run(["crashdump", "now"]);
  assertEquals([extra.code, extra.stdout], [1, ""]);
  assertStringIncludes(extra.stderr, 'unknown command "now" for "talosctl crashdump"');
  const help = await run(["--help"]);
  for (const name of ["disks", "interfaces", "routes", "crashdump"]) {
    assertEquals(help.stdout.includes(`  ${name} `), false);
  }
});
