// Error rendering in grpc-go's words, so scripts that grep talosctl's stderr keep working.

import { Code, ConnectError } from "@connectrpc/connect";

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
  if (err instanceof ConnectError) return new RpcError(err.code, err.rawMessage, { cause: err });
  if (err instanceof Error && err.name === "AbortError") {
    return new RpcError(Code.Canceled, "context canceled", { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new RpcError(Code.Unknown, msg, { cause: err });
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
