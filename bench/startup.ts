// Whole-process startup: `deno run -A main.ts version --client` against `deno run` of an empty
// script, run alternately so machine noise hits both alike. Goal: median ratio at most 1.25.
//
//   deno run -A bench/startup.ts [runs]

const benchDir = new URL(".", import.meta.url).pathname;
const mainTs = new URL("../main.ts", import.meta.url).pathname;

async function once(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  const ms = performance.now() - t0;
  if (!out.success) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface StartupResult {
  versionMs: number;
  emptyMs: number;
  ratio: number;
  minRatio: number;
}

/** Measures `runs` alternating pairs after two warm-up pairs (which fill the code caches). */
export async function startupBench(
  runs = 30,
  argv = ["version", "--client"],
): Promise<StartupResult> {
  const empty = ["run", "-A", `${benchDir}empty.ts`];
  const cli = ["run", "-A", mainTs, ...argv];
  for (let i = 0; i < 2; i++) {
    await once(empty);
    await once(cli);
  }
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(await once(empty));
    a.push(await once(cli));
  }
  const versionMs = median(a), emptyMs = median(b);
  return {
    versionMs,
    emptyMs,
    ratio: versionMs / emptyMs,
    minRatio: Math.min(...a) / Math.min(...b),
  };
}

export async function main(args: string[] = []): Promise<void> {
  const runs = Number(args[0] ?? 30);
  const r = await startupBench(runs);
  console.log(
    `startup: version --client ${r.versionMs.toFixed(1)} ms, empty script ${
      r.emptyMs.toFixed(1)
    } ms (medians of ${runs}); ratio ${r.ratio.toFixed(2)} (best-of ${
      r.minRatio.toFixed(2)
    }), goal <= 1.25: ${r.ratio <= 1.25 ? "met" : "NOT met"}`,
  );
}

if (import.meta.main) await main(Deno.args);
