// The GitHub workflows: CI runs .ci/run; a tag builds every target and publishes exactly the
// assets `deno task compile` makes (the ones install.sh and action.yml download). Their scripts
// take values from env, never from inline expressions, and are shellcheck-clean.

import { parse } from "yaml";
import { assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { assetName, TARGETS } from "../tools/compile.ts";
import { haveTool } from "./extern_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: { name?: string; run?: string; uses?: string }[] }>;
}

async function workflow(name: string): Promise<Workflow> {
  return parse(await Deno.readTextFile(`${ROOT}.github/workflows/${name}`)) as Workflow;
}

const scripts = (w: Workflow) =>
  Object.values(w.jobs).flatMap((j) => j.steps).filter((s) => s.run).map((s) => s.run!);

Deno.test("workflows: CI runs .ci/run; a tag publishes every compiled target", async () => {
  const ci = await workflow("ci.yml");
  assertEquals(scripts(ci).includes("bash .ci/run"), true);
  const release = await workflow("release.yml");
  assertEquals(release.on, { push: { tags: ["v*"] } });
  const run = scripts(release);
  assertEquals(run.includes("deno task compile"), true);
  const publish = run.find((s) => s.startsWith("gh release create"))!;
  const assets = publish.match(/dist\/\S+/g);
  assertEquals(assets, [...TARGETS.map((t) => `dist/${assetName(t)}`), "dist/sha256sum.txt"]);
});

Deno.test("workflows: scripts read values from env and pass shellcheck", async () => {
  const all = [...scripts(await workflow("ci.yml")), ...scripts(await workflow("release.yml"))];
  for (const s of all) assertEquals(s.includes("${{"), false, s);
  if (!(await haveTool("shellcheck"))) return;
  await using tmp = await tempDir();
  for (const [i, s] of all.entries()) {
    await Deno.writeTextFile(`${tmp.path}/${i}.sh`, s);
    const out = await new Deno.Command("shellcheck", {
      args: ["--shell=bash", `${tmp.path}/${i}.sh`],
      stdout: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout), "", s);
  }
});
