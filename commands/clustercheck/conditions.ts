// The waiting engine of talosctl's cluster checks: a check is a polling condition (an
// assertion retried every interval, each attempt bounded by the interval, until it passes,
// says SKIP, or the overall deadline ends the wait); checks run one after another and a
// reporter is told the state of the running one every 100 ms and at each end. The retrying
// itself is wait/'s `poll`, ticking.

import { contextError, poll } from "../../wait/mod.ts";

export {
  Canceled,
  contextError,
  DeadlineExceeded,
  raceSignal,
  withTimeout,
} from "../../wait/mod.ts";

/** An assertion returning this is skipped (reported as "SKIP"), not failed. */
export class SkipAssertion extends Error {
  override name = "SkipAssertion";
  constructor() {
    super("SKIP");
  }
}

export const SKIP = new SkipAssertion();

export type ConditionState = "running" | "succeeded" | "skipped" | "failed";

/** One attempt: resolves when the assertion holds; `signal` ends with the attempt's time. */
export type Assertion = (signal: AbortSignal) => Promise<void>;

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
    const record = (err: Error | undefined) => {
      this.#lastErr = err;
      this.#lastSet = true;
    };
    // A skip ends the wait as a pass does; an attempt that outlives its interval is ignored.
    const end = await poll(
      { signal, intervalMs: this.intervalMs, ticker: true },
      (attempt) =>
        this.assertion(attempt).then(
          () => undefined,
          (e) => {
            if (e instanceof SkipAssertion) return e;
            throw e;
          },
        ),
      (e) => record(e instanceof Error ? e : new Error(String(e))),
      () => {
        this.#failed = true;
        return contextError(signal);
      },
    );
    record(end);
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
