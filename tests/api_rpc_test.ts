// rpc/ against the emulator over real mutual TLS on loopback: node metadata, envelopes, roles,
// failover, dial errors, no-ALPN servers.

import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";
import { attribute, newClient, toRpcError, unaryNodes } from "../rpc/mod.ts";
import type { TestEmulator } from "./emulator/mod.ts";

async function clientFor(emu: TestEmulator, roles: string[], endpoints = [emu.endpoint]) {
  const cert = await emu.clientCert(roles);
  return newClient({
    contextName: "test",
    endpoints,
    tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
  });
}

Deno.test("one call per node with node metadata, replies in arrival order", async () => {
  await using emu = await startEmulator({
    nodes: [simNode("10.5.0.2", { hostname: "cp-1" }), simNode("10.5.0.3", { hostname: "cp-2" })],
  });
  emu.nodes.get("10.5.0.2")!.faults.delayMs = 150;
  const c = await clientFor(emu, ["os:reader"]);
  const seen: string[] = [];
  const errors = await unaryNodes(
    ["10.5.0.2", "10.5.0.3", "10.5.0.9"],
    (n) => c.machine.hostname({}, c.callOptions(n)),
    (node, messages) => {
      seen.push(`${node}=${messages[0].hostname}`);
    },
  );
  // The delayed node answers last; the unknown node is an error, labelled with its name.
  assertEquals(seen, ["10.5.0.3=cp-2", "10.5.0.2=cp-1"]);
  assertEquals(errors.length, 1);
  assertMatch(
    errors[0].message,
    /^error from node 10\.5\.0\.9: rpc error: code = Unavailable desc = /,
  );
  assertEquals(emu.calls.map((x) => x.node).sort(), ["10.5.0.2", "10.5.0.3", "10.5.0.9"]);
});

Deno.test("nodes metadata: envelopes carry hostname and per-node errors", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const c = await clientFor(emu, ["os:admin"]);
  const headers = new Headers({ nodes: "10.5.0.2,10.5.0.3" });
  const reply = await c.machine.version({}, { headers });
  const parts = attribute("endpoint", reply.messages);
  assertEquals(parts.map((p) => p.node), ["10.5.0.2", "10.5.0.3"]);
  assertEquals(parts[0].message?.version?.tag, "v1.5.5");
  assertMatch(parts[1].error!.message, /code = Unavailable desc = connection error/);
});

Deno.test("roles from the certificate are enforced per RPC", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const reader = await clientFor(emu, ["os:reader"]);
  await reader.machine.serviceList({}, reader.callOptions("10.5.0.2"));
  const err = await reader.machine.serviceRestart({ id: "etcd" }, reader.callOptions("10.5.0.2"))
    .then(() => undefined, (e) => e);
  assertEquals(toRpcError(err).message, "rpc error: code = PermissionDenied desc = not authorized");
  const backup = await clientFor(emu, ["os:etcd:backup"]);
  const e2 = await backup.machine.version({}, backup.callOptions("10.5.0.2")).catch((e) => e);
  assertEquals(toRpcError(e2).message, "rpc error: code = PermissionDenied desc = not authorized");
});

Deno.test("failover to the next endpoint when one cannot be dialed", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const dead = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (dead.addr as Deno.NetAddr).port;
  dead.close();
  const c = await clientFor(emu, ["os:admin"], [`127.0.0.1:${deadPort}`, emu.endpoint]);
  const r = await c.machine.version({}, c.callOptions("10.5.0.2"));
  assertEquals(r.messages[0].version?.tag, "v1.5.5");
  const only = await clientFor(emu, ["os:admin"], [`127.0.0.1:${deadPort}`]);
  const err = await only.machine.version({}).catch((e) => e);
  assertEquals(
    toRpcError(err).message,
    `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:${deadPort}: connect: connection refused"`,
  );
});

