// rpc: the only place that knows transports. Commands call `openSession(ctx)` and then make one
// call per node through `forEachNode`, rendering errors with `NodeError` / `RpcError`.
//
// Stable API (other commands build on it):
//   openSession(ctx, opts?) -> Session { client, nodes, contextName }
//     reads talosconfig (--talosconfig/--context), applies --endpoints/--nodes/--cluster,
//     checks the client certificate's validity before dialing, fails without nodes unless
//     opts.requireNodes === false.
//   const { client, options } = session.forNode(node); client.machine.<rpc>(req, options)
//     (`node` metadata + Ctrl-C signal; in --insecure mode a direct connection to the node)
//   session.single(commandName) -> the one node, or the upstream "requires exactly one node" error
//   forEachNode(nodes, (node) => call, {concurrency}) -> NodeResult[] in the given order
//   streamNodes(nodes, (node) => stream, onMessage) -> per-node errors (Ctrl-C = clean end)
//   attribute(node, reply.messages) -> reads metadata.hostname / metadata.error envelopes
//   NodeError (error from node X: rpc error: code = ... desc = ...), RpcError, toRpcError
//   newClient(ClientConfig) for callers that already hold PEM material (e.g. tests).

import type { CallOptions } from "@connectrpc/connect";
import type { PathDeps } from "../clientconfig/talosconfig_file.ts";
import { UserError } from "../errors.ts";
import { checkClientCertificate } from "./certcheck.ts";
import { newClient, type TalosClient } from "./client.ts";

export { newClient } from "./client.ts";
export type { ClientConfig, TalosClient } from "./client.ts";
export {
  attribute,
  eachNodeAsArrived,
  envelopeError,
  filterMessages,
  forEachNode,
  nodeOf,
  streamChunkError,
} from "./fanout.ts";
export { unaryNodes } from "./unary.ts";
export type { Attributed, NodeResult } from "./fanout.ts";
export {
  codeName,
  errorCode,
  errorText,
  NodeError,
  RpcError,
  rpcErrorText,
  toRpcError,
} from "./errors.ts";
export { normalizeEndpoint } from "./endpoints.ts";
export { streamNodes } from "./stream.ts";
export { relabelKey } from "./transport.ts";

/**
 * What a session needs from the running command: the global flags and a few Deps. Commands pass
 * their RunContext, which has this shape; rpc/ does not depend on commands/.
 */
export interface SessionContext {
  global: {
    talosconfig: string;
    context: string;
    nodes: string[];
    endpoints: string[];
    cluster: string;
  };
  deps: PathDeps & { now(): Date; signal: AbortSignal };
}

export const NODES_NOT_SET =
  "nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against";

export interface Session {
  client: TalosClient;
  /** Target nodes: --nodes, else the context's nodes. */
  nodes: string[];
  contextName: string;
  /** The single node for commands that work on one node only. */
  single(commandName: string): string;
  /** Client and call options (`node` metadata, signal) to reach `node`. */
  forNode(node: string): { client: TalosClient; options: CallOptions };
}

export interface SessionOptions {
  /** Default true: fail when no node is set. */
  requireNodes?: boolean;
  /** Dial timeout per endpoint (default 20 s). */
  dialTimeoutMs?: number;
  /**
   * Maintenance mode (`--insecure`): dial each node directly, TLS without verification and
   * without client certificate, no talosconfig.
   */
  insecure?: boolean;
  /** With `insecure`: --cert-fingerprint values (base64 SHA-256 of the node's public key). */
  certFingerprints?: string[];
}

/**
 * Opens a client for the command's talosconfig context and global flags, failing as talosctl's
 * client factory does:
 * - without --nodes the talosconfig is read first and every problem (no endpoints, no nodes,
 *   unreadable file) is the command's error;
 * - with --nodes the file is only read when a node is called, so a problem is each node's
 *   error (`error from node X: error constructing client: ...`), raised by `forNode`.
 */
