import { assertEquals, assertThrows } from "../tests/assert.ts";
import { goParseUint } from "./strconv.ts";

Deno.test("goParseUint: base 0 prefixes, underscores and ranges as Go", () => {
  assertEquals(goParseUint("10", 0, 8), 10n);
  assertEquals(goParseUint("0x0a", 0, 8), 10n);
  assertEquals(goParseUint("012", 0, 8), 10n);
  assertEquals(goParseUint("0b1_0", 0, 8), 2n);
  assertEquals(goParseUint("0", 0, 8), 0n);
  assertEquals(goParseUint("1_0", 0, 8), 10n);
  assertEquals(goParseUint("1a2b3c4d5e6f7000", 16, 64), 0x1a2b3c4d5e6f7000n);
  const fails: [string, number, number, string][] = [
    ["256", 0, 8, 'strconv.ParseUint: parsing "256": value out of range'],
    ["300x", 0, 8, 'strconv.ParseUint: parsing "300x": value out of range'],
    ["x", 0, 8, 'strconv.ParseUint: parsing "x": invalid syntax'],
    ["-1", 0, 8, 'strconv.ParseUint: parsing "-1": invalid syntax'],
    ["", 0, 8, 'strconv.ParseUint: parsing "": invalid syntax'],
    ["0x", 0, 8, 'strconv.ParseUint: parsing "0x": invalid syntax'],
    ["1__0", 0, 8, 'strconv.ParseUint: parsing "1__0": invalid syntax'],
    ["0x1a", 16, 64, 'strconv.ParseUint: parsing "0x1a": invalid syntax'],
    [
      "1ffffffffffffffff",
      16,
      64,
      'strconv.ParseUint: parsing "1ffffffffffffffff": value out of range',
    ],
  ];
  for (const [s, base, bits, msg] of fails) {
    assertEquals(assertThrows(() => goParseUint(s, base, bits)).message, msg);
  }
});
