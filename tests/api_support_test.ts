// `support` against the emulator over mutual TLS: the archive's entries and contents read back
// with Info-ZIP's unzip, several nodes and workers, a node down, a reader's denials, encryption
// to SSH keys opened with the age tool, the output file's protection, progress displays.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveTool, runTool } from "./extern_tools.ts";
import {
  appendLog,
  listResources,
  nodeSystem,
  putFile,
  type SimNode,
  simNode,
  startEmulator,
} from "./emulator/mod.ts";
import { RD_TYPE } from "./emulator/cosi_types.ts";
import { netState } from "./emulator/net_state.ts";
import { adminKubeconfig, clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { type K8sDouble, startK8sDouble } from "./k8s_double/server.ts";
import { populateCluster } from "./k8s_double/cluster.ts";

const NOW = new Date("2024-06-01T12:00:00Z");
const PCI = "0000\t80861237\t0\t\t00000000\n0008\t80867000\t0\t\t00000000\n";

function edge(
  controllerName: string,
  edgeType: number,
  resourceNamespace: string,
  resourceType: string,
  resourceId?: string,
) {
  return { controllerName, edgeType, resourceNamespace, resourceType, resourceId };
}

/** Logs for every service and kube-system container, and the PCI device list. */
function furnish(node: SimNode): void {
  for (const id of [...node.services.map((s) => s.id), "controller-runtime", "dns-resolve-cache"]) {
    node.logs.delete(id);
    appendLog(node, id, `${id} log of ${node.address}\n`);
  }
  for (const c of nodeSystem(node).containers["k8s.io"]) {
    appendLog(node, `k8s.io:${c.id}`, `${c.name} container log\n`);
  }
  // A node's controllers only name types it has (the default edges include two it lacks).
  netState(node).dependencies = [
    edge("network.AddressStatusController", 0, "network", "AddressStatuses.net.talos.dev"),
    edge("network.LinkStatusController", 0, "network", "LinkStatuses.net.talos.dev"),
    edge("network.AddressStatusController", 2, "network", "LinkStatuses.net.talos.dev", "eth0"),
  ];
  putFile(node, "/proc/bus/pci/devices", {
    type: "file",
    data: new TextEncoder().encode(PCI),
    statSize: 0,
  });
}

/** A loopback port nothing listens on. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function setup(
  dir: string,
  opts: { roles?: string[]; nodes?: SimNode[]; kubernetes?: boolean } = {},
) {
  const nodes = opts.nodes ??
    [simNode("10.5.0.2", {}, NOW), simNode("10.5.0.3", { controlPlane: false }, NOW)];
  for (const n of nodes) furnish(n);
  const emu = await startEmulator({ nodes });
  // Never let a test dial the simulated node addresses: the Kubernetes API is on loopback, the
  // API double or a closed port.
  const cluster = clusterOf(emu);
  cluster.endpoint = `https://127.0.0.1:${closedPort()}`;
  let k8s: K8sDouble | undefined;
  if (opts.kubernetes !== false) {
    await adminKubeconfig(cluster); // makes the cluster's Kubernetes CA
    k8s = await startK8sDouble({ ca: cluster.k8sCA! });
    cluster.endpoint = k8s.url;
    populateCluster(k8s, nodes, "1.30.0");
  }
  const cfg = await emu.talosconfig(dir, {
    roles: opts.roles ?? ["os:admin"],
    notBefore: new Date("2024-01-01T00:00:00Z"),
  });
  return {
    cfg,
    emu,
    k8s,
    nodes,
    async [Symbol.asyncDispose]() {
      await k8s?.close();
      await emu.close();
    },
  };
}

async function entries(zip: string): Promise<string[]> {
  const t = await runTool("unzip", ["-t", zip]);
  assertStringIncludes(t.stdout, "No errors detected in compressed data");
  return (await runTool("unzip", ["-Z1", zip])).stdout.trimEnd().split("\n");
}

async function entry(zip: string, name: string): Promise<string> {
  return (await runTool("unzip", ["-p", zip, name])).stdout;
}

const CLUSTER_ENTRIES = ["kubernetesResources/nodes.yaml", "kubernetesResources/systemPods.yaml"];

/** The resource files of a node: a file per definition whose type has resources. */
function resourceFiles(node: SimNode, opts: { sensitive?: boolean } = {}): string[] {
  return listResources(node, "meta", RD_TYPE).flatMap((rd) => {
    const type = /^type: (.*)$/m.exec(rd.spec)![1];
    const ns = /^defaultNamespace: (.*)$/m.exec(rd.spec)![1];
    const sensitive = /^sensitivity: sensitive$/m.test(rd.spec);
    if (sensitive && opts.sensitive === false) return [];
    return listResources(node, ns, type).length > 0 ? [`resources/${rd.id}.yaml`] : [];
  });
}

/** The kube-system pods with a running or exited container (pause sandboxes left out). */
function podLogs(node: SimNode): string[] {
  return nodeSystem(node).containers["k8s.io"]
    .filter((c) => c.status !== "SANDBOX_READY" && c.podId.startsWith("kube-system/"))
    .map((c) => `kubernetes-logs/${c.podId}${c.pid === 0 ? "-exited" : ""}.log`);
}

/** The entries of a node, in collection order (one worker). */
function nodeEntries(node: SimNode, opts: { sensitive?: boolean; devices?: boolean } = {}) {
  return [
    "dmesg.log",
    "controller-runtime.log",
    "dns-resolve-cache.log",
    "dependencies.dot",
    "mounts",
    ...(opts.devices === false ? [] : ["devices"]),
    "io",
    "processes",
    "summary",
    ...resourceFiles(node, opts),
    ...podLogs(node),
    ...node.services.flatMap((s) => [`service-logs/${s.id}.log`, `service-logs/${s.id}.state`]),
  ].map((e) => `${node.address}/${e}`);
}

/** How many items the node has (a definition without resources is an item without a file). */
function items(node: SimNode): number {
  return 9 + listResources(node, "meta", RD_TYPE).length + podLogs(node).length +
    2 * node.services.length;
}

/** The plain progress line of a node whose items all succeeded (or `failed` of them did not). */
function done(node: SimNode, failed = 0): string {
  const n = items(node);
  return `${node.address}: ${n - failed} of ${n} items collected${
    failed ? `, ${failed} failed` : ""
  }`;
}

Deno.test("support: one node, the archive's layout and contents", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path);
  const { cfg, nodes: [cp] } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "bundle.zip"],
    { cwd: dir.path, now: NOW },
  );
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    [
      "cluster: 2 of 2 items collected",
      done(cp),
      "Support bundle is written to bundle.zip",
      "",
    ].join("\n"),
  );
  assertEquals(r.code, 0);
  const zip = `${dir.path}/bundle.zip`;
  assertEquals((await Deno.stat(zip)).mode! & 0o777, 0o600);
  assertEquals(await entries(zip), [...CLUSTER_ENTRIES, ...nodeEntries(cp)]);
  const uid = /uid: [0-9a-f-]{36}/g;
  assertEquals(
    (await entry(zip, "kubernetesResources/nodes.yaml")).replace(uid, "uid: U"),
    [
      "items:",
      ...["10.5.0.2", "10.5.0.3"].flatMap((a, i) => [
        "- apiVersion: v1",
        "  kind: Node",
        "  metadata:",
        '    creationTimestamp: "2024-01-01T00:00:00Z"',
        "    labels:",
        `      kubernetes.io/hostname: talos-${a.replace(/\./g, "-")}`,
        ...(i === 0 ? ['      node-role.kubernetes.io/control-plane: ""'] : []),
        `    name: talos-${a.replace(/\./g, "-")}`,
        `    resourceVersion: "${i + 3}"`,
        "    uid: U",
        "  spec: {}",
        "  status:",
        "    addresses:",
        `    - address: ${a}`,
        "      type: InternalIP",
        `    - address: talos-${a.replace(/\./g, "-")}`,
        "      type: Hostname",
        "    conditions:",
        '    - status: "True"',
        "      type: Ready",
        "    nodeInfo:",
        "      kubeletVersion: v1.30.0",
      ]),
      "metadata:",
      '  resourceVersion: "13"',
      "",
    ].join("\n"),
  );
  const pods = await entry(zip, "kubernetesResources/systemPods.yaml");
  assert(pods.startsWith("items:\n- apiVersion: v1\n  kind: Pod\n"), pods);
  assertEquals(pods.match(/^ {2}kind: Pod$/gm)?.length, 7);
  assertStringIncludes(
    pods,
    "    name: kube-apiserver-talos-10-5-0-2\n    namespace: kube-system\n",
  );

  assertEquals(
    await entry(zip, "10.5.0.2/dmesg.log"),
    "kern:    info: [2024-01-01T00:00:00.000000Z]: Linux version 6.1.58-talos\n" +
      "kern:  notice: [2024-01-01T00:00:00.100000Z]: Command line: talos.platform=metal\n",
  );
  assertEquals(await entry(zip, "10.5.0.2/devices"), PCI);
  const note = 'fillcolor="azure2",shape="note",style="filled"';
  const res = (n: number, id: string) =>
    `\t\tn${n}[${note.replace(",shape", `,label="network/${id}",shape`)}];`;
  assertEquals(
    await entry(zip, "10.5.0.2/dependencies.dot"),
    [
      "digraph  {",
      "\tsubgraph cluster_s3 {",
      '\t\tlabel="AddressStatuses.net.talos.dev";',
      res(4, "AddressStatuses.net.talos.dev/eth0/10.5.0.2/24"),
      res(5, "AddressStatuses.net.talos.dev/lo/127.0.0.1/8"),
      res(6, "AddressStatuses.net.talos.dev/lo/::1/128"),
      "\t\t",
      "\t}",
      "\tsubgraph cluster_s7 {",
      '\t\tlabel="LinkStatuses.net.talos.dev";',
      res(8, "LinkStatuses.net.talos.dev/eth0"),
      res(9, "LinkStatuses.net.talos.dev/lo"),
      "\t\t",
      "\t}",
      "\t",
      '\tn1[label="network.AddressStatusController",shape="box"];',
      '\tn2[label="network.LinkStatusController",shape="box"];',
      '\tn1->n4[style="solid"];',
      '\tn1->n5[style="solid"];',
      '\tn1->n6[style="solid"];',
      '\tn2->n8[style="solid"];',
      '\tn2->n9[style="solid"];',
      '\tn8->n1[style="dotted"];',
      "\t",
      "}",
      "",
    ].join("\n"),
  );
  assertEquals(
    await entry(zip, "10.5.0.2/service-logs/etcd.log"),
    "etcd log of 10.5.0.2\n",
  );
  assertEquals(
    await entry(zip, "10.5.0.2/kubernetes-logs/kube-system/kube-proxy-10502.log"),
    "kube-proxy container log\n",
  );
  assertEquals(
    await entry(zip, "10.5.0.2/service-logs/etcd.state"),
    [
      "ID       etcd",
      "STATE    Running",
      "HEALTH   OK",
      "EVENTS   [Running]: Health check successful (1h0m0s ago)",
      "         [Preparing]: Starting service (1h0m2s ago)",
      "",
    ].join("\n"),
  );
  assertEquals(
    await entry(zip, "10.5.0.2/mounts"),
    [
      "FILESYSTEM   SIZE(GB)   USED(GB)   AVAILABLE(GB)   PERCENT USED   MOUNTED ON",
      "/dev/loop0   0.08       0.08       0.00            100.00%        /",
      "tmpfs        4.29       0.00       4.29            0.03%          /run",
      "/dev/sda5    0.10       0.01       0.09            6.84%          /system/state",
      "/dev/sda6    21.47      5.37       16.11           25.00%         /var",
      "",
    ].join("\n"),
  );
  assertEquals(
    await entry(zip, "10.5.0.2/io"),
    [
      "NAME    IO_TIME   IO_TIME_WEIGHTED   DISK_WRITE_SECTORS   DISK_READ_SECTORS",
      "loop0   1333      1370               1222                 1074",
      "sda     2333      2370               2222                 2074",
      "sda1    3333      3370               3222                 3074",
      "sda5    4333      4370               4222                 4074",
      "sda6    5333      5370               5222                 5074",
      "sr0     6333      6370               6222                 6074",
      "",
    ].join("\n"),
  );
  const ps = (await entry(zip, "10.5.0.2/processes")).split("\n");
  assertEquals(ps[0], "PID      STATE   THREADS   CPU-TIME   VIRTMEM   RESMEM    COMMAND");
  assertEquals(
    ps[3],
    "   700   S          8         30.12    168 MB     45 MB   /bin/containerd --address /system/run/containerd/containerd.sock",
  );
  assertEquals(ps.at(-2), "     2   S          1          0.01    124 kB    8.2 kB   kthreadd");
  const summary = await entry(zip, "10.5.0.2/summary");
  assert(summary.startsWith("Client:\n\tTag:         v"), summary);
  assert(
    summary.endsWith(
      "Server:\n\tTag:         v1.5.5\n\tSHA:         ad7361c7\n\tBuilt:       \n" +
        "\tGo version:  go1.20.10\n\tOS/Arch:     linux/amd64\n",
    ),
    summary,
  );
  // Sensitive types keep their metadata, never their spec.
  assertEquals(
    await entry(zip, "10.5.0.2/resources/machineconfigs.config.talos.dev.yaml"),
    [
      "metadata:",
      "    namespace: config",
      "    type: MachineConfigs.config.talos.dev",
      "    id: v1alpha1",
      "    version: 1",
      "    owner:",
      "    phase: running",
      "    created: 2024-06-01T11:00:00Z",
      "    updated: 2024-06-01T11:00:00Z",
      "    annotations:",
      "        talos.dev/yaml-spec: 1",
      "spec: <REDACTED>",
      "",
    ].join("\n"),
  );
  const services = await entry(zip, "10.5.0.2/resources/services.v1alpha1.talos.dev.yaml");
  assertEquals(services.split("\n---\n").length, 8);
  assert(
    services.startsWith(
      "metadata:\n    namespace: runtime\n    type: Services.v1alpha1.talos.dev\n    id: apid\n",
    ),
    services,
  );
  assertStringIncludes(services, "\nspec:\n    running: true\n    healthy: true\n");
  // Timestamps of the entries are the run's.
  assertStringIncludes((await runTool("unzip", ["-l", zip])).stdout, "2024-06-01");
});

