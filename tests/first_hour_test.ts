// A cluster's first hour, scripted against the emulator as a user would type it: gen config ->
// apply-config --insecure to a node in maintenance mode -> bootstrap -> get members -> patch mc
// -> get mc -o yaml shows the patch; the config read back validates.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { machineConfigOf, simNode, startEmulator } from "./emulator/mod.ts";

Deno.test("first hour: gen config, apply --insecure, bootstrap, get members, patch, get mc", async () => {
  await using dir = await tempDir();
  const opts = { cwd: dir.path, env: {} };
  const gen = await run(["gen", "config", "demo", "https://10.5.0.2:6443"], opts);
  assertEquals(gen.code, 0, gen.stderr);

  const node = simNode("10.5.0.2", { etcd: undefined });
  node.version.tag = "v1.13.9";
  await using emu = await startEmulator({ nodes: [node], maintenance: true });

  // 1. The node waits in maintenance mode: the config goes in without a client certificate.
  const apply = await run(
    ["apply-config", "--insecure", "-n", emu.endpoint, "--file", "controlplane.yaml"],
    opts,
  );
  assertEquals([apply.code, apply.stdout, apply.stderr], [
    0,
    "",
    "Applied configuration without a reboot\n",
  ]);
  assertEquals(machineConfigOf(node), await Deno.readTextFile(`${dir.path}/controlplane.yaml`));

  // From now on the node speaks mTLS with the CA and admin certificate `gen config` made.
  const api = ["--talosconfig", "talosconfig", "-e", emu.endpoint, "-n", "10.5.0.2"];

  // 2. Bootstrap etcd.
  const boot = await run(["bootstrap", ...api], opts);
  assertEquals([boot.code, boot.stdout, boot.stderr], [0, "", ""]);
  assertEquals(emu.calls.at(-1)!.roles, ["os:admin"]);

  // 3. The node lists itself as a cluster member.
  const members = await run(["get", "members", ...api], opts);
  assertEquals(members.stderr, "");
  assertEquals(members.code, 0);
  const rows = members.stdout.trimEnd().split("\n").map((l) => l.split(/ {2,}/));
  assertEquals(rows[0], [
    "NODE",
    "NAMESPACE",
    "TYPE",
    "ID",
    "VERSION",
    "HOSTNAME",
    "MACHINE TYPE",
    "OS",
    "ADDRESSES",
  ]);
  assertEquals(rows.length, 2);
  assertEquals(rows[1].slice(0, 3), ["10.5.0.2", "cluster", "Member"]);
  assertEquals(rows[1].slice(5), [
    node.hostname,
    "controlplane",
    "Talos (v1.13.9)",
    '["10.5.0.2"]',
  ]);

  // 4. Patch the running config.
  const patch = await run(
    ["patch", "mc", "-p", "machine:\n  certSANs: [api.demo.example.org]\n", ...api],
    opts,
  );
  assertEquals(patch.code, 0);
  assertEquals(
    patch.stderr,
    "patched MachineConfigs.config.talos.dev/v1alpha1 at the node 10.5.0.2\n" +
      "Applied configuration without a reboot\n",
  );

  // 5. The config read back shows it, and is a config `validate` accepts.
  const mc = await run(["get", "mc", "-o", "yaml", ...api], opts);
  assertEquals(mc.code, 0);
  assert(mc.stdout.startsWith("node: 10.5.0.2\nmetadata:\n    namespace: config\n"), mc.stdout);
  assertStringIncludes(mc.stdout, "\nspec: |\n    version: v1alpha1\n");
  assertStringIncludes(mc.stdout, "\n        certSANs:\n            - api.demo.example.org\n");

  const spec = await run(
    ["get", "machineconfig", "v1alpha1", "-o", "jsonpath={.spec}", ...api],
    opts,
  );
  assertEquals(spec.code, 0);
  assertEquals(spec.stdout, machineConfigOf(node)! + "\n");
  await Deno.writeTextFile(`${dir.path}/running.yaml`, machineConfigOf(node)!);
  const valid = await run(["validate", "--config", "running.yaml", "--mode", "metal"], opts);
  assertEquals([valid.code, valid.stdout], [0, "running.yaml is valid for metal mode\n"]);
});
