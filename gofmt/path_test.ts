import { assertEquals } from "../tests/assert.ts";
import { goPathClean } from "./path.ts";

Deno.test("goPathClean matches Go's path.Clean", () => {
  const cases: [string, string][] = [
    ["", "."],
    [".", "."],
    ["/", "/"],
    ["//a//b/", "/a/b"],
    ["a/./b/../c", "a/c"],
    ["../../a", "../../a"],
    ["a/../..", ".."],
    ["/../..", "/"],
    ["/a/../../b", "/b"],
    ["./", "."],
  ];
  for (const [p, want] of cases) assertEquals(goPathClean(p), want, p);
});
