// The cluster part of the bundle: `kubernetesResources/nodes.yaml` and
// `kubernetesResources/systemPods.yaml`, read through the admin kubeconfig that the first node
// hands out (MachineService/Kubeconfig). The API must answer a read of the kube-system namespace
// first, as upstream checks; if it does not, the error is the caller's to report and the bundle
// is made without the cluster part.

import type { NodeTarget } from "../session.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { CLUSTER, type Collector, type Log } from "./collectors.ts";
import type { Spool } from "./spool.ts";

/** Connects to the cluster's API; throws what stopped it. */
export async function kubernetesClient(first: NodeTarget, signal: AbortSignal): Promise<K8sClient> {
  const { KubernetesAccess } = await import("../clustercheck/k8s_access.ts");
  const access = new KubernetesAccess(() => first, "", signal);
  const client = await access.client(signal);
  try {
    await client.get("/api/v1/namespaces/kube-system");
  } catch (e) {
    client.close();
    throw e;
  }
  return client;
}

/**
 * A list as client-go's typed clients hand it over (the list's own apiVersion and kind cleared
 * by the decoder), written as its YAML serializer writes: JSON converted to YAML by go-yaml v2.
 */
async function listYaml(client: K8sClient, path: string, out: Spool): Promise<boolean> {
  const list = await client.get<K8sObject>(path);
  delete list.apiVersion;
  delete list.kind;
  const { emitYamlV2 } = await import("../../goyaml/mod.ts");
  await out.writeText(emitYamlV2(list));
  return true;
}

/** The cluster collectors (source "cluster"), for an API that answered. */
export function kubernetesCollectors(client: K8sClient, log: Log): Collector[] {
  return [
    {
      source: CLUSTER,
      path: "kubernetesResources/nodes.yaml",
      run: (out) => {
        log("getting kubernetes nodes manifests");
        return listYaml(client, "/api/v1/nodes", out);
      },
    },
    {
      source: CLUSTER,
      path: "kubernetesResources/systemPods.yaml",
      run: (out) => {
        log("getting pods manifests in kube-system namespace");
        return listYaml(client, "/api/v1/namespaces/kube-system/pods", out);
      },
    },
  ];
}
