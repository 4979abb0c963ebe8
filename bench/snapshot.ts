// `etcd snapshot` of a 128 MiB snapshot streamed in 1 KiB messages from the emulator (its own
// process), against a plain @grpc/grpc-js client draining the same stream in the same run.
// The snapshot is a real bbolt database (large values on overflow pages), so the timed command
// includes what talosctl does after saving: reading it back for etcdutl's status line.
// Goals: throughput at least 0.8x the grpc-js client; peak RSS at most 150 MiB and independent of
// the snapshot size (checked by also running a 16 MiB snapshot).
//
//   deno run -A bench/snapshot.ts [MiB]

import { benchDir, mainTs, spawnEmulator, timeProcess } from "./emulator_process.ts";

const MIB = 1024 * 1024;

export async function snapshotBench(mib = 128): Promise<Record<string, number>> {
  const size = mib * MIB + 32;
  const emu = await spawnEmulator(["--snapshot-size", String(size)]);
  try {
    const node = emu.nodes[0];
    const base = await timeProcess([
      // grpc-js is a build-only package: it comes from the tools' config, not the CLI's.
      "--config",
      `${benchDir}../tools/build.json`,
      `${benchDir}snapshot_grpcjs.ts`,
      String(emu.port),
      `${emu.dir}/ca.pem`,
      `${emu.dir}/client.crt`,
      `${emu.dir}/client.key`,
      node,
    ]);
    if (base.code !== 0) throw new Error(`grpc-js baseline failed: ${base.stderr}`);
    const ours = await timeProcess(
      [mainTs, "etcd", "snapshot", `${emu.dir}/snap.db`, "--talosconfig", emu.talosconfig],
    );
    if (ours.code !== 0) throw new Error(`etcd snapshot failed: ${ours.stderr}`);
    const got = (await Deno.stat(`${emu.dir}/snap.db`)).size;
    if (got !== size) throw new Error(`snapshot has ${got} bytes, want ${size}`);
    // The status step alone, in this process, on the file just saved.
    const { snapshotStatusFile } = await import("../etcd/status.ts");
    const t0 = performance.now();
    const st = snapshotStatusFile(`${emu.dir}/snap.db`);
    const statusMs = performance.now() - t0;
    if (st.totalSize !== BigInt(size - 32)) throw new Error(`status size ${st.totalSize}`);
    return {
      mib,
      grpcjsMiBps: (size / MIB) / (base.ms / 1000),
      oursMiBps: (size / MIB) / (ours.ms / 1000),
      ratio: base.ms / ours.ms,
      peakRssMiB: ours.peakRss / MIB,
      grpcjsPeakRssMiB: base.peakRss / MIB,
      statusMs,
    };
  } finally {
    await emu.stop();
  }
}

if (import.meta.main) {
  const mib = Number(Deno.args[0] ?? "128");
  const big = await snapshotBench(mib);
  const small = await snapshotBench(16);
  const f = (x: number) => x.toFixed(1);
  console.log(
    `etcd snapshot ${mib} MiB: ours ${f(big.oursMiBps)} MiB/s, grpc-js ${
      f(big.grpcjsMiBps)
    } MiB/s, ` +
      `ratio ${big.ratio.toFixed(2)} (goal >= 0.8)`,
  );
  console.log(
    `peak RSS: ${f(big.peakRssMiB)} MiB at ${mib} MiB, ${f(small.peakRssMiB)} MiB at 16 MiB ` +
      `(goal <= 150 MiB, size-independent); grpc-js ${f(big.grpcjsPeakRssMiB)} MiB`,
  );
  console.log(
    `snapshot status alone (in-process, file in page cache): ${big.statusMs.toFixed(0)} ms`,
  );
}
