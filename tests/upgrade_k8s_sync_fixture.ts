// A one-node cluster for the manifest sync tests of upgrade-k8s: a control-plane node on a
// given Talos version, the Kubernetes API double on 1.33.0 (its controllers follow config
// changes), the node's bootstrap Manifest resources set by the test, and a run of upgrade-k8s
// to 1.34.0 (no pre-pull, no kubelets) whose output is returned from the manifest step on.

import { run } from "./harness.ts";
import {
  followConfigChanges,
  K8S_TYPES,
  putSpec,
  type SimNode,
  simNode,
  startEmulator,
  startKubernetes,
  type TestEmulator,
} from "./emulator/mod.ts";
import { deleteResource } from "./emulator/resources.ts";
import type { K8sDouble, Obj } from "./k8s_double/server.ts";

export const talosVersion = (tag: string) => ({
  tag,
  sha: "",
  built: "",
  goVersion: "go1.24",
  os: "linux",
  arch: "amd64",
});

export interface SyncCluster extends AsyncDisposable {
  emu: TestEmulator;
  k8s: K8sDouble;
  node: SimNode;
  cfg: string;
}

export async function syncCluster(dir: string, talosTag: string): Promise<SyncCluster> {
  const node = simNode("10.5.0.2", { version: talosVersion(talosTag) });
  const emu = await startEmulator({ nodes: [node] });
  const k8s = await startKubernetes(emu, { version: "1.33.0" });
  followConfigChanges(emu, k8s, 5);
  const cfg = await emu.talosconfig(dir, { nodes: ["10.5.0.2"] });
  return {
    emu,
    k8s,
    node,
    cfg,
    async [Symbol.asyncDispose]() {
      await k8s.close();
      await emu[Symbol.asyncDispose]();
    },
  };
}

/** Replaces the node's Manifest resources (id -> objects; a missing id is removed). */
export function setManifests(
  node: SimNode,
  manifests: Record<string, Obj[]>,
  remove: string[] = [],
) {
  for (const [id, objects] of Object.entries(manifests)) {
    putSpec(node, "controlplane", K8S_TYPES.manifest, id, objects, {
      owner: "k8s.ManifestController",
    });
  }
  for (const id of remove) deleteResource(node, "controlplane", K8S_TYPES.manifest, id);
}

export interface SyncRun {
  code: number;
  /** stdout from the "updating manifests" line on. */
  lines: string[];
  stdout: string;
  stderr: string;
}

export async function upgrade(c: SyncCluster, ...extra: string[]): Promise<SyncRun> {
  const r = await run([
    "upgrade-k8s",
    "--talosconfig",
    c.cfg,
    "--from",
    "1.33.0",
    "--to",
    "1.34.0",
    "--pre-pull-images=false",
    "--upgrade-kubelet=false",
    ...extra,
  ], { env: { TALOSCTL_RETRY_INTERVAL: "20ms" } });
  const all = r.stdout.split("\n");
  const at = all.findIndex((l) => l.startsWith("updating manifests"));
  return { code: r.code, lines: at < 0 ? [] : all.slice(at), stdout: r.stdout, stderr: r.stderr };
}

/** The lines of a unified diff as the sync prints them (a blank line after each diff). */
export const diffLines = (header: string, body: string[]) => [
  `--- a/${header}`,
  `+++ b/${header}`,
  ...body,
  "",
];

/** A created object's diff: every line added. */
export const created = (header: string, yaml: string[]) =>
  diffLines(header, [`@@ -0,0 +1,${yaml.length} @@`, ...yaml.map((l) => "+" + l)]);

/** A deleted object's diff: every line removed. */
export const deleted = (header: string, yaml: string[]) =>
  diffLines(header, [`@@ -1,${yaml.length} +0,0 @@`, ...yaml.map((l) => "-" + l)]);

export const INVENTORY = "talos-bootstrap-manifests-inventory";

export const configMap = (name: string, data: Record<string, string>): Obj => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "kube-system" },
  data,
});

export const deployment = (name: string, replicas = 1, app = name): Obj => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "kube-system" },
  spec: {
    replicas,
    selector: { matchLabels: { app } },
    template: {
      metadata: { labels: { app } },
      spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }] },
    },
  },
});
