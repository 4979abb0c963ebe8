// The peak memory of a process of its own (the CLI, a benchmark), sampled from /proc: the
// tests that check that streams stay streams, and the whole-process benchmarks, measure it alike.

/** Whether /proc/<pid>/status can be read here (Linux). */
export const hasProc: boolean = (() => {
  try {
    Deno.statSync("/proc/self/status");
    return true;
  } catch {
    return false;
  }
})();

/**
 * Samples the peak resident set size (VmHWM) of process `pid` every `everyMs` until `stop()`,
 * which gives it in bytes (0 without /proc).
 */
export function samplePeakRss(pid: number, everyMs = 20): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${pid}/status`));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch { /* gone */ }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await sampler;
      return peak;
    },
  };
}

const mainTs = new URL("../main.ts", import.meta.url).pathname;

export interface CliPeak {
  code: number;
  stderr: string;
  /** Peak RSS in bytes. */
  peak: number;
}

/**
 * Runs the CLI (`deno run -A main.ts ARGS`) as its own process, NO_COLOR set, stdin closed,
 * stdout into `stdoutFile` (dropped without it), and measures its peak RSS.
 */
export async function cliPeak(
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; stdoutFile?: string } = {},
): Promise<CliPeak> {
  const out = o.stdoutFile
    ? await Deno.open(o.stdoutFile, { write: true, create: true, truncate: true })
    : undefined;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mainTs, ...args],
    ...(o.cwd ? { cwd: o.cwd } : {}),
    stdin: "null",
    stdout: out ? "piped" : "null",
    stderr: "piped",
    env: { NO_COLOR: "1", ...o.env },
  }).spawn();
  const sampler = samplePeakRss(child.pid);
  const [, stderr, status] = await Promise.all([
    out ? child.stdout.pipeTo(out.writable) : undefined,
    new Response(child.stderr).text(),
    child.status,
  ]);
  return { code: status.code, stderr, peak: await sampler.stop() };
}