Deno.test("support: several nodes and workers, every node under its own folder", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  const nodes = [
    simNode("10.5.0.2", {}, NOW),
    simNode("10.5.0.3", { controlPlane: false }, NOW),
    simNode("10.5.0.4", { controlPlane: false }, NOW),
  ];
  await using env = await setup(dir.path, { nodes });
  const { cfg, emu } = env;
  const r = await run([
    "support",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3,10.5.0.4",
    "--no-encryption",
    "-O",
    `${dir.path}/out/all.zip`,
    "-w",
    "5",
  ], { cwd: "/", now: NOW }).catch((e) => e);
  // The directory of -O must exist, as for upstream.
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, `open ${dir.path}/out/all.zip: no such file or directory\n`);
  await Deno.mkdir(`${dir.path}/out`);
  const ok = await run([
    "support",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3,10.5.0.4",
    "--no-encryption",
    "-O",
    `${dir.path}/out/all.zip`,
    "-w",
    "5",
  ], { cwd: "/", now: NOW });
  assertEquals(ok.code, 0);
  const lines = ok.stderr.split("\n");
  assertEquals(
    lines.slice(0, 4).sort(),
    [
      ...nodes.map((n) => done(n)),
      "cluster: 2 of 2 items collected",
    ].sort(),
  );
  assertEquals(lines.slice(4), [`Support bundle is written to ${dir.path}/out/all.zip`, ""]);
  const got = await entries(`${dir.path}/out/all.zip`);
  const want = [
    ...CLUSTER_ENTRIES,
    ...nodes.flatMap((n) => nodeEntries(n)),
  ];
  // Five workers finish in any order: the same set of entries.
  assertEquals([...got].sort(), [...want].sort());
  for (const n of ["10.5.0.3", "10.5.0.4"]) {
    assertEquals(
      await entry(`${dir.path}/out/all.zip`, `${n}/service-logs/apid.log`),
      `apid log of ${n}\n`,
    );
  }
  // Every call went to its own node.
  const dmesgCalls = emu.calls.filter((c) => c.path === "/machine.MachineService/Dmesg");
  assertEquals(dmesgCalls.map((c) => c.node).sort(), ["10.5.0.2", "10.5.0.3", "10.5.0.4"]);
});

