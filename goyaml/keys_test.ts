import { assertEquals } from "../tests/assert.ts";
import { goKeyLess, sortGoKeys } from "./keys.ts";

Deno.test("map keys sort as Go's YAML encoder sorts them", () => {
  assertEquals(sortGoKeys(["b", "a", "B", "a10", "a2", "a1"]), ["B", "a", "a1", "a2", "a10", "b"]);
  assertEquals(
    sortGoKeys(["warn-version", "audit", "enforce-version", "audit-version", "enforce", "warn"]),
    ["audit", "audit-version", "enforce", "enforce-version", "warn", "warn-version"],
  );
  assertEquals(sortGoKeys(["x9", "xa", "x-"]), ["x-", "x9", "xa"]);
});

Deno.test("map keys sort in Go's natural order", () => {
  assertEquals(sortGoKeys(["b-10", "b-2", "a", "B", "", "b-1", "b"]), [
    "",
    "B",
    "a",
    "b",
    "b-1",
    "b-2",
    "b-10",
  ]);
  assertEquals(sortGoKeys(["x10", "x9", "x09", "xa"]), ["x9", "x09", "x10", "xa"]);
});

// Orders below were produced by yaml.v3 / yaml.v2 Marshal of a map[string]any.
Deno.test("letters and digits are Unicode's (IsLetter, IsDigit); runes compare by code point", () => {
  const keys = ["中", "é", "z", "٣", "a٣", "a4", "1a", "10", "😀", "！", "_", "Z", "a1b", "a01"];
  const v3 = ["_", "！", "😀", "1a", "10", "٣", "Z", "a1b", "a01", "a4", "a٣", "z", "é", "中"];
  assertEquals(sortGoKeys([...keys, "a10"]), [...v3.slice(0, 10), "a10", ...v3.slice(10)]);
});

Deno.test("yaml.v3 puts a letter before a digit after a shared digit; yaml.v2 does not", () => {
  const keys = ["x10", "1a", "x1y", "10", "x1", "1"];
  assertEquals(sortGoKeys(keys), ["1", "1a", "10", "x1", "x1y", "x10"]);
  assertEquals(sortGoKeys(keys, { v2: true }), ["1", "10", "1a", "x1", "x10", "x1y"]);
  assertEquals(goKeyLess("1a", "10"), true);
  assertEquals(goKeyLess("1a", "10", { v2: true }), false);
});

Deno.test("digit runs accumulate in Go's int64 (wrapping past 19 digits)", () => {
  // 9223372036854775808 wraps to -9223372036854775808 and so sorts before 1.
  assertEquals(goKeyLess("a9223372036854775808", "a1"), true);
  assertEquals(goKeyLess("a123456789012345677", "a123456789012345678"), true);
});