export async function openSession(
  ctx: SessionContext,
  opts: SessionOptions = {},
): Promise<Session> {
  if (opts.insecure) return insecureSession(ctx, opts);
  const { global } = ctx;
  if (global.nodes.length === 0) {
    const built = await buildClient(ctx, opts);
    const nodes = built.nodes;
    if (nodes.length === 0 && opts.requireNodes !== false) throw new UserError(NODES_NOT_SET);
    checkClientCertificate(built.contextName, built.cert, ctx.deps.now());
    return sessionOf(built, nodes);
  }
  const nodes = global.nodes;
  let built: Built | undefined;
  let failure: UserError | undefined;
  try {
    built = await buildClient(ctx, opts);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    failure = new UserError(`error constructing client: ${e.message}`);
  }
  if (built) {
    checkClientCertificate(built.contextName, built.cert, ctx.deps.now());
    return sessionOf(built, nodes);
  }
  const fail = (): never => {
    throw failure;
  };
  return {
    get client(): TalosClient {
      return fail();
    },
    nodes,
    contextName: "",
    single: (name) => singleNode(nodes, name),
    forNode: fail,
  };
}

interface Built {
  client: TalosClient;
  contextName: string;
  /** Nodes of the talosconfig context. */
  nodes: string[];
  cert: string;
}

function sessionOf(built: Built, nodes: string[]): Session {
  const { client } = built;
  return {
    client,
    nodes,
    contextName: built.contextName,
    single: (name) => singleNode(nodes, name),
    forNode(node: string) {
      return { client, options: client.callOptions(node) };
    },
  };
}

/** talosctl's buildClientFromConfig + client.New, with their error texts. */
async function buildClient(ctx: SessionContext, opts: SessionOptions): Promise<Built> {
  const tc = await import("../clientconfig/talosconfig.ts");
  const { global, deps } = ctx;
  let opened;
  try {
    opened = await tc.openTalosconfig(deps, global);
  } catch (e) {
    throw new UserError(
      `failed to open config file ${JSON.stringify(global.talosconfig)}: ${(e as Error).message}`,
    );
  }
  let sel: ReturnType<typeof tc.currentContext> | undefined;
  let unresolved: Error | undefined;
  try {
    sel = tc.currentContext(opened.cfg, global);
  } catch (e) {
    unresolved = e as Error;
  }
  // client.New: endpoints come from --endpoints, else from the context (none when it cannot
  // be resolved); only then is the context needed for the TLS material.
  const endpoints = global.endpoints.length > 0 ? global.endpoints : sel?.ctx.endpoints ?? [];
  if (endpoints.length === 0) throw new UserError("failed to determine endpoints");
  if (!sel) {
    throw new UserError(
      `failed to create client connection: failed to resolve configuration context: ${
        unresolved?.message ?? ""
      }`,
    );
  }
  const cert = tc.contextPem(sel, "crt");
  const client = newClient({
    contextName: sel.name,
    endpoints,
    tls: { ca: tc.contextPem(sel, "ca"), cert, key: tc.contextPem(sel, "key") },
    cluster: global.cluster || sel.ctx.cluster || "",
  }, { signal: deps.signal, dialTimeoutMs: opts.dialTimeoutMs });
  return { client, contextName: sel.name, nodes: sel.ctx.nodes ?? [], cert };
}

function singleNode(nodes: string[], commandName: string): string {
  if (nodes.length !== 1) {
    throw new UserError(
      `command ${JSON.stringify(commandName)} requires exactly one node (got ${nodes.length})`,
    );
  }
  return nodes[0];
}

async function insecureSession(ctx: SessionContext, opts: SessionOptions): Promise<Session> {
  const nodes = ctx.global.nodes;
  if (nodes.length === 0) throw new UserError(NODES_NOT_SET);
  const clients = new Map<string, TalosClient>();
  const { base64Decode } = await import("../clientconfig/talosconfig.ts");
  const wanted = opts.certFingerprints ?? [];
  const clientFor = (node: string) => {
    let c = clients.get(node);
    if (!c) {
      // As talosctl's maintenance client: fingerprints are base64 SHA-256 SPKI digests.
      const fingerprints = wanted.map((f) => {
        try {
          return base64Decode(f);
        } catch (e) {
          throw new UserError(
            `error constructing maintenance mode client for node ${
              JSON.stringify(node)
            }: error parsing certificate fingerprint ${JSON.stringify(f)}: ${(e as Error).message}`,
          );
        }
      });
      c = newClient({
        contextName: "",
        endpoints: [node],
        tls: { ca: "", cert: "", key: "", insecure: true, fingerprints },
      }, { signal: ctx.deps.signal, dialTimeoutMs: opts.dialTimeoutMs });
      clients.set(node, c);
    }
    return c;
  };
  return {
    get client() {
      return clientFor(nodes[0]);
    },
    nodes,
    contextName: "",
    single: (name) => singleNode(nodes, name),
    forNode(node: string) {
      const client = clientFor(node);
      return { client, options: client.callOptions() };
    },
  };
}
