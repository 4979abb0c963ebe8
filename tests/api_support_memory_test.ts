// `support` streams: a 96 MiB item goes from the node into the archive (through a spool on
// disk, deflate and the age STREAM) without the CLI's peak memory growing with it, and comes
// back intact out of the archive.

import { assert, assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { haveTool, runTool } from "./extern_tools.ts";
import { patternByte, putFile, simNode, startEmulator } from "./emulator/mod.ts";
import { adminKubeconfig, clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { startK8sDouble } from "./k8s_double/server.ts";
import { populateCluster } from "./k8s_double/cluster.ts";
import { cliPeak, hasProc } from "./peak_rss.ts";

const cli = (args: string[], cwd: string) => cliPeak(args, { cwd });

const MiB = 1024 * 1024;
const LIMIT = 40;
/** Checks that `unzip -p` gives the emulator's pattern bytes, reading them as they come. */
async function checkEntry(zip: string, name: string, size: number): Promise<void> {
  const child = new Deno.Command("unzip", { args: ["-p", zip, name], stdout: "piped" }).spawn();
  let off = 0;
  for await (const chunk of child.stdout) {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== patternByte(off + i)) throw new Error(`byte ${off + i} of ${name} differs`);
    }
    off += chunk.length;
  }
  assertEquals((await child.status).code, 0);
  assertEquals(off, size);
}

Deno.test({
  name: "support: a 96 MiB item streamed into the archive with the memory of an 8 MiB one",
  ignore: !hasProc,
  async fn() {
    if (!(await haveTool("unzip", ["-v"])) || !(await haveTool("age"))) return;
    await using dir = await tempDir();
    const small = simNode("10.5.0.2");
    const large = simNode("10.5.0.3");
    putFile(small, "/proc/bus/pci/devices", { type: "file", data: { size: 8 * MiB } });
    putFile(large, "/proc/bus/pci/devices", { type: "file", data: { size: 96 * MiB } });
    await using emu = await startEmulator({ nodes: [small, large] });
    const cluster = clusterOf(emu);
    await adminKubeconfig(cluster);
    await using k8s = await startK8sDouble({ ca: cluster.k8sCA! });
    cluster.endpoint = k8s.url;
    populateCluster(k8s, [small, large], "1.30.0");
    const cfg = await emu.talosconfig(dir.path);
    await runTool("age-keygen", ["-o", `${dir.path}/key.txt`]);
    const recipient = (await runTool("age-keygen", ["-y", `${dir.path}/key.txt`])).stdout.trim();

    const peaks: number[] = [];
    for (const [node, size] of [["10.5.0.2", 8], ["10.5.0.3", 96]] as const) {
      const out = `${node}.zip.age`;
      const r = await cli([
        "support",
        "--talosconfig",
        cfg,
        "-n",
        node,
        "--encryption-recipients",
        recipient,
        "--encryption-no-default-recipients",
        "-O",
        out,
      ], dir.path);
      assertEquals(r.code, 0, r.stderr);
      peaks.push(r.peak);
      await runTool("age", [
        "-d",
        "-i",
        `${dir.path}/key.txt`,
        "-o",
        `${dir.path}/${node}.zip`,
        `${dir.path}/${out}`,
      ]);
      await checkEntry(`${dir.path}/${node}.zip`, `${node}/devices`, size * MiB);
    }
    const growth = (peaks[1] - peaks[0]) / MiB;
    assert(growth < LIMIT, `peak RSS grew by ${growth.toFixed(1)} MiB for 88 MiB more`);
    console.log(
      `support peak RSS: ${(peaks[0] / MiB).toFixed(0)} -> ${(peaks[1] / MiB).toFixed(0)} MiB`,
    );
    // The spools' temporary files are gone.
    const left = [...Deno.readDirSync(dir.path)].map((e) => e.name).filter((n) =>
      n.endsWith(".part")
    );
    assertEquals(left, []);
  },
});
