import { assertEquals, assertRejects } from "../tests/assert.ts";
import { poll, sleep, sleepOrThrow } from "./mod.ts";

const signal = new AbortController().signal;

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
