// The Kubernetes API as the checks reach it: the admin kubeconfig is fetched once through the
// Talos API (MachineService/Kubeconfig on the command's node), optionally pointed at another
// endpoint (`--k8s-endpoint`), and a client is built from its TLS material.

import type { NodeTarget } from "../session.ts";
import type { K8sClient } from "../../k8s/mod.ts";

/** Reads the admin kubeconfig's server, CA and client certificate for a client. */
export async function connectionFromKubeconfig(text: string, forceEndpoint: string) {
  const { parseKubeconfig } = await import("../../clientconfig/kubeconfig.ts");
  const cfg = await parseKubeconfig(text);
  const ctx = cfg.contexts.get(cfg.currentContext) ?? {};
  const cluster = cfg.clusters.get(String(ctx.cluster ?? "")) ?? {};
  const user = cfg.authInfos.get(String(ctx.user ?? "")) ?? {};
  const b64 = (v: unknown) => new TextDecoder().decode(base64(String(v ?? "")));
  let server = String(cluster.server ?? "");
  if (forceEndpoint !== "") {
    const endpoint = forceEndpoint.replace(/^https:\/\//, "");
    const [host, port] = splitHostPort(endpoint) ?? [endpoint, "6443"];
    server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }
  return {
    server,
    ca: b64(cluster["certificate-authority-data"]),
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
  };
}

/** Go's net.SplitHostPort, undefined where it fails. */
function splitHostPort(s: string): [string, string] | undefined {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(s);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const i = s.lastIndexOf(":");
  if (i < 0 || s.slice(0, i).includes(":") || s.startsWith("[")) return undefined;
  return [s.slice(0, i), s.slice(i + 1)];
}

function base64(s: string): Uint8Array {
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export class KubernetesAccess {
  #kubeconfig?: string;
  #client?: K8sClient;

  constructor(
    readonly talos: () => NodeTarget,
    readonly forceEndpoint: string,
    readonly signal: AbortSignal,
  ) {}

  /** The admin kubeconfig (fetched once). */
  async kubeconfig(signal: AbortSignal): Promise<string> {
    if (this.#kubeconfig !== undefined) return this.#kubeconfig;
    const { extractFileFromTarGz } = await import("../../archive/file.ts");
    const t = this.talos();
    const { concat } = await import("../../pki/der.ts");
    // The whole stream first: its failure is the error, not the archive's.
    const parts: Uint8Array[] = [];
    for await (const m of t.client.machine.kubeconfig({}, { ...t.options, signal })) {
      parts.push(m.bytes);
    }
    const file = await extractFileFromTarGz("kubeconfig", concat(parts));
    this.#kubeconfig = new TextDecoder().decode(file);
    return this.#kubeconfig;
  }

  /** A client for the cluster's API (built once). */
  async client(signal: AbortSignal): Promise<K8sClient> {
    if (this.#client) return this.#client;
    const conn = await connectionFromKubeconfig(await this.kubeconfig(signal), this.forceEndpoint);
    const { K8sClient } = await import("../../k8s/mod.ts");
    this.#client = new K8sClient(conn, this.signal);
    return this.#client;
  }

  close(): void {
    this.#client?.close();
  }
}
