import { assertEquals } from "../tests/assert.ts";
import { goFields, goPathBase, goPathClean } from "./path.ts";

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

Deno.test("goPathBase and goFields match Go's path.Base and strings.Fields", () => {
  const bases: [string, string][] = [
    ["", "."],
    ["/", "/"],
    ["///", "/"],
    ["/usr/bin/", "bin"],
    ["/usr/bin/tool", "tool"],
    ["tool", "tool"],
  ];
  for (const [p, want] of bases) assertEquals(goPathBase(p), want, p);
  // unicode.IsSpace: NEL, no-break and em spaces separate fields; a zero-width no-break does not.
  assertEquals(goFields(" a\u0085b\u00a0c\u2003d\ufeffe  "), ["a", "b", "c", "d\ufeffe"]);
  assertEquals(goFields("   "), []);
});
