// `upgrade-k8s` refusing to start, each with upstream's words: bad image flags, versions that do
// not parse, an unsupported path, no control plane, a lowest version that cannot be detected,
// Talos versions that do not support the target Kubernetes, and pre-flight checks that find
// removed flags, feature gates, admission plugins and API resources still in use. Nothing is
// pulled or applied in any of these.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  K8S_TYPES,
  machineConfigOf,
  pulls,
  putSpec,
  simNode,
  startEmulator,
  startKubernetes,
} from "./emulator/mod.ts";

const talos = (tag: string) => ({
  tag,
  sha: "",
  built: "",
  goVersion: "go1.22",
  os: "linux",
  arch: "amd64",
});

interface Setup {
  /** Talos version of each node: the first is the control plane, the others workers. */
  versions?: string[];
  k8s?: string;
}

async function cluster(dir: string, s: Setup = {}) {
  const versions = s.versions ?? ["v1.8.0", "v1.8.0"];
  const nodes = versions.map((v, i) =>
    simNode(`10.5.0.${i + 2}`, { controlPlane: i === 0, version: talos(v) })
  );
  const emu = await startEmulator({ nodes });
  const k8s = await startKubernetes(emu, { version: s.k8s ?? "1.30.0" });
  const cfg = await emu.talosconfig(dir, { nodes: ["10.5.0.2"] });
  const configs = nodes.map((n) => machineConfigOf(n));
  /** Nothing pulled, no config changed. */
  const untouched = () => {
    assertEquals(nodes.map((n) => pulls.get(n) ?? []), nodes.map(() => []));
    assertEquals(nodes.map((n) => machineConfigOf(n)), configs);
  };
  return { emu, k8s, nodes, cfg, untouched };
}

const skew = (v: string) =>
  `WARNING: 10.5.0.2: server version ${v} is older than client version 1.13.9\n`;

Deno.test("upgrade-k8s: image flags are checked as image references, in a fixed order", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path);
  await using _e = c.emu;
  await using _k = c.k8s;
  const base = ["upgrade-k8s", "--talosconfig", c.cfg, "--from", "1.30.0", "--to", "1.31.0"];
  const cases: [string[], string][] = [
    [
      ["--proxy-image", "registry.k8s.io/kube proxy", "--apiserver-image", "Registry/Upper"],
      "apiserver: invalid image reference: could not parse reference: Registry/Upper",
    ],
    [
      ["--kubelet-image", "ghcr.io/siderolabs/kubelet:"],
      "kubelet: invalid image reference: could not parse reference: ghcr.io/siderolabs/kubelet:",
    ],
    [
      ["--controller-manager-image", "a@sha256:abc"],
      "controller-manager: invalid image reference: could not parse reference: a@sha256:abc",
    ],
    [
      ["--scheduler-image", ""],
      "scheduler: invalid image reference: could not parse reference: ",
    ],
    [
      ["--proxy-image", "registry.k8s.io/kube-proxy:v1:2"],
      "proxy: invalid image reference: could not parse reference: registry.k8s.io/kube-proxy:v1:2",
    ],
  ];
  for (const [flags, message] of cases) {
    const r = await run([...base, ...flags]);
    assertEquals(r.stderr, `${skew("1.8.0")}invalid upgrade options: ${message}\n`);
    assertEquals(r.stdout, "");
    assertEquals(r.code, 1);
  }
  // Valid references of every form pass: a registry with a port, a digest, tag and digest.
  const digest = "sha256:" + "a".repeat(64);
  const ok = await run([
    ...base,
    "--dry-run",
    "--pre-pull-images=false",
    "--upgrade-kubelet=false",
    "--kubelet-image",
    "localhost:5000/kubelet",
    "--apiserver-image",
    `registry.example.com:443/team/apiserver@${digest}`,
    "--proxy-image",
    "kube-proxy",
  ]);
  assertEquals(ok.code, 0);
  c.untouched();
});

