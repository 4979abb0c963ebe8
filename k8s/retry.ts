// siderolabs/go-retry's constant retryer, which the manifest sync wraps its API calls in: run
// the attempt now and every `intervalMs` until it succeeds, fails with an error that is not
// worth retrying, or `timeoutMs` runs out. Failures read as go-retry's error set: "N error(s)
// occurred:" and each distinct error on its own tab-indented line, "timeout" last on time-out.

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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export async function retryConstant<T>(o: RetryOptions, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  const errors: Error[] = [];
  const add = (e: Error) => {
    if (!errors.some((x) => x.message === e.message)) errors.push(e);
  };
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      add(err);
      if (o.signal?.aborted || !o.retryable(e)) throw new RetryErrors(errors);
    }
    if (Date.now() + o.intervalMs > deadline) {
      await sleep(Math.max(0, deadline - Date.now()), o.signal);
      add(new Error("timeout"));
      throw new RetryErrors(errors);
    }
    await sleep(o.intervalMs, o.signal);
  }
}

/** True for errors that only say the cause: an API error inside a RetryErrors. */
export function unwrapRetry(e: unknown): unknown {
  return e instanceof RetryErrors ? e.last ?? e : e;
}
