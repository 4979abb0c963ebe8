// What the workload controllers of the API double write once a Deployment or DaemonSet has
// rolled out: every replica (or every node's pod) updated, ready and available, the object's
// generation observed.

import type { Obj } from "./apply.ts";

/** The status of a Deployment or DaemonSet whose rollout is complete. */
export function readyStatus(obj: Obj, nodes: number): Obj {
  const observedGeneration = obj.metadata?.generation ?? 1;
  if (obj.kind === "DaemonSet") {
    return {
      observedGeneration,
      desiredNumberScheduled: nodes,
      currentNumberScheduled: nodes,
      updatedNumberScheduled: nodes,
      numberAvailable: nodes,
      numberReady: nodes,
      numberMisscheduled: 0,
    };
  }
  const replicas = obj.spec?.replicas ?? 1;
  return {
    observedGeneration,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
      { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
    ],
  };
}
