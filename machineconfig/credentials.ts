// What a machine config file holds for client credentials, as a Talos node reads it: the Talos
// API (OS) CA, the Kubernetes API server CA with the CAs it accepts, the cluster name and
// Kubernetes endpoint, and the admin kubeconfig certificate lifetime. Both layouts are read:
// the v1alpha1 document alone (machine.ca, cluster.ca, cluster.acceptedCAs,
// cluster.clusterName, cluster.controlPlane.endpoint) and the Kubernetes documents of newer
// contracts (KubeAPIServerCAConfig, KubeClusterConfig), which take precedence as on a node.
// Worker configs carry CA certificates without keys; the key fields are then "".

import { parseAllDocuments } from "yaml";
import { UserError } from "../errors.ts";
import { base64Decode } from "../pki/pem.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import { parseGoDuration } from "./go_format.ts";

export interface ConfigCredentials {
  /** machine.type ("controlplane", "init", "worker", or "" when unset). */
  machineType: string;
  /** machine.ca; undefined when absent. */
  osCA?: PemCertAndKey;
  /** machine.acceptedCAs: further Talos API CAs whose client certificates are accepted. */
  osAcceptedCAs: string[];
  /** The Kubernetes API server issuing CA; undefined when absent. */
  k8sCA?: PemCertAndKey;
  /** Certificates clients should trust for the API server: the issuing CA's first. */
  k8sAcceptedCAs: string[];
  clusterName: string;
  /** Kubernetes API endpoint URL. */
  endpoint: string;
  /** cluster.adminKubeconfig.certLifetime in milliseconds, when set. */
  adminCertLifetimeMs?: number;
}

type Raw = Record<string, unknown>;

const isMap = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const get = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Reads the credential fields of a machine config; `source` names the file in errors. */
export function configCredentials(text: string, source: string): ConfigCredentials {
  const fail = (what: string): never => {
    throw new UserError(`failed to load machine config ${JSON.stringify(source)}: ${what}`);
  };
  const values: unknown[] = [];
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length > 0) fail(d.errors[0].message.split("\n")[0]);
    const v = d.toJS();
    if (v !== null && v !== undefined) values.push(v);
  }
  const v1 = values.find((d) => isMap(d) && !d.kind && (d.machine || d.cluster));
  const docOf = (kind: string) => values.find((d) => get(d, "kind") === kind);
  if (!v1 && !docOf("KubeClusterConfig")) fail("no v1alpha1 or KubeClusterConfig document found");

  const b64 = (v: unknown, field: string): string => {
    const s = str(v);
    if (s === "") return "";
    try {
      return new TextDecoder().decode(base64Decode(s));
    } catch (e) {
      return fail(`${field}: ${(e as Error).message}`);
    }
  };
  const b64Pair = (v: unknown, field: string): PemCertAndKey | undefined =>
    isMap(v) ? { crt: b64(v.crt, `${field}.crt`), key: b64(v.key, `${field}.key`) } : undefined;

  const out: ConfigCredentials = {
    machineType: str(get(v1, "machine", "type")),
    osCA: b64Pair(get(v1, "machine", "ca"), "machine.ca"),
    osAcceptedCAs: [],
    k8sCA: b64Pair(get(v1, "cluster", "ca"), "cluster.ca"),
    k8sAcceptedCAs: [],
    clusterName: str(get(v1, "cluster", "clusterName")),
    endpoint: str(get(v1, "cluster", "controlPlane", "endpoint")),
  };
  const osAccepted = get(v1, "machine", "acceptedCAs");
  if (Array.isArray(osAccepted)) {
    out.osAcceptedCAs = osAccepted
      .map((a, i) => b64(get(a, "crt"), `machine.acceptedCAs[${i}].crt`))
      .filter((c) => c !== "");
  }
  const accepted = get(v1, "cluster", "acceptedCAs");
  const extra = Array.isArray(accepted)
    ? accepted.map((a, i) => b64(get(a, "crt"), `cluster.acceptedCAs[${i}].crt`))
    : [];

  const apiCA = docOf("KubeAPIServerCAConfig");
  if (apiCA) {
    const issuing = get(apiCA, "issuingCA");
    out.k8sCA = isMap(issuing) ? { crt: str(issuing.cert), key: str(issuing.key) } : undefined;
    const list = get(apiCA, "acceptedCAs");
    extra.splice(0, extra.length, ...(Array.isArray(list) ? list.map(str) : []));
  }
  const kube = docOf("KubeClusterConfig");
  if (kube) {
    out.clusterName = str(get(kube, "clusterName")) || out.clusterName;
    out.endpoint = str(get(kube, "endpoint")) || out.endpoint;
  }
  out.k8sAcceptedCAs = [...(out.k8sCA?.crt ? [out.k8sCA.crt] : []), ...extra.filter((c) => c)];

  const lifetime = str(get(v1, "cluster", "adminKubeconfig", "certLifetime"));
  if (lifetime !== "") {
    const ns = parseGoDuration(lifetime);
    if (ns === undefined) {
      fail(`cluster.adminKubeconfig.certLifetime: invalid duration ${JSON.stringify(lifetime)}`);
    }
    if (ns! > 0n) out.adminCertLifetimeMs = Number(ns! / 1_000_000n);
  }
  return out;
}
