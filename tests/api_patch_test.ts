// `patch machineconfig` against the emulator over mutual TLS: the running config read over COSI,
// patched and applied node by node, with the modes, --dry-run, the version check, errors.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { machineConfigOf, type SimNode, simNode, startEmulator } from "./emulator/mod.ts";

const APPLY = "/machine.MachineService/ApplyConfiguration";
const SAN = "machine:\n  certSANs: [patched.example.org]\n";
const PATCHED = "    certSANs:\n        - patched.example.org\n";

/** Nodes as new as this client (no version warning). */
function current(address: string, opts: Partial<SimNode> = {}): SimNode {
  const n = simNode(address, opts);
  n.version.tag = "v1.13.9";
  return n;
}

async function setup(dir: string, nodes: SimNode[], roles = ["os:admin"]) {
  const emu = await startEmulator({ nodes });
  const cfg = await emu.talosconfig(dir, { roles, nodes: nodes.map((n) => n.address) });
  return { emu, cfg };
}

const applies = (emu: { calls: { path: string }[] }) =>
  emu.calls.filter((c) => c.path === APPLY).length;

Deno.test("patch mc: each node's config is patched and applied, in node order", async () => {
  await using dir = await tempDir();
  const nodes = [current("10.5.0.2"), current("10.5.0.3", { controlPlane: false })];
  const { emu, cfg } = await setup(dir.path, nodes);
  await using _ = emu;
  const before = nodes.map((n) => machineConfigOf(n)!);
  const r = await run(["patch", "mc", "-p", SAN, "--talosconfig", cfg]);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.2\n" +
      "Applied configuration without a reboot\n" +
      "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.3\n" +
      "Applied configuration without a reboot\n",
  );
  assertEquals(r.code, 0);
  for (const [i, n] of nodes.entries()) {
    const now = machineConfigOf(n)!;
    assertStringIncludes(now, PATCHED);
    // The rest of the config is kept (re-encoded as Talos encodes a patched config).
    assertEquals(now.replace(PATCHED, "    certSANs: []\n"), before[i]);
    assertEquals(machineConfigOf(n, "persistent"), now);
  }
});

Deno.test("patch machineconfig: --patch-file, --mode, --dry-run, an unchanged result", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg } = await setup(dir.path, [node]);
  await using _ = emu;
  const original = machineConfigOf(node)!;
  await Deno.writeTextFile(`${dir.path}/san.yaml`, SAN);
  const base = ["patch", "machineconfigs", "v1alpha1", "--talosconfig", cfg];
  const opts = { cwd: dir.path };

  const dry = await run([...base, "--patch-file", "san.yaml", "--dry-run"], opts);
  assertEquals(dry.code, 0);
  assert(
    dry.stderr.startsWith(
      "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.2\n" +
        "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n" +
        "Config diff:\n\n--- a\n+++ b\n@@ -7,7 +7,8 @@\n",
    ),
    dry.stderr,
  );
  assertStringIncludes(
    dry.stderr,
    "\n-    certSANs: []\n+    certSANs:\n+        - patched.example.org\n",
  );
  assertEquals(machineConfigOf(node), original);

  const staged = await run([...base, "-p", "@san.yaml", "--mode", "staged"], opts);
  assertEquals(
    staged.stderr,
    "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.2\n" +
      "Staged configuration to be applied after the next reboot\n",
  );
  assertEquals(machineConfigOf(node), original);
  assertStringIncludes(machineConfigOf(node, "persistent")!, PATCHED);

  const tried = await run([...base, "-p", "@san.yaml", "-m", "try", "--timeout", "2m"], opts);
  assertStringIncludes(tried.stderr, "will be automatically reverted back in 2m0s\n");
  assertStringIncludes(machineConfigOf(node)!, PATCHED);
  const kept = await run([...base, "-p", "@san.yaml"], opts);
  assertEquals(kept.code, 0);

  // A patch that changes nothing: talosctl still sends the config, and says it skipped it.
  const calls = applies(emu);
  const same = "machine:\n  features:\n    diskQuotaSupport: true\n";
  const again = await run([...base, "-p", same], opts);
  assertEquals([again.code, again.stderr], [0, "Apply was skipped: no changes detected.\n"]);
  assertEquals(applies(emu), calls + 1);
});

Deno.test("patch: errors, in talosctl's order and words; nothing changes on the nodes", async () => {
  await using dir = await tempDir();
  const nodes = [current("10.5.0.2"), current("10.5.0.3"), current("10.5.0.4")];
  const { emu, cfg } = await setup(dir.path, nodes);
  await using _ = emu;
  const before = nodes.map((n) => machineConfigOf(n));
  const base = ["patch", "--talosconfig", cfg, "-n", "10.5.0.2"];

  const none = await run([...base, "mc"]);
  assertEquals([none.code, none.stderr], [1, "either --patch or --patch-file should be defined\n"]);

  const noArgs = await run(["patch", "--talosconfig", cfg, "-p", SAN]);
  assert(noArgs.stderr.startsWith("accepts between 1 and 2 arg(s), received 0\n\nUsage:\n"));

  const unknown = await run([...base, "machinecfg", "-p", SAN]);
  assertEquals(unknown.code, 1);
  assert(
    unknown.stderr.startsWith(
      'rpc error: code = NotFound desc = resource "machinecfg" is not registered',
    ),
    unknown.stderr,
  );

  const other = await run([...base, "members", "-p", SAN]);
  assertEquals(other.stderr, "only machineconfig resource type is supported\n");

  const badPatch = await run([...base, "mc", "-p", "machine:\n  certSANz: [x]\n"]);
  assertEquals(badPatch.code, 1);
  assertStringIncludes(badPatch.stderr, "unknown keys found during decoding");

  // The node refuses the result: the change is reported, then the node's error.
  const invalid = await run([...base, "mc", "-p", "machine:\n  type: worker\n"]);
  assertEquals(invalid.code, 1);
  assert(
    invalid.stderr.startsWith(
      "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.2\n" +
        "rpc error: code = InvalidArgument desc = 2 errors occurred:\n",
    ),
    invalid.stderr,
  );

  nodes[2].faults.down = true;
  const down = await run(["patch", "mc", "-p", SAN, "--talosconfig", cfg]);
  assertEquals(
    down.stderr,
    '10.5.0.4: error getting server version: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.4:50000: connect: connection refused"\n',
  );
  assertEquals(applies(emu), 1);
  assertEquals(nodes.map((n) => machineConfigOf(n)), before);
});

Deno.test("patch: an operator cannot read the machine config; old nodes get a warning", async () => {
  await using dir = await tempDir();
  const old = simNode("10.5.0.2");
  const { emu, cfg } = await setup(dir.path, [old], ["os:operator"]);
  await using _ = emu;
  const before = machineConfigOf(old);
  const r = await run(["patch", "mc", "-p", SAN, "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "WARNING: 10.5.0.2: server version 1.5.5 is older than client version 1.13.9\n" +
      "error getting resource on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(applies(emu), 0);
  assertEquals(machineConfigOf(old), before);
});
