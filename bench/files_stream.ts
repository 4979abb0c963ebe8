// `read` and `copy` of big files from the emulator (in this process) by the CLI (its own
// process): throughput and peak RSS at several sizes. Goal: peak RSS independent of the size
// (it levels off once the JavaScript heap has warmed up).
//
//   deno run -A bench/files_stream.ts [MiB ...]

import { putFile, simNode, startEmulator } from "../tests/emulator/mod.ts";
import { timeProcess } from "./emulator_process.ts";

const MiB = 1024 * 1024;
const mainTs = new URL("../main.ts", import.meta.url).pathname;

const sizes = Deno.args.length > 0 ? Deno.args.map(Number) : [16, 64, 256];
const node = simNode("10.5.0.2");
for (const s of sizes) putFile(node, `/d${s}/f.bin`, { type: "file", data: { size: s * MiB } });
const emu = await startEmulator({ nodes: [node] });
const dir = await Deno.makeTempDir({ prefix: "bench-files-" });
try {
  const cfg = await emu.talosconfig(dir, { nodes: ["10.5.0.2"] });
  for (const s of sizes) {
    // stdout is piped and drained by timeProcess: `read` writes through it as a user's pipe would.
    const read = await timeProcess([mainTs, "read", `/d${s}/f.bin`, "--talosconfig", cfg]);
    if (read.code !== 0) throw new Error(`read failed: ${read.stderr}`);
    const cp = await timeProcess([mainTs, "cp", `/d${s}`, `${dir}/o${s}`, "--talosconfig", cfg]);
    if (cp.code !== 0) throw new Error(`cp failed: ${cp.stderr}`);
    const got = (await Deno.stat(`${dir}/o${s}/f.bin`)).size;
    if (got !== s * MiB) throw new Error(`copy has ${got} bytes`);
    const f = (x: number) => x.toFixed(1);
    console.log(
      `${s} MiB: read ${f(s / (read.ms / 1000))} MiB/s, peak RSS ${f(read.peakRss / MiB)} MiB; ` +
        `copy ${f(s / (cp.ms / 1000))} MiB/s, peak RSS ${f(cp.peakRss / MiB)} MiB`,
    );
    await Deno.remove(`${dir}/o${s}`, { recursive: true });
  }
} finally {
  await emu.close();
  await Deno.remove(dir, { recursive: true });
}
