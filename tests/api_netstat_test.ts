// `netstat` (alias `ss`) against the emulator over mutual TLS: upstream's request flags,
// columns, pod namespaces and errors.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { netState, simNode, startEmulator } from "./emulator/mod.ts";
import { MachineService } from "../gen/machine/machine_pb.ts";
import { netstatRequest } from "../commands/netstat_run.ts";

async function setup(dir: string, roles = ["os:reader"]) {
  const emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })],
  });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

Deno.test("netstat: connected sockets by default, NODE first, upstream's columns", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["netstat", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    [
      "NODE       Proto   Recv-Q   Send-Q   Local Address    Foreign Address   State",
      "10.5.0.2   tcp     0        0        10.5.0.2:50000   10.5.0.1:41234    ESTABLISHED",
      "",
    ].join("\n"),
  );
});

Deno.test("ss -a -x -p -o: every state, uid/inode, programs and timers, several nodes", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["ss", "-axpo", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    [
      "NODE       Proto   Recv-Q   Send-Q   Local Address    Foreign Address   State         Uid   Inode   PID/Program name   Timer",
      "10.5.0.3   tcp     0        0        0.0.0.0:50000    0.0.0.0:*         LISTEN        0     1101    1400/apid          off (0.00/0/0)",
      "10.5.0.3   tcp     0        0        10.5.0.3:50000   10.5.0.1:41234    ESTABLISHED   0     2101    1400/apid          keepalive (14.32/0/0)",
      "10.5.0.3   tcp6    0        0        :::10250         :::*              LISTEN        0     1301    1800/kubelet       off (0.00/0/0)",
      "10.5.0.3   udp     0        0        0.0.0.0:123      0.0.0.0:*                       0     1401    1/machined         off (0.00/0/0)",
      "",
    ].join("\n"),
  );
  const both = await run(["netstat", "-l", "-4", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(both.code, 0);
  const rows = both.stdout.trimEnd().split("\n");
  assertEquals(rows[0].split(/\s{2,}/), [
    "NODE",
    "Proto",
    "Recv-Q",
    "Send-Q",
    "Local Address",
    "Foreign Address",
    "State",
  ]);
  assertEquals(rows.slice(1).map((l) => l.split(/\s+/).slice(0, 5).join(" ")).sort(), [
    "10.5.0.2 tcp 0 0 0.0.0.0:50000",
    "10.5.0.2 tcp 0 0 0.0.0.0:50001",
    "10.5.0.2 tcp 0 0 10.5.0.2:2379",
    "10.5.0.2 tcp 0 0 10.5.0.2:2380",
    "10.5.0.2 udp 0 0 0.0.0.0:123",
    "10.5.0.3 tcp 0 0 0.0.0.0:50000",
    "10.5.0.3 udp 0 0 0.0.0.0:123",
  ]);
});

Deno.test("netstat request: talosctl's flag-to-request mapping", () => {
  const f = (s: string) => {
    const all = [
      "verbose",
      "extend",
      "programs",
      "timers",
      "listening",
      "all",
      "pods",
      "tcp",
      "udp",
      "udplite",
      "raw",
      "ipv4",
      "ipv6",
    ];
    return Object.fromEntries(all.map((k) => [k, s.split(",").includes(k)]));
  };
  const l4 = (s: string) => {
    const r = netstatRequest(f(s)).l4proto!;
    return Object.entries(r).filter(([, v]) => v).map(([k]) => k).join(",");
  };
  assertEquals(l4(""), "tcp,tcp6,udp,udp6");
  assertEquals(l4("raw"), "raw,raw6");
  assertEquals(l4("verbose,ipv6"), "tcp6,udp6,udplite6,raw6");
  assertEquals(l4("udp,ipv4,ipv6"), "udp,udp6");
  assertEquals(l4("udplite,ipv4"), "udplite");
  assertEquals(netstatRequest(f("all,listening")).filter, 0);
  assertEquals(netstatRequest(f("listening")).filter, 2);
  assertEquals(netstatRequest(f("")).filter, 1);
  assertEquals(netstatRequest(f("pods,programs")).netns, {
    allnetns: true,
    hostnetwork: true,
    netns: [],
  });
  assertEquals(netstatRequest(f("programs")).feature, { pid: true });
});

function podContainers(emu: Awaited<ReturnType<typeof startEmulator>>) {
  emu.handle(MachineService.method.containers, (req, { node }) => {
    assertEquals([req.namespace, req.driver], ["k8s.io", 1]);
    if (node.address !== "10.5.0.3") return { messages: [{ containers: [] }] };
    return {
      messages: [{
        containers: [
          {
            namespace: "k8s.io",
            id: "kube-system/coredns-7c9f",
            podId: "kube-system/coredns-7c9f",
            pid: 3100,
            networkNamespace: "/var/run/netns/cni-1234",
          },
          {
            namespace: "k8s.io",
            id: "coredns",
            podId: "kube-system/coredns-7c9f",
            pid: 3111,
            networkNamespace: "/var/run/netns/cni-1234",
          },
          { id: "kube-system/kube-proxy-x", podId: "kube-system/kube-proxy-x", pid: 0 },
        ],
      }],
    };
  });
  netState(emu.nodes.get("10.5.0.3")!).sockets.push({
    l4proto: "tcp",
    localip: "10.244.0.5",
    localport: 53,
    remoteip: "10.244.0.9",
    remoteport: 40000,
    state: 1,
    netns: "/var/run/netns/cni-1234",
    inode: 9001n,
  });
}

Deno.test("netstat -k: pod column from the CRI containers; a pod argument picks its node", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  podContainers(emu);
  const k = await run(["netstat", "-k", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals([k.code, k.stderr], [0, ""]);
  assertEquals(
    k.stdout,
    [
      "NODE       Proto   Recv-Q   Send-Q   Local Address    Foreign Address    State         Pod",
      "10.5.0.3   tcp     0        0        10.5.0.3:50000   10.5.0.1:41234     ESTABLISHED   -",
      "10.5.0.3   tcp     0        0        10.244.0.5:53    10.244.0.9:40000   ESTABLISHED   kube-system/coredns-7c9f",
      "",
    ].join("\n"),
  );
  const pod = await run([
    "netstat",
    "Kube-System/CoreDNS-7c9f",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3",
  ]);
  assertEquals([pod.code, pod.stderr], [0, ""]);
  assertEquals(
    pod.stdout,
    [
      "NODE       Proto   Recv-Q   Send-Q   Local Address   Foreign Address    State",
      "10.5.0.3   tcp     0        0        10.244.0.5:53   10.244.0.9:40000   ESTABLISHED",
      "",
    ].join("\n"),
  );
  const missing = await run(["netstat", "default/nginx", "--talosconfig", cfg]);
  assertEquals([missing.code, missing.stdout, missing.stderr], [
    1,
    "",
    "pod default/nginx not found\n",
  ]);
  const flagged = await run(["netstat", "ops/command-flags", "--talosconfig", cfg]);
  assertEquals([flagged.code, flagged.stdout, flagged.stderr], [
    1,
    "",
    "pod ops/command-flags not found\n",
  ]);
  const both = await run(["netstat", "-k", "default/nginx", "--talosconfig", cfg]);
  assertEquals([both.code, both.stderr], [1, "cannot use --pods and specify a pod\n"]);
});

Deno.test("netstat: a node down and a denied role are per-node errors after the table", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const r = await run(["netstat", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout.split("\n").length, 3);
  assertEquals(
    r.stderr,
    'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
  await Deno.mkdir(`${dir.path}/x`);
  const none = await emu.talosconfig(`${dir.path}/x`, { roles: ["os:etcd:backup"] });
  const denied = await run(["netstat", "--talosconfig", none, "-n", "10.5.0.2"]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "");
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  emu.nodes.get("10.5.0.3")!.faults.down = false;
  const k = await run(["netstat", "-k", "--talosconfig", none, "-n", "10.5.0.2"]);
  assertEquals(
    k.stderr,
    "error getting containers from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});