Deno.test("support: a node down is reported, the others are collected, exit 1", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  const nodes = [simNode("10.5.0.2", {}, NOW), simNode("10.5.0.3", { controlPlane: false }, NOW)];
  nodes[1].faults.down = true;
  await using env = await setup(dir.path, { nodes });
  const { cfg } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3", "--no-encryption", "-O", "b.zip"],
    { cwd: dir.path, now: NOW },
  );
  assertEquals(r.code, 1);
  const down =
    `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"`;
  assertEquals(
    r.stderr,
    [
      "cluster: 2 of 2 items collected",
      done(nodes[0]),
      "10.5.0.3: 0 of 9 items collected, 9 failed",
      "Processed with errors:",
      "   SOURCE     ERROR",
      `   10.5.0.3   error reading from stream: ${down}`,
      `   10.5.0.3   error reading from stream: ${down}`,
      `   10.5.0.3   error reading from stream: ${down}`,
      `   10.5.0.3   error getting controller runtime dependencies: ${down}`,
      `   10.5.0.3   error getting mounts: ${down}`,
      `   10.5.0.3   ${down}`,
      `   10.5.0.3   ${down}`,
      `   10.5.0.3   ${down}`,
      `   10.5.0.3   ${down}`,
      "Support bundle is written to b.zip",
      `failed to create collectors: error creating collectors for node 10.5.0.3: error creating resource collectors: ${down}`,
      `error creating kubernetes log collectors: ${down}`,
      `error creating service log collectors: ${down}`,
      "",
    ].join("\n"),
  );
  assertEquals(await entries(`${dir.path}/b.zip`), [
    ...CLUSTER_ENTRIES,
    ...nodeEntries(nodes[0]),
  ]);
});

