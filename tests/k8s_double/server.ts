// The Kubernetes API double for tests (the only one: health, upgrade-k8s, drain, support and CA
// rotation tests all use it). HTTPS on 127.0.0.1 with a serving certificate from the cluster's
// Kubernetes CA, client certificates required (signed by that CA). Objects live in memory:
// /version, discovery (/api, /apis, /api/v1, /apis/<g>/<v>, CRDs add their types), list (label
// and field selectors, all namespaces or one) / get / create / update / merge patch /
// server-side apply (apply.ts: managedFields, conflicts, force, immutable fields) / delete,
// dryRun=All on every write, pod evictions, watches (label and field selectors). Workloads
// written over HTTP roll out (status follows their generation) unless `rollout` says otherwise.
// Pods are created Pending; their logs and exec are pods.ts's `kubelet`. A deleted namespace
// turns Terminating, then (after `namespaceDeletionMs`, never when `namespacesStuck`) its
// objects and itself are deleted. `observe` lets a test act as a controller. No npm package
// serves a fake Kubernetes API, hence this one.
//
//   await using k8s = await startK8sDouble({ ca });   // ca: the Kubernetes CA (PEM cert + key)
//   k8s.put(node("talos-1", "10.5.0.2", { controlPlane: true }));

import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, type Listening } from "../listen.ts";
import { parse as parseYaml } from "yaml";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_SERVER_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";
import { concat } from "../../pki/der.ts";
import { matchesFields, matchesSelector } from "./selector.ts";
import {
  ApiFault,
  checkImmutable,
  mergePatch,
  nextGeneration,
  type Obj,
  recordUpdate,
  serverSideApply,
} from "./apply.ts";
import { readyStatus } from "./rollout.ts";
import { Kubelet } from "./pods.ts";
import type { Duplex } from "node:stream";

export type { Obj } from "./apply.ts";

/** A served resource: group/version, plural name, kind, namespaced. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

const core = (resource: string, kind: string, namespaced: boolean): ResourceType => ({
  group: "",
  version: "v1",
  resource,
  kind,
  namespaced,
});

export const RESOURCE_TYPES: ResourceType[] = [
  core("nodes", "Node", false),
  core("namespaces", "Namespace", false),
  core("pods", "Pod", true),
  core("configmaps", "ConfigMap", true),
  core("secrets", "Secret", true),
  core("services", "Service", true),
  core("serviceaccounts", "ServiceAccount", true),
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
  ...["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].map((kind) => ({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: kind.toLowerCase() + "s",
    kind,
    namespaced: !kind.startsWith("Cluster"),
  })),
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    resource: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    namespaced: false,
  },
];

/** Kinds whose status only controllers write (HTTP writes of the object keep it). */
const STATUS_KINDS = new Set([
  "Node",
  "Namespace",
  "Pod",
  "Service",
  "DaemonSet",
  "Deployment",
  "CustomResourceDefinition",
]);

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
  contentType?: string;
  body?: Obj;
}

export type Fault = (req: SeenRequest) => { status: number; body: Obj } | undefined;

/** How a workload written over HTTP rolls out: at once, never, or per object. */
export type Rollout = "ready" | "never" | ((obj: Obj) => boolean);

type Watcher = (type: string, obj: Obj) => void;

const WORKLOADS = new Set(["apps/v1/Deployment", "apps/v1/DaemonSet"]);

export class K8sDouble {
  readonly objects = new Map<string, Obj>();
  readonly requests: SeenRequest[] = [];
  readonly types: ResourceType[] = [...RESOURCE_TYPES];
  gitVersion: string;
  /** Answers a request before the store does (fault injection); undefined = go on. */
  intercept?: Fault;
  /** More faults, asked in order after `intercept`. */
  readonly faults: Fault[] = [];
  /** Deployments and DaemonSets written over HTTP become ready after `rolloutDelayMs`. */
  rollout: Rollout = "ready";
  rolloutDelayMs = 0;
  /** Container logs and exec. */
  readonly kubelet = new Kubelet();
  /** How long a deleted namespace stays Terminating; `namespacesStuck`: for ever. */
  namespaceDeletionMs = 0;
  namespacesStuck = false;
  #observers = new Set<Watcher>();
  port = 0;
  #rv = 1;
  #server?: https.Server;
  #listening?: Listening;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #watchers = new Set<{ rt: ResourceType; ns?: string; fn: Watcher }>();
  /** Recent changes, replayed to a watch that starts from an older resourceVersion. */
  #history: { rv: number; rt: ResourceType; type: string; obj: Obj }[] = [];

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
    server.on("upgrade", (req: IncomingMessage, socket: Duplex) => this.#upgrade(req, socket));
    this.#listening = await listen(server);
    this.port = this.#listening.port;
    this.#server = server;
    return this;
  }

