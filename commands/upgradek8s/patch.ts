// Machine config edits of upgrade-k8s: set a component's image in the Kubernetes document of its
// own (KubeAPIServerConfig, KubeletConfig, ...) when the config has one, else in the v1alpha1
// document (cluster.apiServer.image, machine.kubelet.image, ...), keeping everything else.

import { parseAllDocuments } from "yaml";

export type Component =
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kube-scheduler"
  | "kube-proxy"
  | "kubelet";

const TARGET: Record<Component, { kind: string; v1alpha1: string[] }> = {
  "kube-apiserver": { kind: "KubeAPIServerConfig", v1alpha1: ["cluster", "apiServer", "image"] },
  "kube-controller-manager": {
    kind: "KubeControllerManagerConfig",
    v1alpha1: ["cluster", "controllerManager", "image"],
  },
  "kube-scheduler": { kind: "KubeSchedulerConfig", v1alpha1: ["cluster", "scheduler", "image"] },
  "kube-proxy": { kind: "KubeProxyConfig", v1alpha1: ["cluster", "proxy", "image"] },
  kubelet: { kind: "KubeletConfig", v1alpha1: ["machine", "kubelet", "image"] },
};

/** The config text with the component's image set. */
export function withImage(config: string, component: Component, image: string): string {
  const docs = parseAllDocuments(config);
  const t = TARGET[component];
  const own = docs.find((d) => d.get("kind") === t.kind);
  if (own) own.set("image", image);
  else {
    const v1 = docs.find((d) => d.has("machine") || d.get("version") === "v1alpha1") ?? docs[0];
    v1.setIn(t.v1alpha1, image);
  }
  return docs.map((d) => d.toString({ indent: 4 })).join("---\n");
}
