// README.md's command table must match the command tree (regenerate with `deno task readme`).

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { renderReadme, withTable } from "../tools/readme.ts";

const README = new URL("../README.md", import.meta.url).pathname;

Deno.test("README command table is up to date", async () => {
  const { old, next } = await renderReadme(README);
  assertEquals(old, next, "README.md is stale: run `deno task readme`");
  assert(/\| `talosctl config add <context>` +\|/.test(old), "the table lists config add");
});

Deno.test("README keeps the two set-up commands", async () => {
  const text = await Deno.readTextFile(README);
  assertStringIncludes(
    text,
    "command -v deno || npm install -g deno@2.9.6; deno task talosctl gen config my-cluster https://10.0.0.10:6443",
  );
  assertStringIncludes(text, "command -v deno || npm install -g deno@2.9.6; deno task test");
});

Deno.test("withTable replaces only the text between the markers", () => {
  const t = "a\n<!-- commands:start -->\nold\n<!-- commands:end -->\nb\n";
  assertEquals(
    withTable(t, "new"),
    "a\n<!-- commands:start -->\n\nnew\n\n<!-- commands:end -->\nb\n",
  );
  let threw = false;
  try {
    withTable("no markers", "x");
  } catch {
    threw = true;
  }
  assert(threw);
});
