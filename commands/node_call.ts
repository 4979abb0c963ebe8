// Single-node calls as talosctl's BuildClientEnforceSingleNode commands make them (etcd defrag,
// etcd leave, etcd downgrade, inspect dependencies): exactly one node, one call, and the call's
// error (or the reply's in-band error) is the command's error, without a node prefix.

import type { RunContext } from "./spec.ts";
import type { NodeTarget, Session, WithMetadata } from "./kit.ts";

export interface SingleReply<E> {
  node: string;
  messages: E[];
  session: Session;
}

export async function callSingleNode<E extends WithMetadata>(
  ctx: RunContext,
  commandName: string,
  call: (t: NodeTarget) => Promise<{ messages: E[] }>,
): Promise<SingleReply<E>> {
  const { errorText, filterMessages, openSession, UserError } = await import("./kit.ts");
  const session = await openSession(ctx);
  const node = session.single(commandName);
  const target = session.forNode(node);
  let reply: { messages: E[] };
  try {
    reply = await call(target);
  } catch (e) {
    throw new UserError(errorText(e));
  }
  const { messages, error } = filterMessages(reply.messages);
  if (error) throw new UserError(error.message);
  return { node, messages, session };
}
