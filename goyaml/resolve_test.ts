import { assertEquals } from "../tests/assert.ts";
import {
  isGoTimestamp,
  isNonStringPlain,
  isYaml11Special,
  resolvesToNonString,
} from "./resolve.ts";

Deno.test("resolver recognises Go's non-string plain scalars", () => {
  for (const v of ["", "true", "False", "12", "-3", "+4", "0o17", "0b101", ".5", "-.inf", "On"]) {
    assertEquals(resolvesToNonString(v), true, v);
  }
  for (const v of ["abc", "1.2.3", "v1", "10.0.0.1", "1-2", "0.0.0.0/0"]) {
    assertEquals(resolvesToNonString(v), false, v);
  }
});

Deno.test("resolvesToNonString follows Go's resolver", () => {
  for (
    const s of ["", "0", "+5", "-0b101", "0o17", "1.5", "-.5e3", "2001-12-14t21:59:43.10-05:00"]
  ) {
    assertEquals(resolvesToNonString(s), true, s);
  }
  for (const s of ["abc", "0x", "1.2.3", "+", "-", ".", "0xZZ", "yes-no", "Null!"]) {
    assertEquals(resolvesToNonString(s), false, s);
  }
});

// Expected values below were checked against yaml.v3/yaml/v4 Marshal (quoted = non-string).
Deno.test("numbers: strconv's base-0 integers, 64-bit ranges, floats that do not overflow", () => {
  const yes = [
    "0777",
    "089", // not octal, but a float
    "1_000",
    "0x_1F",
    "+0x1F",
    "-0x8000000000000000",
    "0xFFFFFFFFFFFFFFFF",
    "0X1F",
    "0O17",
    "+0b1",
    "18446744073709551616", // past uint64: still a float
    "1e-400", // underflows to 0 without an error
    ".5_0", // ParseFloat allows underscores between digits
    ".1_2e3",
    "-0",
  ];
  for (const s of yes) assertEquals(isNonStringPlain(s), true, s);
  const no = [
    "0x10000000000000000", // hex past uint64 is no float either
    "-0x8000000000000001",
    "0b" + "1".repeat(65),
    "2e308", // overflows float64
    "-1e999",
    ".5e999",
    "._5",
    "0b2",
    "0o8",
    "0xG",
    "1e",
    "<<", // a merge key for yaml/v4, a string for yaml.v3's resolver
  ];
  for (const s of no) assertEquals(isNonStringPlain(s), false, s);
});

Deno.test("timestamps: time.Parse with the resolver's four layouts, ranges checked", () => {
  const yes = [
    "2024-02-29",
    "2023-1-1",
    "2023-01-01T23:59:59Z",
    "2023-01-01T1:2:3Z",
    "2023-01-01T01:02:03+24:00",
    "2023-01-01T01:02:03+05:60",
    "2023-01-01T01:02:03,5Z",
    "2023-01-01 01:02:03,5",
    "2023-01-01t01:02:03.123456789012Z", // any number of fraction digits (current Go)
    "2001-12-14 21:59:43.10",
  ];
  for (const s of yes) assertEquals(isGoTimestamp(s), true, s);
  const no = [
    "2023-02-29",
    "2023-04-31",
    "2031-13-03",
    "2024-00-10",
    "2023-01-01T24:00:00Z",
    "2023-01-01T23:59:60Z",
    "2023-01-01T01:02:03+25:00", // current Go checks the offset's range
    "2023-01-01T01:02:03+05:61",
    "2023-01-01T01:02:03-0500",
    "2001-12-14T21:59:43", // T needs a zone
    "2023-01-01 01:02:03Z", // a space allows none
    "2001-12-14 21:59:43.10 -5",
    "2023-01-01 01:02:03.",
    "2023-001-01",
    "20011-12-14",
  ];
  for (const s of no) assertEquals(isGoTimestamp(s), false, s);
});

Deno.test("YAML 1.1 forms: old booleans and base-60 numbers", () => {
  for (const s of ["y", "N", "yes", "Yes", "NO", "on", "Off", "1:20", "-1:20", "190:20:30.15"]) {
    assertEquals(isYaml11Special(s), true, s);
    assertEquals(isNonStringPlain(s), false, s);
  }
  for (const s of ["oN", "yES", "1:60", "1::2", "1:20:", "a:1", "<<"]) {
    assertEquals(isYaml11Special(s), false, s);
  }
});
