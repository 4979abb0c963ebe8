// A COSI watch that picks up where it broke off, as the runtime's protobuf client (the one
// talosctl's `get -w` goes through) does: Talos puts a bookmark on its events; when the stream
// fails after one, the client opens the watch again from the last bookmark (no bootstrap
// contents, no tail), waiting between attempts with cenkalti/backoff's exponential defaults.
// A stream that fails before any bookmark, a refused bookmark (FailedPrecondition) and running
// out of retry time are the errors `get` reports.

import { Code } from "@connectrpc/connect";
import type { WatchResponse } from "../../gen/cosi/state_pb.ts";
import { errorCode, errorText } from "../../rpc/errors.ts";
import { UserError } from "../../errors.ts";
import { sleepOrThrow } from "../../wait/mod.ts";

/** backoff.NewExponentialBackOff(): 500ms, x1.5 up to 60s, +-50% jitter, 15 minutes in all. */
export class ExponentialBackoff {
  #interval = 500;
  #start: number;
  constructor(private readonly now: () => number, private readonly rand: () => number) {
    this.#start = now();
  }

  reset(): void {
    this.#interval = 500;
    this.#start = this.now();
  }

  /** The next wait in ms, or undefined when the time is up (counted from creation or reset). */
  next(): number | undefined {
    const elapsed = this.now() - this.#start;
    const delta = 0.5 * this.#interval;
    const wait = this.#interval - delta + this.rand() * 2 * delta;
    this.#interval = this.#interval >= 60_000 / 1.5 ? 60_000 : this.#interval * 1.5;
    return elapsed + wait > 15 * 60_000 ? undefined : wait;
  }
}

type Stream = AsyncIterator<WatchResponse>;

/** What a stream that ended without a status reports (Go's io.EOF). */
const EOF = new UserError("EOF");

/** A watch request as `get` builds it. */
export interface WatchInit {
  namespace: string;
  type: string;
  id?: string;
  options: { bootstrapContents?: boolean };
  apiVersion: number;
}

/** The watch again from `bookmark`, as the client asks for it when resuming. */
export function resumeRequest(req: WatchInit, bookmark: Uint8Array) {
  const options = {
    ...req.options,
    bootstrapContents: false,
    bootstrapBookmark: false,
    startFromBookmark: bookmark,
    tailEvents: 0,
  };
  return { ...req, options };
}

/**
 * The replies of a watch whose ready message was read already; `reopen` opens it again from a
 * bookmark. Throws the error that ends it (UserError texts for EOF and exhausted retries).
 */
export async function* resumingWatch(
  stream: Stream,
  reopen: (bookmark: Uint8Array) => Stream,
  backoff: ExponentialBackoff,
  signal: AbortSignal,
): AsyncGenerator<WatchResponse> {
  let bookmark: Uint8Array | undefined;
  const seen = (m: WatchResponse) => {
    for (const ev of m.event) bookmark = ev.bookmark; // the last one, even when it has none
    return m;
  };
  for (;;) {
    let err: unknown;
    try {
      const r = await stream.next();
      if (!r.done) {
        yield seen(r.value);
        continue;
      }
      err = EOF;
    } catch (e) {
      err = e;
    }
    if (bookmark === undefined || signal.aborted) throw err;
    for (;;) {
      const wait = backoff.next();
      if (wait === undefined) throw new UserError(`maximum retry attempts: ${errorText(err)}`);
      await sleepOrThrow(wait, signal);
      stream = reopen(bookmark);
      try {
        if ((await stream.next()).done) {
          err = EOF;
          continue;
        }
      } catch (e) {
        if (errorCode(e) === Code.FailedPrecondition) throw e; // the bookmark is no good
        err = e;
        continue;
      }
      try {
        const r = await stream.next();
        if (!r.done) {
          backoff.reset();
          yield seen(r.value);
          break;
        }
        err = EOF;
      } catch (e) {
        err = e;
      }
    }
  }
}
