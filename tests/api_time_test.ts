// `time` against the emulator over mutual TLS: the node's clock next to an NTP server's.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator, timeOf } from "./emulator/mod.ts";

const NOW = new Date("2024-06-01T12:00:00Z");

async function setup(dir: string, roles = ["os:reader"]) {
  const nodes = [simNode("10.5.0.2", {}, NOW), simNode("10.5.0.3", { controlPlane: false }, NOW)];
  const emu = await startEmulator({ nodes });
  for (const n of nodes) timeOf(n).now = () => NOW;
  const cfg = await emu.talosconfig(dir, {
    roles,
    nodes: ["10.5.0.2"],
    notBefore: new Date("2024-01-01T00:00:00Z"),
  });
  return { emu, nodes, cfg };
}

Deno.test("time: the configured server (default time.cloudflare.com), one node", async () => {
  await using dir = await tempDir();
  const { emu, nodes, cfg } = await setup(dir.path);
  await using _ = emu;
  timeOf(nodes[0]).offsetMs = 1234.5;
  const r = await run(["time", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "NODE       NTP-SERVER            NODE-TIME                       NTP-SERVER-TIME",
      "10.5.0.2   time.cloudflare.com   2024-06-01 12:00:00 +0000 UTC   2024-06-01 12:00:01.2345 +0000 UTC",
      "",
    ].join("\n"),
  );
  assertEquals(emu.calls.at(-1)?.path, "/time.TimeService/Time");
});

Deno.test("time --check: the named server on every node; a node's configured server is used by Time", async () => {
  await using dir = await tempDir();
  const { emu, nodes, cfg } = await setup(dir.path);
  await using _ = emu;
  timeOf(nodes[1]).servers = ["ntp.example.org", "pool.ntp.org"];
  const r = await run(
    ["time", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3", "--check", "pool.ntp.org"],
    { now: NOW },
  );
  assertEquals(r.code, 0);
  const rows = r.stdout.split("\n");
  assertEquals(
    rows[0],
    "NODE       NTP-SERVER     NODE-TIME                       NTP-SERVER-TIME",
  );
  assertEquals(rows.slice(1).sort(), [
    "",
    "10.5.0.2   pool.ntp.org   2024-06-01 12:00:00 +0000 UTC   2024-06-01 12:00:00 +0000 UTC",
    "10.5.0.3   pool.ntp.org   2024-06-01 12:00:00 +0000 UTC   2024-06-01 12:00:00 +0000 UTC",
  ]);
  const plain = await run(["time", "--talosconfig", cfg, "-n", "10.5.0.3"], { now: NOW });
  assertEquals(plain.stdout.split("\n")[1].split(/\s{3,}/)[1], "ntp.example.org");
});

Deno.test("time: node down, unreachable server, invalid timestamp, denied role -> exit 1", async () => {
  await using dir = await tempDir();
  const { emu, nodes, cfg } = await setup(dir.path);
  await using _ = emu;
  nodes[1].faults.down = true;
  timeOf(nodes[0]).unreachable.add("bad.example");
  const down = await run(["time", "--talosconfig", cfg, "-n", "10.5.0.3"], { now: NOW });
  assertEquals(down.code, 1);
  assertEquals(down.stdout, "NODE   NTP-SERVER   NODE-TIME   NTP-SERVER-TIME\n");
  assertEquals(
    down.stderr,
    'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
  const ntp = await run(["time", "--talosconfig", cfg, "--check", "bad.example"], { now: NOW });
  assertEquals(ntp.code, 1);
  assertEquals(
    ntp.stderr,
    'error from node 10.5.0.2: rpc error: code = Unknown desc = error querying NTP server "bad.example": read udp 10.5.0.2:41234->bad.example:123: i/o timeout\n',
  );
  timeOf(nodes[0]).raw = { remotetime: undefined };
  const invalid = await run(["time", "--talosconfig", cfg], { now: NOW });
  assertEquals(invalid.code, 1);
  assertEquals(invalid.stderr, "node 10.5.0.2: error parsing remote time\n");
  // Errors joined in arrival order: the fast node's parse error before the slow node's failure.
  nodes[1].faults.down = false;
  timeOf(nodes[1]).unreachable.add("slow.example");
  nodes[1].faults.delayMs = 300;
  const mixed = await run(
    ["time", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3", "--check", "slow.example"],
    { now: NOW },
  );
  nodes[1].faults.delayMs = undefined;
  assertEquals(mixed.code, 1);
  assertEquals(
    mixed.stderr,
    "node 10.5.0.2: error parsing remote time\n" +
      'error from node 10.5.0.3: rpc error: code = Unknown desc = error querying NTP server "slow.example": read udp 10.5.0.3:41234->slow.example:123: i/o timeout\n',
  );
  timeOf(nodes[0]).raw = undefined;

  const noneCfg = await emu.talosconfig(dir.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
    notBefore: new Date("2024-01-01T00:00:00Z"),
  });
  const denied = await run(["time", "--talosconfig", noneCfg], { now: NOW });
  assertEquals(denied.code, 1);
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});
