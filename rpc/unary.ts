// Unary fan-out as talosctl's commands do it: one call per node, replies handled as they
// arrive, in-band errors (FilterMessages) turning the node's whole reply into its error, and
// every row labelled with the node that was asked (never a hostname from the reply).

import { filterMessages, type WithMetadata } from "./fanout.ts";
import { NodeError } from "./errors.ts";

/**
 * Calls `call(node)` for every node; `onReply` gets each successful node's messages (those
 * without in-band errors). Returns the nodes' errors, rendered `<prefix> <node>: <error>`, in
 * the order they arrived, appended to `errors` (a new list unless given).
 */
export async function unaryNodes<E extends WithMetadata>(
  nodes: string[],
  call: (node: string) => Promise<{ messages: E[] }>,
  onReply: (node: string, messages: E[]) => Promise<void> | void,
  errorPrefix = "error from node",
  errors: Error[] = [],
): Promise<Error[]> {
  await eachNodeAsArrived(nodes, call, async (r) => {
    if (!r.ok) {
      errors.push(new NodeError(r.node, r.error, errorPrefix));
      return;
    }
    const { messages, error } = filterMessages(r.value.messages);
    if (error) {
      errors.push(new NodeError(r.node, error, errorPrefix));
      return;
    }
    await onReply(r.node, messages);
  });
  return errors;
}

type NodeResult<T> =
  | { node: string; ok: true; value: T }
  | { node: string; ok: false; error: unknown };

/**
 * Runs `call` for every node at once and hands each outcome to `onResult` as soon as it
 * arrives (one at a time), as talosctl's multiplexer delivers replies: output and errors
 * follow arrival order, not the order the nodes were given. A `call` that throws before
 * dialing (e.g. the client could not be built) is that node's error like any other.
 */
async function eachNodeAsArrived<T>(
  nodes: string[],
  call: (node: string) => Promise<T>,
  onResult: (r: NodeResult<T>) => Promise<void> | void,
): Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  await Promise.all(nodes.map(async (node) => {
    let r: NodeResult<T>;
    try {
      r = { node, ok: true, value: await call(node) };
    } catch (error) {
      r = { node, ok: false, error };
    }
    chain = chain.then(() => onResult(r));
    await chain;
  }));
}
