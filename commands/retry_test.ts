import { assertEquals, assertRejects } from "../tests/assert.ts";
import { ExpectedError, retryConstant } from "./retry.ts";

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
