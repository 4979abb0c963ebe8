// `version` against 50 nodes versus 1 node through one emulator endpoint (its own process),
// whole-process wall time, median of several runs. Goal: 50 nodes at most 2x one node.
//
//   deno run -A bench/fanout.ts [runs]

import { mainTs, median, spawnEmulator, timeProcess } from "./emulator_process.ts";

export async function fanoutBench(runs = 5): Promise<Record<string, number>> {
  const emu = await spawnEmulator(["--nodes", "50"]);
  try {
    const time = async (nodes: string[]) => {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await timeProcess([
          mainTs,
          "version",
          "--talosconfig",
          emu.talosconfig,
          "-n",
          nodes.join(","),
        ]);
        if (r.code !== 0) throw new Error(`version failed: ${r.stderr}`);
        const blocks = r.stdout.split("\tNODE:").length - 1;
        if (blocks !== nodes.length) throw new Error(`expected ${nodes.length} node blocks`);
        ms.push(r.ms);
      }
      return median(ms);
    };
    const one = await time(emu.nodes.slice(0, 1));
    const fifty = await time(emu.nodes.slice(0, 50));
    return { oneMs: one, fiftyMs: fifty, ratio: fifty / one };
  } finally {
    await emu.stop();
  }
}

if (import.meta.main) {
  const r = await fanoutBench(Number(Deno.args[0] ?? "5"));
  console.log(
    `version: 1 node ${r.oneMs.toFixed(0)} ms, 50 nodes ${r.fiftyMs.toFixed(0)} ms, ` +
      `ratio ${r.ratio.toFixed(2)} (goal <= 2.0)`,
  );
}
