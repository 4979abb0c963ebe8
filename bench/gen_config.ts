// Whole-process benchmark of `gen config`: median wall time of `deno run -A main.ts gen config`
// against `deno run` of an empty script (goal: at most 2.0x). Uses the project's own secrets
// bundle so key generation (RSA-4096 for current contracts) does not dominate; the fresh-bundle
// case is measured separately for information.
//
//   deno run -A bench/gen_config.ts [runs]

const root = new URL("../", import.meta.url).pathname;
const secrets = `${root}tests/fixtures/gen_config/secrets.yaml`;

export interface ProcessBench {
  name: string;
  /** Arguments after `deno run -A`; `{dir}` is replaced by a fresh temporary directory. */
  args: string[];
  /** The goal, as a multiple of the empty-script baseline (undefined: informational). */
  goal?: number;
}

export const benches: ProcessBench[] = [
  {
    name: "gen config --with-secrets (3 files)",
    args: [
      `${root}main.ts`,
      "gen",
      "config",
      "b",
      "https://b:6443",
      "--with-secrets",
      secrets,
      "-o",
      "{dir}",
    ],
    goal: 2.0,
  },
  {
    name: "gen config fresh bundle, contract v1.6 (no RSA)",
    args: [
      `${root}main.ts`,
      "gen",
      "config",
      "b",
      "https://b:6443",
      "--talos-version",
      "v1.6",
      "-o",
      "{dir}",
    ],
  },
];

async function timeOnce(args: string[]): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "bench-gen-config-" });
  try {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...args.map((a) => a.replace("{dir}", dir))],
      stdout: "null",
      stderr: "null",
    });
    const t0 = performance.now();
    const { code } = await cmd.output();
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`exit ${code}: ${args.join(" ")}`);
    return ms;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export async function median(args: string[], runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeOnce(args));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 7);
  const empty = await Deno.makeTempFile({ suffix: ".ts" });
  const base = await median([empty], runs);
  await Deno.remove(empty);
  console.log(`baseline (empty script): ${base.toFixed(0)} ms`);
  for (const b of benches) {
    const t = await median(b.args, runs);
    const ratio = t / base;
    const verdict = b.goal === undefined
      ? ""
      : ratio <= b.goal
      ? " (goal met)"
      : ` (goal ${b.goal}x)`;
    console.log(`${b.name}: ${t.toFixed(0)} ms = ${ratio.toFixed(1)}x${verdict}`);
  }
}
