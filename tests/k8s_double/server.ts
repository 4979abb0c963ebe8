// A Kubernetes API double for tests: HTTPS on 127.0.0.1 with a serving certificate from the
// cluster's Kubernetes CA, client certificates required (signed by that CA). It keeps objects
// in memory and serves what talosctl's health checks and upgrade-k8s use: /version, discovery,
// list (label selectors) / get / create / update (incl. dryRun=All) / delete, and watches.
//
//   await using k8s = await startK8sDouble({ ca });   // ca: the Kubernetes CA (PEM cert + key)
//   k8s.put(node("talos-1", "10.5.0.2", { controlPlane: true }));

import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_SERVER_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";
import { matchesSelector } from "./selector.ts";

// deno-lint-ignore no-explicit-any
export type Obj = Record<string, any>;

/** A served resource: group/version, plural name, kind, namespaced. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export const RESOURCE_TYPES: ResourceType[] = [
  { group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false },
  { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false },
  { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true },
  { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true },
  { group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true },
  { group: "", version: "v1", resource: "services", kind: "Service", namespaced: true },
  {
    group: "",
    version: "v1",
    resource: "serviceaccounts",
    kind: "ServiceAccount",
    namespaced: true,
  },
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
  ...["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].map((kind) => ({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: kind.toLowerCase() + "s",
    kind,
    namespaced: !kind.startsWith("Cluster"),
  })),
];

export interface K8sDoubleOptions {
  /** The cluster's Kubernetes CA: signs the serving certificate, verifies clients. */
  ca: PemCertAndKey;
  gitVersion?: string;
}