Deno.test("support: a reader gets what readers may read; denials are listed", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path, { roles: ["os:reader"] });
  const { cfg } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.3", "--no-encryption", "-O", "r.zip"],
    { cwd: dir.path, now: NOW },
  );
  const denied = "rpc error: code = PermissionDenied desc = not authorized";
  assertEquals(
    r.stderr,
    [
      done(env.nodes[1], 2),
      "Processed with errors:",
      "   SOURCE     ERROR",
      `   10.5.0.3   ${denied}`,
      `   10.5.0.3   ${denied}`,
      "Support bundle is written to r.zip",
      // The admin kubeconfig is for os:admin only.
      `failed to create kubernetes client: ${denied}`,
      "",
    ].join("\n"),
  );
  assertEquals(r.code, 1);
  const got = await entries(`${dir.path}/r.zip`);
  // /proc/bus/pci/devices needs os:admin, and so does a sensitive type.
  assertEquals(
    got,
    nodeEntries(env.nodes[1], { devices: false, sensitive: false }),
  );
});

Deno.test("support: a role without access to nodes gets an empty archive and the reasons", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path, { roles: ["os:etcd:backup"] });
  const { cfg } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.3", "--no-encryption", "-O", "e.zip"],
    { cwd: dir.path, now: NOW },
  );
  const denied = "rpc error: code = PermissionDenied desc = not authorized";
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "10.5.0.3: 0 of 9 items collected, 9 failed\n");
  assertStringIncludes(
    r.stderr,
    `failed to create kubernetes client: ${denied}\n` +
      `failed to create collectors: error creating collectors for node 10.5.0.3: error creating resource collectors: ${denied}\n` +
      `error creating kubernetes log collectors: ${denied}\nerror creating service log collectors: ${denied}\n`,
  );
  const t = await runTool("unzip", ["-l", `${dir.path}/e.zip`], { allowFail: true });
  assertStringIncludes(t.stdout + t.stderr, "zipfile is empty");
});

