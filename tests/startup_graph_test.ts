// What `deno run` loads before running anything: the module graph of the entry point, static
// and literal dynamic imports alike (Deno analyses every module reachable through
// `import("...")` with a literal before the first line runs). Command entries and the run-time
// imports of the offline commands measured by bench/startup.ts go through `lazy`/`loadSpec`
// (commands/spec.ts) so that this graph stays the command-line layer alone: no npm package, no
// Node built-in, nothing of a command that does not run.

import { assertEquals } from "./assert.ts";

const root = new URL("../", import.meta.url);

interface Dep {
  code?: { specifier: string };
}
interface Info {
  modules: { specifier: string; dependencies?: (Dep & { specifier: string })[] }[];
}

/** The modules `deno run <module>` prepares: the closure over code (not type-only) imports. */
async function preparedGraph(module: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", module],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as Info;
  const byUrl = new Map(info.modules.map((m) => [m.specifier, m]));
  const start = new URL(module, root).href;
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    const m = byUrl.get(todo.pop()!);
    for (const d of m?.dependencies ?? []) {
      const next = d.code?.specifier;
      if (next && !seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return [...seen].map((s) => s.startsWith(root.href) ? s.slice(root.href.length) : s).sort();
}

const outside = (mods: string[]) => mods.filter((m) => !/^[a-z0-9_/]+\.ts$/.test(m));

Deno.test("deno run main.ts prepares the command-line layer only", async () => {
  const mods = await preparedGraph("main.ts");
  const HINT =
    'a mod.ts entry with a literal import: write `load: () => loadSpec(import.meta.url, "./x.ts")` (commands/README.md)';
  assertEquals(outside(mods), [], `npm or node: modules before the first line runs: ${HINT}`);
  // The root and group entries load their modules with loadSpec(import.meta.url, "./x.ts"); a
  // literal `await import("./x.ts")` in an entry would put that command's whole tree here.
  const unexpected = mods.filter((m) => !/^(main|errors)\.ts$|^(commands|gofmt)\//.test(m));
  assertEquals(unexpected, [], HINT);
  assertEquals(mods.length <= 16, true, `${mods.length} modules: ${mods.join(" ")}`);
});

Deno.test("the offline commands measured at startup prepare no npm package", async () => {
  for (
    const m of [
      "commands/version.ts",
      "commands/gen/config.ts",
      "commands/gen/config_run.ts",
      "commands/gen/secrets.ts",
    ]
  ) {
    assertEquals([m, outside(await preparedGraph(m))], [m, []]);
  }
});
