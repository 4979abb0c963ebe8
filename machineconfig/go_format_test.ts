import { assertEquals } from "../tests/assert.ts";
import { formatGoDuration, normalizeDuration, parseGoDuration } from "./go_format.ts";

Deno.test("durations are written as Go's Duration.String", () => {
  const cases: [string, string][] = [
    ["168h", "168h0m0s"],
    ["1h30m", "1h30m0s"],
    ["90s", "1m30s"],
    ["1.5s", "1.5s"],
    ["500ms", "500ms"],
    ["1500ms", "1.5s"],
    ["2us", "2µs"],
    ["7ns", "7ns"],
    ["0", "0s"],
    ["-2m", "-2m0s"],
    ["8760h", "8760h0m0s"],
  ];
  for (const [input, want] of cases) assertEquals(normalizeDuration(input), want, input);
  assertEquals(normalizeDuration(3_000_000_000), "3s");
  assertEquals(normalizeDuration("bogus"), "bogus");
  assertEquals(parseGoDuration("1h1m1s"), 3661_000_000_000n);
  assertEquals(formatGoDuration(1n), "1ns");
});
