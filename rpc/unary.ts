// Unary fan-out as talosctl's commands do it: one call per node, replies handled as they
// arrive, in-band errors (FilterMessages) turning the node's whole reply into its error, and
// every row labelled with the node that was asked (never a hostname from the reply).

import { eachNodeAsArrived, filterMessages, type WithMetadata } from "./fanout.ts";
import { NodeError } from "./errors.ts";

/**
 * Calls `call(node)` for every node; `onReply` gets each successful node's messages (those
 * without in-band errors). Returns the nodes' errors, rendered `<prefix> <node>: <error>`, in
 * the order they arrived.
 */
export async function unaryNodes<E extends WithMetadata>(
  nodes: string[],
  call: (node: string) => Promise<{ messages: E[] }>,
  onReply: (node: string, messages: E[]) => Promise<void> | void,
  errorPrefix = "error from node",
): Promise<Error[]> {
  const errors: Error[] = [];
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
