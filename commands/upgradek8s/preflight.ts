// upgrade-k8s pre-flight checks: flags, feature gates and admission plugins the target version
// removed, read from the nodes' static pods and kubelet specs, and removed API resources still
// stored in the cluster. Findings are reported as tables, as upstream's error does.

import { tabwrite } from "../../gofmt/mod.ts";
import type { NodeTarget } from "../session.ts";
import type { K8sClient } from "../../k8s/mod.ts";
import { cosiGet, isNotFound } from "../clustercheck/cosi.ts";
import { REMOVED } from "./removed.ts";

interface Item {
  node: string;
  component: string;
  value: string;
}

export async function preflight(
  path: string,
  cp: string[],
  workers: string[],
  talos: (node: string) => NodeTarget,
  k8s: K8sClient,
  signal: AbortSignal,
  log: (line: string) => Promise<void>,
): Promise<void> {
  const removed = REMOVED[path];
  if (!removed) return;
  const admission: Item[] = [], gates: Item[] = [], flags: Item[] = [];
  const resources = new Map<string, number>();
  const flagHits = (node: string, component: string, args: string[], list: string[] = []) => {
    for (const f of list) {
      if (args.some((a) => a.split("=")[0] === `--${f}`)) flags.push({ node, component, value: f });
    }
  };
  await log("checking for removed Kubernetes component flags");
  for (const node of cp) {
    for (const id of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
      let pod;
      try {
        pod = await cosiGet(talos(node), signal, "k8s", "StaticPods.kubernetes.talos.dev", id);
      } catch (e) {
        if (isNotFound(e)) continue;
        throw e;
      }
      const command: string[] = pod.spec?.pod?.spec?.containers?.[0]?.command ?? [];
      if (id === "kube-apiserver") {
        const plugins = command.find((a) => a.startsWith("--enable-admission-plugins"));
        if (plugins) {
          const enabled = plugins.replace(/^--enable-admission-plugins=/, "").split(",");
          for (const p of removed.admissionPlugins ?? []) {
            if (enabled.includes(p)) admission.push({ node, component: id, value: p });
          }
        }
        flagHits(node, id, command, removed.apiServerFlags);
      } else if (id === "kube-controller-manager") {
        flagHits(node, id, command, removed.controllerManagerFlags);
      } else {
        flagHits(node, id, command, removed.schedulerFlags);
      }
      const fg = command.find((a) => a.startsWith("--feature-gates"));
      if (fg) {
        const set = fg.replace(/^--feature-gates=/, "").split(",").map((g) => g.split("=")[0]);
        for (const g of removed.featureGates ?? []) {
          if (set.includes(g)) gates.push({ node, component: id, value: g });
        }
      }
    }
  }
  for (const node of [...cp, ...workers]) {
    let spec;
    try {
      spec = await cosiGet(
        talos(node),
        signal,
        "k8s",
        "KubeletSpecs.kubernetes.talos.dev",
        "kubelet",
      );
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    flagHits(node, "kubelet", spec.spec?.args ?? [], removed.kubeletFlags);
  }
  await log("checking for removed Kubernetes API resource versions");
  for (const r of removed.apiResources ?? []) {
    const [resource, version, ...group] = r.split(".");
    const path = group.length > 0
      ? `/apis/${group.join(".")}/${version}/${resource}`
      : `/api/${version}/${resource}`;
    try {
      const list = await k8s.list(path, undefined, { signal });
      if (list.items.length > 0) resources.set(r, list.items.length);
    } catch (e) {
      if ((e as { status?: number }).status === 404) continue;
      throw e;
    }
  }
  let text = "";
  const table = (title: string, items: Item[]) => {
    if (items.length === 0) return;
    text += `\nNODE\tCOMPONENT\t${title}\n`;
    for (const i of items) text += `${i.node}\t${i.component}\t${i.value}\n`;
  };
  table("REMOVED ADMISSION PLUGIN", admission);
  table("REMOVED FEATURE GATE", gates);
  table("REMOVED FLAG", flags);
  if (resources.size > 0) {
    text += "\nREMOVED RESOURCE\tCOUNT\t\n";
    for (const [r, n] of resources) text += `${r}\t${n}\t\n`;
  }
  if (text !== "") throw new Error(tabwrite(text));
}
