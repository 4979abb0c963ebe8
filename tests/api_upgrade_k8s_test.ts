// `upgrade-k8s` against the emulator and the Kubernetes API double: the plan in dry-run mode,
// and a real control-plane upgrade through machine config patches (ApplyConfiguration).

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { Code, ConnectError } from "@connectrpc/connect";
import { MachineService } from "../gen/machine/machine_pb.ts";
import { decodeConfig } from "../machineconfig/patch/mod.ts";
import { machineConfigSchema } from "../machineconfig/registry.ts";
import { encodeConfig } from "../machineconfig/encode.ts";
import { commentDecorator } from "../machineconfig/docs.ts";
import {
  followConfigChanges,
  K8S_TYPES,
  machineConfigOf,
  type NodeCall,
  pulls,
  putSpec,
  resourceStore,
  setMachineConfig,
  type SimNode,
  simNode,
  startEmulator,
  startKubernetes,
} from "./emulator/mod.ts";

const TALOS = {
  tag: "v1.8.0",
  sha: "",
  built: "",
  goVersion: "go1.22",
  os: "linux",
  arch: "amd64",
};

async function cluster(dir: string) {
  const nodes = [
    simNode("10.5.0.2", { version: TALOS }),
    simNode("10.5.0.3", { controlPlane: false, version: TALOS }),
  ];
  const emu = await startEmulator({ nodes });
  const k8s = await startKubernetes(emu, { version: "1.30.0" });
  const cfg = await emu.talosconfig(dir, { nodes: ["10.5.0.2"] });
  return { emu, k8s, nodes, cfg };
}

const SKEW = "WARNING: 10.5.0.2: server version 1.8.0 is older than client version 1.13.9\n";

const head = [
  "automatically detected the lowest Kubernetes version 1.30.0",
  'discovered controlplane nodes ["10.5.0.2"]',
];

