// Reading what nodes reply: metadata envelopes (apid's one-to-many mode), in-band errors of
// unary replies (talosctl's FilterMessages) and of streamed chunks (ReadStream).

import type { Metadata } from "../gen/common/common_pb.ts";
import { Code } from "@connectrpc/connect";
import { RpcError, rpcErrorText } from "./errors.ts";
import { formatErrors } from "../gofmt/mod.ts";

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

/** A reply element's in-band error as FilterMessages renders it: `<hostname>: <error>`. */
function inbandText(md: Metadata): string {
  let err: string;
  if (!md.status) err = md.error;
  // status.FromProto(OK).Err() is nil, which Go's %s prints as below.
  else if (md.status.code === 0) err = "%!s(<nil>)";
  else err = rpcErrorText(md.status.code, md.status.message);
  return `${md.hostname}: ${err}`;
}

/**
 * talosctl's FilterMessages: elements whose `metadata.error` is set are removed and collected
 * into one error (a status alone, without the error string, is not an error). talosctl then
 * treats the whole reply of that node as failed, so callers print nothing of it.
 */
export function filterMessages<E extends WithMetadata>(
  messages: E[],
): { messages: E[]; error?: Error } {
  const kept: E[] = [];
  const errs: string[] = [];
  for (const m of messages) {
    if (m.metadata && m.metadata.error !== "") errs.push(inbandText(m.metadata));
    else kept.push(m);
  }
  return errs.length > 0
    ? { messages: kept, error: new Error(formatErrors(errs)) }
    : { messages: kept };
}

/**
 * talosctl's ReadStream reading of a streamed chunk's metadata (kubeconfig, copy, ...):
 * `end` when the stream must stop there, with `error` unless the in-band status was a
 * cancellation, which ends the stream as if it were complete.
 */
export function streamChunkError(m: WithMetadata): { end: boolean; error?: Error } {
  const md = m.metadata;
  if (!md || md.error === "") return { end: false };
  if (!md.status) return { end: true, error: new Error(md.error) };
  if (md.status.code === Code.Canceled || md.status.code === Code.DeadlineExceeded) {
    return { end: true };
  }
  return { end: true, error: new RpcError(md.status.code as Code, md.status.message) };
}

/**
 * The bytes of a Data stream (Read, Copy, Kubeconfig) as talosctl's ReadStream gives them: up
 * to the end the metadata marks; an in-band error is thrown after the bytes of its message,
 * a failed call or stream as it failed.
 */
export async function* streamBytes(
  messages: AsyncIterable<WithMetadata & { bytes: Uint8Array }>,
): AsyncGenerator<Uint8Array> {
  for await (const m of messages) {
    if (m.bytes.length > 0) yield m.bytes;
    const inband = streamChunkError(m);
    if (inband.error) throw inband.error;
    if (inband.end) return;
  }
}