Deno.test("upgrade-k8s: --from/--to that do not parse, and unsupported paths", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path);
  await using _e = c.emu;
  await using _k = c.k8s;
  const cases: [string[], string, string][] = [
    [
      ["--from", "1.x", "--to", "1.31.0"],
      "",
      'error creating upgrade path error parsing from version: Invalid character(s) found in minor number "x"',
    ],
    [
      ["--to", "v1.31.0-rc.01"],
      "automatically detected the lowest Kubernetes version 1.30.0\n",
      'error creating upgrade path error parsing to version: Numeric PreRelease version must not contain leading zeroes "01"',
    ],
    [
      ["--from", "1.30.0", "--to", "1.31-rc"],
      "",
      "error creating upgrade path error parsing to version: Short version cannot contain PreRelease/Build meta data",
    ],
    [
      ["--from", "1.30.0", "--to", "1.31-rc.1"],
      "",
      'error creating upgrade path error parsing to version: Invalid character(s) found in minor number "31-rc"',
    ],
    [
      ["--from", "1.29.0", "--to", "1.31.0"],
      "",
      'unsupported upgrade path 1.29->1.31 (from "1.29.0" to "1.31.0")',
    ],
    [
      ["--to", "1.29.0"],
      "automatically detected the lowest Kubernetes version 1.30.0\n",
      'unsupported upgrade path 1.30->1.29 (from "1.30.0" to "1.29.0")',
    ],
    [
      ["--from", "vv1.37.0", "--to", "v1.38.0"],
      "",
      'unsupported upgrade path 1.37->1.38 (from "1.37.0" to "1.38.0")',
    ],
  ];
  for (const [flags, stdout, message] of cases) {
    const r = await run(["upgrade-k8s", "--talosconfig", c.cfg, ...flags]);
    assertEquals(r.stderr, `${skew("1.8.0")}${message}\n`);
    assertEquals(r.stdout, stdout);
    assertEquals(r.code, 1);
  }
  c.untouched();
});

Deno.test("upgrade-k8s: lowest version detection, and no control plane nodes", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path);
  await using _e = c.emu;
  await using _k = c.k8s;
  const argv = ["upgrade-k8s", "--talosconfig", c.cfg, "--to", "1.31.0", "--dry-run"];
  // The lowest of the four components' tags wins; a tag that does not parse is reported.
  const proxy = c.k8s.get("v1", "Pod", "kube-proxy-1", "kube-system")!;
  proxy.spec.containers[0].image = "registry.k8s.io/kube-proxy:v1.30.0-beta.0";
  c.k8s.put(proxy);
  const sched = c.k8s.get("v1", "Pod", "kube-scheduler-talos-10-5-0-2", "kube-system")!;
  sched.spec.containers[0].image = "registry.k8s.io/kube-scheduler:v1.x";
  c.k8s.put(sched);
  // Not one of the four: ignored however old.
  const dns = c.k8s.get("v1", "Pod", "coredns-0", "kube-system")!;
  dns.spec.containers[0].image = "registry.k8s.io/coredns/coredns:v0.1.0";
  c.k8s.put(dns);
  // Master removed from the control plane: no control plane nodes.
  const cp = c.k8s.get("v1", "Node", "talos-10-5-0-2")!;
  delete cp.metadata.labels["node-role.kubernetes.io/control-plane"];
  c.k8s.put(cp);
  const r = await run(argv);
  assertEquals(r.stdout.split("\n"), [
    'failed to parse kube-scheduler container version Invalid character(s) found in minor number "x"',
    "automatically detected the lowest Kubernetes version 1.30.0-beta.0",
    "",
  ]);
  assertEquals(r.stderr, `${skew("1.8.0")}no controlplane nodes discovered\n`);
  assertEquals(r.code, 1);

  // No component pods at all: nothing to detect from.
  for (const p of c.k8s.list(c.k8s.typeOf("v1", "Pod")!, "kube-system")) {
    c.k8s.delete("v1", "Pod", p.metadata.name, "kube-system");
  }
  const none = await run(argv);
  assertEquals(none.stdout, "");
  assertEquals(
    none.stderr,
    `${skew("1.8.0")}error detecting the lowest Kubernetes version failed to detect lowest ` +
      "Kubernetes version\n",
  );
  assertEquals(none.code, 1);
  c.untouched();
});