Deno.test("upgrade-k8s --dry-run: the plan, pre-pulls, nothing applied", async () => {
  await using dir = await tempDir();
  const { emu, k8s, nodes, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const before = machineConfigOf(nodes[0]);
  const r = await run(["upgrade-k8s", "--talosconfig", cfg, "--to", "1.31.0", "--dry-run"]);
  assertEquals(r.stderr, SKEW);
  const cpUpdate = (app: string) => [
    `updating "${app}" to version "1.31.0"`,
    ' > "10.5.0.2": starting update',
    ` > update ${app}: 1.30.0 -> 1.31.0`,
    " > skipped in dry-run",
  ];
  assertEquals(r.stdout.split("\n"), [
    ...head,
    'discovered worker nodes ["10.5.0.3"]',
    '> "10.5.0.2": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    '> "10.5.0.3": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-apiserver:v1.31.0',
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-controller-manager:v1.31.0',
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-scheduler:v1.31.0',
    ' > "10.5.0.2": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ' > "10.5.0.3": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ...cpUpdate("kube-apiserver"),
    ...cpUpdate("kube-controller-manager"),
    ...cpUpdate("kube-scheduler"),
    'updating kube-proxy to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    " > skipped in dry-run",
    'updating kubelet to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    " > update kubelet: 1.30.0 -> 1.31.0",
    " > skipped in dry-run",
    ' > "10.5.0.3": starting update',
    " > update kubelet: 1.30.0 -> 1.31.0",
    " > skipped in dry-run",
    "updating manifests",
    "",
  ]);
  assertEquals(r.code, 0);
  assertEquals(machineConfigOf(nodes[0]), before);
  assertEquals(pulls.get(nodes[1]), ["1:ghcr.io/siderolabs/kubelet:v1.31.0"]);
});

Deno.test("upgrade-k8s: control plane patched through ApplyConfiguration, pods followed to ready", async () => {
  await using dir = await tempDir();
  const { emu, k8s, nodes, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  // The API server drops the first watch on the scheduler's pods: logged, then listed again.
  let dropped = false;
  k8s.intercept = (req) => {
    if (
      dropped || !req.query.get("watch") || !req.query.get("labelSelector")?.endsWith("scheduler")
    ) {
      return undefined;
    }
    dropped = true;
    const message = "the server is currently unable to handle the request";
    return {
      status: 503,
      body: {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message,
        reason: "ServiceUnavailable",
        code: 503,
      },
    };
  };
  followConfigChanges(emu, k8s);
  const workerConfig = machineConfigOf(nodes[1]);
  const r = await run([
    "upgrade-k8s",
    "--talosconfig",
    cfg,
    "--to",
    "1.31.0",
    "--pre-pull-images=false",
    "--upgrade-kubelet=false",
  ]);
  assertEquals(r.stderr, SKEW);
  const update = (app: string) => [
    `updating "${app}" to version "1.31.0"`,
    ' > "10.5.0.2": starting update',
    ` > update ${app}: 1.30.0 -> 1.31.0`,
    ' > "10.5.0.2": machine configuration patched',
    ` > "10.5.0.2": waiting for ${app} pod update`,
    ` > "10.5.0.2": ${app}: waiting, config version mismatch: got "1", expected "2"`,
    ' < "10.5.0.2": successfully updated',
  ];
  // Without --upgrade-kubelet the workers are neither discovered nor touched.
  assertEquals(r.stdout.split("\n"), [
    ...head,
    '> "10.5.0.2": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
    ...update("kube-apiserver"),
    ...update("kube-controller-manager"),
    ...update("kube-scheduler").slice(0, -1),
    "kubernetes endpoint watch error: the server is currently unable to handle the request",
    ' < "10.5.0.2": successfully updated',
    'updating kube-proxy to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    "updating manifests",
    "waiting for all manifests to be applied",
    "",
  ]);
  assertEquals(machineConfigOf(nodes[1]), workerConfig);
  assertEquals(r.code, 0);
  const config = machineConfigOf(nodes[0])!;
  for (const app of ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"]) {
    assertEquals(config.includes(`image: registry.k8s.io/${app}:v1.31.0`), true);
  }
  assertEquals(
    k8s.get("v1", "Pod", "kube-apiserver-talos-10-5-0-2", "kube-system")?.spec.containers[0].image,
    "registry.k8s.io/kube-apiserver:v1.31.0",
  );
});

Deno.test("upgrade-k8s: 1 control plane + 2 workers, the whole run: static pods, kube-proxy, kubelets restarted", async () => {
  await using dir = await tempDir();
  const nodes = [
    simNode("10.5.0.2", { version: TALOS }),
    simNode("10.5.0.3", { controlPlane: false, version: TALOS }),
    simNode("10.5.0.4", { controlPlane: false, version: TALOS }),
  ];
  await using emu = await startEmulator({ nodes });
  await using k8s = await startKubernetes(emu, { version: "1.30.0" });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  // The second worker runs the "fat" kubelet flavour: it keeps it.
  putSpec(nodes[2], "k8s", K8S_TYPES.kubeletSpec, "kubelet", {
    image: "ghcr.io/siderolabs/kubelet:v1.30.0-fat",
    args: [],
  });
  followConfigChanges(emu, k8s);
  const kubeletEvents = nodes.map(() => [] as string[]);
  nodes.forEach((n, i) =>
    resourceStore(n).watchers.add((e) => {
      if (e.resource.type === "Services.v1alpha1.talos.dev" && e.resource.id === "kubelet") {
        kubeletEvents[i].push(e.type);
      }
    })
  );
  const r = await run(["upgrade-k8s", "--talosconfig", cfg, "--to", "1.31.0"]);
  assertEquals(r.stderr, SKEW);
  const staticPod = (app: string) => [
    `updating "${app}" to version "1.31.0"`,
    ' > "10.5.0.2": starting update',
    ` > update ${app}: 1.30.0 -> 1.31.0`,
    ' > "10.5.0.2": machine configuration patched',
    ` > "10.5.0.2": waiting for ${app} pod update`,
    ` > "10.5.0.2": ${app}: waiting, config version mismatch: got "1", expected "2"`,
    ' < "10.5.0.2": successfully updated',
  ];
  const kubelet = (node: string, to: string) => [
    ` > "${node}": starting update`,
    ` > update kubelet: 1.30.0${to.endsWith("-fat") ? "-fat" : ""} -> ${to}`,
    ` > "${node}": machine configuration patched`,
    ` > "${node}": waiting for kubelet restart`,
    ` > "${node}": waiting for node update`,
    ` < "${node}": successfully updated`,
  ];
  assertEquals(r.stdout.split("\n"), [
    "automatically detected the lowest Kubernetes version 1.30.0",
    'discovered controlplane nodes ["10.5.0.2"]',
    'discovered worker nodes ["10.5.0.3" "10.5.0.4"]',
    '> "10.5.0.2": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    '> "10.5.0.3": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    '> "10.5.0.4": Talos version 1.8.0 is compatible with Kubernetes version 1.31.0',
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-apiserver:v1.31.0',
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-controller-manager:v1.31.0',
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-scheduler:v1.31.0',
    ' > "10.5.0.2": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ' > "10.5.0.3": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ' > "10.5.0.4": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0-fat',
    ...staticPod("kube-apiserver"),
    ...staticPod("kube-controller-manager"),
    ...staticPod("kube-scheduler"),
    'updating kube-proxy to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    'updating kubelet to version "1.31.0"',
    ...kubelet("10.5.0.2", "1.31.0"),
    ...kubelet("10.5.0.3", "1.31.0"),
    ...kubelet("10.5.0.4", "1.31.0-fat"),
    "updating manifests",
    "waiting for all manifests to be applied",
    "",
  ]);
  assertEquals(r.code, 0);
  // What the nodes received: the images in the configs (the fat flavour kept), each kubelet
  // restarted once, each Node on the new kubelet version.
  const images = (n: SimNode) =>
    [...machineConfigOf(n)!.matchAll(/^image: (.*)$/gm)].map((m) => m[1]);
  assertEquals(images(nodes[0]), [
    "ghcr.io/siderolabs/kubelet:v1.31.0",
    "registry.k8s.io/kube-apiserver:v1.31.0",
    "registry.k8s.io/kube-controller-manager:v1.31.0",
    "registry.k8s.io/kube-scheduler:v1.31.0",
    "registry.k8s.io/kube-proxy:v1.31.0",
  ]);
  assertEquals(images(nodes[1]), ["ghcr.io/siderolabs/kubelet:v1.31.0"]);
  assertEquals(images(nodes[2]), ["ghcr.io/siderolabs/kubelet:v1.31.0-fat"]);
  assertEquals(kubeletEvents, nodes.map(() => ["destroyed", "created"]));
  assertEquals(
    ["talos-10-5-0-2", "talos-10-5-0-3", "talos-10-5-0-4"].map((h) =>
      k8s.get("v1", "Node", h)!.status.nodeInfo.kubeletVersion
    ),
    ["v1.31.0", "v1.31.0", "v1.31.0"],
  );
  assertEquals(pulls.get(nodes[2]), ["1:ghcr.io/siderolabs/kubelet:v1.31.0-fat"]);
});

Deno.test("upgrade-k8s --with-docs/--with-examples: the configs applied carry the comments chosen", async () => {
  await using dir = await tempDir();
  const nodes = [simNode("10.5.0.2", { version: TALOS })];
  await using emu = await startEmulator({ nodes });
  await using k8s = await startKubernetes(emu, { version: "1.30.0" });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  // A single-document (v1alpha1) config: the images go to cluster.*.image.
  const golden = (await Deno.readTextFile(
    new URL("./golden/gen_config/v1.13-controlplane.yaml", import.meta.url),
  )).replace("    install:\n", "    install:\n        disk: /dev/sda\n");
  setMachineConfig(nodes[0], golden);
  followConfigChanges(emu, k8s);
  const schema = machineConfigSchema();
  /** The golden config with the control plane images at `version`, encoded with `comments`. */
  const expected = (version: string, comments: { docs: boolean; examples: boolean }) => {
    const docs = decodeConfig(schema, golden, "golden");
    const cluster = docs[0].data.cluster as Record<string, Record<string, string>>;
    for (const [key, app] of UPGRADED) cluster[key].image = `registry.k8s.io/${app}:v${version}`;
    return comments.docs || comments.examples
      ? encodeConfig(docs, { decorate: commentDecorator(comments) })
      : encodeConfig(docs);
  };
  const upgrade = (to: string, ...flags: string[]) =>
    run([
      "upgrade-k8s",
      "--talosconfig",
      cfg,
      "--to",
      to,
      "--pre-pull-images=false",
      "--upgrade-kubelet=false",
      ...flags,
    ]);

  const both = await upgrade("1.31.0");
  assertEquals([both.stderr, both.code], [SKEW, 0]);
  const applied = machineConfigOf(nodes[0])!;
  assertEquals(applied, expected("1.31.0", { docs: true, examples: true }));
  assertEquals(
    applied.includes(
      "        image: registry.k8s.io/kube-apiserver:v1.31.0 # API server container image.\n",
    ),
    true,
  );

  const docsOnly = await upgrade("1.31.1", "--with-examples=false");
  assertEquals([docsOnly.stderr, docsOnly.code], [SKEW, 0]);
  assertEquals(machineConfigOf(nodes[0]), expected("1.31.1", { docs: true, examples: false }));

  const examplesOnly = await upgrade("1.31.2", "--with-docs=false");
  assertEquals([examplesOnly.stderr, examplesOnly.code], [SKEW, 0]);
  assertEquals(machineConfigOf(nodes[0]), expected("1.31.2", { docs: false, examples: true }));

  const bare = await upgrade("1.31.3", "--with-docs=false", "--with-examples=false");
  assertEquals([bare.stderr, bare.code], [SKEW, 0]);
  const plain = machineConfigOf(nodes[0])!;
  assertEquals(plain, expected("1.31.3", { docs: false, examples: false }));
  assertEquals(plain.includes("#"), false);
  // Three comment choices, three different texts.
  const texts = [
    applied,
    expected("1.31.0", { docs: true, examples: false }),
    expected("1.31.0", { docs: false, examples: true }),
  ];
  assertEquals(new Set(texts).size, 3);
});

const UPGRADED = [
  ["apiServer", "kube-apiserver"],
  ["controllerManager", "kube-controller-manager"],
  ["scheduler", "kube-scheduler"],
  ["proxy", "kube-proxy"],
] as const;

Deno.test("upgrade-k8s: a kubelet that is not healthy stops the kubelet upgrade on that node", async () => {
  await using dir = await tempDir();
  const { emu, k8s, nodes, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  followConfigChanges(emu, k8s);
  putSpec(nodes[1], "runtime", "Services.v1alpha1.talos.dev", "kubelet", {
    running: true,
    healthy: false,
    unknown: false,
  });
  const workerConfig = machineConfigOf(nodes[1]);
  const r = await run([
    "upgrade-k8s",
    "--talosconfig",
    cfg,
    "--from",
    "1.30.0",
    "--to",
    "1.30.0",
    "--pre-pull-images=false",
  ]);
  assertEquals(
    r.stderr,
    SKEW + 'failed upgrading kubelet: error updating node "10.5.0.3": kubelet is not healthy\n',
  );
  assertEquals(r.code, 1);
  // Same version: nothing to patch for the control plane; the worker was never patched.
  assertEquals(r.stdout.split("\n").slice(-7), [
    'updating kubelet to version "1.30.0"',
    ' > "10.5.0.2": starting update',
    ' > "10.5.0.2": machine configuration patched',
    ' > "10.5.0.2": waiting for node update',
    ' < "10.5.0.2": successfully updated',
    ' > "10.5.0.3": starting update',
    "",
  ]);
  assertEquals(machineConfigOf(nodes[1]), workerConfig);
});

Deno.test("upgrade-k8s: pre-pulls a node cannot do are skipped; a failed pull or apply stops the run", async () => {
  await using dir = await tempDir();
  const { emu, k8s, nodes, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  followConfigChanges(emu, k8s);
  // The worker's Talos has no ImagePull; the control plane refuses the scheduler image.
  emu.handle(MachineService.method.imagePull, (req, call: NodeCall) => {
    if (call.node === nodes[1]) throw new ConnectError("not implemented", Code.Unimplemented);
    if (req.reference.includes("kube-scheduler")) {
      throw new ConnectError("no space left on device", Code.Internal);
    }
    return { messages: [{}] };
  });
  const argv = ["upgrade-k8s", "--talosconfig", cfg, "--to", "1.31.0"];
  const failed = await run(argv);
  assertEquals(
    failed.stderr,
    SKEW +
      "failed pre-pulling images: error pre-pulling registry.k8s.io/kube-scheduler:v1.31.0 on " +
      "10.5.0.2: rpc error: code = Internal desc = no space left on device\n",
  );
  assertEquals(failed.stdout.split("\n").slice(-3), [
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-controller-manager:v1.31.0',
    ' > "10.5.0.2": pre-pulling registry.k8s.io/kube-scheduler:v1.31.0',
    "",
  ]);
  assertEquals(failed.code, 1);

  const upgrades = await run([...argv, "--scheduler-image", "registry.k8s.io/scheduler"]);
  assertEquals(upgrades.code, 0);
  const lines = upgrades.stdout.split("\n");
  const kubeletPulls = lines.indexOf(
    ' > "10.5.0.2": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
  );
  assertEquals(lines.slice(kubeletPulls, kubeletPulls + 4), [
    ' > "10.5.0.2": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ' > "10.5.0.3": pre-pulling ghcr.io/siderolabs/kubelet:v1.31.0',
    ' < "10.5.0.3": not implemented, skipping',
    'updating "kube-apiserver" to version "1.31.0"',
  ]);

  // The node rejects the config: the patch step says so, nothing after it runs.
  emu.handle(MachineService.method.applyConfiguration, () => {
    throw new ConnectError("config rejected", Code.InvalidArgument);
  });
  const rejected = await run([...argv, "--to", "1.31.1", "--pre-pull-images=false"]);
  assertEquals(
    rejected.stderr,
    SKEW +
      'failed updating service "kube-apiserver": error updating node "10.5.0.2": error patching ' +
      "node config: error applying config: rpc error: code = InvalidArgument desc = config rejected\n",
  );
  assertEquals(rejected.stdout.split("\n").slice(-4), [
    'updating "kube-apiserver" to version "1.31.1"',
    ' > "10.5.0.2": starting update',
    " > update kube-apiserver: 1.31.0 -> 1.31.1",
    "",
  ]);
  assertEquals(rejected.code, 1);
});