/** A recorded request. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: Obj;
}

type Watcher = (type: string, obj: Obj) => void;

export class K8sDouble {
  readonly objects = new Map<string, Obj>();
  readonly requests: SeenRequest[] = [];
  gitVersion: string;
  /** Answers a request before the store does (fault injection); undefined = go on. */
  intercept?: (req: SeenRequest) => { status: number; body: Obj } | undefined;
  port = 0;
  #rv = 1;
  #server?: https.Server;
  #sockets = new Set<Socket>();
  #watchers = new Set<{ rt: ResourceType; ns?: string; fn: Watcher }>();

  constructor(readonly options: K8sDoubleOptions) {
    this.gitVersion = options.gitVersion ?? "v1.30.0";
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const now = new Date();
    const serving = await issueCertificate(this.options.ca, {
      subject: { commonName: "kube-apiserver" },
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
      extKeyUsage: [EKU_SERVER_AUTH],
      ipAddresses: ["127.0.0.1"],
      dnsNames: ["localhost"],
    });
    const server = https.createServer({
      ca: this.options.ca.crt,
      cert: serving.crt,
      key: serving.key,
      requestCert: true,
      rejectUnauthorized: true,
    }, (req, res) => this.#serve(req, res));
    server.on("connection", (s: Socket) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    );
  }

  /**
   * Replaces the CAs that client certificates must chain to and the serving certificate, for
   * connections made from now on (the API server after a Kubernetes CA rotation).
   */
  setTls(material: { ca: string; cert: string; key: string }): void {
    this.#server?.setSecureContext({ ca: material.ca, cert: material.cert, key: material.key });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  typeOf(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return RESOURCE_TYPES.find((t) =>
      t.group === group && t.version === version && t.kind === kind
    );
  }

  #key(rt: ResourceType, ns: string | undefined, name: string): string {
    return `${rt.group}/${rt.resource}/${rt.namespaced ? ns ?? "" : ""}/${name}`;
  }

  /** Creates or replaces an object (apiVersion + kind say what it is); watchers are told. */
  put(obj: Obj): Obj {
    const rt = this.typeOf(obj.apiVersion, obj.kind);
    if (!rt) throw new Error(`k8s double: unknown kind ${obj.apiVersion} ${obj.kind}`);
    const key = this.#key(rt, obj.metadata?.namespace, obj.metadata.name);
    const old = this.objects.get(key);
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.#rv);
    stored.metadata.uid ??= old?.metadata?.uid ?? crypto.randomUUID();
    stored.metadata.creationTimestamp ??= old?.metadata?.creationTimestamp ??
      "2024-01-01T00:00:00Z";
    this.objects.set(key, stored);
    this.#notify(rt, old ? "MODIFIED" : "ADDED", stored);
    return stored;
  }

  get(apiVersion: string, kind: string, name: string, ns?: string): Obj | undefined {
    const rt = this.typeOf(apiVersion, kind);
    return rt ? this.objects.get(this.#key(rt, ns, name)) : undefined;
  }

  delete(apiVersion: string, kind: string, name: string, ns?: string): boolean {
    const rt = this.typeOf(apiVersion, kind);
    if (!rt) return false;
    const key = this.#key(rt, ns, name);
    const old = this.objects.get(key);
    if (!old) return false;
    this.objects.delete(key);
    this.#notify(rt, "DELETED", old);
    return true;
  }

  list(rt: ResourceType, ns?: string): Obj[] {
    return [...this.objects.values()]
      .filter((o) => this.typeOf(o.apiVersion, o.kind) === rt)
      .filter((o) => !rt.namespaced || ns === undefined || o.metadata.namespace === ns)
      .sort((a, b) =>
        `${a.metadata.namespace ?? ""}/${a.metadata.name}` <
            `${b.metadata.namespace ?? ""}/${b.metadata.name}`
          ? -1
          : 1
      );
  }

  #notify(rt: ResourceType, type: string, obj: Obj) {
    for (const w of this.#watchers) {
      if (w.rt === rt && (w.ns === undefined || w.ns === obj.metadata.namespace)) w.fn(type, obj);
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const chunks: Uint8Array[] = [];
    for await (const c of req) chunks.push(c as Uint8Array);
    const text = new TextDecoder().decode(concat(chunks));
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(seen);
    const send = (status: number, body: Obj) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const fault = this.intercept?.(seen);
    if (fault) return send(fault.status, fault.body);
    try {
      const answer = this.#route(seen, req, res);
      if (answer) send(answer[0], answer[1]);
    } catch (e) {
      send(500, status(500, "InternalError", (e as Error).message));
    }
  }

  #route(r: SeenRequest, req: IncomingMessage, res: ServerResponse): [number, Obj] | undefined {
    const p = r.path.replace(/\/+$/, "");
    if (p === "/version") {
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(this.gitVersion) ?? [];
      return [200, { major, minor, gitVersion: this.gitVersion, platform: "linux/amd64" }];
    }
    if (p === "/api") return [200, { kind: "APIVersions", versions: ["v1"] }];
    if (p === "/apis") {
      const groups = [...new Set(RESOURCE_TYPES.map((t) => t.group).filter((g) => g))];
      return [200, {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: groups.map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
          preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
        })),
      }];
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
    if (!m) {
      return [404, status(404, "NotFound", "the server could not find the requested resource")];
    }
    const group = m[2] ?? "";
    const version = m[1] ?? m[3];
    const rest = (m[4] ?? "").split("/").filter((x) => x);
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
    if (rest.length === 0) {
      if (types.length === 0) {
        return [404, status(404, "NotFound", "the server could not find the requested resource")];
      }
      return [200, {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: group ? `${group}/${version}` : version,
        resources: types.map((t) => ({
          name: t.resource,
          singularName: t.kind.toLowerCase(),
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        })),
      }];
    }
    let ns: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      ns = rest[1];
      rest.splice(0, 2);
    }
    const rt = types.find((t) => t.resource === rest[0]);
    if (!rt) {
      return [404, status(404, "NotFound", "the server could not find the requested resource")];
    }
    const name = rest[1];
    const gr = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
    if (!name) {
      if (r.method === "POST") return this.#create(rt, ns, r);
      if (r.query.get("watch") === "1" || r.query.get("watch") === "true") {
        this.#watch(rt, ns, r, req, res);
        return undefined;
      }
      const sel = r.query.get("labelSelector") ?? "";
      const items = this.list(rt, ns).filter((o) => matchesSelector(sel, o.metadata.labels ?? {}));
      return [200, {
        kind: `${rt.kind}List`,
        apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
        metadata: { resourceVersion: String(this.#rv) },
        items,
      }];
    }
    const key = this.#key(rt, ns, name);
    const current = this.objects.get(key);
    const notFound = (): [number, Obj] => [
      404,
      {
        ...status(404, "NotFound", `${gr} "${name}" not found`),
        details: { name, kind: rt.resource },
      },
    ];
    if (r.method === "GET") return current ? [200, current] : notFound();
    if (r.method === "DELETE") {
      if (!current) return notFound();
      this.objects.delete(key);
      this.#notify(rt, "DELETED", current);
      return [200, status(200, "", "")];
    }
    if (r.method === "PUT") {
      if (!current) return notFound();
      const body = r.body ?? {};
      if (
        body.metadata?.resourceVersion &&
        body.metadata.resourceVersion !== current.metadata.resourceVersion
      ) {
        return [
          409,
          status(
            409,
            "Conflict",
            `Operation cannot be fulfilled on ${gr} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        ];
      }
      const next = structuredClone(body);
      next.metadata = {
        ...next.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
      };
      if (r.query.get("dryRun") === "All") {
        return [200, {
          ...next,
          metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion },
        }];
      }
      return [200, this.put(next)];
    }
    return [
      405,
      status(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
      ),
    ];
  }

  #create(rt: ResourceType, ns: string | undefined, r: SeenRequest): [number, Obj] {
    const body = structuredClone(r.body ?? {});
    if (rt.namespaced) body.metadata = { ...body.metadata, namespace: ns };
    const name = body.metadata?.name;
    const gr = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
    if (this.objects.has(this.#key(rt, ns, name))) {
      return [409, status(409, "AlreadyExists", `${gr} "${name}" already exists`)];
    }
    if (r.query.get("dryRun") === "All") return [201, body];
    return [201, this.put(body)];
  }

  #watch(
    rt: ResourceType,
    ns: string | undefined,
    r: SeenRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    const sel = r.query.get("labelSelector") ?? "";
    const from = Number(r.query.get("resourceVersion") ?? "0");
    const write = (type: string, obj: Obj) => {
      if (!matchesSelector(sel, obj.metadata.labels ?? {})) return;
      res.write(JSON.stringify({ type, object: obj }) + "\n");
    };
    if (!from) { for (const o of this.list(rt, ns)) write("ADDED", o); }
    const w = { rt, ns, fn: write };
    this.#watchers.add(w);
    const stop = () => this.#watchers.delete(w);
    req.on("close", stop);
    res.on("close", stop);
  }
}

export function status(code: number, reason: string, message: string): Obj {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 400 ? "Success" : "Failure",
    message,
    reason,
    code,
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

export async function startK8sDouble(opts: K8sDoubleOptions): Promise<K8sDouble> {
  return await new K8sDouble(opts).start();
}
