// k8s: a small Kubernetes API client (HTTPS with the kubeconfig's TLS material, JSON, label
// selectors, watches). It knows nothing of kubeconfig files: callers pass PEM material.

export {
  isConflict,
  isNotFound,
  isRetryable,
  K8sApiError,
  K8sClient,
  K8sTransportError,
} from "./client.ts";
export type { K8sConnection, K8sList, K8sObject, RequestOptions, WatchEvent } from "./client.ts";
