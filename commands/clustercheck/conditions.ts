// The waiting engine of talosctl's cluster checks: a check is a polling condition (an
// assertion retried every interval, each attempt bounded by the interval, until it passes,
// says SKIP, or the overall deadline ends the wait); checks run one after another and a
// reporter is told the state of the running one every 100 ms and at each end.

/** An assertion returning this is skipped (reported as "SKIP"), not failed. */
export class SkipAssertion extends Error {
  override name = "SkipAssertion";
  constructor() {
    super("SKIP");
  }
}

export const SKIP = new SkipAssertion();

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

export type ConditionState = "running" | "succeeded" | "skipped" | "failed";

/** One attempt: resolves when the assertion holds; `signal` ends with the attempt's time. */
export type Assertion = (signal: AbortSignal) => Promise<void>;

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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** Runs `p` but gives up (with the signal's error) as soon as `signal` aborts. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(contextError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(contextError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export class PollingCondition {
  #lastErr: Error | undefined;
  #lastSet = false;
  #failed = false;

  constructor(
    readonly description: string,
    readonly assertion: Assertion,
    readonly intervalMs: number,
  ) {}

  toString(): string {
    return this.description;
  }

  state(): { state: ConditionState; error?: Error } {
    if (this.#failed) return { state: "failed", error: this.#lastErr };
    if (!this.#lastSet) return { state: "running" };
    if (this.#lastErr === undefined) return { state: "succeeded" };
    if (this.#lastErr instanceof SkipAssertion) return { state: "skipped" };
    return { state: "running", error: this.#lastErr };
  }

  /** The description with the state: ": ...", ": OK", ": SKIP", ": <error>". */
  statusLine(): string {
    const { state, error } = this.state();
    switch (state) {
      case "succeeded":
        return `${this.description}: OK`;
      case "skipped":
        return `${this.description}: SKIP`;
      case "failed":
        return `${this.description}: ${error ? error.message : "failed"}`;
      default:
        return `${this.description}: ${error ? error.message : "..."}`;
    }
  }

  async wait(signal: AbortSignal): Promise<void> {
    for (;;) {
      let err: Error | undefined;
      {
        using attempt = withTimeout(signal, this.intervalMs);
        const started = Date.now();
        try {
          await raceSignal(this.assertion(attempt), attempt);
        } catch (e) {
          err = e instanceof Error ? e : new Error(String(e));
        }
        this.#lastErr = err;
        this.#lastSet = true;
        if (err === undefined || err instanceof SkipAssertion) return;
        // The next attempt starts one interval after this one started (Go's ticker).
        const left = this.intervalMs - (Date.now() - started);
        if (left > 0) await sleep(left, signal);
      }
      if (signal.aborted) {
        this.#failed = true;
        throw contextError(signal);
      }
    }
  }
}

export interface Reporter {
  update(c: PollingCondition): Promise<void> | void;
}

/** A check builds its condition from the cluster it looks at. */
export type Check<C> = (cluster: C) => PollingCondition;

/**
 * Runs the checks in order, each until it passes or is skipped; the first one that fails ends
 * the wait with the signal's error. The reporter hears each condition at its start, every
 * 100 ms while it runs, and at its end.
 */
export async function waitChecks<C>(
  signal: AbortSignal,
  cluster: C,
  checks: Check<C>[],
  reporter: Reporter,
  tickMs = 100,
): Promise<void> {
  const PENDING = Symbol("pending");
  for (const check of checks) {
    if (signal.aborted) throw contextError(signal);
    const condition = check(cluster);
    await reporter.update(condition);
    const result = condition.wait(signal).then(() => undefined, (e: unknown) => e ?? new Error());
    let settled: unknown = PENDING;
    result.then((v) => settled = v);
    while (settled === PENDING) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<void>((r) => timer = setTimeout(r, tickMs));
      await Promise.race([result, tick]);
      clearTimeout(timer);
      if (settled === PENDING) await reporter.update(condition);
    }
    await reporter.update(condition);
    if (settled !== undefined) throw settled;
  }
}
