// Runs real external tools (unzip, age, ssh-keygen) for interop tests. Without the tool the
// calling test is skipped with a warning, except under CI=true, where a missing tool fails
// loudly (.ci/run installs them).

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

const known = new Map<string, boolean>();

/** True when `name` runs here; throws under CI when it does not. */
export async function haveTool(name: string, probe: string[] = ["--version"]): Promise<boolean> {
  let ok = known.get(name);
  if (ok === undefined) {
    try {
      const r = await new Deno.Command(name, { args: probe, stdout: "null", stderr: "null" })
        .output();
      ok = r.code !== 127;
    } catch {
      ok = false;
    }
    known.set(name, ok);
  }
  if (!ok) {
    if (Deno.env.get("CI") === "true") throw new Error(`${name} is required by the tests`);
    console.warn(`WARNING: ${name} not found, its interop checks are skipped`);
  }
  return ok;
}

/** Runs `name args...`; throws with stderr when it fails (unless `allowFail`). */
export async function runTool(
  name: string,
  args: string[],
  opts: { cwd?: string; stdin?: Uint8Array | string; allowFail?: boolean } = {},
): Promise<ToolResult> {
  const child = new Deno.Command(name, {
    args,
    cwd: opts.cwd,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(
      typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    );
    await w.close();
  }
  const out = await child.output();
  const res = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    stdoutBytes: out.stdout,
  };
  if (res.code !== 0 && !opts.allowFail) {
    throw new Error(`${name} ${args.join(" ")} failed (${res.code}): ${res.stderr}`);
  }
  return res;
}