Deno.test("upgrade-k8s: every node's Talos must support the target Kubernetes version", async () => {
  const cases: [Setup & { to: string }, string][] = [
    [
      { versions: ["v1.9.0", "v1.8.0"], k8s: "1.31.0", to: "1.32.0" },
      'node "10.5.0.3": version of Kubernetes 1.32.0 is too new to be used with Talos 1.8.0',
    ],
    [
      { versions: ["v1.12.0", "v1.12.1"], k8s: "1.29.0", to: "1.29.1" },
      'node "10.5.0.2": version of Kubernetes 1.29.1 is too old to be used with Talos 1.12.0',
    ],
    [
      { versions: ["v1.8.0", "v1.1.0"], to: "1.31.0" },
      'node "10.5.0.3": compatibility with version 1.1.0 is not supported',
    ],
    [
      { versions: ["v1.16.0-alpha.0", "v1.14.0"], k8s: "1.36.0", to: "1.37.0-rc.1" },
      'node "10.5.0.2": compatibility with version 1.16.0-alpha.0 is not supported',
    ],
    [
      { versions: ["v1.8.0", "garbage"], to: "1.31.0" },
      'node "10.5.0.3": Invalid character(s) found in major number "0garbage"',
    ],
  ];
  for (const [setup, message] of cases) {
    await using dir = await tempDir();
    const c = await cluster(dir.path, setup);
    await using _e = c.emu;
    await using _k = c.k8s;
    const r = await run(["upgrade-k8s", "--talosconfig", c.cfg, "--to", setup.to]);
    const cp = setup.versions![0].replace(/^v/, "");
    assertEquals(r.stdout.split("\n"), [
      `automatically detected the lowest Kubernetes version ${setup.k8s ?? "1.30.0"}`,
      'discovered controlplane nodes ["10.5.0.2"]',
      'discovered worker nodes ["10.5.0.3"]',
      "",
    ]);
    const warning = cp.startsWith("1.16") ? "" : skew(cp);
    assertEquals(r.stderr, `${warning}${message}\n`);
    assertEquals(r.code, 1);
    c.untouched();
  }
});

Deno.test("upgrade-k8s: a node whose version cannot be read stops the upgrade", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path);
  await using _e = c.emu;
  await using _k = c.k8s;
  c.nodes[1].faults.down = true;
  const r = await run(["upgrade-k8s", "--talosconfig", c.cfg, "--to", "1.31.0"]);
  assertEquals(
    r.stderr,
    skew("1.8.0") +
      'node "10.5.0.3": rpc error: code = Unavailable desc = connection error: desc = ' +
      '"transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
  assertEquals(r.code, 1);
});

/** A static pod as Talos renders it, with the command given. */
function staticPodSpec(app: string, command: string[]) {
  return {
    pod: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: app, namespace: "kube-system" },
      spec: { containers: [{ name: app, image: `registry.k8s.io/${app}:v1.24.0`, command }] },
    },
  };
}

Deno.test("upgrade-k8s: pre-flight checks report what the target version removed", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path, { versions: ["v1.6.0", "v1.6.0"], k8s: "1.24.0" });
  await using _e = c.emu;
  await using _k = c.k8s;
  const cp = c.nodes[0];
  putSpec(
    cp,
    "k8s",
    K8S_TYPES.staticPod,
    "kube-apiserver",
    staticPodSpec("kube-apiserver", [
      "/usr/local/bin/kube-apiserver",
      "--enable-admission-plugins=NodeRestriction,PodSecurityPolicy",
      "--feature-gates=SelectorIndex=true,ServerSideApply=true,PodDisruptionBudget=false",
      "--service-account-api-audiences=x",
      // Only the first --feature-gates flag counts, as upstream reads it.
      "--feature-gates=CSIVolumeFSGroupPolicy=true",
    ]),
  );
  putSpec(
    cp,
    "k8s",
    K8S_TYPES.staticPod,
    "kube-controller-manager",
    staticPodSpec("kube-controller-manager", [
      "/usr/local/bin/kube-controller-manager",
      "--register-retry-count=3",
      "--deleting-pods-qps",
      "--deleting-pods-burst-extra=1",
      "--feature-gates=ConfigurableFSGroupPolicy=true",
    ]),
  );
  c.k8s.intercept = (req) => {
    if (req.method === "GET" && req.path === "/apis/policy/v1beta1/podsecuritypolicies") {
      const psp = (name: string) => ({ metadata: { name } });
      return {
        status: 200,
        body: {
          kind: "PodSecurityPolicyList",
          apiVersion: "policy/v1beta1",
          metadata: { resourceVersion: "7" },
          items: [psp("privileged"), psp("restricted")],
        },
      };
    }
    return undefined;
  };
  const r = await run(["upgrade-k8s", "--talosconfig", c.cfg, "--to", "1.25.0"]);
  assertEquals(r.stdout.split("\n"), [
    "automatically detected the lowest Kubernetes version 1.24.0",
    'discovered controlplane nodes ["10.5.0.2"]',
    'discovered worker nodes ["10.5.0.3"]',
    '> "10.5.0.2": Talos version 1.6.0 is compatible with Kubernetes version 1.25.0',
    '> "10.5.0.3": Talos version 1.6.0 is compatible with Kubernetes version 1.25.0',
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
    "",
  ]);
  assertEquals(
    r.stderr,
    skew("1.6.0") +
      [
        "",
        "NODE       COMPONENT        REMOVED ADMISSION PLUGIN",
        "10.5.0.2   kube-apiserver   PodSecurityPolicy",
        "",
        "NODE       COMPONENT                 REMOVED FEATURE GATE",
        "10.5.0.2   kube-apiserver            PodDisruptionBudget",
        "10.5.0.2   kube-apiserver            SelectorIndex",
        "10.5.0.2   kube-controller-manager   ConfigurableFSGroupPolicy",
        "",
        "NODE       COMPONENT                 REMOVED FLAG",
        "10.5.0.2   kube-apiserver            service-account-api-audiences",
        "10.5.0.2   kube-controller-manager   deleting-pods-qps",
        "10.5.0.2   kube-controller-manager   register-retry-count",
        "",
        "REMOVED RESOURCE                     COUNT   ",
        "podsecuritypolicies.v1beta1.policy   2       ",
        "",
      ].join("\n") + "\n",
  );
  assertEquals(r.code, 1);
  c.untouched();
});

