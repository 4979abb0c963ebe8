// `retryConstant`, as siderolabs/go-retry's Constant retryer, for commands that port upstream
// code built on it (a loop on wait/'s `poll`): the function runs at once and then every `unitMs`
// while it throws an ExpectedError, until `timeoutMs` have passed; any other error ends it at
// once. The error thrown at the end lists every distinct error seen ("N error(s)
// occurred:\n\t<err>..."), with "timeout" last when time ran out. With `log`, each new expected
// error is logged once, as Go's log package prints ("2006/01/02 15:04:05 retrying error: ...").

import { goLogTime } from "../gofmt/time.ts";
import { poll } from "../wait/mod.ts";

/** An error the retried function expects and waits out. */
export class ExpectedError extends Error {
  override name = "ExpectedError";
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** The error of a retry that gave up: go-retry's ErrorSet text. */
export class RetryError extends Error {
  override name = "RetryError";
  constructor(readonly errors: string[]) {
    super(
      `${errors.length} error(s) occurred:` + errors.map((e) => `\n\t${e}`).join(""),
    );
  }
}

export interface RetryOptions {
  timeoutMs: number;
  unitMs: number;
  signal: AbortSignal;
  /** Where "retrying error" lines go (Go's log: stderr); none when unset. */
  log?: (line: string) => Promise<void>;
  now?: () => Date;
}

/** Runs `fn` (given a signal that ends with the retry) until it succeeds or the retry ends. */
export function retryConstant<T>(
  o: RetryOptions,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = AbortSignal.any([o.signal, deadline]);
  const seen: string[] = [];
  const add = (text: string) => {
    if (seen.includes(text)) return false;
    seen.push(text);
    return true;
  };
  const giveUp = (last: string) => {
    add(last);
    return new RetryError(seen);
  };
  return poll({ signal, intervalMs: o.unitMs }, fn, async (e) => {
    if (deadline.aborted) throw giveUp("timeout");
    const text = e instanceof Error ? e.message : String(e);
    const fresh = add(text);
    if (!(e instanceof ExpectedError)) throw new RetryError(seen);
    if (fresh && o.log) {
      await o.log(`${goLogTime((o.now ?? (() => new Date()))())} retrying error: ${text}\n`);
    }
  }, () => {
    if (deadline.aborted) return giveUp("timeout");
    const reason = o.signal.reason;
    return giveUp(reason instanceof Error ? reason.message : "context canceled");
  });
}
