import { assertEquals } from "../tests/assert.ts";
import {
  formatGoDuration,
  formatGoFloat,
  normalizeDuration,
  parseGoDuration,
  sortGoKeys,
} from "./go_format.ts";

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

Deno.test("floats use Go's shortest 'g' form", () => {
  assertEquals(formatGoFloat(1.5), "1.5");
  assertEquals(formatGoFloat(2), "2");
  assertEquals(formatGoFloat(0.0001), "0.0001");
  assertEquals(formatGoFloat(0.00001), "1e-05");
  assertEquals(formatGoFloat(1e21), "1e+21");
  assertEquals(formatGoFloat(NaN), ".nan");
});

Deno.test("map keys sort as Go's YAML encoder sorts them", () => {
  assertEquals(sortGoKeys(["b", "a", "B", "a10", "a2", "a1"]), ["B", "a", "a1", "a2", "a10", "b"]);
  assertEquals(
    sortGoKeys(["warn-version", "audit", "enforce-version", "audit-version", "enforce", "warn"]),
    ["audit", "audit-version", "enforce", "enforce-version", "warn", "warn-version"],
  );
  assertEquals(sortGoKeys(["x9", "xa", "x-"]), ["x-", "x9", "xa"]);
});
