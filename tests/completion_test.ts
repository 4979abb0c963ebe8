// Shell completion scripts, exercised in real shells: bash drives the completion function with
// simulated command lines (a wrapper runs this checkout as `talosctl`); zsh and fish, when
// installed, at least parse their scripts.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveTool } from "./extern_tools.ts";
import { bashProbe, talosctlOnPath } from "./completion_shells.ts";

async function sh(cmd: string, script: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, {
    args: ["-c", script],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bash completion: subcommands, aliases, flags and context names", async () => {
  if (!(await haveTool("bash"))) return;
  await using tmp = await tempDir();
  const d = tmp.path;
  const script = await run(["completion", "bash"]);
  assertEquals(script.code, 0);
  await Deno.writeTextFile(`${d}/talosctl.bash`, script.stdout);
  const tc = `${d}/tc`;
  for (const name of ["alpha", "beta"]) {
    assertEquals((await run(["config", "add", name, "--talosconfig", tc])).code, 0);
  }
  const lines = [
    ["talosctl", ""],
    ["talosctl", "conf"],
    ["talosctl", "config", "con"],
    ["talosctl", "--talosconfig", tc, "config", "use-context", ""],
    ["talosctl", "config", "add", "--c"],
    ["talosctl", "config", "info", "--context", ""],
    ["talosctl", "mc", "p"],
  ];
  const r = await sh(
    "bash",
    `source ${d}/talosctl.bash\n${lines.map(bashProbe).join("\n")}`,
    { PATH: await talosctlOnPath(d), TALOSCONFIG: tc, HOME: Deno.env.get("HOME") ?? d },
  );
  assertEquals(r.stderr, "");
  const got = r.stdout.split("\n");
  assertStringIncludes(got[0], "completion config");
  assertStringIncludes(got[0], " help ");
  assertEquals(got.slice(1), [
    "config conformance",
    "context contexts",
    "alpha beta",
    "--ca --cluster --context --crt",
    "alpha beta",
    "patch",
    "",
  ]);
});

Deno.test("zsh and fish scripts parse; --no-descriptions drops descriptions", async () => {
  await using tmp = await tempDir();
  for (const shell of ["zsh", "fish"]) {
    if (!(await haveTool(shell))) continue;
    const s = await run(["completion", shell]);
    assertEquals(s.code, 0);
    await Deno.writeTextFile(`${tmp.path}/c.${shell}`, s.stdout);
    const r = await new Deno.Command(shell, { args: ["-n", `${tmp.path}/c.${shell}`] }).output();
    assertEquals(r.code, 0, `${shell} -n: ${new TextDecoder().decode(r.stderr)}`);
  }
  const withDesc = await run(["completion", "zsh"]);
  assertStringIncludes(withDesc.stdout, "'add:Add a context");
  const bare = await run(["completion", "zsh", "--no-descriptions"]);
  assertStringIncludes(bare.stdout, "'add' 'context' 'contexts'");
  const ps = await run(["completion", "powershell"]);
  assertStringIncludes(ps.stdout, "Register-ArgumentCompleter -Native -CommandName 'talosctl'");
});