/** The age header's stanza lines of an encrypted file. */
async function stanzas(path: string): Promise<string[]> {
  const head = new TextDecoder().decode((await Deno.readFile(path)).subarray(0, 64 * 1024));
  return head.split("\n---")[0].split("\n").filter((l) => l.startsWith("-> "));
}

async function sshTag(key: string): Promise<string> {
  const blob = Uint8Array.from(atob(key.split(" ")[1]), (c) => c.charCodeAt(0));
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", blob));
  return btoa(String.fromCharCode(...sum.subarray(0, 4))).replace(/=+$/, "");
}

Deno.test("support: encrypted by default to the default recipients, named after the cluster", async () => {
  await using dir = await tempDir();
  const nodes = [simNode("10.5.0.2", {}, NOW)];
  await using env = await setup(dir.path, { nodes });
  const { cfg } = env;
  const { registerType, putSpec } = await import("./emulator/mod.ts");
  registerType(nodes[0], {
    type: "Infos.cluster.talos.dev",
    displayType: "Info",
    defaultNamespace: "cluster",
  }, NOW);
  putSpec(
    nodes[0],
    "cluster",
    "Infos.cluster.talos.dev",
    "current",
    {
      clusterId: "c1",
      clusterName: "prod",
    },
    {},
    NOW,
  );
  const r = await run(["support", "--talosconfig", cfg, "-n", "10.5.0.2"], {
    cwd: dir.path,
    now: NOW,
  });
  assertEquals(r.code, 0, r.stderr);
  const { DEFAULT_RECIPIENTS } = await import("../commands/support/recipients.ts");
  assertEquals(
    r.stderr,
    [
      "Encrypting support bundle to the following recipients:",
      ...DEFAULT_RECIPIENTS.map((d) => `  - ${d.who}`),
      "cluster: 2 of 2 items collected",
      done(nodes[0]),
      "Support bundle is written to support-prod.zip.age",
      "",
    ].join("\n"),
  );
  assertStringIncludes(r.stderr, "  - smira (Andrey Smirnov)\n");
  const path = `${dir.path}/support-prod.zip.age`;
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const got = await stanzas(path);
  const keys = DEFAULT_RECIPIENTS.flatMap((d) => d.keys);
  assertEquals(got.length, keys.length);
  for (const [i, key] of keys.entries()) {
    const [type] = key.split(" ");
    assert(got[i].startsWith(`-> ${type} ${await sshTag(key)}`), `${got[i]} for ${key}`);
  }
});

