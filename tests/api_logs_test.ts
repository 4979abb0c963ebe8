// `logs` and `dmesg` against the emulator: line splitting across chunks, --tail, -k, follow with
// Ctrl-C, a dropped stream and a node that is down.

import { assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { appendDmesg, appendLog, simNode, startEmulator } from "./emulator/mod.ts";

async function setup(dir: string, alpn = true) {
  const emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")],
    alpn,
  });
  const cfg = await emu.talosconfig(dir, { roles: ["os:reader"], nodes: ["10.5.0.2", "10.5.0.3"] });
  return { emu, cfg };
}

Deno.test("logs: whole lines per node even when chunks split lines; --tail", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const long = "x".repeat(3000);
  emu.nodes.get("10.5.0.2")!.logs.set("kubelet", `one\n${long}\nthree`);
  emu.nodes.get("10.5.0.3")!.logs.set("kubelet", "a\nb\n");
  const r = await run(["logs", "kubelet", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  const lines = r.stdout.split("\n");
  assertEquals(lines.filter((l) => l.startsWith("10.5.0.2: ")), [
    "10.5.0.2: one",
    `10.5.0.2: ${long}`,
    "10.5.0.2: three",
  ]);
  assertEquals(lines.filter((l) => l.startsWith("10.5.0.3: ")), ["10.5.0.3: a", "10.5.0.3: b"]);
  const t = await run(["logs", "kubelet", "--tail", "1", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(t.stdout, "10.5.0.3: b\n");
});

Deno.test("logs -k reads the container log; unknown ids fail per node, exit 1", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, false);
  await using _ = emu;
  emu.nodes.get("10.5.0.2")!.logs.set("k8s.io:kube-system/coredns", "ready\n");
  const r = await run(["logs", "-k", "kube-system/coredns", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "10.5.0.2: ready\n");
  assertEquals(
    r.stderr,
    'error from node 10.5.0.3: rpc error: code = Unknown desc = log "kube-system/coredns" was not registered\n',
  );
});

Deno.test("logs -f: follows new lines until Ctrl-C, then exits 0", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const ctl = new AbortController();
  const pending = run(["logs", "-f", "apid", "--talosconfig", cfg, "-n", "10.5.0.2"], {
    signal: ctl.signal,
  });
  const node = emu.nodes.get("10.5.0.2")!;
  for (let i = 0; i < 100 && node.followers.size === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  appendLog(node, "apid", "new line\n");
  await new Promise((r) => setTimeout(r, 100));
  ctl.abort();
  const r = await pending;
  assertEquals(r.code, 0);
  assertStringIncludes(r.stdout, "10.5.0.2: listening on :50000\n10.5.0.2: new line\n");
});

Deno.test("logs: a stream dropped midway and a node that is down are errors, exit 1", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.2")!.logs.set("kubelet", "z".repeat(10_000) + "\n");
  emu.nodes.get("10.5.0.2")!.faults.dropAfter = 3;
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const r = await run(["logs", "kubelet", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  const errs = r.stderr.trimEnd().split("\n");
  assertEquals(errs.length, 2);
  assertMatch(errs[0], /^error from node 10\.5\.0\.2: rpc error: code = \w+ desc = /);
  assertMatch(errs[1], /^error from node 10\.5\.0\.3: rpc error: code = Unavailable desc = /);
});

Deno.test("dmesg: records prefixed by node; --follow --tail only new records", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["dmesg", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    "10.5.0.3: kern:    info: [2024-01-01T00:00:00.000000Z]: Linux version 6.1.58-talos\n" +
      "10.5.0.3: kern:  notice: [2024-01-01T00:00:00.100000Z]: Command line: talos.platform=metal\n",
  );
  const ctl = new AbortController();
  const pending = run(["dmesg", "-f", "--tail", "--talosconfig", cfg, "-n", "10.5.0.2"], {
    signal: ctl.signal,
  });
  const node = emu.nodes.get("10.5.0.2")!;
  for (let i = 0; i < 100 && node.followers.size === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  appendDmesg(node, "kern:    warn: [2024-01-01T00:01:00Z]: usb 1-1: new device\n");
  await new Promise((r) => setTimeout(r, 100));
  ctl.abort();
  const f = await pending;
  assertEquals(f.code, 0);
  assertEquals(f.stdout, "10.5.0.2: kern:    warn: [2024-01-01T00:01:00Z]: usb 1-1: new device\n");
});
