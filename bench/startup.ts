// Whole-process startup of offline commands against `deno run` of an empty script, measured in
// the same run: every round runs the empty script and each command once, in turn, so machine
// noise hits them alike; a command's figure is the minimum over the rounds (the least disturbed
// run), next to the empty script's minimum. Goals: `version --client` at most 1.5x,
// `gen config --with-secrets` and `gen secrets --talos-version v1.6` at most 2.5x. A fresh bundle
// for current contracts needs an RSA-4096 key (seconds of prime search): reported apart, no goal.
//
//   deno run -A bench/startup.ts [rounds] [rsa-rounds]

const benchDir = new URL(".", import.meta.url).pathname;
const mainTs = new URL("../main.ts", import.meta.url).pathname;
const secrets = new URL("../tests/fixtures/gen_config/secrets.yaml", import.meta.url).pathname;

export interface Case {
  label: string;
  argv: string[];
  goal?: number;
}

export interface Figure {
  label: string;
  minMs: number;
  medianMs: number;
  ratio: number;
  goal?: number;
}

async function once(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  const ms = performance.now() - t0;
  if (!out.success) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return ms;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the empty script and every case `rounds` times, interleaved, after one warm-up round
 * (which fills Deno's caches). The first figure is the empty script's.
 */
export async function measure(cases: Case[], rounds: number): Promise<Figure[]> {
  const all: Case[] = [{ label: "empty script", argv: [] }, ...cases];
  const args = (c: Case) =>
    c.argv.length === 0 ? ["run", "-A", `${benchDir}empty.ts`] : ["run", "-A", mainTs, ...c.argv];
  for (const c of all) await once(args(c));
  const ms: number[][] = all.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of all.entries()) ms[i].push(await once(args(c)));
  }
  const base = Math.min(...ms[0]);
  return all.map((c, i) => ({
    label: c.label,
    minMs: Math.min(...ms[i]),
    medianMs: median(ms[i]),
    ratio: Math.min(...ms[i]) / base,
    goal: c.goal,
  }));
}

export function table(figures: Figure[], rounds: number): string {
  const width = Math.max(...figures.map((f) => f.label.length));
  const lines = figures.map((f, i) => {
    const head = `  ${f.label.padEnd(width)}  ${f.minMs.toFixed(1).padStart(7)} ms` +
      `  (median ${f.medianMs.toFixed(1).padStart(7)} ms)`;
    if (i === 0) return head;
    const goal = f.goal === undefined
      ? "no goal"
      : `goal <= ${f.goal}x: ${f.ratio <= f.goal ? "met" : "NOT met"}`;
    return `${head}  ${f.ratio.toFixed(2).padStart(6)}x  ${goal}`;
  });
  return `min of ${rounds} runs each, against the empty script in the same run:\n` +
    lines.join("\n");
}

export async function main(args: string[] = []): Promise<boolean> {
  const rounds = Number(args[0] ?? 20);
  const rsaRounds = Number(args[1] ?? 3);
  const dir = await Deno.makeTempDir({ prefix: "bench-startup-" });
  try {
    const gen = ["gen", "config", "b", "https://b:6443"];
    const figures = await measure([
      { label: "version --client", argv: ["version", "--client"], goal: 1.5 },
      {
        label: "gen config --with-secrets (3 files)",
        argv: [...gen, "--with-secrets", secrets, "-o", dir, "--force"],
        goal: 2.5,
      },
      {
        label: "gen secrets --talos-version v1.6",
        argv: ["gen", "secrets", "-o", "-", "--talos-version", "v1.6"],
        goal: 2.5,
      },
      {
        label: "gen config -t worker (fresh, no RSA key)",
        argv: [...gen, "-t", "worker", "-o", "-"],
      },
    ], rounds);
    console.log(table(figures, rounds));
    const rsa = await measure(
      [{ label: "gen secrets (current contract, RSA-4096)", argv: ["gen", "secrets", "-o", "-"] }],
      rsaRounds,
    );
    const [base, key] = rsa;
    console.log(
      `RSA-4096, apart (no goal; min of ${rsaRounds}): ${key.label} ${key.minMs.toFixed(0)} ms ` +
        `(median ${key.medianMs.toFixed(0)} ms) = ${key.ratio.toFixed(1)}x the empty script ` +
        `(${base.minMs.toFixed(1)} ms)`,
    );
    return figures.every((f) => f.goal === undefined || f.ratio <= f.goal);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