Deno.test("support: encrypted to the user's own SSH key only, opened with age and unzip", async () => {
  if (!(await haveTool("unzip", ["-v"])) || !(await haveTool("age"))) return;
  if (!(await haveTool("ssh-keygen", ["-?"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path);
  const { cfg } = env;
  await runTool("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "me",
    "-f",
    `${dir.path}/id`,
  ]);
  const pub = (await Deno.readTextFile(`${dir.path}/id.pub`)).trim();
  const r = await run([
    "support",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2",
    "--encryption-recipients",
    pub,
    "--encryption-no-default-recipients",
    "-O",
    "mine.zip.age",
  ], { cwd: dir.path, now: NOW });
  assertEquals(r.code, 0, r.stderr);
  assert(
    r.stderr.startsWith(`Encrypting support bundle to the following recipients:\n  - ${pub}\n`),
    r.stderr,
  );
  const enc = `${dir.path}/mine.zip.age`;
  assertEquals((await stanzas(enc)).length, 1);
  await runTool("age", ["-d", "-i", `${dir.path}/id`, "-o", `${dir.path}/mine.zip`, enc]);
  assertEquals(await entries(`${dir.path}/mine.zip`), [
    ...CLUSTER_ENTRIES,
    ...nodeEntries(env.nodes[0]),
  ]);
  assertEquals(await entry(`${dir.path}/mine.zip`, "10.5.0.2/devices"), PCI);
});

Deno.test("support: encryption flags that contradict each other, bad recipients", async () => {
  await using dir = await tempDir();
  await using env = await setup(dir.path);
  const { cfg } = env;
  const sup = (...args: string[]) =>
    run(["support", "--talosconfig", cfg, "-n", "10.5.0.2", ...args], { cwd: dir.path, now: NOW });
  const both = await sup("--no-encryption", "--encryption-recipients", "age1x");
  assertEquals(both.code, 1);
  assertEquals(
    both.stderr,
    "--encryption-recipients and --encryption-no-default-recipients cannot be used with --no-encryption\n",
  );
  const none = await sup("--encryption-no-default-recipients");
  assertEquals(none.code, 1);
  assertEquals(
    none.stderr,
    "no recipients to encrypt to: --encryption-no-default-recipients is set but no --encryption-recipients provided\n",
  );
  const bad = await sup("--encryption-recipients", "ssh-dss AAAAB3NzaC1kc3M=");
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    `failed to parse recipient "ssh-dss AAAAB3NzaC1kc3M=": unknown SSH recipient type: "ssh-dss"\n`,
  );
  // Nothing was written.
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name), ["talosconfig"]);
});

