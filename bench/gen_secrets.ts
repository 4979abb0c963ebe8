// Whole-process benchmark of `gen secrets -o -` against `deno run` of an empty script, with
// startup.ts's alternating-pairs method. Goal: median ratio at most 1.6.
// Two figures: the default contract, whose RSA-4096 service-account key dominates (and varies a
// lot, prime search being random), and `--talos-version v1.6` (ECDSA service-account key),
// which shows the cost of everything else.
//
//   deno run -A bench/gen_secrets.ts [runs]

import { startupBench } from "./startup.ts";

export const GOAL = 1.6;

export async function main(args: string[] = []): Promise<void> {
  const runs = Number(args[0] ?? 10);
  for (
    const [label, extra] of [["current contract", []], ["--talos-version v1.6", [
      "--talos-version",
      "v1.6",
    ]]] as const
  ) {
    const r = await startupBench(runs, ["gen", "secrets", "-o", "-", ...extra]);
    console.log(
      `gen secrets (${label}): ${r.versionMs.toFixed(1)} ms, empty script ${
        r.emptyMs.toFixed(1)
      } ms ` +
        `(medians of ${runs}); ratio ${r.ratio.toFixed(2)} (best-of ${r.minRatio.toFixed(2)}), ` +
        `goal <= ${GOAL}: ${r.ratio <= GOAL ? "met" : "NOT met"}`,
    );
  }
}

if (import.meta.main) await main(Deno.args);
