import { assertEquals } from "../tests/assert.ts";
import { goDuration, goDurationSeconds, humanizeBytes, tabwrite } from "./text.ts";

Deno.test("tabwrite aligns tab-terminated cells per column block, padding 3", () => {
  assertEquals(tabwrite("A\tBB\tC\nxxxx\ty\tz\n"), "A      BB   C\nxxxx   y    z\n");
  // A line without the column ends its block, as in Go's tabwriter.
  assertEquals(tabwrite("a\tb\nlonger\nc\td\n"), "a   b\nlonger\nc   d\n");
});

Deno.test("goDuration matches time.Duration.String", () => {
  assertEquals(goDuration(0), "0s");
  assertEquals(goDuration(1500), "1.5s");
  assertEquals(goDuration(90_000), "1m30s");
  assertEquals(goDuration(3_600_000), "1h0m0s");
  assertEquals(goDuration(250), "250ms");
  assertEquals(goDurationSeconds(3_602_400), "1h0m2s");
  // Round(time.Second) takes halves away from zero on both sides (a clock ahead of ours).
  assertEquals(goDurationSeconds(2_500), "3s");
  assertEquals(goDurationSeconds(-2_500), "-3s");
  assertEquals(goDurationSeconds(-2_499), "-2s");
  assertEquals(goDurationSeconds(-400), "0s");
});

Deno.test("humanizeBytes matches go-humanize Bytes", () => {
  assertEquals(humanizeBytes(0), "0 B");
  assertEquals(humanizeBytes(9), "9 B");
  assertEquals(humanizeBytes(1000), "1.0 kB");
  assertEquals(humanizeBytes(20_971_520), "21 MB");
  assertEquals(humanizeBytes(10_485_760), "10 MB");
  assertEquals(humanizeBytes(1_500_000_000), "1.5 GB");
});
