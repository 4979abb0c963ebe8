// The apid emulator: a Connect gRPC server on node:http2 behind mutual TLS. It authorises each
// call with the roles in the client certificate's Organization, routes it by `node`/`nodes`
// metadata to simulated nodes (one-to-one: plain reply; one-to-many: replies wrapped in
// metadata envelopes, failed nodes as error elements), and injects faults.

import * as http2 from "node:http2";
import * as tls from "node:tls";
import { listen, type Listening } from "../listen.ts";
import { sleepOrThrow } from "../../wait/mod.ts";
import { create, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { ImageService } from "../../gen/machine/image_pb.ts";
import { LVMService, MDService } from "../../gen/machine/volumes_pb.ts";
import { TimeService } from "../../gen/time/time_pb.ts";
import { StorageService } from "../../gen/storage/storage_pb.ts";
import { ClusterService } from "../../gen/cluster/cluster_pb.ts";
import { InspectService } from "../../gen/inspect/inspect_pb.ts";
import { State } from "../../gen/cosi/state_pb.ts";
import { LifecycleService } from "../../gen/machine/lifecycle_pb.ts";
import { MetadataSchema } from "../../gen/common/common_pb.ts";
import { StorageService as MachineStorageService } from "../../gen/machine/storage_pb.ts";
import { DebugService } from "../../gen/machine/debug_pb.ts";
import { authorized } from "./rules.ts";
import { codeName } from "../../rpc/errors.ts";
import type { EtcdMemberInfo, SimNode } from "./node.ts";

export const SERVICES: DescService[] = [
  MachineService,
  TimeService,
  StorageService,
  ClusterService,
  InspectService,
  State,
  LifecycleService,
  ImageService,
  LVMService,
  MDService,
  MachineStorageService,
  DebugService,
];

/** What a handler sees besides the request. */
export interface NodeCall {
  node: SimNode;
  emulator: Emulator;
  signal: AbortSignal;
  roles: string[];
  headers: Headers;
}

// deno-lint-ignore no-explicit-any
type Init = any;
export type UnaryHandler = (req: Init, call: NodeCall) => Init | Promise<Init>;
export type StreamHandler = (req: Init, call: NodeCall) => AsyncIterable<Init>;
/**
 * A client-streaming method gets the requests as an AsyncIterable and returns one reply; typed
 * like a unary handler (its first parameter is untyped too) so that `handle` stays contextual.
 */
export type ClientStreamHandler = UnaryHandler;
export type Handler = UnaryHandler | StreamHandler;
/**
 * A bidirectional method gets the requests as an AsyncIterable and answers with one; its
 * replies may follow the requests as they come (register with `as StreamHandler`).
 */
export type BidiHandler = (reqs: AsyncIterable<Init>, call: NodeCall) => AsyncIterable<Init>;

export interface EmulatorOptions {
  nodes: SimNode[];
  /** PEM CA, server certificate and key (Talos label accepted). */
  tls: { ca: string; cert: string; key: string };
  /** Negotiate ALPN h2 (default true); false mimics apid before October 2024. */
  alpn?: boolean;
  host?: string;
  /** Maintenance mode: no client certificate asked for, every caller is os:reader. */
  maintenance?: boolean;
}

const requestKey = createContextKey<http2.Http2ServerRequest | undefined>(undefined);
const rolesKey = createContextKey<string[]>([]);

function relabel(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
}

function rolesOf(socket: tls.TLSSocket): string[] {
  const o = socket.getPeerCertificate()?.subject?.O as string | string[] | undefined;
  const list = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return list.map((r) => r.trim()).filter((r) => r !== "");
}

/** Sleeps `ms`; a cancelled call ends it with gRPC's Canceled. */
const sleep = (ms: number, signal: AbortSignal) =>
  sleepOrThrow(ms, signal, () => new ConnectError("context canceled", Code.Canceled));

export class Emulator {
  readonly nodes = new Map<string, SimNode>();
  readonly handlers = new Map<string, Handler>();
  /** Cluster etcd membership (control-plane nodes are added at start). */
  etcdMembers: EtcdMemberInfo[] = [];
  /** Every call seen: method path, target node(s) and roles, for assertions. */
  readonly calls: { path: string; node: string; roles: string[]; context: string | null }[] = [];
  port = 0;
  readonly host: string;
  #server?: tls.Server;
  #h2?: http2.Http2Server;
  #listening?: Listening;
  #onClose: (() => void)[] = [];

  constructor(readonly options: EmulatorOptions) {
    this.host = options.host ?? "127.0.0.1";
    for (const n of options.nodes) this.nodes.set(n.address, n);
    for (const n of options.nodes) {
      if (n.etcd) {
        this.etcdMembers.push({
          id: n.etcd.memberId,
          hostname: n.hostname,
          peerUrls: [`https://${n.address}:2380`],
          clientUrls: [`https://${n.address}:2379`],
          isLearner: false,
        });
      }
    }
  }

  /** "127.0.0.1:port" */
  get endpoint(): string {
    return `${this.host}:${this.port}`;
  }

  /** Registers (or replaces) the per-node implementation of a method. */
  handle(method: DescMethod, handler: Handler): this {
    this.handlers.set(`/${method.parent.typeName}/${method.name}`, handler);
    return this;
  }

  async start(): Promise<this> {
    const h2 = http2.createServer(
      {},
      connectNodeAdapter({
        routes: (router) => this.#routes(router),
        contextValues: (req) => {
          const h2req = req as unknown as http2.Http2ServerRequest;
          const socket = (h2req.stream?.session?.socket ?? h2req.socket) as tls.TLSSocket;
          const roles = this.options.maintenance ? ["os:reader"] : rolesOf(socket);
          return createContextValues().set(requestKey, h2req).set(rolesKey, roles);
        },
      }),
    );
    // A maintenance listener takes clients without a certificate; it still asks for one, so that
    // after leaveMaintenance() the same listener can demand a valid one (checked per connection).
    const startedInMaintenance = this.options.maintenance === true;
    const server = tls.createServer({
      ca: this.options.tls.ca,
      cert: this.options.tls.cert,
      key: relabel(this.options.tls.key),
      requestCert: true,
      rejectUnauthorized: !startedInMaintenance,
      ...(this.options.alpn === false ? {} : { ALPNProtocols: ["h2"] }),
    }, (socket) => {
      if (startedInMaintenance && !this.options.maintenance && !socket.authorized) {
        // Configured now: apid refuses clients without a certificate of the cluster's CA.
        socket.destroy();
        return;
      }
      // Node's HTTP/2 server refuses sockets without ALPN h2 (it answers with HTTP/1 403);
      // apid (grpc-go) does not care, so present the socket as h2 either way.
      if (!socket.alpnProtocol) {
        Object.defineProperty(socket, "alpnProtocol", { value: "h2", configurable: true });
      }
      h2.emit("connection", socket);
    });
    this.#listening = await listen(server, this.host);
    this.port = this.#listening.port;
    this.#server = server;
    this.#h2 = h2;
    return this;
  }

  /**
   * The node leaves maintenance mode (a complete config was applied): from now on clients need
   * a certificate, and roles come from it. `tls` replaces the serving certificate and the
   * trusted CA (the cluster's OS CA from the applied config) for new connections.
   */
  leaveMaintenance(tls?: { ca: string; cert: string; key: string }): void {
    this.options.maintenance = false;
    if (!tls) return;
    this.options.tls = tls;
    this.#server?.setSecureContext({ ca: tls.ca, cert: tls.cert, key: relabel(tls.key) });
  }

  /** Runs `fn` when the emulator closes (e.g. to stop a handler's timers). */
  onClose(fn: () => void): void {
    this.#onClose.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.#onClose.splice(0)) fn();
    await this.#listening?.close();
    this.#h2?.close();
  }

  /**
   * Replaces the server certificate and the CAs that client certificates must chain to, for
   * connections made from now on (apid after a CA rotation: see pki_handlers.ts).
   */
  setTls(material: { ca: string; cert: string; key: string }): void {
    this.options.tls = material;
    this.#server?.setSecureContext({
      ca: material.ca,
      cert: material.cert,
      key: relabel(material.key),
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #routes(router: ConnectRouter): void {
    this.#bidiRoutes(router);
    for (const svc of SERVICES) {
      for (const method of svc.methods) {
        if (method.methodKind === "unary") {
          const impl = (req: Init, ctx: HandlerContext) => this.#unary(method, req, ctx);
          router.rpc(method as never, impl as never);
        } else if (method.methodKind === "server_streaming") {
          const impl = (req: Init, ctx: HandlerContext) => this.#stream(method, req, ctx);
          router.rpc(method as never, impl as never);
        } else if (method.methodKind === "client_streaming") {
          const impl = (reqs: AsyncIterable<Init>, ctx: HandlerContext) =>
            this.#clientStream(method, reqs, ctx);
          router.rpc(method as never, impl as never);
        }
      }
    }
  }

  /** Targets of a call: [] = the endpoint itself; mode tells how to answer. */
  #targets(path: string, headers: Headers): { mode: "one" | "many"; targets: string[] } {
    const nodes = headers.get("nodes");
    if (nodes !== null) {
      // apid's director: only these services support one-to-many proxying.
      const many = ["machine.MachineService", "cluster.ClusterService", "inspect.InspectService"]
        .concat(["storage.StorageService", "time.TimeService"]);
      if (!many.some((svc) => path.startsWith(`/${svc}/`))) {
        throw new ConnectError(
          `one-2-many proxying is not supported for method ${path}`,
          Code.InvalidArgument,
        );
      }
      return { mode: "many", targets: nodes.split(",").map((s) => s.trim()) };
    }
    const node = headers.get("node");
    if (node !== null) {
      if (node.includes(",")) {
        throw new ConnectError("node metadata must be single-valued", Code.InvalidArgument);
      }
      return { mode: "one", targets: [node] };
    }
    return { mode: "one", targets: [this.options.nodes[0].address] };
  }

  #call(path: string, target: string, ctx: HandlerContext): NodeCall {
    const roles = ctx.values.get(rolesKey);
    this.calls.push({ path, node: target, roles, context: ctx.requestHeader.get("context") });
    const node = this.nodes.get(target);
    if (!node || node.faults.down) {
      const why = node ? "connect: connection refused" : "connect: no route to host";
      throw new ConnectError(
        `connection error: desc = "transport: Error while dialing: dial tcp ${target}:50000: ${why}"`,
        Code.Unavailable,
      );
    }
    const refuse = node.faults.refuse;
    if (refuse && refuse.times > 0 && path.endsWith(`/${refuse.method}`)) {
      refuse.times--;
      throw new ConnectError('connection error: desc = "apid is starting"', Code.Unavailable);
    }
    if (!authorized(path, roles, this.options.maintenance)) {
      throw new ConnectError("not authorized", Code.PermissionDenied);
    }
    return { node, emulator: this, signal: ctx.signal, roles, headers: ctx.requestHeader };
  }

  #handler(path: string): Handler {
    const h = this.handlers.get(path);
    if (!h) throw new ConnectError(`unknown method ${path}`, Code.Unimplemented);
    return h;
  }

  async #unaryOne(path: string, req: Init, target: string, ctx: HandlerContext) {
    const call = this.#call(path, target, ctx);
    if (call.node.faults.delayMs) await sleep(call.node.faults.delayMs, ctx.signal);
    return await (this.#handler(path) as UnaryHandler)(req, call);
  }

  async #unary(method: DescMethod, req: Init, ctx: HandlerContext): Promise<Init> {
    const path = `/${method.parent.typeName}/${method.name}`;
    const { mode, targets } = this.#targets(path, ctx.requestHeader);
    if (mode === "one") return await this.#unaryOne(path, req, targets[0], ctx);
    // One-to-many: every element gets the target as hostname; failures become elements.
    const element = method.output.fields.find((f) => f.localName === "messages")?.message;
    const parts = await Promise.all(targets.map(async (t) => {
      try {
        const resp = create(
          method.output as DescMessage,
          await this.#unaryOne(path, req, t, ctx),
        ) as Init;
        for (const m of resp.messages ?? []) {
          m.metadata = create(MetadataSchema, { ...(m.metadata ?? {}), hostname: t });
        }
        return resp.messages ?? [];
      } catch (err) {
        if (!element) throw err;
        return [create(element, { metadata: errorMetadata(t, err) })];
      }
    }));
    return { messages: parts.flat() };
  }

  /**
   * The one node a client-streaming or bidirectional call goes to (apid proxies these
   * one-to-one and refuses several targets), after the node's injected delay.
   */
  async #oneTarget(method: DescMethod, ctx: HandlerContext) {
    const path = `/${method.parent.typeName}/${method.name}`;
    const { mode, targets } = this.#targets(path, ctx.requestHeader);
    if (mode === "many") {
      throw new ConnectError(
        `one-2-many proxying is not supported for method ${path}`,
        Code.InvalidArgument,
      );
    }
    const call = this.#call(path, targets[0], ctx);
    if (call.node.faults.delayMs) await sleep(call.node.faults.delayMs, ctx.signal);
    return { path, call };
  }

  /** Client streaming: one target only (apid proxies these one-to-one). */
  async #clientStream(
    method: DescMethod,
    reqs: AsyncIterable<Init>,
    ctx: HandlerContext,
  ): Promise<Init> {
    const { path, call } = await this.#oneTarget(method, ctx);
    return await (this.#handler(path) as ClientStreamHandler)(reqs, call);
  }

  async *#streamOne(path: string, req: Init, target: string, ctx: HandlerContext) {
    const call = this.#call(path, target, ctx);
    if (call.node.faults.delayMs) await sleep(call.node.faults.delayMs, ctx.signal);
    const { dropAfter: after, dropMethod } = call.node.faults;
    const dropAfter = dropMethod === undefined || path.endsWith(`/${dropMethod}`)
      ? after
      : undefined;
    let sent = 0;
    for await (const m of (this.#handler(path) as StreamHandler)(req, call)) {
      if (dropAfter !== undefined && sent >= dropAfter) {
        // Reset the HTTP/2 stream as a dying node or proxy would: no trailers, no status.
        const raw = ctx.values.get(requestKey);
        raw?.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        await sleep(60_000, ctx.signal);
        return;
      }
      sent++;
      yield m;
    }
  }

  async *#stream(method: DescMethod, req: Init, ctx: HandlerContext): AsyncIterable<Init> {
    const path = `/${method.parent.typeName}/${method.name}`;
    const { mode, targets } = this.#targets(path, ctx.requestHeader);
    if (mode === "one") {
      yield* this.#streamOne(path, req, targets[0], ctx);
      return;
    }
    // One-to-many: interleave the nodes' streams in arrival order, tagging each message.
    const queue: Init[] = [];
    let wake: (() => void) | undefined;
    let running = targets.length;
    const push = (m: Init) => {
      queue.push(m);
      wake?.();
    };
    for (const t of targets) {
      (async () => {
        try {
          for await (const m of this.#streamOne(path, req, t, ctx)) {
            push({ ...m, metadata: { ...(m.metadata ?? {}), hostname: t } });
          }
        } catch (err) {
          push({ metadata: errorMetadata(t, err) });
        } finally {
          running--;
          wake?.();
        }
      })();
    }
    while (running > 0 || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((r) => wake = r);
        wake = undefined;
        continue;
      }
      yield queue.shift();
    }
  }

  /** Bidirectional streaming methods (e.g. DebugService.ContainerRun). */
  #bidiRoutes(router: ConnectRouter): void {
    for (const svc of SERVICES) {
      for (const method of svc.methods) {
        if (method.methodKind !== "bidi_streaming") continue;
        const impl = (reqs: AsyncIterable<Init>, ctx: HandlerContext) =>
          this.#bidi(method, reqs, ctx);
        router.rpc(method as never, impl as never);
      }
    }
  }

  /** Bidirectional streaming: one target only, as apid proxies these one-to-one. */
  async *#bidi(method: DescMethod, reqs: AsyncIterable<Init>, ctx: HandlerContext) {
    const { path, call } = await this.#oneTarget(method, ctx);
    yield* (this.#handler(path) as unknown as BidiHandler)(reqs, call);
  }
}

function errorMetadata(hostname: string, err: unknown) {
  const ce = ConnectError.from(err);
  return {
    hostname,
    error: `rpc error: code = ${codeName(ce.code)} desc = ${ce.rawMessage}`,
    status: { code: ce.code, message: ce.rawMessage },
  };
}