  /** Calls `fn` for every change of any object (as a controller's informer); returns the stop. */
  observe(fn: (type: string, obj: Obj) => void): () => void {
    this.#observers.add(fn);
    return () => this.#observers.delete(fn);
  }

  /** Runs `fn` after `ms` unless the double closes first. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.#listening?.close();
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
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
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
    if (rt.kind === "CustomResourceDefinition") this.#serveCrd(stored);
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

  /** Every stored object of a kind (any namespace). */
  all(apiVersion: string, kind: string): Obj[] {
    const rt = this.typeOf(apiVersion, kind);
    return rt ? this.list(rt) : [];
  }

  #serveCrd(crd: Obj) {
    const spec = crd.spec ?? {};
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      if (
        this.types.some((t) =>
          t.group === spec.group && t.version === v.name && t.kind === spec.names?.kind
        )
      ) continue;
      this.types.push({
        group: spec.group,
        version: v.name,
        resource: spec.names?.plural,
        kind: spec.names?.kind,
        namespaced: spec.scope === "Namespaced",
      });
    }
  }

  #notify(rt: ResourceType, type: string, obj: Obj) {
    const rv = type === "DELETED" ? ++this.#rv : Number(obj.metadata.resourceVersion);
    this.#history.push({ rv, rt, type, obj });
    if (this.#history.length > 2000) this.#history.shift();
    for (const w of this.#watchers) {
      if (w.rt === rt && (w.ns === undefined || w.ns === obj.metadata.namespace)) w.fn(type, obj);
    }
    if (type === "DELETED" && rt.kind === "Pod") {
      this.kubelet.forget(obj.metadata.namespace, obj.metadata.name);
    }
    for (const fn of this.#observers) fn(type, obj);
  }

  /** Namespace deletion: Terminating now, then its objects and itself (unless stuck). */
  #terminate(ns: Obj): Obj {
    const name = ns.metadata.name;
    const terminating = this.put({
      ...ns,
      metadata: { ...ns.metadata, deletionTimestamp: new Date().toISOString() },
      status: { ...ns.status, phase: "Terminating" },
    });
    if (!this.namespacesStuck) {
      this.later(this.namespaceDeletionMs, () => {
        for (const rt of this.types.filter((t) => t.namespaced)) {
          for (const o of this.list(rt, name)) {
            this.delete(o.apiVersion, o.kind, o.metadata.name, name);
          }
        }
        this.delete("v1", "Namespace", name);
      });
    }
    return terminating;
  }

  /** WebSocket upgrades: pods/<name>/exec only. */
  #upgrade(req: IncomingMessage, socket: Duplex) {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    this.requests.push({ method: "UPGRADE", path: url.pathname, query: url.searchParams });
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const [ns, pod] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    this.kubelet.upgradeExec(
      this.get("v1", "Pod", pod, ns),
      {
        namespace: ns,
        pod,
        container: url.searchParams.get("container") ?? "",
        command: url.searchParams.getAll("command"),
      },
      req,
      socket,
    );
  }

  async #serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const chunks: Uint8Array[] = [];
    try {
      for await (const c of req) chunks.push(c as Uint8Array);
    } catch {
      // The client went away before the request was read (it timed out or was cancelled):
      // there is no one to answer, and the rejection must not escape as an uncaught error.
      return;
    }
    const text = new TextDecoder().decode(concat(chunks));
    const contentType = String(req.headers["content-type"] ?? "").split(";")[0].trim();
    const send = (status: number, body: Obj) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let body: Obj | undefined;
    try {
      body = text === ""
        ? undefined
        : contentType.endsWith("yaml")
        ? parseYaml(text)
        : JSON.parse(text);
    } catch (e) {
      return send(400, status(400, "BadRequest", `error decoding body: ${(e as Error).message}`));
    }
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      contentType: contentType || undefined,
      body,
    };
    this.requests.push(seen);
    for (const f of [this.intercept, ...this.faults]) {
      const fault = f?.(seen);
      if (fault) return send(fault.status, fault.body);
    }
    try {
      const answer = this.#route(seen, req, res);
      if (answer) send(answer[0], answer[1]);
    } catch (e) {
      if (e instanceof ApiFault) {
        return send(e.code, status(e.code, e.reason, e.message));
      }
      send(500, status(500, "InternalError", (e as Error).message));
    }
  }

  #discovery(p: string): [number, Obj] | undefined {
    if (p === "/version") {
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(this.gitVersion) ?? [];
      return [200, { major, minor, gitVersion: this.gitVersion, platform: "linux/amd64" }];
    }
    if (p === "/api") return [200, { kind: "APIVersions", versions: ["v1"] }];
    if (p === "/apis") {
      const groups = new Map<string, string[]>();
      for (const t of this.types.filter((t) => t.group)) {
        const vs = groups.get(t.group) ?? [];
        if (!vs.includes(t.version)) vs.push(t.version);
        groups.set(t.group, vs);
      }
      return [200, {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: [...groups].map(([name, vs]) => ({
          name,
          versions: vs.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] },
        })),
      }];
    }
    return undefined;
  }

  #route(r: SeenRequest, req: IncomingMessage, res: ServerResponse): [number, Obj] | undefined {
    const p = r.path.replace(/\/+$/, "");
    const disc = this.#discovery(p);
    if (disc) return disc;
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
    if (!m) throw notFoundAny();
    const group = m[2] ?? "";
    const version = m[1] ?? m[3];
    const rest = (m[4] ?? "").split("/").filter((x) => x).map(decodeURIComponent);
    const types = this.types.filter((t) => t.group === group && t.version === version);
    if (rest.length === 0) {
      if (types.length === 0) throw notFoundAny();
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
    if (!rt) throw notFoundAny();
    const name = rest[1];
    if (!name) {
      if (r.method === "POST") return this.#write(rt, ns, body(r).metadata?.name, r, "create");
      if (r.query.get("watch") === "1" || r.query.get("watch") === "true") {
        this.#watch(rt, ns, r, req, res);
        return undefined;
      }
      const sel = r.query.get("labelSelector") ?? "";
      const fields = r.query.get("fieldSelector") ?? "";
      const items = this.list(rt, ns).filter((o) =>
        matchesSelector(sel, o.metadata.labels ?? {}) && matchesFields(fields, o)
      );
      return [200, {
        kind: `${rt.kind}List`,
        apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
        metadata: { resourceVersion: String(this.#rv) },
        items,
      }];
    }
    const current = this.objects.get(this.#key(rt, ns, name));
    if (rest[2] === "eviction" && rt.kind === "Pod" && r.method === "POST") {
      if (!current) throw notFound(rt, name);
      this.delete("v1", "Pod", name, ns);
      return [201, status(201, "", "")];
    }
    if (rest[2] === "log" && rt.kind === "Pod" && r.method === "GET" && rest.length === 3) {
      if (!current) throw notFound(rt, name);
      const refused = this.kubelet.serveLog(current, r.query, req, res);
      if (refused) throw new ApiFault(...refused);
      return undefined;
    }
    if (rest.length > 2) throw notFoundAny();
    switch (r.method) {
      case "GET":
        if (!current) throw notFound(rt, name);
        return [200, current];
      case "DELETE":
        if (!current) throw notFound(rt, name);
        if (rt.kind === "Namespace") {
          if (current.status?.phase === "Terminating") {
            throw new ApiFault(
              409,
              "Conflict",
              `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
            );
          }
          if (r.query.get("dryRun") === "All") return [200, current];
          return [200, this.#terminate(current)];
        }
        if (r.query.get("dryRun") !== "All") {
          this.delete(current.apiVersion, current.kind, name, ns);
        }
        return [200, status(200, "", "")];
      case "PUT":
        if (!current) throw notFound(rt, name);
        return this.#write(rt, ns, name, r, "update");
      case "PATCH":
        if (r.contentType === "application/apply-patch+yaml") {
          return this.#write(rt, ns, name, r, "apply");
        }
        if (!current) throw notFound(rt, name);
        if (r.contentType?.endsWith("merge-patch+json")) {
          return this.#write(rt, ns, name, r, "merge");
        }
        throw new ApiFault(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
    }
    throw new ApiFault(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  }

  /** Create, update (PUT), merge patch or server-side apply; dryRun=All stores nothing. */
  #write(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    r: SeenRequest,
    op: "create" | "update" | "merge" | "apply",
  ): [number, Obj] {
    const key = this.#key(rt, ns, name);
    const live = this.objects.get(key);
    const gr = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const manager = r.query.get("fieldManager") ?? "unknown";
    const dryRun = r.query.get("dryRun") === "All";
    if (op === "create" && live) {
      throw new ApiFault(409, "AlreadyExists", `${gr} "${name}" already exists`);
    }
    if (rt.namespaced && !live && ns && !this.get("v1", "Namespace", ns)) {
      throw new ApiFault(404, "NotFound", `namespaces "${ns}" not found`);
    }
    let next: Obj;
    if (op === "apply") {
      if (!r.query.get("fieldManager")) {
        throw new ApiFault(
          400,
          "BadRequest",
          "PATCH " + r.path + ": fieldManager is required for apply requests",
        );
      }
      const force = r.query.get("force") === "true";
      next = serverSideApply(live, body(r), manager, force, now);
    } else if (op === "merge") {
      next = mergePatch(live, body(r)) as Obj;
      recordUpdate(live, next, manager, now);
    } else {
      next = structuredClone(body(r));
      const rv = next.metadata?.resourceVersion;
      if (op === "update" && rv && rv !== live!.metadata.resourceVersion) {
        throw new ApiFault(
          409,
          "Conflict",
          `Operation cannot be fulfilled on ${gr} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      next.metadata = { ...next.metadata, managedFields: live?.metadata?.managedFields };
      recordUpdate(live, next, manager, now);
    }
    next.apiVersion ??= rt.group ? `${rt.group}/${rt.version}` : rt.version;
    next.kind ??= rt.kind;
    next.metadata = { ...next.metadata, name };
    if (rt.namespaced) next.metadata.namespace = ns;
    else delete next.metadata.namespace;
    if (STATUS_KINDS.has(rt.kind)) {
      if (live?.status !== undefined) next.status = structuredClone(live.status);
      else if (rt.kind === "Namespace") next.status = { phase: "Active" };
      else if (rt.kind === "Pod") next.status = { phase: "Pending", qosClass: "BestEffort" };
      else if (rt.kind === "CustomResourceDefinition") {
        next.status = {
          conditions: [
            { type: "NamesAccepted", status: "True", reason: "NoConflicts" },
            { type: "Established", status: "True", reason: "InitialNamesAccepted" },
          ],
        };
      } else delete next.status;
    }
    if (!next.metadata.managedFields?.length) delete next.metadata.managedFields;
    checkImmutable(live, next, rt.group);
    nextGeneration(live, next);
    next.metadata.uid = live?.metadata?.uid ?? crypto.randomUUID();
    next.metadata.creationTimestamp = live?.metadata?.creationTimestamp ?? now;
    if (dryRun) {
      if (live) next.metadata.resourceVersion = live.metadata.resourceVersion;
      else delete next.metadata.resourceVersion;
      return [live ? 200 : 201, next];
    }
    delete next.metadata.resourceVersion;
    const stored = this.put(next);
    this.#rollOut(rt, stored);
    return [live ? 200 : 201, stored];
  }

  /** A controller's answer to a written workload: ready status for its generation. */
  #rollOut(rt: ResourceType, obj: Obj) {
    if (!WORKLOADS.has(`${rt.group}/${rt.version}/${rt.kind}`)) return;
    const go = this.rollout === "ready" ||
      (typeof this.rollout === "function" && this.rollout(obj));
    if (!go) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      const cur = this.get(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace);
      if (!cur || cur.metadata.generation !== obj.metadata.generation) return;
      const nodes = this.all("v1", "Node").length || 1;
      this.put({ ...cur, status: readyStatus(cur, nodes) });
    }, this.rolloutDelayMs);
    this.#timers.add(t);
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
    const fields = r.query.get("fieldSelector") ?? "";
    const from = Number(r.query.get("resourceVersion") ?? "0");
    const write = (type: string, obj: Obj) => {
      if (!matchesSelector(sel, obj.metadata.labels ?? {})) return;
      if (!matchesFields(fields, obj)) return;
      res.write(JSON.stringify({ type, object: obj }) + "\n");
    };
    if (!from) { for (const o of this.list(rt, ns)) write("ADDED", o); }
    else {
      for (const h of this.#history) {
        if (h.rv > from && h.rt === rt && (ns === undefined || h.obj.metadata.namespace === ns)) {
          write(h.type, h.obj);
        }
      }
    }
    const w = { rt, ns, fn: write };
    this.#watchers.add(w);
    const stop = () => this.#watchers.delete(w);
    req.on("close", stop);
    res.on("close", stop);
  }
}

const body = (r: SeenRequest): Obj => structuredClone(r.body ?? {});

const notFoundAny = () =>
  new ApiFault(404, "NotFound", "the server could not find the requested resource");

function notFound(rt: ResourceType, name: string) {
  const gr = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
  return new ApiFault(404, "NotFound", `${gr} "${name}" not found`);
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

export async function startK8sDouble(opts: K8sDoubleOptions): Promise<K8sDouble> {
  return await new K8sDouble(opts).start();
}
