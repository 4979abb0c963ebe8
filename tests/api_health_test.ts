// `health` against the emulator and the Kubernetes API double over mutual TLS: server-side
// (ClusterService/HealthCheck) and client-side (--server=false) checks, as talosctl prints them.

import { assert, assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { setMemory, simNode, startEmulator, startKubernetes } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { setCondition } from "./k8s_double/cluster.ts";

const CHECKS: [string, "OK" | "SKIP"][] = [
  ["etcd to be healthy", "OK"],
  ["etcd members to be consistent across nodes", "OK"],
  ["etcd members to be control plane nodes", "OK"],
  ["apid to be ready", "OK"],
  ["all nodes memory sizes", "OK"],
  ["all nodes disk sizes", "OK"],
  ["no diagnostics", "OK"],
  ["kubelet to be healthy", "OK"],
  ["all nodes to finish boot sequence", "OK"],
  ["all k8s nodes to report", "OK"],
  ["all control plane static pods to be running", "OK"],
  ["all control plane components to be ready", "OK"],
  ["all k8s nodes to report ready", "OK"],
  ["kube-proxy to report ready", "OK"],
  ["coredns to report ready", "OK"],
  ["all k8s nodes to report schedulable", "OK"],
];

const healthyLines = (checks = CHECKS) =>
  checks.flatMap(([d, end]) => [`waiting for ${d}: ...`, `waiting for ${d}: ${end}`]);

async function cluster(dir: string, addresses: string[], roles = ["os:admin"]) {
  const nodes = addresses.map((a, i) => simNode(a, { controlPlane: i === 0 }));
  const emu = await startEmulator({ nodes });
  const k8s = await startKubernetes(emu);
  const cfg = await emu.talosconfig(dir, { roles, nodes: [addresses[0]] });
  return { emu, k8s, nodes, cfg };
}

Deno.test("health --server=false: one node, every check as talosctl reports it", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2"]);
  await using _e = emu;
  await using _k = k8s;
  const r = await run(["health", "--talosconfig", cfg, "--server=false"]);
  assertEquals(r.stderr, healthyLines().join("\n") + "\n");
  assertEquals(r.code, 0);
});

Deno.test("health --server=false on a terminal: redrawn; coloured only when stdout is a terminal too", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2"]);
  await using _e = emu;
  await using _k = k8s;
  const last = "waiting for all k8s nodes to report schedulable: OK\n";
  // As fatih/color: no colours when stdout is not a terminal (e.g. `talosctl health | tee`).
  const r = await run(["health", "--talosconfig", cfg, "--server=false"], { stderrIsTTY: true });
  assertEquals(r.code, 0);
  assert(r.stderr.startsWith("◰ waiting for etcd to be healthy: ...\n"), r.stderr.slice(0, 200));
  assert(r.stderr.includes("\x1b[A\x1b[K"), "redrawn in place");
  assert(!r.stderr.includes("\x1b[3"), "no colours");
  assert(r.stderr.endsWith(last), r.stderr.slice(-200));
  const c = await run(["health", "--talosconfig", cfg, "--server=false"], {
    stderrIsTTY: true,
    stdoutIsTTY: true,
  });
  assertEquals(c.code, 0);
  assert(c.stderr.endsWith(`\x1b[32m${last.trimEnd()}\x1b[0m\n`), c.stderr.slice(-200));
  const n = await run(["health", "--talosconfig", cfg, "--server=false"], {
    stderrIsTTY: true,
    stdoutIsTTY: true,
    env: { NO_COLOR: "1" },
  });
  assert(!n.stderr.includes("\x1b[3"), "NO_COLOR: no colours");
});

Deno.test("health (server side, the default): discovered nodes, then the node's progress lines", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2", "10.5.0.3", "10.5.0.4"]);
  await using _e = emu;
  await using _k = k8s;
  const r = await run(["health", "--talosconfig", cfg]);
  assertEquals(
    r.stderr,
    ['discovered nodes: ["10.5.0.2" "10.5.0.3" "10.5.0.4"]', ...healthyLines()].join("\n") + "\n",
  );
  assertEquals(r.code, 0);
  const hc = emu.calls.filter((c) => c.path === "/cluster.ClusterService/HealthCheck");
  assertEquals(hc.map((c) => c.node), ["10.5.0.2"]);
});

