import { assertEquals, assertThrows } from "../tests/assert.ts";
import { canonicalQuantity, normalizeQuantity, parseQuantity } from "./quantity.ts";

Deno.test("quantity: canonical text as the Go type writes it", () => {
  const cases: [string | number, string][] = [
    ["100m", "100m"],
    ["1000m", "1"],
    ["1500m", "1500m"],
    ["0.5", "500m"],
    [0.25, "250m"],
    [1, "1"],
    ["1000", "1k"],
    ["1024", "1024"],
    ["2000000", "2M"],
    ["1Ki", "1Ki"],
    ["1024Mi", "1Gi"],
    ["1000Mi", "1000Mi"],
    ["1.5Gi", "1536Mi"],
    ["0.5Ki", "512"],
    ["123Mi", "123Mi"],
    ["1e3", "1e3"],
    ["1E6", "1e6"],
    ["12e2", "1200"],
    ["0", "0"],
    ["0Gi", "0"],
    ["-1", "-1"],
    ["+2k", "2k"],
    ["1n", "1n"],
    ["0.1n", "1n"],
    ["10Gi", "10Gi"],
    [".5", "500m"],
  ];
  for (const [input, want] of cases) {
    assertEquals(normalizeQuantity(input), want, `quantity ${input}`);
  }
});

Deno.test("quantity: malformed text is refused with the Go type's message", () => {
  for (const bad of ["", "lots", "1.2.3", "1 Gi", "Mi", "1Qi"]) {
    assertThrows(() => parseQuantity(bad));
  }
  assertThrows(
    () => parseQuantity("abc"),
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  assertThrows(() => parseQuantity("1kk"), "unable to parse quantity's suffix");
  assertThrows(() => normalizeQuantity(true), "must be a string or a number");
  assertEquals(canonicalQuantity({ mantissa: 5n, scale: 0, format: "BinarySI" }), "5");
});
