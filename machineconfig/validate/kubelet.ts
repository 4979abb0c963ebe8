// Kubelet configuration keys Talos manages itself; both the legacy document's
// machine.kubelet.extraConfig and the KubeletConfig document's config reject them.

import type { ValueMap } from "../schema.ts";
import { goQuote } from "../../gofmt/mod.ts";

const PROTECTED_KUBELET_FIELDS = [
  "apiVersion",
  "authentication",
  "authorization",
  "cgroupRoot",
  "kind",
  "kubeletCgroups",
  "port",
  "protectKernelDefaults",
  "resolvConf",
  "rotateCertificates",
  "systemCgroups",
  "staticPodPath",
  "seccompDefault",
];

/** One error per protected field present in `config`, in the protected list's order. */
export function protectedKubeletFieldErrors(config: ValueMap): string[] {
  return PROTECTED_KUBELET_FIELDS.filter((f) => Object.hasOwn(config, f)).map((f) =>
    `kubelet configuration field ${goQuote(f)} can't be overridden`
  );
}
