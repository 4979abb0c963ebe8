// Whole-process benchmark of `gen config` (controlplane.yaml, worker.yaml and talosconfig
// written to a directory, --force) against `deno run` of an empty script, with startup.ts's
// method (alternating pairs after warm-up, medians). Goal: median ratio at most 2.0.
// The bundle comes from the project's fixture so the figure is not dominated by key generation
// (a fresh bundle for current contracts needs an RSA-4096 key, which takes seconds).
//
//   deno run -A bench/gen_config.ts [runs]

import { startupBench } from "./startup.ts";

const secrets = new URL("../tests/fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
export const GOAL = 2.0;

export async function main(args: string[] = []): Promise<void> {
  const runs = Number(args[0] ?? 20);
  const dir = await Deno.makeTempDir({ prefix: "bench-gen-config-" });
  try {
    const argv = ["gen", "config", "b", "https://b:6443", "--with-secrets", secrets];
    const r = await startupBench(runs, [...argv, "-o", dir, "--force"]);
    console.log(
      `gen config: ${r.versionMs.toFixed(1)} ms, empty script ${r.emptyMs.toFixed(1)} ms ` +
        `(medians of ${runs}); ratio ${r.ratio.toFixed(2)} (best-of ${r.minRatio.toFixed(2)}), ` +
        `goal <= ${GOAL}: ${r.ratio <= GOAL ? "met" : "NOT met"}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
