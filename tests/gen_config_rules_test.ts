// `gen config` inputs beyond the stability goldens, each pinned to the upstream (talosctl HEAD)
// code path that decides it. Expected values are derived from upstream's generator and encoder
// rules and checked against output made from the project's own bundle
// (tests/fixtures/gen_config/secrets.yaml).

import { assert, assertEquals } from "./assert.ts";
import { run } from "./harness.ts";

const SECRETS = new URL("./fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
const fixed = ["--with-secrets", SECRETS, "--with-docs=false", "--with-examples=false"];

/** One machine type's config on stdout. */
async function gen(
  type: "controlplane" | "worker",
  endpoint: string,
  args: string[],
): Promise<string> {
  const r = await run(["gen", "config", "c", endpoint, ...fixed, ...args, "-t", type, "-o", "-"]);
  assertEquals(r.code, 0, r.stderr);
  return r.stdout;
}

/** Keys of the map that follows `header` (a line), at the next indentation level. */
function mapKeys(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(header);
  assert(start >= 0, `no line ${JSON.stringify(header)}`);
  const indent = header.search(/\S/) + 4;
  const keys: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const at = l.search(/\S/);
    if (at < indent) break;
    if (at === indent) keys.push(l.trim().replace(/:.*$/, ""));
  }
  return keys;
}

Deno.test("map keys are sorted byte-wise (Talos encoder sorts map keys itself, not yaml.v3's digit-aware order)", async () => {
  const text = await gen("worker", "https://c:6443", [
    "--talos-version",
    "v1.11",
    "--registry-mirror",
    "z.io=https://z,a9.io=https://a9,a10.io=https://a10,_u=https://u,B.io=https://b",
  ]);
  assertEquals(mapKeys(text, "        mirrors:"), ["B.io", "_u", "a10.io", "a9.io", "z.io"]);
});