Deno.test("support: an existing output file is replaced only when the user says so", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path);
  const { cfg } = env;
  const path = `${dir.path}/b.zip`;
  await Deno.writeTextFile(path, "keep me");
  const sup = (stdin: string) =>
    run(["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "b.zip"], {
      cwd: dir.path,
      now: NOW,
      stdin,
    });
  const no = await sup("n\n");
  assertEquals(no.code, 1);
  assertEquals(no.stderr, "b.zip already exists, overwrite? [y/N]: operation aborted\n");
  assertEquals(await Deno.readTextFile(path), "keep me");
  // No answer, or one without its newline: talosctl's ReadString('\n') fails with EOF.
  for (const stdin of ["", "y"]) {
    const eof = await sup(stdin);
    assertEquals(eof.code, 1);
    assertEquals(
      eof.stderr,
      'b.zip already exists, overwrite? [y/N]: EOF: no answer line on standard input to replace b.zip; answer "y", or choose another file with -O\n',
    );
    assertEquals(await Deno.readTextFile(path), "keep me");
  }
  // A directory is refused as talosctl's OpenFile refuses it, right after the answer.
  await Deno.mkdir(`${dir.path}/d.zip`);
  const calls = env.emu.calls.length;
  const d = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "d.zip"],
    { cwd: dir.path, now: NOW, stdin: "y\n" },
  );
  assertEquals(
    [d.code, d.stdout, d.stderr],
    [1, "", "d.zip already exists, overwrite? [y/N]: open d.zip: is a directory\n"],
  );
  assertEquals(env.emu.calls.length, calls); // nothing collected
  await Deno.remove(`${dir.path}/d.zip`);
  // Only a word "y" says yes, blanks around it trimmed as Go's TrimSpace (NEL is one).
  const nel = await sup("y\u0085\n");
  assertEquals(nel.code, 0, nel.stderr);
  await Deno.writeTextFile(path, "keep me");
  const yes = await sup("Y\n");
  assertEquals(yes.code, 0);
  assert(yes.stderr.startsWith("b.zip already exists, overwrite? [y/N]: cluster: 2 of 2 items"));
  assertEquals((await entries(path)).length, 2 + nodeEntries(env.nodes[0]).length);
  // No temporary file is left behind.
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name).sort(), ["b.zip", "talosconfig"]);
});

Deno.test("support: bars redrawn on a terminal, failures in red", async () => {
  await using dir = await tempDir();
  await using env = await setup(dir.path, { roles: ["os:reader"] });
  const { cfg } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3", "--no-encryption", "-O", "t.zip"],
    { cwd: dir.path, now: NOW, stderrIsTTY: true, stdoutIsTTY: true },
  );
  assertEquals(r.code, 1); // a reader gets no kubeconfig
  assert(
    r.stderr.startsWith(
      "\x1b[2K  --- [------------------]    0% 10.5.0.2: initializing...\n" +
        "\x1b[2K  --- [------------------]    0% 10.5.0.3: initializing...\n\x1b[2A",
    ),
    JSON.stringify(r.stderr.slice(0, 300)),
  );
  const frames = r.stderr.split("\x1b[2A");
  const last = frames.at(-1)!.split("Processed with errors:")[0];
  assertEquals(
    last.replace(/\d+s /g, "Ns "),
    "\x1b[2K   Ns [==================]  100% 10.5.0.2: collect udevd.state\n" +
      "\x1b[2K   Ns [==================]  100% 10.5.0.3: collect udevd.state\n",
  );
  assertStringIncludes(
    r.stderr,
    "   10.5.0.2   \x1b[31mrpc error: code = PermissionDenied desc = not authorized\x1b[0m\n",
  );
  const plain = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "u.zip"],
    { cwd: dir.path, now: NOW, stderrIsTTY: true, stdoutIsTTY: true, env: { NO_COLOR: "1" } },
  );
  assertStringIncludes(
    plain.stderr,
    "   10.5.0.2   rpc error: code = PermissionDenied desc = not authorized\n",
  );
  // fatih/color looks at stdout: with stdout redirected there is no colour, even on a terminal.
  const piped = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "v.zip"],
    { cwd: dir.path, now: NOW, stderrIsTTY: true },
  );
  assertStringIncludes(
    piped.stderr,
    "   10.5.0.2   rpc error: code = PermissionDenied desc = not authorized\n",
  );
});

