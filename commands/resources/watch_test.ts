import { assertEquals } from "../../tests/assert.ts";
import { ExponentialBackoff } from "./watch.ts";

Deno.test("ExponentialBackoff: backoff/v4's defaults, the clock running from creation", () => {
  let now = 0;
  let rand = 0.5;
  const b = new ExponentialBackoff(() => now, () => rand);
  // Without jitter (rand 0.5): 500ms, x1.5 each time, never over 60s.
  const waits = Array.from({ length: 14 }, () => b.next());
  assertEquals(waits.slice(0, 4), [500, 750, 1125, 1687.5]);
  assertEquals(waits.slice(11), [500 * 1.5 ** 11, 60_000, 60_000]);
  // +-50% jitter around the current interval.
  b.reset();
  rand = 0;
  assertEquals(b.next(), 250);
  rand = 1;
  assertEquals(b.next(), 1125);
  // 15 minutes after the start (or the last reset) it gives up.
  now = 15 * 60_000 - 1000;
  rand = 0.5;
  assertEquals(b.next(), undefined);
  b.reset();
  assertEquals(b.next(), 500);
});