Deno.test("a server that does not negotiate ALPN h2 still works", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")], alpn: false });
  const c = await clientFor(emu, ["os:reader"]);
  const r = await c.machine.version({}, c.callOptions("10.5.0.2"));
  assertEquals(r.messages[0].version?.tag, "v1.5.5");
});

Deno.test("wrong CA: the error names the endpoint and the verification failure", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  await using other = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cert = await emu.clientCert(["os:admin"]);
  const c = newClient({
    contextName: "t",
    endpoints: [emu.endpoint],
    tls: { ca: other.ca.cert, cert: cert.cert, key: cert.key },
  });
  const err = await c.machine.version({}).catch((e) => e);
  const msg = toRpcError(err).message;
  assertStringIncludes(msg, "code = Unavailable");
  assertStringIncludes(msg, "certificate signed by unknown authority");
});

Deno.test("--cluster goes out as context metadata; Ctrl-C cancels a slow node cleanly", async () => {
  const { run, tempDir } = await import("./harness.ts");
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const r = await run(["version", "--talosconfig", cfg, "--cluster", "prod"]);
  assertEquals(r.code, 0);
  assertEquals(emu.calls.map((c) => c.context), ["prod"]);

  emu.nodes.get("10.5.0.3")!.faults.delayMs = 30_000;
  const ctl = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ctl.abort(), 200);
  const slow = await run(["version", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"], {
    signal: ctl.signal,
  });
  assert(Date.now() - t0 < 5000, "cancel took too long");
  assertEquals(slow.code, 1);
  assertStringIncludes(slow.stdout, "\tNODE:        10.5.0.2\n");
  assertStringIncludes(
    slow.stderr,
    "error getting version from node 10.5.0.3: rpc error: code = Canceled",
  );
});

Deno.test("dialing is bounded: an endpoint that never completes TLS times out", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const c of silent) held.push(c);
  })();
  const port = (silent.addr as Deno.NetAddr).port;
  const cert = await emu.clientCert(["os:admin"]);
  const c = newClient({
    contextName: "t",
    endpoints: [`127.0.0.1:${port}`],
    tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
  }, { dialTimeoutMs: 300 });
  const err = await c.machine.version({}).catch((e) => e);
  assertEquals(
    toRpcError(err).message,
    `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:${port}: i/o timeout"`,
  );
  for (const h of held) h.close();
  silent.close();
});

Deno.test("an expired client certificate is refused by the server (when sent anyway)", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cert = await emu.clientCert(["os:admin"], {
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
  });
  const c = newClient({
    contextName: "t",
    endpoints: [emu.endpoint],
    tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
  });
  const err = await c.machine.version({}).catch((e) => e);
  const msg = toRpcError(err).message;
  assertMatch(
    msg,
    /^rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: /,
  );
  assertStringIncludes(msg, "client certificate rejected");
  assertEquals(emu.calls.length, 0);
});

Deno.test("several endpoints: calls rotate over them, and one that cannot be dialed is skipped", async () => {
  await using a = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  await using b = await startEmulator({ nodes: [simNode("10.5.0.2")], ca: a.ca });
  const dead = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (dead.addr as Deno.NetAddr).port;
  dead.close();
  const cert = await a.clientCert(["os:reader"]);
  for (const seed of [0.1, 0.5, 0.9]) {
    a.calls.length = 0;
    b.calls.length = 0;
    const c = newClient({
      contextName: "t",
      endpoints: [`127.0.0.1:${deadPort}`, a.endpoint, b.endpoint],
      tls: { ca: a.ca.cert, cert: cert.cert, key: cert.key },
    }, { random: () => seed });
    for (let i = 0; i < 6; i++) await c.machine.version({}, c.callOptions("10.5.0.2"));
    // Whatever the shuffle, the live endpoints share the calls; the dead one costs no call.
    assertEquals([a.calls.length, b.calls.length], [3, 3], `seed ${seed}`);
  }
});
