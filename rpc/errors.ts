// Error rendering in grpc-go's words, so scripts that grep talosctl's stderr keep working.

import { Code, ConnectError } from "@connectrpc/connect";
import { errorMessage } from "../errors.ts";

/** grpc-go code names, indexed by numeric code. */
const CODE_NAMES = [
  "OK",
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "OutOfRange",
  "Unimplemented",
  "Internal",
  "Unavailable",
  "DataLoss",
  "Unauthenticated",
];

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `Code(${code})`;
}

/** `rpc error: code = PermissionDenied desc = not authorized` */
export function rpcErrorText(code: number, desc: string): string {
  return `rpc error: code = ${codeName(code)} desc = ${desc}`;
}

/** An RPC failure rendered the way talosctl prints it. */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(readonly code: Code, readonly desc: string, options?: { cause?: unknown }) {
    super(rpcErrorText(code, desc), options);
  }
}

/** Turns any error thrown by a call into an RpcError (ConnectErrors keep their code). */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof ConnectError) {
    // A call cancelled on our side (Ctrl-C): Go's context error text, whatever the reason.
    const local = err.code === Code.Canceled &&
      (isLocalAbort(err.cause) || isLocalAbort({ message: err.rawMessage }));
    if (local) return new RpcError(err.code, "context canceled", { cause: err });
    // grpc-go's words for a reply over the receive limit.
    const big = /^message size (\d+) is larger than configured readMaxBytes (\d+)$/.exec(
      err.rawMessage,
    );
    if (big && err.code === Code.ResourceExhausted) {
      const desc = `grpc: received message larger than max (${big[1]} vs. ${big[2]})`;
      return new RpcError(err.code, desc, { cause: err });
    }
    return new RpcError(err.code, err.rawMessage, { cause: err });
  }
  if (err instanceof Error && err.name === "AbortError") {
    return new RpcError(Code.Canceled, "context canceled", { cause: err });
  }
  const msg = errorMessage(err);
  return new RpcError(Code.Unknown, msg, { cause: err });
}

function isLocalAbort(e: unknown): boolean {
  const x = e as { name?: unknown; message?: unknown };
  return x?.name === "AbortError" || x?.name === "TimeoutError" ||
    /^(the operation was aborted|this operation was aborted|the signal has been aborted|interrupted|context canceled)/i
      .test(String(x?.message ?? ""));
}

/** The gRPC status code of an error thrown by a call (Unknown for anything else). */
export function errorCode(err: unknown): Code {
  return toRpcError(err).code;
}

/**
 * How Go prints an error a call returned: gRPC failures (and cancellation) as
 * `rpc error: code = ... desc = ...`, any other error (a client that could not be built, an
 * in-band error list) with its own text.
 */
export function errorText(err: unknown): string {
  if (err instanceof RpcError || err instanceof ConnectError) return toRpcError(err).message;
  if (err instanceof Error && err.name === "AbortError") return toRpcError(err).message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** One node's failure: `error from node 10.5.0.3: rpc error: ...` when rendered. */
export class NodeError extends Error {
  override name = "NodeError";
  constructor(readonly node: string, cause: unknown, prefix = "error from node") {
    super(`${prefix} ${node}: ${errorText(cause)}`, { cause });
  }
}
