// Waiting, for every room: Go's context errors (DeadlineExceeded, Canceled), a signal with a
// deadline, sleeps that end early when a signal aborts, and `poll`, the one loop that runs an
// attempt until it returns, waiting an interval after each failure. go-retry's Constant
// retryers (commands/retry.ts, k8s/retry.ts) and the cluster checks' polling conditions are
// built on it. A leaf module: it imports nothing from the project.

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

/** Sleeps `ms`, or less when `signal` (if any) aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
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
