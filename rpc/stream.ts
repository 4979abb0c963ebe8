// Server-streaming fan-out: one stream per node, all running at once (follow mode needs every
// node's stream open), messages handed over as they arrive, errors collected per node.
//
// As talosctl's streaming multiplexer: every message is labelled with the node it was asked
// of (in-band `metadata` such as a proxy's hostname is not read), and a stream that fails is
// that node's error, reported in the order the failures happened.

import { Code } from "@connectrpc/connect";
import { NodeError, toRpcError } from "./errors.ts";

export interface StreamNodesOptions {
  /** Prefix of per-node error messages (default "error from node"). */
  errorPrefix?: string;
  /** Treat a cancelled stream (Ctrl-C) as a normal end (default true). */
  ignoreCanceled?: boolean;
  /**
   * Where to append the errors (a new list unless given): a command that collects errors of
   * its own from the messages passes its list, so both kinds keep their order of arrival, as
   * in talosctl's single errors.Join.
   */
  errors?: Error[];
}

/**
 * Opens `start(node)` for every node and feeds each message to `onMessage` (awaited, so output
 * keeps its order per node). Returns the per-node errors in the order they happened. `start`
 * may throw (e.g. the client could not be built): that is the node's error too.
 */
export async function streamNodes<M>(
  nodes: string[],
  start: (node: string) => AsyncIterable<M>,
  onMessage: (node: string, m: M) => Promise<void> | void,
  opts: StreamNodesOptions = {},
): Promise<Error[]> {
  const errors = opts.errors ?? [];
  await Promise.all(nodes.map(async (node) => {
    try {
      for await (const m of start(node)) await onMessage(node, m);
    } catch (e) {
      if (opts.ignoreCanceled !== false && toRpcError(e).code === Code.Canceled) return;
      errors.push(new NodeError(node, e, opts.errorPrefix));
    }
  }));
  return errors;
}