Deno.test("support -v: each step instead of progress", async () => {
  await using dir = await tempDir();
  await using env = await setup(dir.path);
  const { cfg } = env;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "v.zip", "-v"],
    { cwd: dir.path, now: NOW },
  );
  assertEquals(r.code, 0);
  assertEquals(r.stderr.split("\n").slice(0, 10), [
    "getting kubernetes nodes manifests",
    "getting pods manifests in kube-system namespace",
    "getting system/controller-runtime service logs",
    "getting system/dns-resolve-cache service logs",
    "inspecting controller runtime",
    "getting mounts",
    "reading devices",
    "getting disk stats",
    "getting processes snapshot",
    "getting talos resource network/AddressStatuses.net.talos.dev",
  ]);
  assertStringIncludes(
    r.stderr,
    "getting k8s.io/kube-system/kube-proxy-10502:kube-proxy:5e1f0c3d2b7a service logs\n",
  );
  assertStringIncludes(
    r.stderr,
    "getting system/udevd service logs\nSupport bundle is written to v.zip\n",
  );
  assert(!r.stderr.includes("items collected"));
});

Deno.test("support: no Kubernetes API, the nodes are still collected, exit 1", async () => {
  if (!(await haveTool("unzip", ["-v"]))) return;
  await using dir = await tempDir();
  await using env = await setup(dir.path, { kubernetes: false });
  const { cfg, emu } = env;
  const server = clusterOf(emu).endpoint;
  const r = await run(
    ["support", "--talosconfig", cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "k.zip"],
    { cwd: dir.path, now: NOW },
  );
  assertEquals(r.code, 1);
  const port = new URL(server).port;
  assertEquals(
    r.stderr,
    [
      done(env.nodes[0]),
      "Support bundle is written to k.zip",
      `failed to create kubernetes client: Get "${server}/api/v1/namespaces/kube-system": ` +
      `dial tcp 127.0.0.1:${port}: connect: connection refused`,
      "",
    ].join("\n"),
  );
  assertEquals(await entries(`${dir.path}/k.zip`), nodeEntries(env.nodes[0]));
});

Deno.test("support: Ctrl-C leaves neither a bundle nor temporary files", async () => {
  await using dir = await tempDir();
  const nodes = [simNode("10.5.0.2", {}, NOW)];
  await using env = await setup(dir.path, { nodes });
  nodes[0].faults.delayMs = 200;
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 300);
  const r = await run(
    ["support", "--talosconfig", env.cfg, "-n", "10.5.0.2", "--no-encryption", "-O", "c.zip"],
    { cwd: dir.path, now: NOW, signal: stop.signal },
  );
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "context canceled");
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name), ["talosconfig"]);
});

Deno.test("support: the errors table trims each line of an error as Go's TrimSpace", async () => {
  const { errorsTable } = await import("../commands/support/progress.ts");
  // NEL (U+0085) is a space to Go, a byte order mark is not; JavaScript's trim() has it the other way.
  assertEquals(
    errorsTable([{ source: "10.5.0.2", error: "first\u0085\n  \ufeffsecond " }], false),
    "Processed with errors:\n" +
      "   SOURCE     ERROR\n" +
      "   10.5.0.2   first\n" +
      "              \ufeffsecond\n",
  );
});
