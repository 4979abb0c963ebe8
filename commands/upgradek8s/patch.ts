// Machine config edits of upgrade-k8s, as upstream makes them: read the node's active config
// (decoded into the document model), build a strategic merge patch that sets a component's
// image — in the component's own document (KubeAPIServerConfig, KubeletConfig, ...) when the
// config has one, else in the v1alpha1 document (cluster.apiServer.image, machine.kubelet.image,
// ...) — merge it, re-encode the config with the machine-config encoder (field docs and examples
// as --with-docs/--with-examples choose) and apply it without a reboot.

import { errorText } from "../kit.ts";
import type { NodeTarget } from "../session.ts";
import type { ConfigDocument } from "../../machineconfig/schema.ts";

export type Component =
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kube-scheduler"
  | "kube-proxy"
  | "kubelet";

const TARGET: Record<Component, { kind: string; v1alpha1: [string, string] }> = {
  "kube-apiserver": { kind: "KubeAPIServerConfig", v1alpha1: ["cluster", "apiServer"] },
  "kube-controller-manager": {
    kind: "KubeControllerManagerConfig",
    v1alpha1: ["cluster", "controllerManager"],
  },
  "kube-scheduler": { kind: "KubeSchedulerConfig", v1alpha1: ["cluster", "scheduler"] },
  "kube-proxy": { kind: "KubeProxyConfig", v1alpha1: ["cluster", "proxy"] },
  kubelet: { kind: "KubeletConfig", v1alpha1: ["machine", "kubelet"] },
};

/**
 * The patch text setting the component's image: a document of the component's own kind when the
 * config has one (the current version contract), else a v1alpha1 patch (the 1.13 contract).
 */
export function imagePatch(docs: ConfigDocument[], component: Component, image: string): string {
  const t = TARGET[component];
  if (docs.some((d) => d.kind === t.kind)) {
    return `apiVersion: v1alpha1\nkind: ${t.kind}\nimage: ${JSON.stringify(image)}\n`;
  }
  const [top, section] = t.v1alpha1;
  return `${top}:\n  ${section}:\n    image: ${JSON.stringify(image)}\n`;
}

/** How the patched config is written: field docs and examples, as talosctl's flags choose. */
export interface CommentChoice {
  docs: boolean;
  examples: boolean;
}

/** A patcher's "nothing to do" (the image is already the target, or a dry run). */
export class UpdateSkipped extends Error {
  constructor() {
    super("update skipped");
  }
}

/** The patch for a config; null: apply the config as it is. */
export type Patcher = (docs: ConfigDocument[]) => Promise<string | null> | string | null;

async function encode(docs: ConfigDocument[], comments: CommentChoice): Promise<string> {
  const { encodeConfig } = await import("../../machineconfig/encode.ts");
  if (!comments.docs && !comments.examples) return encodeConfig(docs);
  const { commentDecorator } = await import("../../machineconfig/docs.ts");
  return encodeConfig(docs, { decorate: commentDecorator(comments) });
}

/**
 * Upstream's patchNodeConfig: fetch, patch, encode, ApplyConfiguration(NO_REBOOT). Errors carry
 * upstream's prefixes; a patcher's UpdateSkipped is passed through as it is.
 */
export async function patchNodeConfig(
  t: NodeTarget,
  signal: AbortSignal,
  comments: CommentChoice,
  patcher: Patcher,
): Promise<void> {
  const { cosiGet } = await import("../clustercheck/cosi.ts");
  const { decodeConfig, loadPatch, strategicMerge } = await import(
    "../../machineconfig/patch/mod.ts"
  );
  const { machineConfigSchema } = await import("../../machineconfig/registry.ts");
  const schema = machineConfigSchema();
  let docs: ConfigDocument[];
  try {
    const mc = await cosiGet(t, signal, "config", "MachineConfigs.config.talos.dev", "v1alpha1");
    const text = typeof mc.spec === "string" ? mc.spec : mc.specYaml;
    docs = decodeConfig(schema, String(text ?? ""), "config");
  } catch (e) {
    throw new Error(`error fetching config resource: ${errorText(e)}`);
  }
  let patchText: string | null;
  try {
    patchText = await patcher(docs);
  } catch (e) {
    if (e instanceof UpdateSkipped) throw e;
    throw new Error(`error generating patch: ${errorText(e)}`);
  }
  let patched = docs;
  if (patchText !== null) {
    try {
      const patch = loadPatch(schema, patchText, "patch");
      if (patch?.type === "strategic") patched = strategicMerge(schema, docs, patch);
    } catch (e) {
      throw new Error(`error applying patch: ${errorText(e)}`);
    }
  }
  let bytes: string;
  try {
    bytes = await encode(patched, comments);
  } catch (e) {
    throw new Error(`error serializing config: ${errorText(e)}`);
  }
  try {
    await t.client.machine.applyConfiguration(
      { data: new TextEncoder().encode(bytes), mode: 2 /* NO_REBOOT */ },
      { ...t.options, signal },
    );
  } catch (e) {
    throw new Error(`error applying config: ${errorText(e)}`);
  }
}
