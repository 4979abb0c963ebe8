// `version` against the emulator over mutual TLS.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";

// talosctl's multiplexer prints each node's block when its reply arrives (not in --nodes order).
Deno.test("version: client block, then one server block per node as replies arrive", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")],
  });
  emu.nodes.get("10.5.0.3")!.version.tag = "v1.13.9";
  emu.nodes.get("10.5.0.2")!.faults.delayMs = 100; // asked first, answers last, printed last
  const cfg = await emu.talosconfig(dir.path, { roles: ["os:reader"] });
  const r = await run(["version", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  const server = r.stdout.slice(r.stdout.indexOf("Server:\n"));
  assertEquals(
    server,
    "Server:\n" +
      "\tNODE:        10.5.0.3\n\tTag:         v1.13.9\n\tSHA:         ad7361c7\n\tBuilt:       \n" +
      "\tGo version:  go1.20.10\n\tOS/Arch:     linux/amd64\n\tEnabled:     RBAC\n" +
      "\tNODE:        10.5.0.2\n\tTag:         v1.5.5\n\tSHA:         ad7361c7\n\tBuilt:       \n" +
      "\tGo version:  go1.20.10\n\tOS/Arch:     linux/amd64\n\tEnabled:     RBAC\n",
  );
});

Deno.test("version: a node that fails is reported after the others, exit 1", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  emu.nodes.get("10.5.0.2")!.faults.down = true;
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2", "10.5.0.3"] });
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stdout, "\tNODE:        10.5.0.3\n");
  assertEquals(
    r.stderr,
    'error getting version from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.2:50000: connect: connection refused"\n',
  );
});

Deno.test("version: expired client certificate is reported before dialing", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(dir.path, {
    nodes: ["10.5.0.2"],
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
  });
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, 'context "test" expired on 2021-01-01 00:00:00 UTC');
  assertStringIncludes(
    r.stderr,
    `\`talosctl config renew --talosconfig ${cfg} --from-secrets secrets.yaml\``,
  );
  assertEquals(emu.calls.length, 0);
  // Not yet valid by this machine's clock is the node's call (clock skew), as in talosctl: a
  // certificate the node accepts goes through.
  const skewed = await emu.talosconfig(dir.path, {
    nodes: ["10.5.0.2"],
    notBefore: new Date(Date.now() - 3600_000),
  });
  const r2 = await run(["version", "--talosconfig", skewed], {
    now: new Date(Date.now() - 86400_000),
  });
  assertEquals([r2.code, r2.stderr], [0, ""]);
  assertStringIncludes(r2.stdout, "\tNODE:        10.5.0.2\n");
  // A certificate we cannot parse is not judged here either: the TLS stack reports it.
  const text = await Deno.readTextFile(skewed);
  const garbled = text.replace(
    /crt: (\S+)/,
    `crt: ${btoa("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}`,
  );
  await Deno.writeTextFile(skewed, garbled);
  const r3 = await run(["version", "--talosconfig", skewed]);
  assertEquals(r3.code, 1);
  assertEquals(r3.stderr.includes("expired"), false);
});

Deno.test("version: no nodes, no endpoints, wrong CA", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(dir.path, {});
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "nodes are not set for the command");
  const other = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  await other.close();
  const bad = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"], caPem: other.ca.cert });
  const r2 = await run(["version", "--talosconfig", bad]);
  assertEquals(r2.code, 1);
  assertStringIncludes(
    r2.stderr,
    `error getting version from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"`,
  );
});

Deno.test("version --insecure: dials the node directly, no client certificate", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")], maintenance: true });
  emu.nodes.get("10.5.0.2")!.version.tag = "v1.13.0";
  const r = await run(["version", "-i", "-n", emu.endpoint], { home: "/nonexistent" });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertStringIncludes(r.stdout, `\tNODE:        ${emu.endpoint}\n\tTag:         v1.13.0\n`);
  assertEquals(emu.calls.map((c) => [c.path, c.roles]), [[
    "/machine.MachineService/Version",
    ["os:reader"],
  ]]);
});
