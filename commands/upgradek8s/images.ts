// The five image flags of upgrade-k8s, checked as container image references before the upgrade
// starts. Upstream keeps them in a Go map, so which bad flag it names first is random when
// several are bad; here the order is fixed: kubelet, apiserver, controller-manager, scheduler,
// proxy (the order of upstream's map literal).

import { parseImageReference } from "../../machineconfig/validate/imageref.ts";
import type { Component } from "./patch.ts";

const FLAG_NAMES: [string, Component][] = [
  ["kubelet", "kubelet"],
  ["apiserver", "kube-apiserver"],
  ["controller-manager", "kube-controller-manager"],
  ["scheduler", "kube-scheduler"],
  ["proxy", "kube-proxy"],
];

/** The first bad image as upstream words it ("proxy: invalid image reference: ..."), or undefined. */
export function invalidImage(images: Record<Component, string>): string | undefined {
  for (const [name, component] of FLAG_NAMES) {
    const ref = images[component];
    if (parseImageReference(ref) === null) {
      return `${name}: invalid image reference: could not parse reference: ${ref}`;
    }
  }
  return undefined;
}
