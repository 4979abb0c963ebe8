import { assertEquals, assertStringIncludes } from "../../tests/assert.ts";
import { applyJsonPatch, type Json, type Operation } from "./jsonpatch.ts";
import { resolvePlain, yamlToJson } from "./yamlv2.ts";
import { json6902 } from "./apply.ts";

function fails(doc: Json, ops: Operation[]): string {
  try {
    applyJsonPatch(doc, ops);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected failure");
}

Deno.test("json patch: add/remove/replace/move/copy/test on objects and arrays", () => {
  const doc: Json = { a: { list: [1, 2, 3] }, b: "x" };
  const out = applyJsonPatch(doc, [
    { op: "add", path: "/a/list/1", value: 9 },
    { op: "add", path: "/a/list/-", value: 4 },
    { op: "remove", path: "/a/list/0" },
    { op: "replace", path: "/b", value: "y" },
    { op: "copy", from: "/b", path: "/c" },
    { op: "move", from: "/c", path: "/a/d" },
    { op: "test", path: "/a/d", value: "y" },
    { op: "add", path: "/a/list/-1", value: 7 },
    { op: "replace", path: "/new~1key", value: true },
  ]);
  assertEquals(out, { a: { list: [9, 2, 3, 4, 7], d: "y" }, b: "y", "new/key": true });
  assertEquals(doc, { a: { list: [1, 2, 3] }, b: "x" }, "input untouched");
});

Deno.test("json patch: errors use the Go library's wording", () => {
  assertStringIncludes(
    fails({}, [{ op: "add", path: "/x/y", value: 1 }]),
    `add operation does not apply: doc is missing path: "/x/y": missing value`,
  );
  assertStringIncludes(
    fails({ a: [] }, [{ op: "remove", path: "/a/3" }]),
    "error in remove for path: '/a/3': Unable to access invalid index: 3: invalid index referenced",
  );
  assertStringIncludes(
    fails({ a: 1 }, [{ op: "test", path: "/a", value: 2 }]),
    "testing value /a failed",
  );
  assertStringIncludes(
    fails({}, [{ op: "frobnicate", path: "/a" }]),
    "Unexpected kind: frobnicate",
  );
  assertStringIncludes(fails({}, [{ op: "add", value: 1 }]), "missing value");
});

Deno.test("yaml round trip: YAML 1.1 scalars in, v2-style YAML out", () => {
  assertEquals(resolvePlain("yes"), { tag: "bool", value: true });
  assertEquals(resolvePlain("0777"), { tag: "int", value: 511 });
  assertEquals(resolvePlain("1.5"), { tag: "float", value: 1.5 });
  assertEquals(resolvePlain("10.0.0.1"), { tag: "str", value: "10.0.0.1" });
  assertEquals(yamlToJson("a: 'yes'\nb: yes\nc: [1, x]\n"), { a: "yes", b: true, c: [1, "x"] });
  const out = json6902(
    "version: v1alpha1\nmachine:\n  type: 'yes'\n  on: 0x10\n  a10: x\n  a9: ''\n",
    {
      type: "json6902",
      source: "p",
      ops: [{ op: "add", path: "/machine/list", value: [{ b: 1, a: "a: b" }, [], "multi\nline"] }],
    },
  );
  assertEquals(
    out,
    [
      "machine:",
      '  a9: ""',
      "  a10: x",
      "  list:",
      "  - a: 'a: b'",
      "    b: 1",
      "  - []",
      "  - |-",
      "    multi",
      "    line",
      '  "true": 16',
      '  type: "yes"',
      "version: v1alpha1",
      "",
    ].join("\n"),
  );
});
