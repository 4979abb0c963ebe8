import { assertEquals } from "../../tests/assert.ts";
import { InstallerOutput } from "./upgrade_run.ts";

Deno.test("installer output: whole messages kept up to 64 KiB, a marker once some are dropped", () => {
  const out = new InstallerOutput();
  out.append("");
  out.append("one\n");
  out.append("two\n");
  assertEquals(out.toString(), "one\ntwo\n");
  // 64 KiB of "x" leaves room for nothing before it: both earlier messages go, whole.
  out.append("x".repeat(64 * 1024 - 4));
  assertEquals(out.toString(), "[earlier installer output truncated]\ntwo\n" + "x".repeat(65532));
  out.append("y");
  assertEquals(out.toString(), "[earlier installer output truncated]\n" + "x".repeat(65532) + "y");
});

Deno.test("installer output: one message over 64 KiB keeps its tail, cut on a character", () => {
  const out = new InstallerOutput();
  out.append("first\n");
  // "é" is two bytes: the cut point falls inside one and moves past it.
  const big = "é".repeat(40 * 1024) + "end";
  out.append(big);
  const text = out.toString();
  const head = "[earlier installer output truncated]\n";
  assertEquals(text.startsWith(head), true);
  const kept = text.slice(head.length);
  assertEquals(kept.endsWith("end"), true);
  assertEquals(new TextEncoder().encode(kept).length, 64 * 1024 - 1);
  assertEquals(/^é+end$/.test(kept), true);
});
