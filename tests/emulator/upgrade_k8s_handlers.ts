// What upgrade-k8s needs of a node: ApplyConfiguration (a minimal one, when no other file serves
// it: the config replaces the active one, no reboot), ImagePull (records the pulls), and the
// controllers' reaction to a new machine config: a changed component image updates the
// component's config resource (new version) and, after `delayMs`, the Kubernetes API double
// shows the static pod with that config version, ready; a new kubelet image restarts the
// kubelet service (destroyed, then running again) and updates the Node's kubelet version.

import { MachineService } from "../../gen/machine/machine_pb.ts";
import { parseAllDocuments } from "yaml";
import type { NodeCall } from "./server.ts";
import type { TestEmulator } from "./mod.ts";
import type { SimNode } from "./node.ts";
import {
  deleteResource,
  getResource,
  MACHINE_CONFIG_TYPE,
  resourceStore,
  setMachineConfig,
} from "./resources.ts";
import { putSpec } from "./cosi_seed.ts";
import { CONTROL_PLANE_CONFIGS, K } from "./health_state.ts";
import type { K8sDouble } from "../k8s_double/server.ts";
import { staticPod } from "../k8s_double/cluster.ts";

/** Image pulls seen per node: "<namespace>:<reference>". */
export const pulls = new WeakMap<SimNode, string[]>();

export function registerUpgradeK8sHandlers(emu: TestEmulator): void {
  if (!emu.handlers.has("/machine.MachineService/ApplyConfiguration")) {
    emu.handle(MachineService.method.applyConfiguration, (req, call: NodeCall) => {
      setMachineConfig(call.node, new TextDecoder().decode(req.data));
      return {
        messages: [{ mode: req.mode, modeDetails: "Applied configuration without a reboot" }],
      };
    });
  }
  emu.handle(MachineService.method.imagePull, (req, call: NodeCall) => {
    pulls.set(call.node, [...(pulls.get(call.node) ?? []), `${req.namespace}:${req.reference}`]);
    return { messages: [{}] };
  });
}

function images(config: string): Record<string, string> {
  const out: Record<string, string> = {};
  const kinds: Record<string, string> = {
    KubeAPIServerConfig: "kube-apiserver",
    KubeControllerManagerConfig: "kube-controller-manager",
    KubeSchedulerConfig: "kube-scheduler",
    KubeProxyConfig: "kube-proxy",
    KubeletConfig: "kubelet",
  };
  // v1alpha1 first: a component's own document, when there is one, wins.
  const v1Paths: [string, string, string][] = [
    ["kube-apiserver", "cluster", "apiServer"],
    ["kube-controller-manager", "cluster", "controllerManager"],
    ["kube-scheduler", "cluster", "scheduler"],
    ["kube-proxy", "cluster", "proxy"],
    ["kubelet", "machine", "kubelet"],
  ];
  const docs = parseAllDocuments(config).map((d) => d.toJS() ?? {});
  for (const js of docs) {
    if (js.kind !== undefined) continue;
    for (const [c, top, section] of v1Paths) {
      const image = js[top]?.[section]?.image;
      if (image) out[c] = image;
    }
  }
  for (const js of docs) {
    const c = kinds[js.kind];
    if (c && js.image) out[c] = js.image;
  }
  return out;
}

const pendingPods = new WeakMap<K8sDouble, Map<string, () => void>>();

/** Static pod updates waiting for a watch on their k8s-app label. */
function podUpdates(k8s: K8sDouble): Map<string, () => void> {
  let m = pendingPods.get(k8s);
  if (m) return m;
  const pending = m = new Map();
  pendingPods.set(k8s, pending);
  const previous = k8s.intercept;
  k8s.intercept = (req) => {
    const selector = req.query.get("labelSelector") ?? "";
    if (req.query.get("watch") && req.path.endsWith("/pods")) {
      for (const [app, update] of pending) {
        if (!new RegExp(`k8s-app\\s*=\\s*${app}$`).test(selector)) continue;
        pending.delete(app);
        setTimeout(update, 10);
      }
    }
    return previous?.(req);
  };
  return pending;
}

/** Makes the nodes' controllers and the Kubernetes double follow machine config changes. */
export function followConfigChanges(emu: TestEmulator, k8s: K8sDouble, delayMs = 50): void {
  for (const node of emu.nodes.values()) {
    resourceStore(node).watchers.add((e) => {
      // Controllers follow the active config (id v1alpha1), not the one saved for the next boot.
      if (e.type !== "updated" || e.resource.type !== MACHINE_CONFIG_TYPE) return;
      if (e.resource.id !== "v1alpha1") return;
      const before = images(e.old.spec), after = images(e.resource.spec);
      for (const [app, type] of CONTROL_PLANE_CONFIGS) {
        if (!after[app] || after[app] === before[app]) continue;
        const cur = getResource(node, "controlplane", type, app);
        const r = putSpec(node, "controlplane", type, app, { image: after[app], extraArgs: {} }, {
          owner: cur?.owner ?? "k8s.ControlPlaneStaticPodController",
        });
        const version = String(
          (r as { version?: number } | undefined)?.version ??
            getResource(node, "controlplane", type, app)!.version,
        );
        const tag = after[app].split(":").pop()!.replace(/^v/, "");
        // The kubelet picks the new static pod up once the client watches for it, so the client
        // always sees the old pod first (one "config version mismatch" line), then the new one.
        podUpdates(k8s).set(app, () => k8s.put(staticPod(node, app, tag, version)));
      }
      if (after.kubelet && after.kubelet !== before.kubelet) {
        // The kubelet reports its own version: the image tag without the -fat/-slim flavour.
        const tag = after.kubelet.split(":").pop()!.replace(/-(fat|slim)$/, "");
        putSpec(node, "k8s", K.kubeletSpec, "kubelet", { image: after.kubelet, args: [] });
        setTimeout(() => {
          deleteResource(node, "runtime", "Services.v1alpha1.talos.dev", "kubelet");
          setTimeout(() => {
            putSpec(node, "runtime", "Services.v1alpha1.talos.dev", "kubelet", {
              running: true,
              healthy: true,
              unknown: false,
            });
            const n = k8s.get("v1", "Node", node.hostname);
            if (n) {
              n.status.nodeInfo.kubeletVersion = tag;
              k8s.put(n);
            }
          }, delayMs);
        }, delayMs);
      }
    });
  }
}
