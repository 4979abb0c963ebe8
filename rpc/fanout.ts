// Client-side fan-out: one call per node with `node` metadata, bounded concurrency, results and
// errors reported per node in the order the nodes were given (talosctl >= 1.14 semantics).

import type { Metadata } from "../gen/common/common_pb.ts";
import { Code } from "@connectrpc/connect";
import { RpcError } from "./errors.ts";

export type NodeResult<T> =
  | { node: string; ok: true; value: T }
  | { node: string; ok: false; error: unknown };

export interface FanOutOptions {
  /** At most this many calls in flight (default 16). */
  concurrency?: number;
}

/** Runs `call` for each node; never rejects: failures are results. */
export async function forEachNode<T>(
  nodes: string[],
  call: (node: string) => Promise<T>,
  opts: FanOutOptions = {},
): Promise<NodeResult<T>[]> {
  const results: NodeResult<T>[] = new Array(nodes.length);
  let next = 0;
  const worker = async () => {
    while (next < nodes.length) {
      const i = next++;
      const node = nodes[i];
      try {
        results[i] = { node, ok: true, value: await call(node) };
      } catch (error) {
        results[i] = { node, ok: false, error };
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 16, nodes.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

/** An element of a unary reply or a streamed message: all carry metadata in field 1. */
export interface WithMetadata {
  metadata?: Metadata;
}

/** The error a `metadata.error` envelope carries (apid one-to-many mode), if any. */
export function envelopeError(m: WithMetadata): RpcError | undefined {
  const md = m.metadata;
  if (!md || (md.error === "" && !md.status)) return undefined;
  if (md.status && md.status.code !== 0) {
    return new RpcError(md.status.code as Code, md.status.message || md.error);
  }
  if (md.error !== "") return new RpcError(Code.Unknown, md.error);
  return undefined;
}

/** Node name for an element: `metadata.hostname` when the server set it, else the target. */
export function nodeOf(m: WithMetadata, fallback: string): string {
  return m.metadata?.hostname || fallback;
}

export interface Attributed<E> {
  node: string;
  message?: E;
  error?: RpcError;
}

/**
 * Splits the elements of one node's unary reply into per-node messages and per-node errors,
 * reading envelopes when present (a `nodes` proxy may return several nodes' elements).
 */
export function attribute<E extends WithMetadata>(target: string, messages: E[]): Attributed<E>[] {
  return messages.map((m) => {
    const node = nodeOf(m, target);
    const error = envelopeError(m);
    return error ? { node, error } : { node, message: m };
  });
}
