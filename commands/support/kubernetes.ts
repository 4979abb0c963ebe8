// The cluster part of the bundle: Kubernetes nodes and kube-system pods, when the API answers.
// (Filled in once the Kubernetes client lands; until then no cluster collectors.)

import type { NodeTarget } from "../session.ts";
import type { Collector, Log } from "./collectors.ts";

export function kubernetesCollectors(
  _first: NodeTarget,
  _log: Log,
  _signal: AbortSignal,
): Promise<Collector[]> {
  return Promise.resolve([]);
}
