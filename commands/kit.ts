// The command kit: everything the run function of an API command needs, from one module.
// Import it inside `run` (`const kit = await import("./kit.ts")`) so that loading the command's
// spec for help or routing stays cheap. See commands/README.md for the recipe.

export { NODES_NOT_SET, type NodeTarget, openSession, type Session } from "./session.ts";
export type { SessionOptions } from "./session.ts";
export { formatMemberId, IdleFlushTable, throwJoined } from "./output.ts";
export {
  goDuration,
  goDurationSeconds,
  goFixed,
  goQuote,
  goSort,
  goSortFunc,
  humanizeBytes,
  tabwrite,
} from "../gofmt/mod.ts";
export {
  envelopeError,
  errorCode,
  errorText,
  filterMessages,
  isDialFailure,
  NodeError,
  RpcError,
  streamBytes,
  streamChunkError,
  toRpcError,
} from "../rpc/mod.ts";
export type { TalosClient, WithMetadata } from "../rpc/mod.ts";
export { UserError } from "../errors.ts";
