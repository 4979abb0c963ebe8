import { assertEquals, assertRejects } from "../tests/assert.ts";
import { ExpectedError, poll, retryConstant, sleep, sleepOrThrow } from "./retry.ts";

const signal = new AbortController().signal;

Deno.test("retryConstant: expected errors are retried and logged once each, then it succeeds", async () => {
  const logged: string[] = [];
  let n = 0;
  const got = await retryConstant(
    { timeoutMs: 2000, unitMs: 1, signal, log: (l) => (logged.push(l), Promise.resolve()) },
    () => {
      n++;
      if (n < 4) return Promise.reject(new ExpectedError(new Error(n < 3 ? "busy" : "later")));
      return Promise.resolve("done");
    },
  );
  assertEquals([got, n], ["done", 4]);
  assertEquals(logged.map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "")), [
    "retrying error: busy\n",
    "retrying error: later\n",
  ]);
});

Deno.test("retryConstant: an unexpected error ends it with go-retry's error set", async () => {
  let n = 0;
  const e = await assertRejects(
    () =>
      retryConstant({ timeoutMs: 2000, unitMs: 1, signal }, () => {
        n++;
        return Promise.reject(n === 1 ? new ExpectedError(new Error("busy")) : new Error("denied"));
      }),
    "error(s) occurred",
  );
  assertEquals(e.message, "2 error(s) occurred:\n\tbusy\n\tdenied");
});

Deno.test("retryConstant: time running out adds timeout", async () => {
  const e = await assertRejects(
    () =>
      retryConstant(
        { timeoutMs: 50, unitMs: 5, signal },
        () => Promise.reject(new ExpectedError(new Error("nodes not ready"))),
      ),
    "error(s) occurred",
  );
  assertEquals(e.message, "2 error(s) occurred:\n\tnodes not ready\n\ttimeout");
});

Deno.test("retryConstant: an interruption ends it with the signal's reason", async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(new Error("interrupted")), 30);
  const e = await assertRejects(
    () =>
      retryConstant(
        { timeoutMs: 5000, unitMs: 5, signal: ctl.signal },
        () => Promise.reject(new ExpectedError(new Error("busy"))),
      ),
    "error(s) occurred",
  );
  assertEquals(e.message, "2 error(s) occurred:\n\tbusy\n\tinterrupted");
});

Deno.test("poll as a ticker: an attempt gets one interval, a late answer is ignored", async () => {
  const seen: string[] = [];
  let n = 0;
  const got = await poll(
    { signal, intervalMs: 40, ticker: true },
    (attempt) => {
      n++;
      if (n === 1) return new Promise<string>((r) => setTimeout(() => r("late"), 80));
      if (n === 2) return Promise.reject(new Error("not yet"));
      assertEquals(attempt.aborted, false);
      return Promise.resolve("third");
    },
    (e) => void seen.push((e as Error).message),
    () => new Error("aborted"),
  );
  assertEquals([got, seen], ["third", ["context deadline exceeded", "not yet"]]);
});

Deno.test("poll: an abort while waiting ends it; sleepOrThrow fails with the reason", async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(new Error("stop")), 20);
  let attempts = 0;
  await assertRejects(
    () =>
      poll(
        { signal: ctl.signal, intervalMs: 5 },
        () => (attempts++, Promise.reject(new Error("no"))),
        () => {},
        () => new Error("gave up"),
      ),
    /^gave up$/,
  );
  assertEquals(attempts > 1, true);
  await assertRejects(() => sleepOrThrow(1000, ctl.signal), /^stop$/);
  const t0 = Date.now();
  await sleep(1000, ctl.signal);
  assertEquals(Date.now() - t0 < 500, true);
});
