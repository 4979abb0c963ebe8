// rpc: the only place that knows transports. It builds clients from PEM material and endpoints
// (`newClient`: mTLS, endpoint failover, `node`/`context` metadata), fans calls out to nodes
// (`unaryNodes`, `streamNodes`), reads reply envelopes, and renders errors in grpc-go's words
// (`RpcError`, `NodeError`). It knows nothing of talosconfig files: commands/session.ts builds
// sessions from them.

export { newClient } from "./client.ts";
export type { ClientConfig, TalosClient } from "./client.ts";
export {
  attribute,
  envelopeError,
  filterMessages,
  nodeOf,
  streamBytes,
  streamChunkError,
} from "./fanout.ts";
export { unaryNodes } from "./unary.ts";
export type { Attributed, WithMetadata } from "./fanout.ts";
export {
  codeName,
  errorCode,
  errorText,
  NodeError,
  RpcError,
  rpcErrorText,
  toRpcError,
} from "./errors.ts";
export { normalizeEndpoint } from "./endpoints.ts";
export { streamNodes, type StreamNodesOptions } from "./stream.ts";
export { isDialFailure, relabelKey } from "./transport.ts";
