// `upgrade-k8s` against the emulator and the Kubernetes API double: the plan in dry-run mode,
// and a real control-plane upgrade through machine config patches (ApplyConfiguration).

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  followConfigChanges,
  machineConfigOf,
  pulls,
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
  followConfigChanges(emu, k8s);
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
  const lines = r.stdout.split("\n");
  const apiserver = lines.indexOf('updating "kube-apiserver" to version "1.31.0"');
  assertEquals(lines.slice(apiserver, apiserver + 6), [
    'updating "kube-apiserver" to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    " > update kube-apiserver: 1.30.0 -> 1.31.0",
    ' > "10.5.0.2": machine configuration patched',
    ' > "10.5.0.2": waiting for kube-apiserver pod update',
    ' > "10.5.0.2": kube-apiserver: waiting, config version mismatch: got "1", expected "2"',
  ]);
  assertEquals(lines.slice(-6), [
    ' < "10.5.0.2": successfully updated',
    'updating kube-proxy to version "1.31.0"',
    ' > "10.5.0.2": starting update',
    "updating manifests",
    "waiting for all manifests to be applied",
    "",
  ]);
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
