// `processes`, `memory`, `mounts`, `containers`, `stats` and `restart` against the emulator over
// mutual TLS: exact tables, several nodes, a node down, a denied role.

import { assert_, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { nodeSystem, simNode, startEmulator } from "./emulator/mod.ts";

async function setup(dir: string, roles = ["os:reader"], nodes = ["10.5.0.2"]) {
  const sim = [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })];
  const emu = await startEmulator({ nodes: sim });
  const cfg = await emu.talosconfig(dir, { roles, nodes });
  return { emu, cfg };
}

const DOWN =
  'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"';

/** Header line, then the rows sorted (nodes answer in any order). */
function sortedRows(text: string): string[] {
  const [head, ...rows] = text.trimEnd().split("\n");
  return [head, ...rows.sort()];
}

Deno.test("processes: sorted by resident memory, or CPU time with -s cpu", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const procs = nodeSystem(emu.nodes.get("10.5.0.2")!).processes;
  // A command line with control characters, and args naming the program by its base name.
  procs.push({
    ...procs[0],
    pid: 4242,
    cpuTime: 5000.005,
    residentMemory: 1n,
    virtualMemory: 9n,
    executable: "/usr/bin/odd",
    args: "odd\targ\u00e9",
    label: "",
  });
  const r = await run(["ps", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assertEquals(
    lines[0],
    "NODE       PID    STATE   THREADS   CPU-TIME   VIRTMEM   RESMEM   LABEL                         COMMAND",
  );
  assertEquals(
    lines[1],
    "10.5.0.2   1100   S       16        980.25     1.8 GB    445 MB   system_u:system_r:init_t:s0   /usr/local/bin/kube-apiserver --allow-privileged=true",
  );
  assertEquals(
    lines.slice(2, -1).map((l) => l.split(/\s+/)[1]),
    ["950", "1010", "1", "700", "812", "820", "612", "2", "4242"],
  );
  assertEquals(
    lines.at(-2),
    "10.5.0.2   4242   S       8         5000.01    9 B       1 B                                    /usr/bin/odd arg ",
  );
  // A kernel thread shows its command name.
  assertStringIncludes(r.stdout, "   kthreadd\n");
  const cpu = await run(["processes", "-s", "cpu", "--talosconfig", cfg]);
  assertEquals(
    cpu.stdout.split("\n").slice(1, -1).map((l) => l.split(/\s+/)[1]),
    ["4242", "1100", "950", "1010", "1", "700", "812", "820", "612", "2"],
  );
});

Deno.test("processes: ties (kernel threads without memory) in the order of Go's unstable sort", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const procs = nodeSystem(emu.nodes.get("10.5.0.2")!).processes;
  const kthread = procs.find((p) => p.pid === 2)!;
  const threads = Array.from({ length: 16 }, (_, i) => ({
    ...kthread,
    pid: 100 + i,
    residentMemory: 0n,
    cpuTime: i % 3,
  }));
  procs.splice(3, 0, ...threads);
  const pids = async (args: string[]) => {
    const r = await run([...args, "--talosconfig", cfg]);
    assertEquals(r.code, 0, r.stderr);
    return r.stdout.split("\n").slice(1, -1).map((l) => Number(l.split(/\s+/)[1]));
  };
  // As talosctl prints them (sort.Sort is a pdqsort: equal keys do not keep their order).
  assertEquals(
    await pids(["processes"]),
    [1100, 950, 1010, 1, 700, 812, 820, 612, 2, 109, 113, 108, 106, 110, 111, 112, 107, 114, 115]
      .concat([105, 104, 103, 102, 101, 100]),
  );
  assertEquals(
    await pids(["processes", "--sort", "cpu"]),
    [1100, 950, 1010, 1, 700, 812, 820, 105, 102, 108, 111, 114, 104, 107, 101, 110, 113, 612, 2]
      .concat([109, 115, 112, 106, 103, 100]),
  );
});

