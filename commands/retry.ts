// The one waiting mechanism of the commands: `poll` runs an attempt until it returns, waiting an
// interval after each failure, and the waits built on it:
// - `retryConstant`, as siderolabs/go-retry's Constant retryer, for commands that port upstream
//   code built on it: the function runs at once and then every `unitMs` while it throws an
//   ExpectedError, until `timeoutMs` have passed; any other error ends it at once. The error
//   thrown at the end lists every distinct error seen ("N error(s) occurred:\n\t<err>..."), with
//   "timeout" last when time ran out. With `log`, each new expected error is logged once, as Go's
//   log package prints ("2006/01/02 15:04:05 retrying error: ...").
// - the polling conditions of the cluster checks (clustercheck/conditions.ts), which tick: each
//   attempt has one interval at most, and the next starts one interval after it started.
// Also: Go's context errors, and the sleeps every retry loop uses.

/** The error of a wait that ran out of time (Go's context.DeadlineExceeded). */
export class DeadlineExceeded extends Error {
  override name = "DeadlineExceeded";
  constructor() {
    super("context deadline exceeded");
  }
}

/** The error of a wait that was interrupted (Go's context.Canceled). */
export class Canceled extends Error {
  override name = "Canceled";
  constructor() {
    super("context canceled");
  }
}

/** Why `signal` was aborted, as the Go context error. */
export function contextError(signal: AbortSignal): Error {
  return signal.reason instanceof DeadlineExceeded ? signal.reason : new Canceled();
}

/** A signal aborted with DeadlineExceeded after `ms`, or when `parent` aborts. */
export function withTimeout(parent: AbortSignal, ms: number): AbortSignal & Disposable {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DeadlineExceeded()), Math.max(0, ms));
  const onAbort = () => ctl.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  const signal = ctl.signal as AbortSignal & Disposable;
  signal[Symbol.dispose] = () => {
    clearTimeout(timer);
    parent.removeEventListener("abort", onAbort);
  };
  return signal;
}

/** Runs `p` but gives up (with the signal's error) as soon as `signal` aborts. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(contextError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(contextError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Sleeps `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Sleeps `ms`; fails with `error()` (by default the signal's reason) when `signal` aborts. */
export async function sleepOrThrow(
  ms: number,
  signal: AbortSignal,
  error: () => unknown = () => signal.reason,
): Promise<void> {
  if (!signal.aborted) await sleep(ms, signal);
  if (signal.aborted) throw error();
}

export interface PollOptions {
  signal: AbortSignal;
  intervalMs: number;
  /**
   * As a Go ticker: each attempt gets one interval at most (then fails with
   * DeadlineExceeded) and the next starts one interval after it started. Otherwise an attempt
   * has all the time there is and the full interval follows each failure.
   */
  ticker?: boolean;
}

/**
 * Runs `attempt` until it returns. After each failure `failed` hears the error (and ends the
 * wait by throwing); when `signal` aborts while waiting for the next attempt, the wait ends
 * with `aborted()`.
 */
export async function poll<T>(
  o: PollOptions,
  attempt: (signal: AbortSignal) => Promise<T>,
  failed: (err: unknown) => void | Promise<void>,
  aborted: () => Error,
): Promise<T> {
  for (;;) {
    const started = Date.now();
    try {
      if (!o.ticker) return await attempt(o.signal);
      using signal = withTimeout(o.signal, o.intervalMs);
      return await raceSignal(attempt(signal), signal);
    } catch (e) {
      await failed(e);
    }
    const wait = o.ticker ? o.intervalMs - (Date.now() - started) : o.intervalMs;
    if (wait > 0) await sleep(wait, o.signal);
    if (o.signal.aborted) throw aborted();
  }
}

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

function goLogTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
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
