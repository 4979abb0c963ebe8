// k8s: a small Kubernetes API client (HTTPS with the kubeconfig's TLS material, JSON, label
// selectors, watches). It knows nothing of kubeconfig files: callers pass PEM material.
// Heavier parts are imported from their own files by the commands that need them: restmapper.ts
// (discovery), ssa.ts (server-side apply with an inventory; inventory.ts, ssa_wait.ts,
// kstatus.ts), objects.ts (names and manifest diffs), retry.ts (go-retry's constant loop), exec.ts
// (exec in a pod over the WebSocket channel protocol).

export {
  isConflict,
  isNotFound,
  isRetryable,
  K8sApiError,
  K8sClient,
  K8sTransportError,
} from "./client.ts";
export type { K8sConnection, K8sList, K8sObject, RequestOptions, WatchEvent } from "./client.ts";
