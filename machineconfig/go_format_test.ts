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

Deno.test("floats use Go's shortest 'g' form (strconv.FormatFloat(f, 'g', -1, 64))", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"],
    [2, "2"],
    [-0.25, "-0.25"],
    [0.0001, "0.0001"],
    [0.00012345, "0.00012345"],
    [0.00001, "1e-05"],
    [-0.000012, "-1.2e-05"],
    [123456.5, "123456.5"],
    [999999.9, "999999.9"],
    [100000, "100000"],
    [1e6, "1e+06"],
    [1234567.5, "1.2345675e+06"],
    [-1234567.5, "-1.2345675e+06"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e21, "1e+21"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [5e-324, "5e-324"],
    [1e100, "1e+100"],
    [-0, "-0"],
    [NaN, ".nan"],
    [Infinity, ".inf"],
    [-Infinity, "-.inf"],
  ];
  for (const [f, want] of cases) assertEquals(formatGoFloat(f), want, String(f));
});

Deno.test("map keys sort as Go's YAML encoder sorts them", () => {
  assertEquals(sortGoKeys(["b", "a", "B", "a10", "a2", "a1"]), ["B", "a", "a1", "a2", "a10", "b"]);
  assertEquals(
    sortGoKeys(["warn-version", "audit", "enforce-version", "audit-version", "enforce", "warn"]),
    ["audit", "audit-version", "enforce", "enforce-version", "warn", "warn-version"],
  );
  assertEquals(sortGoKeys(["x9", "xa", "x-"]), ["x-", "x9", "xa"]);
});
