import { assertEquals } from "../tests/assert.ts";
import { goLogTime, goTimeString, timestampValid } from "./time.ts";

Deno.test("goTimeString: Go's Time.String for UTC instants", () => {
  assertEquals(goTimeString(1717243200n), "2024-06-01 12:00:00 +0000 UTC");
  assertEquals(goTimeString(1717243200n, 120_000_000), "2024-06-01 12:00:00.12 +0000 UTC");
  assertEquals(goTimeString(1717243200n, 5), "2024-06-01 12:00:00.000000005 +0000 UTC");
  assertEquals(goTimeString(0), "1970-01-01 00:00:00 +0000 UTC");
});

Deno.test("timestampValid: protobuf's range", () => {
  assertEquals(timestampValid(0, 0), true);
  assertEquals(timestampValid(253402300800n, 0), false);
  assertEquals(timestampValid(0, 1e9), false);
  assertEquals(timestampValid(-62135596800n, 0), true);
});

Deno.test("goLogTime: the standard logger's local date and time, zero-padded", () => {
  assertEquals(goLogTime(new Date(2026, 0, 5, 7, 8, 9)), "2026/01/05 07:08:09");
  assertEquals(goLogTime(new Date(1999, 11, 31, 23, 59, 59, 999)), "1999/12/31 23:59:59");
});
