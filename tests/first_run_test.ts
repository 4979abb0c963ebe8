// A first `deno task talosctl` from a fresh clone downloads only the CLI's own packages: build
// tools (buf, protoc-gen-es, the grpc-js baseline) live in tools/build.json with their own lock,
// and no package of the CLI has install scripts (Deno would print a banner about ignoring them).

import { assertEquals } from "./assert.ts";

const root = new URL("../", import.meta.url);
const BUILD_ONLY = ["@bufbuild/buf", "@bufbuild/protoc-gen-es", "@grpc/grpc-js", "protobufjs"];

interface Lock {
  specifiers: Record<string, string>;
  npm?: Record<string, { scripts?: boolean }>;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(new URL(path, root)));
}

Deno.test("the CLI's config and lock hold no build-only package and no install script", async () => {
  const config = await readJson<{ imports: Record<string, string> }>("deno.json");
  const lock = await readJson<Lock>("deno.lock");
  const named = (name: string) =>
    Object.values(config.imports).some((s) => s.startsWith(`npm:${name}@`)) ||
    Object.keys(lock.npm ?? {}).some((k) => k.startsWith(`${name}@`));
  assertEquals(BUILD_ONLY.filter(named), []);
  const withScripts = Object.entries(lock.npm ?? {}).filter(([, p]) => p.scripts).map(([k]) => k);
  assertEquals(withScripts, []);
});

Deno.test("the build tools' config pins them, with a lock of its own", async () => {
  const build = await readJson<{ imports: Record<string, string>; lock: { path: string } }>(
    "tools/build.json",
  );
  assertEquals(Object.keys(build.imports).sort(), BUILD_ONLY.slice(0, 3).sort());
  const lock = await readJson<Lock>(`tools/${build.lock.path}`);
  for (const spec of Object.values(build.imports)) {
    assertEquals(spec in lock.specifiers, true, spec);
  }
  // Every place that runs a build tool points at that config.
  const buf = await Deno.readTextFile(new URL("buf.gen.yaml", root));
  assertEquals(/"--config",\s*"tools\/build\.json"/.test(buf), true);
});
