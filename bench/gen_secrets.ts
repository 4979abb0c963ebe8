// Whole-process benchmark of `gen secrets -o -` against `deno run` of an empty script, with
// startup.ts's alternating-pairs method. Goal: median ratio at most 1.6.
// Two figures: the default contract, whose RSA-4096 service-account key dominates (and varies a
// lot, prime search being random), and `--talos-version v1.6` (ECDSA service-account key),
// which shows the cost of everything else. WebCrypto's RSA generateKey and node:crypto's
// generateKeyPair measured alike here (medians ~2.8 s and ~2.7 s over 9 runs, both off the main
// thread), and the key is already generated alongside the CAs.
//
//   deno run -A bench/gen_secrets.ts [runs]

import { startupBench } from "./startup.ts";

export const GOAL = 1.6;

/** Medians at eceae8a (same machine, paired with an empty script of 15.6 ms), for comparison. */
const BEFORE: Record<string, string> = {
  "current contract": "~1-3 s, varies with the RSA prime search",
  "--talos-version v1.6": "69.4 ms, ratio 4.45",
};

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
        `goal <= ${GOAL}: ${r.ratio <= GOAL ? "met" : "NOT met"}; before: ${BEFORE[label]}`,
    );
  }
}

if (import.meta.main) await main(Deno.args);