Deno.test("upgrade-k8s: pre-flight checks: kubelet flags on every node, several removed resources", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path, { versions: ["v1.14.0", "v1.14.0", "v1.14.0"], k8s: "1.36.0" });
  await using _e = c.emu;
  await using _k = c.k8s;
  const kubeletArgs = (extra: string[]) => ({
    image: "ghcr.io/siderolabs/kubelet:v1.36.0",
    args: ["--config=/etc/kubernetes/kubelet.yaml", ...extra],
  });
  putSpec(c.nodes[0], "k8s", K8S_TYPES.kubeletSpec, "kubelet", kubeletArgs(["--containerd=/x"]));
  putSpec(
    c.nodes[2],
    "k8s",
    K8S_TYPES.kubeletSpec,
    "kubelet",
    kubeletArgs(["--boot-id-file=/a", "--machine-id-file", "--storage-driver-db=x"]),
  );
  const lists: Record<string, number> = {
    "/apis/scheduling.k8s.io/v1alpha2/workloads": 1,
    "/apis/scheduling.k8s.io/v1alpha2/podgroups": 3,
  };
  c.k8s.intercept = (req) => {
    const n = lists[req.path];
    if (req.method !== "GET" || n === undefined) return undefined;
    const items = Array.from({ length: n }, (_, i) => ({ metadata: { name: `x${i}` } }));
    return { status: 200, body: { kind: "List", apiVersion: "v1", metadata: {}, items } };
  };
  const r = await run(["upgrade-k8s", "--talosconfig", c.cfg, "--to", "1.37.0"]);
  assertEquals(r.stdout.split("\n").slice(-3), [
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
    "",
  ]);
  assertEquals(
    r.stderr,
    // 1.14 nodes are newer than this client: no skew warning.
    [
      "",
      "NODE       COMPONENT   REMOVED FLAG",
      "10.5.0.2   kubelet     containerd",
      "10.5.0.4   kubelet     boot-id-file",
      "10.5.0.4   kubelet     machine-id-file",
      "10.5.0.4   kubelet     storage-driver-db",
      "",
      "REMOVED RESOURCE                       COUNT   ",
      "workloads.v1alpha2.scheduling.k8s.io   1       ",
      "podgroups.v1alpha2.scheduling.k8s.io   3       ",
      "",
    ].join("\n") + "\n",
  );
  assertEquals(r.code, 1);
  c.untouched();
});

Deno.test("upgrade-k8s: without the admin role the cluster's kubeconfig cannot be had", async () => {
  await using dir = await tempDir();
  const c = await cluster(dir.path);
  await using _e = c.emu;
  await using _k = c.k8s;
  await Deno.mkdir(`${dir.path}/operator`);
  const reader = await c.emu.talosconfig(`${dir.path}/operator`, {
    nodes: ["10.5.0.2"],
    roles: ["os:operator"],
  });
  const detect = await run(["upgrade-k8s", "--talosconfig", reader, "--to", "1.31.0"]);
  assertEquals(
    detect.stderr,
    skew("1.8.0") +
      "error detecting the lowest Kubernetes version error building kubernetes client: " +
      "rpc error: code = PermissionDenied desc = not authorized\n",
  );
  const given = await run([
    "upgrade-k8s",
    "--talosconfig",
    reader,
    "--from",
    "1.30.0",
    "--to",
    "1.31.0",
  ]);
  assertEquals(
    given.stderr,
    skew("1.8.0") +
      "error building kubernetes client: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals([detect.code, given.code, detect.stdout, given.stdout], [1, 1, "", ""]);
  c.untouched();
});
