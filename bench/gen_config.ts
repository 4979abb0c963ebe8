// Whole-process benchmark of `gen config` against `deno run` of an empty script, with
// startup.ts's method (alternating pairs after warm-up, medians). Goal: median ratio at most 2.0.
// Two figures:
// - the bundle from the project's fixture, written as controlplane.yaml, worker.yaml and
//   talosconfig to a directory (--force): the figure the goal is about (a fresh bundle for
//   current contracts needs an RSA-4096 key, which takes seconds);
// - fresh secrets with only worker.yaml on stdout: no control plane config, so no RSA key.
// Each line also prints the figure measured before the quick bundle loader (commit eceae8a,
// same machine, paired runs), to compare with.
//
//   deno run -A bench/gen_config.ts [runs]

import { startupBench } from "./startup.ts";

const secrets = new URL("../tests/fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
export const GOAL = 2.0;

/** Medians measured at eceae8a against the same empty script (15.6 ms then), 21 pairs. */
const BEFORE: Record<string, string> = {
  "--with-secrets, 3 files": "167.8 ms, ratio 10.76",
  "fresh secrets, -t worker": "1-3 s (RSA-4096 key generated and dropped)",
};

export async function main(args: string[] = []): Promise<void> {
  const runs = Number(args[0] ?? 20);
  const dir = await Deno.makeTempDir({ prefix: "bench-gen-config-" });
  const base = ["gen", "config", "b", "https://b:6443"];
  const cases: [string, string[]][] = [
    ["--with-secrets, 3 files", [...base, "--with-secrets", secrets, "-o", dir, "--force"]],
    ["fresh secrets, -t worker", [...base, "-t", "worker", "-o", "-"]],
  ];
  try {
    for (const [label, argv] of cases) {
      const r = await startupBench(runs, argv);
      console.log(
        `gen config (${label}): ${r.versionMs.toFixed(1)} ms, empty script ${
          r.emptyMs.toFixed(1)
        } ms (medians of ${runs}); ratio ${r.ratio.toFixed(2)} (best-of ${
          r.minRatio.toFixed(2)
        }), goal <= ${GOAL}: ${r.ratio <= GOAL ? "met" : "NOT met"}; before: ${BEFORE[label]}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
