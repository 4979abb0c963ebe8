// `diskfree` (alias `df`) against the emulator over mutual TLS: volumes from MountStatus and
// VolumeStatus resources, statfs per mount point, -b, -i, one volume, errors.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { nodeStatfs, simNode, startEmulator } from "./emulator/mod.ts";

async function setup(dir: string, roles = ["os:reader"], nodes = ["10.5.0.2"]) {
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir, { roles, nodes });
  return { emu, cfg };
}

Deno.test("diskfree: mounted volumes with a filesystem, sizes in binary units, usage rounded up", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["diskfree", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    [
      "NODE       VOLUME      FILESYSTEM   SIZE     USED     AVAILABLE   USAGE   MOUNT POINT",
      "10.5.0.2   EPHEMERAL   /dev/sda6    20GiB    5.1GiB   15GiB       26%     /var",
      "10.5.0.2   STATE       /dev/sda5    100MiB   6.5MiB   94MiB       7%      /system/state",
      "10.5.0.2   run         tmpfs        4.0GiB   0B       4.0GiB      0%      /run",
      "",
    ].join("\n"),
  );
  const inodes = await run(["df", "-i", "--talosconfig", cfg]);
  assertEquals(
    inodes.stdout,
    [
      "NODE       VOLUME      FILESYSTEM   INODES   IUSED   IFREE   %IUSED   MOUNT POINT",
      "10.5.0.2   EPHEMERAL   /dev/sda6    10.5M    1.2M    9.3M    12%      /var",
      "10.5.0.2   STATE       /dev/sda5    51.2K    43      51.2K   1%       /system/state",
      "10.5.0.2   run         tmpfs        1M       0       1M      0%       /run",
      "",
    ].join("\n"),
  );
  const bytes = await run(["df", "-b", "EPHEMERAL", "--talosconfig", cfg]);
  assertEquals(
    bytes.stdout,
    "NODE       VOLUME      FILESYSTEM   SIZE          USED         AVAILABLE     USAGE   MOUNT POINT\n" +
      "10.5.0.2   EPHEMERAL   /dev/sda6    21474836480   5492165909   15982670571   26%     /var\n",
  );
  assertEquals(
    emu.calls.filter((c) => c.path.endsWith("/Statfs")).length,
    7,
  );
});

Deno.test("diskfree -i: counts rounded as strconv does (an exact half goes to the even digit)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const state = nodeStatfs(emu.nodes.get("10.5.0.2")!).get("/system/state")!;
  Object.assign(state, { inodes: 3_250_000n, inodesUsed: 1_250n, inodesFree: 3_748_750n });
  const r = await run(["df", "-i", "STATE", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  // 3.25M and 1.25K are exact halves: talosctl prints 3.2M and 1.2K; 3.74875M is 3.7M.
  assertEquals(r.stdout.split("\n")[1].split(/\s+/), [
    "10.5.0.2",
    "STATE",
    "/dev/sda5",
    "3.2M",
    "1.2K",
    "3.7M",
    "1%",
    "/system/state",
  ]);
});

Deno.test("diskfree <volume>: refused for volumes without a filesystem; several nodes; a node down", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const cases: [string, string][] = [
    ["SWAP", 'volume "SWAP" is a swap volume, which does not have a filesystem'],
    ["/var/log", 'volume "/var/log" is a directory volume, which does not have its own filesystem'],
    ["u-pending", 'volume "u-pending" is not ready (phase: waiting)'],
    ["nope", 'volume "nope" not found'],
    ["u-scratch", 'volume "u-scratch" not mounted'],
  ];
  for (const [id, why] of cases) {
    const r = await run(["df", id, "-n", "10.5.0.2", "--talosconfig", cfg]);
    assertEquals(r.code, 1, id);
    assertEquals(r.stdout, "");
    assertEquals(r.stderr, `error from node 10.5.0.2: ${why}\n`);
  }
  nodeStatfs(emu.nodes.get("10.5.0.3")!).delete("/run");
  const partial = await run(["df", "--talosconfig", cfg]);
  assertEquals(partial.code, 1);
  assertEquals(
    partial.stderr,
    'error from node 10.5.0.3: error calling statfs on "/run": rpc error: code = Unknown desc = statfs /run: no such file or directory\n',
  );
  assertStringIncludes(partial.stdout, "10.5.0.2   run         tmpfs");
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["df", "STATE", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assertEquals(
    down.stdout,
    "NODE       VOLUME   FILESYSTEM   SIZE     USED     AVAILABLE   USAGE   MOUNT POINT\n" +
      "10.5.0.2   STATE    /dev/sda5    100MiB   6.5MiB   94MiB       7%      /system/state\n",
  );
  assertStringIncludes(
    down.stderr,
    'error from node 10.5.0.3: error looking up volume "STATE": rpc error: code = Unavailable',
  );
  const backupCfg = await emu.talosconfig(dir.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["df", "--talosconfig", backupCfg]);
  assertEquals(denied.code, 1);
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});
