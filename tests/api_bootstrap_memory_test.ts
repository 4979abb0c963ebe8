// `bootstrap --recover-from` uploads the snapshot as it reads it: the CLI (its own process) peaks
// at about the same memory for 8 and 64 MiB snapshots, and the node gets every byte.

import { assert, assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { applyState, etcdSnapshotOfSize, simNode, startEmulator } from "./emulator/mod.ts";

const MiB = 1024 * 1024;
// Keeping the upload (as the failover transport once did, to send it again elsewhere) grows the
// peak by more than the 56 MiB of difference (256 MiB peaked at 496 MiB); streaming it, by the
// JavaScript heap's warm-up only (8 and 256 MiB peak at about 107 and 120 MiB).
const LIMIT = 40;
const mainTs = new URL("../main.ts", import.meta.url).pathname;

/** Runs the CLI; samples its peak RSS (VmHWM) while it runs. */
async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; peak: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mainTs, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch { /* gone */ }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const [stdout, stderr, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  running = false;
  await sampler;
  return { code: status.code, stdout, stderr, peak };
}

const hasProc = (() => {
  try {
    Deno.statSync("/proc/self/status");
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "bootstrap --recover-from: a 64 MiB snapshot is uploaded with the memory of 8 MiB",
  ignore: !hasProc,
  async fn() {
    await using dir = await tempDir();
    const peaks: number[] = [];
    for (const size of [8 * MiB, 64 * MiB]) {
      const snapshot = etcdSnapshotOfSize(size + 32)!.bytes;
      await Deno.writeFile(`${dir.path}/snap.db`, snapshot);
      const node = simNode("10.5.0.2", { etcd: undefined });
      await using emu = await startEmulator({ nodes: [node] });
      const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
      const r = await cli([
        "bootstrap",
        "--recover-from",
        `${dir.path}/snap.db`,
        "--talosconfig",
        cfg,
      ]);
      assertEquals([r.code, r.stderr], [0, ""]);
      assert(
        r.stdout.startsWith(`recovering from snapshot "${dir.path}/snap.db": hash `),
        r.stdout,
      );
      assertEquals(node.etcd?.snapshot, snapshot);
      assertEquals(applyState(node).recoverySnapshot, undefined);
      peaks.push(r.peak);
    }
    const growth = (peaks[1] - peaks[0]) / MiB;
    assert(growth < LIMIT, `peak RSS grew by ${growth.toFixed(1)} MiB for 56 MiB more`);
    console.log(`peak RSS: ${peaks.map((p) => (p / MiB).toFixed(0)).join(" -> ")} MiB`);
  },
});
