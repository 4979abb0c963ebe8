// Server-streaming fan-out: one stream per node, all running at once (follow mode needs every
// node's stream open), messages handed over as they arrive, errors collected per node.

import { Code } from "@connectrpc/connect";
import { envelopeError, nodeOf, type WithMetadata } from "./fanout.ts";
import { NodeError, toRpcError } from "./errors.ts";

export interface StreamNodesOptions {
  /** Prefix of per-node error messages (default "error from node"). */
  errorPrefix?: string;
  /** Treat a cancelled stream (Ctrl-C) as a normal end (default true). */
  ignoreCanceled?: boolean;
}

/**
 * Opens `start(node)` for every node and feeds each message to `onMessage` (awaited, so output
 * keeps its order per node). Returns the per-node errors in the order the nodes were given;
 * `metadata.error` envelopes count as errors of the node they name.
 */
export async function streamNodes<M extends WithMetadata>(
  nodes: string[],
  start: (node: string) => AsyncIterable<M>,
  onMessage: (node: string, m: M) => Promise<void> | void,
  opts: StreamNodesOptions = {},
): Promise<Error[]> {
  const errors: Error[][] = nodes.map(() => []);
  await Promise.all(nodes.map(async (node, i) => {
    try {
      for await (const m of start(node)) {
        const err = envelopeError(m);
        if (err) errors[i].push(new NodeError(nodeOf(m, node), err, opts.errorPrefix));
        else await onMessage(nodeOf(m, node), m);
      }
    } catch (e) {
      if (opts.ignoreCanceled !== false && toRpcError(e).code === Code.Canceled) return;
      errors[i].push(new NodeError(node, e, opts.errorPrefix));
    }
  }));
  return errors.flat();
}