Deno.test("processes: the command line as talosctl builds it (Unicode spaces, '$' in paths)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const procs = nodeSystem(emu.nodes.get("10.5.0.2")!).processes;
  const odd = { ...procs[0], residentMemory: 0n, label: "" };
  procs.length = 0;
  procs.push(
    // An em space separates arguments for Go's strings.Fields.
    { ...odd, pid: 10, executable: "/usr/bin/odd", args: "odd\u2003arg" },
    // The executable replaces the first argument literally, "$&" included.
    { ...odd, pid: 11, executable: "/opt/$&/tool", args: "tool --flag" },
    // Go's path.Base ignores a trailing slash.
    { ...odd, pid: 12, executable: "/opt/dir/", args: "dir x" },
  );
  const r = await run(["ps", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  const commands = r.stdout.split("\n").slice(1, -1).map((l) =>
    l.slice(r.stdout.indexOf("COMMAND"))
  );
  assertEquals(commands, ["/usr/bin/odd arg", "/opt/$&/tool --flag", "/opt/dir/ x"]);
});

Deno.test("memory: MiB table per node, -v as /proc/meminfo; several nodes and a node down", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  nodeSystem(emu.nodes.get("10.5.0.3")!).meminfo.memtotal = 4_000_000n;
  const r = await run(["free", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  // USED wraps around, as talosctl's unsigned arithmetic does, when free+cache exceed the total.
  assertEquals(sortedRows(r.stdout), [
    "NODE       TOTAL   USED                FREE   SHARED   BUFFERS   CACHE   AVAILABLE",
    "10.5.0.2   7962    1391                4894   51       4         1672    6545",
    "10.5.0.3   3906    18014398509479319   4894   51       4         1672    6545",
  ]);
  const v = await run(["memory", "-v", "-n", "10.5.0.2", "--talosconfig", cfg]);
  assertEquals(v.code, 0, v.stderr);
  const lines = v.stdout.split("\n");
  assertEquals(lines.slice(0, 4), [
    "NODE: 10.5.0.2",
    "MemTotal: 8153372 kB",
    "MemFree: 5012468 kB",
    "MemAvailable: 6702100 kB",
  ]);
  assertEquals(lines.length, 50);
  assertEquals(lines.slice(40, 46), [
    "CmaFree: 0 kB",
    "HugePagesTotal: 0",
    "HugePagesFree: 0",
    "HugePagesRsvd: 0",
    "HugePagesSurp: 0",
    "Hugepagesize: 2048 kB",
  ]);
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["memory", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assertEquals(
    down.stdout,
    "NODE       TOTAL   USED   FREE   SHARED   BUFFERS   CACHE   AVAILABLE\n" +
      "10.5.0.2   7962    1391   4894   51       4         1672    6545\n",
  );
  assertEquals(down.stderr, `error from node 10.5.0.3: ${DOWN}\n`);
});

Deno.test("mounts: sizes in GB, pseudo filesystems left out; a failing node", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["mount", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    [
      "NODE       FILESYSTEM   SIZE(GB)   USED(GB)   AVAILABLE(GB)   PERCENT USED   MOUNTED ON",
      "10.5.0.2   /dev/loop0   0.08       0.08       0.00            100.00%        /",
      "10.5.0.2   tmpfs        4.29       0.00       4.29            0.03%          /run",
      "10.5.0.2   /dev/sda5    0.10       0.01       0.09            6.84%          /system/state",
      "10.5.0.2   /dev/sda6    21.47      5.37       16.11           25.00%         /var",
      "",
    ].join("\n"),
  );
  nodeSystem(emu.nodes.get("10.5.0.2")!).mountsError = "statfs /var: input/output error";
  const bad = await run(["mounts", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stdout,
    "NODE   FILESYSTEM   SIZE(GB)   USED(GB)   AVAILABLE(GB)   PERCENT USED   MOUNTED ON\n",
  );
  assertEquals(
    bad.stderr,
    "error from node 10.5.0.2: rpc error: code = Unknown desc = statfs /var: input/output error\n",
  );
});

Deno.test("containers and stats: system by default, Kubernetes pods with -k", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const c = await run(["containers", "--talosconfig", cfg]);
  assertEquals(c.code, 0, c.stderr);
  assertEquals(
    c.stdout,
    [
      "NODE       NAMESPACE   ID        IMAGE                                  PID    STATUS",
      "10.5.0.2   system      apid      ghcr.io/siderolabs/apid:v1.5.5         812    RUNNING",
      "10.5.0.2   system      etcd      gcr.io/etcd-development/etcd:v3.5.10   950    RUNNING",
      "10.5.0.2   system      kubelet   ghcr.io/siderolabs/kubelet:v1.28.3     1010   RUNNING",
      "10.5.0.2   system      trustd    ghcr.io/siderolabs/trustd:v1.5.5       820    RUNNING",
      "",
    ].join("\n"),
  );
  const k = await run(["c", "-k", "--talosconfig", cfg]);
  assertEquals(
    k.stdout,
    [
      "NODE       NAMESPACE   ID                                                                         IMAGE                                    PID    STATUS",
      "10.5.0.2   k8s.io      kube-system/kube-apiserver-talos-10-5-0-2                                  registry.k8s.io/pause:3.8                1090   SANDBOX_READY",
      "10.5.0.2   k8s.io      └─ kube-system/kube-apiserver-talos-10-5-0-2:kube-apiserver:9a8b7c6d5e4f   registry.k8s.io/kube-apiserver:v1.28.3   1100   CONTAINER_RUNNING",
      "10.5.0.2   k8s.io      kube-system/kube-proxy-10502                                               registry.k8s.io/pause:3.8                1500   SANDBOX_READY",
      "10.5.0.2   k8s.io      └─ kube-system/kube-proxy-10502:kube-proxy:5e1f0c3d2b7a                    registry.k8s.io/kube-proxy:v1.28.3       1533   CONTAINER_RUNNING",
      "",
    ].join("\n"),
  );
  const s = await run(["stats", "--talosconfig", cfg]);
  assertEquals(
    s.stdout,
    [
      "NODE       NAMESPACE   ID        MEMORY(MB)   CPU",
      "10.5.0.2   system      apid      35.65        12340000000",
      "10.5.0.2   system      etcd      157.29       410990000000",
      "10.5.0.2   system      kubelet   94.37        250500000000",
      "10.5.0.2   system      trustd    26.21        3500000000",
      "",
    ].join("\n"),
  );
  // A container without metrics is left out of stats.
  const k8s = nodeSystem(emu.nodes.get("10.5.0.2")!).containers["k8s.io"];
  k8s[0].memoryUsage = undefined;
  const sk = await run(["stats", "-k", "--talosconfig", cfg]);
  assertEquals(sortedRows(sk.stdout), [
    "NODE       NAMESPACE   ID                                                                         MEMORY(MB)   CPU",
    "10.5.0.2   k8s.io      kube-system/kube-apiserver-talos-10-5-0-2                                  1.05         30000000",
    "10.5.0.2   k8s.io      └─ kube-system/kube-apiserver-talos-10-5-0-2:kube-apiserver:9a8b7c6d5e4f   440.40       980250000000",
    "10.5.0.2   k8s.io      └─ kube-system/kube-proxy-10502:kube-proxy:5e1f0c3d2b7a                    21.46        1234567890",
  ]);
  const calls = emu.calls.filter((x) => x.path.endsWith("/Stats"));
  assertEquals(calls.length, 2);
  const denyCfg = await emu.talosconfig(dir.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["containers", "--talosconfig", denyCfg]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "NODE   NAMESPACE   ID   IMAGE   PID   STATUS\n");
  assertEquals(
    denied.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});

Deno.test("restart: SIGTERM to a container on every node; reader denied, unknown id, node down", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const r = await run(["restart", "kubelet", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  for (const n of ["10.5.0.2", "10.5.0.3"]) {
    const kubelet = nodeSystem(emu.nodes.get(n)!).containers.system.find((c) => c.id === "kubelet");
    assertEquals(kubelet!.restarts, 1);
  }
  const k = await run([
    "restart",
    "-k",
    "kube-system/kube-proxy-10502:kube-proxy:5e1f0c3d2b7a",
    "-n",
    "10.5.0.2",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(k.code, 0, k.stderr);
  assertEquals(nodeSystem(emu.nodes.get("10.5.0.2")!).containers["k8s.io"][1].restarts, 1);
  // etcd runs on the control plane only.
  const etcd = await run(["restart", "etcd", "--talosconfig", cfg]);
  assertEquals(etcd.code, 1);
  assertEquals(
    etcd.stderr,
    'error restarting process on node 10.5.0.3: rpc error: code = Unknown desc = container "etcd" not found\n',
  );
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["restart", "apid", "--talosconfig", cfg]);
  assertEquals(down.stderr, `error restarting process on node 10.5.0.3: ${DOWN}\n`);
  const readerCfg = await emu.talosconfig(dir.path, { roles: ["os:reader"], nodes: ["10.5.0.2"] });
  const denied = await run(["restart", "apid", "--talosconfig", readerCfg]);
  assertEquals(denied.code, 1);
  assertEquals(
    denied.stderr,
    "error restarting process on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  const none = await run(["restart", "--talosconfig", readerCfg]);
  assertEquals(none.code, 1);
  assert_(none.stderr.startsWith("accepts 1 arg(s), received 0\n"));
});
