// siderolabs/go-retry's constant retryer, which the manifest sync wraps its API calls in: run
// the attempt now and every `intervalMs` until it succeeds, fails with an error that is not
// worth retrying, or `timeoutMs` runs out. Failures read as go-retry's error set: "N error(s)
// occurred:" and each distinct error on its own tab-indented line, "timeout" last on time-out.
// The loop is wait/'s `poll`.

import { poll } from "../wait/mod.ts";

/** go-retry's ErrorSet text. */
export class RetryErrors extends Error {
  override name = "RetryErrors";
  constructor(readonly errors: Error[]) {
    super(
      `${errors.length} error(s) occurred:` + errors.map((e) => `\n\t${e.message}`).join(""),
    );
  }

  /** The last error that is not the time-out. */
  get last(): Error | undefined {
    return this.errors.filter((e) => e.message !== "timeout").at(-1);
  }
}

export interface RetryOptions {
  timeoutMs: number;
  intervalMs: number;
  /** True: try again (go-retry's ExpectedError). */
  retryable: (e: unknown) => boolean;
  signal?: AbortSignal;
}

export function retryConstant<T>(o: RetryOptions, attempt: () => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
  const errors: Error[] = [];
  const add = (e: Error) => {
    if (!errors.some((x) => x.message === e.message)) errors.push(e);
  };
  return poll({ signal, intervalMs: o.intervalMs }, attempt, (e) => {
    add(e instanceof Error ? e : new Error(String(e)));
    if (o.signal?.aborted || !o.retryable(e)) throw new RetryErrors(errors);
  }, () => {
    if (deadline.aborted) add(new Error("timeout"));
    return new RetryErrors(errors);
  });
}

/** True for errors that only say the cause: an API error inside a RetryErrors. */
export function unwrapRetry(e: unknown): unknown {
  return e instanceof RetryErrors ? e.last ?? e : e;
}
