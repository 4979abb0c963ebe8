// action.yml run locally as the runner would: each step's `run` script under `bash --noprofile
// --norc -eo pipefail` with the step's env, GITHUB_OUTPUT/GITHUB_ENV/GITHUB_PATH files, the
// expressions the action uses, `if:` conditions, and actions/cache simulated by a local store.
// Releases come from tests/release_server.ts on 127.0.0.1.

import { parse } from "yaml";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { goodRelease, hostAsset, serveReleases } from "./release_server.ts";
import { haveTool } from "./extern_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface Step {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(await Deno.readTextFile(`${ROOT}/action.yml`)) as Action;

type Context = Record<string, Record<string, unknown>>;

/** The expressions the action uses: a property path, optionally compared with a string. */
function evaluate(expr: string, ctx: Context): string | boolean {
  const m = /^\s*([A-Za-z_][\w.-]*)\s*(?:(==|!=)\s*'([^']*)')?\s*$/.exec(expr);
  if (!m) throw new Error(`expression not supported by this test runner: ${expr}`);
  let v: unknown = ctx;
  for (const part of m[1].split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
  const s = v === undefined || v === null ? "" : String(v);
  if (!m[2]) return s;
  return m[2] === "==" ? s === m[3] : s !== m[3];
}

function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e) => String(evaluate(e, ctx)));
}

/** GITHUB_OUTPUT / GITHUB_ENV syntax: name=value lines and name<<DELIM heredocs. */
function readKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (lines[i].includes("=")) {
      const at = lines[i].indexOf("=");
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

interface Runner {
  dir: string;
  /** actions/cache's store: key -> saved directory. */
  cache: Map<string, string>;
}

interface RunResult {
  ok: boolean;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  ran: string[];
  log: string;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** Runs the action's steps with `inputs` (as a workflow's `with:`), as one job would. */
async function runAction(runner: Runner, inputs: Record<string, string>): Promise<RunResult> {
  const job = await Deno.makeTempDir({ dir: runner.dir, prefix: "job-" });
  const files = { env: `${job}/env`, path: `${job}/path` };
  await Deno.writeTextFile(files.env, "");
  await Deno.writeTextFile(files.path, "");
  await Deno.mkdir(`${job}/temp`);
  const ctx: Context = {
    inputs: Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [k, inputs[k] ?? v.default ?? ""]),
    ),
    github: { action_path: ROOT, action_repository: "example/talosctl" },
    runner: {
      os: "Linux",
      arch: "X64",
      temp: `${job}/temp`,
      tool_cache: `${runner.dir}/toolcache`,
    },
    steps: {},
  };
  const result: RunResult = { ok: true, outputs: {}, env: {}, path: [], ran: [], log: "" };
  const saves: [string, string][] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    const id = step.id ?? `step${i}`;
    const outputs: Record<string, string> = {};
    (ctx.steps as Record<string, unknown>)[id] = { outputs };
    if (step.if !== undefined && evaluate(step.if.replace(/^\$\{\{|\}\}$/g, ""), ctx) !== true) {
      continue;
    }
    result.ran.push(step.name ?? id);
    if (step.uses) {
      assertEquals(step.uses.split("@")[0], "actions/cache");
      const path = interpolate(step.with!.path, ctx);
      const key = interpolate(step.with!.key, ctx);
      const saved = runner.cache.get(key);
      if (saved) await copyDir(saved, path);
      else saves.push([key, path]);
      outputs["cache-hit"] = saved ? "true" : "false";
      continue;
    }
    assertEquals(step.shell, "bash");
    const script = `${job}/step${i}.sh`;
    await Deno.writeTextFile(script, step.run!);
    const outFile = `${job}/output${i}`;
    await Deno.writeTextFile(outFile, "");
    const env: Record<string, string> = {
      PATH: [...result.path].reverse().concat(Deno.env.get("PATH") ?? "/usr/bin:/bin").join(":"),
      HOME: job,
      RUNNER_TEMP: `${job}/temp`,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      GITHUB_OUTPUT: outFile,
      ...result.env,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(v, ctx);
    const out = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    result.log += dec.decode(out.stdout) + dec.decode(out.stderr);
    Object.assign(outputs, readKeyValues(await Deno.readTextFile(outFile)));
    result.env = readKeyValues(await Deno.readTextFile(files.env));
    result.path = (await Deno.readTextFile(files.path)).split("\n").filter((l) => l);
    if (!out.success) {
      result.ok = false;
      return result;
    }
  }
  // actions/cache saves the path when the job succeeded and the key was missed.
  for (const [key, path] of saves) {
    const saved = `${runner.dir}/cache-store/${encodeURIComponent(key)}`;
    await copyDir(path, saved);
    runner.cache.set(key, saved);
  }
  for (const [k, v] of Object.entries(action.outputs)) {
    result.outputs[k] = interpolate(v.value, ctx);
  }
  return result;
}

