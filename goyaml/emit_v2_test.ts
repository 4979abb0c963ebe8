import { assertEquals } from "../tests/assert.ts";
import { emitYamlV2 } from "./emit_v2.ts";

Deno.test("yamlv2: numbers are written as go-yaml v2 writes what it read from JSON", () => {
  const out = emitYamlV2({
    int: 42,
    neg: -7,
    big: 10000000000,
    half: 0.5,
    float: 1234567.5,
    tiny: 0.00001,
    huge: 1e21,
  });
  assertEquals(
    out,
    [
      "big: 10000000000",
      "float: 1.2345675e+06",
      "half: 0.5",
      "huge: 1e+21",
      "int: 42",
      "neg: -7",
      "tiny: 1e-05",
      "",
    ].join("\n"),
  );
});
