// `bootstrap --recover-from` uploads the snapshot as it reads it: the CLI (its own process) peaks
// at about the same memory for 8 and 64 MiB snapshots, and the node gets every byte.

import { assert, assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { applyState, etcdSnapshotOfSize, simNode, startEmulator } from "./emulator/mod.ts";
import { cliPeak, hasProc } from "./peak_rss.ts";

const MiB = 1024 * 1024;
// Keeping the upload (as the failover transport once did, to send it again elsewhere) grows the
// peak by more than the 56 MiB of difference (256 MiB peaked at 496 MiB); streaming it, by the
// JavaScript heap's warm-up only (8 and 256 MiB peak at about 107 and 120 MiB).
const LIMIT = 40;

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
      const out = `${dir.path}/stdout`;
      const r = await cliPeak(
        ["bootstrap", "--recover-from", `${dir.path}/snap.db`, "--talosconfig", cfg],
        { stdoutFile: out },
      );
      assertEquals([r.code, r.stderr], [0, ""]);
      const stdout = await Deno.readTextFile(out);
      assert(stdout.startsWith(`recovering from snapshot "${dir.path}/snap.db": hash `), stdout);
      assertEquals(node.etcd?.snapshot, snapshot);
      assertEquals(applyState(node).recoverySnapshot, undefined);
      peaks.push(r.peak);
    }
    const growth = (peaks[1] - peaks[0]) / MiB;
    assert(growth < LIMIT, `peak RSS grew by ${growth.toFixed(1)} MiB for 56 MiB more`);
    console.log(`peak RSS: ${peaks.map((p) => (p / MiB).toFixed(0)).join(" -> ")} MiB`);
  },
});