/** Runs a command as a later step of the job would: with GITHUB_PATH and GITHUB_ENV applied. */
async function laterStep(r: RunResult, cmd: string[]): Promise<string> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env: { ...r.env, PATH: [...r.path].reverse().concat(Deno.env.get("PATH") ?? "").join(":") },
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

const TALOSCONFIG = "context: ci\ncontexts:\n  ci:\n    endpoints:\n      - 10.5.0.2\n";

Deno.test("action: installs the latest release, puts it on PATH, writes TALOSCONFIG 0600", async () => {
  await using tmp = await tempDir();
  const corrupted = await goodRelease("v0.9.0");
  corrupted[hostAsset()] += "# tampered\n";
  await using srv = serveReleases("v1.2.3", {
    "v1.2.3": await goodRelease("v1.2.3"),
    "v1.0.0": await goodRelease("v1.0.0"),
    "v0.9.0": corrupted,
  });
  const runner: Runner = { dir: tmp.path, cache: new Map() };

  const r = await runAction(runner, { "base-url": srv.baseUrl, talosconfig: TALOSCONFIG });
  assert(r.ok, r.log);
  const uname = await new Deno.Command("sh", { args: ["-c", 'echo "$(uname -s)-$(uname -m)"'] })
    .output();
  const dir = `${tmp.path}/toolcache/talosctl-deno/v1.2.3/${
    new TextDecoder().decode(uname.stdout).trim()
  }`;
  assertEquals(r.path, [dir]);
  assertEquals(r.outputs.version, "v1.2.3");
  assertEquals(r.outputs.path, `${dir}/talosctl`);
  assertEquals(await laterStep(r, ["talosctl"]), "fake talosctl v1.2.3\n");
  const tc = r.env.TALOSCONFIG;
  assertEquals(r.outputs.talosconfig, tc);
  assertEquals(await Deno.readTextFile(tc), TALOSCONFIG);
  assertEquals((await Deno.stat(tc)).mode! & 0o777, 0o600);
  assertEquals((await Deno.stat(tc.replace(/\/[^/]+$/, ""))).mode! & 0o777, 0o700);
  assertEquals(await laterStep(r, ["sh", "-c", 'cat "$TALOSCONFIG"']), TALOSCONFIG);
  assertEquals(r.ran, [
    "Resolve the version and the install directory",
    "Cache the binary",
    "Install talosctl",
    "Add talosctl to PATH",
    "Write the talosconfig",
  ]);

  // A pinned version without a talosconfig; then the same version again comes from the cache.
  const pinned = await runAction(runner, { "base-url": srv.baseUrl, version: "v1.0.0" });
  assert(pinned.ok, pinned.log);
  assertEquals(pinned.env, {});
  assertEquals(pinned.outputs.talosconfig, "");
  assertEquals(await laterStep(pinned, ["talosctl"]), "fake talosctl v1.0.0\n");
  await Deno.remove(`${tmp.path}/toolcache`, { recursive: true }); // a fresh runner
  const before = srv.requests.length;
  const cached = await runAction(runner, { "base-url": srv.baseUrl, version: "v1.0.0" });
  assert(cached.ok, cached.log);
  assertEquals(cached.ran.includes("Install talosctl"), false);
  assertEquals(await laterStep(cached, ["talosctl"]), "fake talosctl v1.0.0\n");
  assertEquals(srv.requests.slice(before).filter((p) => p.includes("/download/")), []);

  // A corrupted release fails the job and installs nothing.
  const bad = await runAction(runner, { "base-url": srv.baseUrl, version: "v0.9.0" });
  assertEquals(bad.ok, false);
  assertStringIncludes(bad.log, "checksum mismatch");
  assertEquals(bad.path, []);
  const installed = await Deno.stat(`${tmp.path}/toolcache/talosctl-deno/v0.9.0`).then(
    () => true,
    () => false,
  );
  assertEquals(installed, false);
});

Deno.test("action: run scripts read inputs from env only and pass shellcheck", async () => {
  const scripts = action.runs.steps.filter((s) => s.run).map((s) => s.run!);
  for (const s of scripts) assertEquals(s.includes("${{"), false, `expression in a script:\n${s}`);
  if (!(await haveTool("shellcheck"))) return;
  await using tmp = await tempDir();
  for (const [i, s] of scripts.entries()) {
    await Deno.writeTextFile(`${tmp.path}/step${i}.sh`, s);
    const out = await new Deno.Command("shellcheck", {
      args: ["--shell=bash", `${tmp.path}/step${i}.sh`],
      stdout: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout), "");
  }
});
