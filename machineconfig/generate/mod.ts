// Machine-config generation: the documents of an init, controlplane or worker machine for a
// cluster, following the version contract's switches (see machineconfig/features.ts).

import type { ConfigDocument } from "../schema.ts";
import type { Input, MachineType } from "./input.ts";
import { apiServerSANs, v1alpha1Document } from "./v1alpha1.ts";
import { leadingDocuments, networkDocuments, registryDocuments } from "./documents.ts";
import { kubernetesControlPlaneDocuments, kubernetesNodeDocuments } from "./kubernetes.ts";

export { b64, type GenerateOptions, type Input, type MachineType, newInput } from "./input.ts";

/** Generates the documents of one machine type, in upstream's document order. */
export function generateConfig(input: Input, type: MachineType): ConfigDocument[] {
  const root = v1alpha1Document(input, type);
  const controlPlane = type !== "worker";
  const docs: ConfigDocument[] = [{ kind: "v1alpha1", data: root }];
  docs.push(...leadingDocuments(input));
  docs.push(...registryDocuments(input, root));
  docs.push(...networkDocuments(input, root));
  docs.push(...kubernetesNodeDocuments(input, controlPlane));
  if (controlPlane) docs.push(...kubernetesControlPlaneDocuments(input, apiServerSANs(input)));
  return docs;
}