Deno.test("health --server=false: three nodes from the flags; a NotReady node times out with exit 1", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2", "10.5.0.3", "10.5.0.4"]);
  await using _e = emu;
  await using _k = k8s;
  const flags = ["--control-plane-nodes", "10.5.0.2", "--worker-nodes", "10.5.0.3,10.5.0.4"];
  const ok = await run(["health", "--talosconfig", cfg, "--server=false", ...flags]);
  assertEquals(ok.stderr, healthyLines().join("\n") + "\n");
  assertEquals(ok.code, 0);

  const node = k8s.get("v1", "Node", "talos-10-5-0-4")!;
  k8s.put(setCondition(node, "Ready", "False"));
  const args = ["health", "--talosconfig", cfg, "--wait-timeout", "5s", ...flags];
  const client = await run([...args, "--server=false"]);
  const stuck = "all k8s nodes to report ready";
  const upTo = healthyLines(CHECKS.slice(0, 12));
  assertEquals(
    client.stderr,
    [
      ...upTo,
      `waiting for ${stuck}: ...`,
      `waiting for ${stuck}: some nodes are not ready: [talos-10-5-0-4]`,
      "context deadline exceeded",
    ].join("\n") + "\n",
  );
  assertEquals(client.code, 1);

  const server = await run(args);
  assertEquals(
    server.stderr,
    [
      'discovered nodes: ["10.5.0.2" "10.5.0.3" "10.5.0.4"]',
      ...upTo,
      `waiting for ${stuck}: ...`,
      `waiting for ${stuck}: some nodes are not ready: [talos-10-5-0-4]`,
      "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
    ].join("\n") + "\n",
  );
  assertEquals(server.code, 1);
});

Deno.test("health: a node that is down fails apid, a multi-line error keeps its tabs server side", async () => {
  await using dir = await tempDir();
  const { emu, k8s, nodes, cfg } = await cluster(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _e = emu;
  await using _k = k8s;
  nodes[1].faults.down = true;
  const args = ["health", "--talosconfig", cfg, "--wait-timeout", "5s"];
  const dial =
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"';
  const client = await run([...args, "--server=false"]);
  assertEquals(
    client.stderr,
    [
      ...healthyLines(CHECKS.slice(0, 3)),
      "waiting for apid to be ready: ...",
      `waiting for apid to be ready: error getting version from node "10.5.0.3": ${dial}`,
      "context deadline exceeded",
    ].join("\n") + "\n",
  );
  assertEquals(client.code, 1);

  nodes[1].faults.down = false;
  setMemory(nodes[1], 512 * 1024);
  const server = await run(args);
  const memory = "all nodes memory sizes";
  assertEquals(
    server.stderr,
    [
      'discovered nodes: ["10.5.0.2" "10.5.0.3"]',
      ...healthyLines(CHECKS.slice(0, 4)),
      `waiting for ${memory}: ...`,
      `waiting for ${memory}: 1 error occurred:`,
      '\t* node "10.5.0.3" does not meet memory requirements: expected at least 874 MiB, actual 512 MiB',
      "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
    ].join("\n") + "\n",
  );
  const local = await run([...args, "--server=false"]);
  assertEquals(
    local.stderr.split("\n").slice(-4).join("\n"),
    `waiting for ${memory}: 1 error occurred:\n    * node "10.5.0.3" does not meet memory requirements: expected at least 874 MiB, actual 512 MiB\ncontext deadline exceeded\n`,
  );
});

Deno.test("health: refusals (denied role, worker node, several nodes, bad IP)", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _e = emu;
  await using _k = k8s;
  await using other = await tempDir();
  const backup = await emu.talosconfig(other.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["health", "--talosconfig", backup]);
  assertEquals(denied.stderr, "rpc error: code = PermissionDenied desc = not authorized\n");
  assertEquals(denied.code, 1);
  const worker = await run(["health", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(
    worker.stderr,
    "rpc error: code = Unimplemented desc = cluster health check is only available on control plane nodes\n",
  );
  const many = await run(["health", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  // As talosctl: a message naming a "command" is followed by the usage.
  assertEquals(many.stderr.split("\n")[0], 'command "health" requires exactly one node (got 2)');
  const bad = await run(["health", "--talosconfig", cfg, "--worker-nodes", "10.5.0.300"]);
  assertEquals(bad.stderr, 'ParseAddr("10.5.0.300"): IPv4 field has value >255\n');
  // Go's netip.ParseAddr texts, whatever is wrong with the address.
  for (
    const [ip, why] of [
      ["1.2.3", "IPv4 address too short"],
      ["10.05.0.1", "IPv4 field has octet with leading zero"],
      ["node-1", "unable to parse IP"],
    ]
  ) {
    const r = await run(["health", "--talosconfig", cfg, "--init-node", ip]);
    assertEquals([r.code, r.stderr], [1, `ParseAddr("${ip}"): ${why}\n`]);
  }
  for (const r of [worker, many, bad]) assertEquals(r.code, 1);
});

Deno.test("health --server=false --k8s-endpoint: the kubeconfig's server is replaced", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2"]);
  await using _e = emu;
  await using _k = k8s;
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  clusterOf(emu).endpoint = `https://127.0.0.1:${port}`;
  const args = ["health", "--talosconfig", cfg, "--server=false", "--wait-timeout", "5s"];
  const ok = await run([...args, "--k8s-endpoint", `127.0.0.1:${k8s.port}`]);
  assertEquals(ok.stderr, healthyLines().join("\n") + "\n");
  const refused = await run(args);
  const lines = refused.stderr.split("\n");
  assertEquals(
    lines.slice(-3),
    [
      `waiting for all k8s nodes to report: Get "https://127.0.0.1:${port}/api/v1/nodes": dial tcp 127.0.0.1:${port}: connect: connection refused`,
      "context deadline exceeded",
      "",
    ],
  );
  assertEquals(refused.code, 1);
});
