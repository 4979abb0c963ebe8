// A small Kubernetes API client for draining nodes: built from an admin kubeconfig held in memory
// (certificate data, as Talos writes it), speaking JSON over mutual TLS with fetch.

import { parseKubeconfig } from "../../clientconfig/kubeconfig.ts";
import { UserError } from "../../errors.ts";

type Json = Record<string, unknown>;

/** An API error as client-go words it (the Status message, else the HTTP status). */
export class KubeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface KubeNode {
  metadata: { name: string };
  spec?: { unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface KubePod {
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; controller?: boolean }[];
  };
}

const b64 = (s: unknown) =>
  typeof s === "string"
    ? new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)))
    : "";

export class KubeClient {
  private constructor(
    readonly server: string,
    private readonly client: Deno.HttpClient,
    private readonly token: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** A client for the kubeconfig's current context. */
  static async fromKubeconfig(text: string, signal?: AbortSignal): Promise<KubeClient> {
    const cfg = await parseKubeconfig(text);
    const context = cfg.contexts.get(cfg.currentContext);
    const cluster = context && cfg.clusters.get(String(context.cluster ?? ""));
    const user = context ? cfg.authInfos.get(String(context.user ?? "")) ?? {} : {};
    if (!context || !cluster || typeof cluster.server !== "string") {
      throw new UserError(
        `invalid configuration: no usable context ${JSON.stringify(cfg.currentContext)}`,
      );
    }
    const ca = b64(cluster["certificate-authority-data"]);
    const cert = b64(user["client-certificate-data"]);
    const key = b64(user["client-key-data"]);
    const client = Deno.createHttpClient({
      ...(ca ? { caCerts: [ca] } : {}),
      ...(cert && key ? { cert, key } : {}),
    });
    return new KubeClient(
      cluster.server.replace(/\/+$/, ""),
      client,
      typeof user.token === "string" ? user.token : "",
      signal,
    );
  }

  close(): void {
    this.client.close();
  }

  async request(method: string, path: string, body?: unknown, contentType?: string): Promise<Json> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = contentType ?? "application/json";
    const url = this.server + path;
    let resp: Response;
    try {
      resp = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        client: this.client,
        signal: this.signal,
      });
    } catch (e) {
      // As Go's url.Error: the method (capitalised), the URL and why.
      const cause = (e as { cause?: { message?: string } }).cause?.message ??
        (e as Error).message;
      const why = cause.replace(/^error sending request for url \([^)]*\): /, "");
      throw new Error(
        `${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: ${why}`,
      );
    }
    const text = await resp.text();
    let json: Json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: reported by status below
    }
    if (!resp.ok) {
      const message = typeof json.message === "string"
        ? json.message
        : `the server responded with the status code ${resp.status} but did not return more information`;
      throw new KubeError(resp.status, message);
    }
    return json;
  }

  async getNode(name: string): Promise<KubeNode> {
    return await this.request(
      "GET",
      `/api/v1/nodes/${encodeURIComponent(name)}`,
    ) as unknown as KubeNode;
  }

  /** Sets spec.unschedulable (a strategic merge patch, as kubectl cordon sends). */
  async setUnschedulable(name: string, on: boolean): Promise<void> {
    await this.request(
      "PATCH",
      `/api/v1/nodes/${encodeURIComponent(name)}`,
      { spec: { unschedulable: on ? true : null } },
      "application/strategic-merge-patch+json",
    );
  }

  async podsOnNode(name: string): Promise<KubePod[]> {
    const sel = encodeURIComponent(`spec.nodeName=${name}`);
    const list = await this.request("GET", `/api/v1/pods?fieldSelector=${sel}`);
    return (list.items ?? []) as KubePod[];
  }

  async getPod(ns: string, name: string): Promise<KubePod> {
    return await this.request(
      "GET",
      `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`,
    ) as unknown as KubePod;
  }

  async evict(pod: KubePod): Promise<void> {
    const { namespace, name } = pod.metadata;
    await this.request(
      "POST",
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${
        encodeURIComponent(name)
      }/eviction`,
      { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
    );
  }
}
