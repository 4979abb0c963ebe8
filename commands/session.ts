// The client factory of API commands (as gh's Factory builds clients): the talosconfig context
// and the global flags become a Session, and a Session calls every node, one call per node with
// `node` metadata, for unary calls (`unary`) and for streams (`stream`). Maintenance mode
// (`--insecure`, `--cert-fingerprint`) is read from the command's flags here, so commands do
// not repeat it. rpc/ knows transports only; reading talosconfig happens here.

import type { CallOptions } from "@connectrpc/connect";
import { UserError } from "../errors.ts";
import { newClient, type TalosClient } from "../rpc/client.ts";
import type { WithMetadata } from "../rpc/fanout.ts";
import { unaryNodes } from "../rpc/unary.ts";
import { streamNodes, type StreamNodesOptions } from "../rpc/stream.ts";
import { checkClientCertificate } from "./certcheck.ts";
import type { RunContext } from "./spec.ts";

export const NODES_NOT_SET =
  "nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against";

/** A node and what it takes to call it. */
export interface NodeTarget {
  node: string;
  client: TalosClient;
  /** `node` metadata, `context` metadata and the Ctrl-C signal. */
  options: CallOptions;
}

export interface Session {
  client: TalosClient;
  /** Target nodes: --nodes, else the context's nodes. */
  nodes: string[];
  contextName: string;
  /** The single node for commands that work on one node only. */
  single(commandName: string): string;
  /** Client and call options to reach `node`. */
  forNode(node: string): NodeTarget;
  /**
   * Calls every node at once; `onReply` gets each node's messages as its reply arrives. A reply
   * with in-band errors and a failed call are that node's error. Returns the errors, rendered
   * `<errorPrefix> <node>: <error>` (default "error from node"), in arrival order, appended to
   * `errors` when given (so a command can interleave errors of its own, as Go's errors.Join).
   */
  unary<E extends WithMetadata>(
    call: (t: NodeTarget) => Promise<{ messages: E[] }>,
    onReply: (node: string, messages: E[]) => Promise<void> | void,
    errorPrefix?: string,
    errors?: Error[],
  ): Promise<Error[]>;
  /**
   * Opens a stream to every node at once; `onMessage` gets each message as it arrives (awaited,
   * so a node's output keeps its order). Ctrl-C ends the streams cleanly. Returns the errors.
   */
  stream<M>(
    start: (t: NodeTarget) => AsyncIterable<M>,
    onMessage: (node: string, m: M) => Promise<void> | void,
    opts?: StreamNodesOptions,
  ): Promise<Error[]>;
}

export interface SessionOptions {
  /** Default true: fail when no node is set. */
  requireNodes?: boolean;
  /** Dial timeout per endpoint (default 20 s). */
  dialTimeoutMs?: number;
  /** HTTP/2 keepalive pings on open streams (commands that wait long on streams). */
  keepalive?: { intervalMs: number; timeoutMs: number };
  /**
   * Maintenance mode: dial each node directly, TLS without verification and without client
   * certificate, no talosconfig. Default: the command's `--insecure` flag.
   */
  insecure?: boolean;
  /** With `insecure`: base64 SHA-256 SPKI fingerprints. Default: `--cert-fingerprint`. */
  certFingerprints?: string[];
  /** Default true: warn on stderr when the client certificate expires within 30 days. */
  warnExpiry?: boolean;
}

/** What a session needs of the running command (a RunContext has it). */
export type SessionContext = Pick<RunContext, "global" | "flags" | "deps">;

/**
 * Opens a session for the command's talosconfig context and global flags, failing as talosctl's
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
  const insecure = opts.insecure ?? ctx.flags.insecure === true;
  if (insecure) {
    const fingerprints = opts.certFingerprints ??
      (ctx.flags["cert-fingerprint"] as string[] | undefined) ?? [];
    return await insecureSession(ctx, opts, fingerprints);
  }
  const { global } = ctx;
  if (global.nodes.length === 0) {
    const built = await buildClient(ctx, opts);
    const nodes = built.nodes;
    if (nodes.length === 0 && opts.requireNodes !== false) throw new UserError(NODES_NOT_SET);
    await checkCertificate(ctx, built, opts);
    const client = built.client;
    return sessionOf(nodes, built.contextName, () => client, (node) => client.callOptions(node));
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
    await checkCertificate(ctx, built, opts);
    const client = built.client;
    return sessionOf(nodes, built.contextName, () => client, (node) => client.callOptions(node));
  }
  const fail = (): never => {
    throw failure;
  };
  return sessionOf(nodes, "", fail, fail);
}

/**
 * Refuses an expired client certificate before dialing, and warns (one line on stderr) when it
 * expires within 30 days, naming the `config renew` command for this file and context.
 */
async function checkCertificate(
  ctx: SessionContext,
  built: Built,
  opts: SessionOptions,
): Promise<void> {
  const warning = checkClientCertificate(built.contextName, built.cert, ctx.deps.now(), {
    talosconfig: ctx.global.talosconfig,
    context: ctx.global.context,
  });
  if (warning && opts.warnExpiry !== false) await ctx.deps.io.stderr.write(warning);
}

/** A session over `clientFor` (which may throw: that is the node's error). */
function sessionOf(
  nodes: string[],
  contextName: string,
  clientFor: (node: string) => TalosClient,
  optionsFor: (node: string) => CallOptions,
): Session {
  const forNode = (node: string): NodeTarget => {
    const client = clientFor(node);
    return { node, client, options: optionsFor(node) };
  };
  return {
    get client(): TalosClient {
      return clientFor(nodes[0] ?? "");
    },
    nodes,
    contextName,
    single: (name) => singleNode(nodes, name),
    forNode,
    unary: (call, onReply, errorPrefix, errors) =>
      unaryNodes(nodes, (node) => call(forNode(node)), onReply, errorPrefix, errors),
    stream: (start, onMessage, opts) =>
      streamNodes(nodes, (node) => start(forNode(node)), onMessage, opts),
  };
}

interface Built {
  client: TalosClient;
  contextName: string;
  /** Nodes of the talosconfig context. */
  nodes: string[];
  cert: string;
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
  }, { signal: deps.signal, dialTimeoutMs: opts.dialTimeoutMs, keepalive: opts.keepalive });
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

async function insecureSession(
  ctx: SessionContext,
  opts: SessionOptions,
  wanted: string[],
): Promise<Session> {
  const nodes = ctx.global.nodes;
  if (nodes.length === 0) throw new UserError(NODES_NOT_SET);
  const clients = new Map<string, TalosClient>();
  const { base64Decode } = await import("../clientconfig/talosconfig.ts");
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
      }, { signal: ctx.deps.signal, dialTimeoutMs: opts.dialTimeoutMs, keepalive: opts.keepalive });
      clients.set(node, c);
    }
    return c;
  };
  return sessionOf(nodes, "", clientFor, (node) => clientFor(node).callOptions());
}
