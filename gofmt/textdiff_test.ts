// The emulator's unified diff against the cases Talos's configdiff tests pin down.

import { assertEquals } from "../tests/assert.ts";
import { textDiff, textDiffWithPaths } from "./textdiff.ts";

const base = "version: v1alpha1\nmachine:\n    type: controlplane\n    token: foo\n" +
  "    certSANs: []\ncluster: null\n";

Deno.test("textdiff: equal texts give nothing", () => {
  assertEquals(textDiff("", ""), "");
  assertEquals(textDiff(base, base), "");
});

Deno.test("textdiff: an appended document is one hunk with three lines of context", () => {
  const more = base +
    "---\napiVersion: v1alpha1\nkind: SideroLinkConfig\napiUrl: https://example.com\n";
  assertEquals(
    textDiff(base, more),
    "--- a\n+++ b\n@@ -4,3 +4,7 @@\n     token: foo\n     certSANs: []\n cluster: null\n" +
      "+---\n+apiVersion: v1alpha1\n+kind: SideroLinkConfig\n+apiUrl: https://example.com\n",
  );
});

Deno.test("textdiff: a changed line, deletions before insertions", () => {
  assertEquals(
    textDiff(base, base.replace("controlplane", "worker")),
    "--- a\n+++ b\n@@ -1,6 +1,6 @@\n version: v1alpha1\n machine:\n-    type: controlplane\n" +
      "+    type: worker\n     token: foo\n     certSANs: []\n cluster: null\n",
  );
});

Deno.test("textdiff: empty sides start a line earlier; far changes get their own hunks", () => {
  assertEquals(textDiff("", "x\n"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
  assertEquals(textDiff("x\n", ""), "--- a\n+++ b\n@@ -1,1 +0,0 @@\n-x\n");
  const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
  const a = lines.join("\n") + "\n";
  const b = lines.map((l, i) => (i === 1 || i === 18 ? l + "!" : l)).join("\n") + "\n";
  assertEquals(
    textDiff(a, b),
    "--- a\n+++ b\n@@ -1,5 +1,5 @@\n l0\n-l1\n+l1!\n l2\n l3\n l4\n" +
      "@@ -16,5 +16,5 @@\n l15\n l16\n l17\n-l18\n+l18!\n l19\n",
  );
  // Changes six edit lines apart or closer share a hunk.
  const c = lines.map((l, i) => (i === 1 || i === 7 ? l + "!" : l)).join("\n") + "\n";
  assertEquals(textDiff(a, c).match(/^@@/gm)?.length, 1);
});

Deno.test("textdiff: custom paths replace the a/b headers; a created text starts at -0,0", () => {
  assertEquals(
    textDiffWithPaths(
      "",
      "kind: Namespace\nmetadata:\n  name: foo\n",
      "a/v1.Namespace/foo",
      "b/v1.Namespace/foo",
    ),
    "--- a/v1.Namespace/foo\n+++ b/v1.Namespace/foo\n@@ -0,0 +1,3 @@\n" +
      "+kind: Namespace\n+metadata:\n+  name: foo\n",
  );
  assertEquals(textDiffWithPaths("x\n", "x\n", "a/p", "b/p"), "");
});
