// `service` (list, status, start/stop/restart) against the emulator over mutual TLS.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";

const NOW = new Date("2024-06-01T12:00:00Z");

async function setup(dir: string, roles = ["os:admin"]) {
  const nodes = [simNode("10.5.0.2", {}, NOW), simNode("10.5.0.3", { controlPlane: false }, NOW)];
  const emu = await startEmulator({ nodes });
  // The harness clock is fixed in the past: issue the certificate from before it.
  const cfg = await emu.talosconfig(dir, {
    roles,
    nodes: ["10.5.0.2", "10.5.0.3"],
    notBefore: new Date("2024-01-01T00:00:00Z"),
  });
  return { emu, cfg };
}

Deno.test("service: table of every node's services", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["services", "--talosconfig", cfg, "-n", "10.5.0.3"], { now: NOW });
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "NODE       SERVICE      STATE     HEALTH   LAST CHANGE   LAST EVENT",
      "10.5.0.3   apid         Running   OK       1h0m0s ago    Health check successful",
      "10.5.0.3   containerd   Running   OK       1h0m0s ago    Health check successful",
      "10.5.0.3   cri          Running   OK       1h0m0s ago    Health check successful",
      "10.5.0.3   kubelet      Running   OK       1h0m0s ago    Health check successful",
      "10.5.0.3   machined     Running   ?        1h0m0s ago    Service started as goroutine",
      '10.5.0.3   udevd        Running   ?        1h0m0s ago    Process Process(["/sbin/udevd"]) started with PID 1',
      "",
    ].join("\n"),
  );
});

Deno.test("service <id>: status block per node, events newest first", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["service", "etcd", "--talosconfig", cfg, "-n", "10.5.0.2"], { now: NOW });
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "NODE     10.5.0.2",
      "ID       etcd",
      "STATE    Running",
      "HEALTH   OK",
      "EVENTS   [Running]: Health check successful (1h0m0s ago)",
      "         [Preparing]: Starting service (1h0m2s ago)",
      "",
    ].join("\n"),
  );
  const missing = await run(["service", "nope", "--talosconfig", cfg], { now: NOW });
  assertEquals(missing.code, 1);
  assertEquals(missing.stderr, 'service "nope" is not registered on any nodes\n');
});

Deno.test("service restart: responses per node; a reader is denied and nothing changes", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["service", "kubelet", "restart", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    'NODE       RESPONSE\n10.5.0.2   Service "kubelet" restarted\n10.5.0.3   Service "kubelet" restarted\n',
  );
  const events = emu.nodes.get("10.5.0.2")!.services.find((s) => s.id === "kubelet")!.events;
  assertEquals(events.at(-1)!.msg, "Service restarted");

  const readerCfg = await emu.talosconfig(dir.path, { roles: ["os:reader"], nodes: ["10.5.0.2"] });
  const before = emu.nodes.get("10.5.0.2")!.services.find((s) => s.id === "etcd")!.state;
  const denied = await run(["service", "etcd", "stop", "--talosconfig", readerCfg]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "NODE   RESPONSE\n");
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(emu.nodes.get("10.5.0.2")!.services.find((s) => s.id === "etcd")!.state, before);

  const bad = await run(["service", "etcd", "explode", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assertStringIncludes(bad.stderr, 'unsupported service action: "explode"');
});
