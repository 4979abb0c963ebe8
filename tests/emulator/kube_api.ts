// A small Kubernetes API server double for draining nodes: HTTPS with client certificates from
// the emulator's Kubernetes CA (the one its admin kubeconfig is issued from), serving nodes
// (get, cordon/uncordon patch), pods (list by node, get) and pod evictions, with
// PodDisruptionBudget refusals and NotReady nodes as faults. Starting it points the emulator's
// kubeconfig at it.

import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { newSelfSignedCA } from "../../pki/ca.ts";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_SERVER_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import { clusterOf } from "./kubeconfig_handlers.ts";
import type { Emulator } from "./server.ts";

export interface KubeNodeState {
  name: string;
  unschedulable: boolean;
  ready: boolean;
  /** Fault: answer this many more GETs with Ready=False. */
  notReadyGets?: number;
}

export interface KubePodState {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  /** Owned by a DaemonSet (drain leaves it). */
  daemonSet?: boolean;
  /** A static pod's mirror (drain leaves it). */
  mirror?: boolean;
  /** Fault: evictions refused by a disruption budget this many more times (Infinity: always). */
  pdbRefusals?: number;
}

export class KubeApiDouble {
  readonly nodes = new Map<string, KubeNodeState>();
  pods: KubePodState[] = [];
  readonly requests: { method: string; path: string; body?: unknown }[] = [];
  port = 0;
  #server?: https.Server;
  #sockets = new Set<Socket>();

  /** Starts the double for `emu`'s cluster, with a Ready node per simulated node (hostname). */
  static async start(emu: Emulator): Promise<KubeApiDouble> {
    const d = new KubeApiDouble();
    for (const n of emu.nodes.values()) {
      d.nodes.set(n.hostname, { name: n.hostname, unschedulable: false, ready: true });
    }
    const cluster = clusterOf(emu);
    const now = Date.now();
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    if (!cluster.k8sCA) {
      const ca = await newSelfSignedCA({
        algorithm: "ecdsa",
        organizations: ["kubernetes"],
        notBefore: new Date(now - 10_000),
        notAfter: new Date(now + 24 * 3600_000),
        random,
      });
      cluster.k8sCA = { crt: ca.crt, key: ca.key };
    }
    const serving = await issueCertificate(cluster.k8sCA, {
      subject: { commonName: "kube-apiserver" },
      notBefore: new Date(now - 10_000),
      notAfter: new Date(now + 24 * 3600_000),
      keyUsage: KeyUsage.digitalSignature,
      extKeyUsage: [EKU_SERVER_AUTH],
      ipAddresses: ["127.0.0.1"],
      dnsNames: ["localhost"],
    });
    const server = https.createServer({
      ca: cluster.k8sCA.crt,
      cert: serving.crt,
      key: serving.key,
      requestCert: true,
      rejectUnauthorized: true,
    }, (req, res) => d.#serve(req, res));
    server.on("connection", (s: Socket) => {
      d.#sockets.add(s);
      s.on("close", () => d.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    d.port = (server.address() as { port: number }).port;
    d.#server = server;
    cluster.endpoint = `https://127.0.0.1:${d.port}`;
    return d;
  }

  /** Adds a pod on a node. */
  addPod(nodeName: string, namespace: string, name: string, extra: Partial<KubePodState> = {}) {
    this.pods.push({ namespace, name, nodeName, uid: crypto.randomUUID(), ...extra });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #node(n: KubeNodeState) {
    let ready = n.ready;
    if (n.notReadyGets) {
      n.notReadyGets--;
      ready = false;
    }
    return {
      kind: "Node",
      apiVersion: "v1",
      metadata: { name: n.name },
      spec: n.unschedulable ? { unschedulable: true } : {},
      status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
    };
  }

  #pod(p: KubePodState) {
    return {
      kind: "Pod",
      apiVersion: "v1",
      metadata: {
        name: p.name,
        namespace: p.namespace,
        uid: p.uid,
        ...(p.mirror ? { annotations: { "kubernetes.io/config.mirror": "mirror" } } : {}),
        ...(p.daemonSet
          ? { ownerReferences: [{ kind: "DaemonSet", name: p.name, controller: true }] }
          : {}),
      },
      spec: { nodeName: p.nodeName },
    };
  }

  async #serve(req: IncomingMessage, res: ServerResponse) {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    const url = new URL(req.url ?? "/", "https://localhost");
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname + url.search, body });
    const send = (code: number, obj: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(obj));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code });
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(url.pathname))) {
      const n = this.nodes.get(decodeURIComponent(m[1]));
      if (!n) return status(404, "NotFound", `nodes "${decodeURIComponent(m[1])}" not found`);
      if (method === "PATCH") n.unschedulable = body?.spec?.unschedulable === true;
      return send(200, this.#node(n));
    }
    if (url.pathname === "/api/v1/pods" && method === "GET") {
      const sel = /^spec\.nodeName=(.*)$/.exec(url.searchParams.get("fieldSelector") ?? "");
      const items = this.pods.filter((p) => !sel || p.nodeName === sel[1]).map((p) => this.#pod(p));
      return send(200, { kind: "PodList", apiVersion: "v1", items });
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/eviction)?$/.exec(url.pathname))) {
      const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
      const i = this.pods.findIndex((p) => p.namespace === ns && p.name === name);
      if (i < 0) return status(404, "NotFound", `pods "${name}" not found`);
      const pod = this.pods[i];
      if (!m[3] && method === "GET") return send(200, this.#pod(pod));
      if (m[3] && method === "POST") {
        if (pod.pdbRefusals) {
          pod.pdbRefusals--;
          return status(
            429,
            "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
          );
        }
        this.pods.splice(i, 1);
        return send(201, { kind: "Status", apiVersion: "v1", status: "Success", code: 201 });
      }
    }
    status(404, "NotFound", "the server could not find the requested resource");
  }
}
