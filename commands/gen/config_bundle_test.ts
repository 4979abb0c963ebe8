// Fresh secrets for `gen config` runs that write no control plane config skip the RSA-4096
// service-account key, and nothing they write changes: with the same clock and randomness,
// worker.yaml and the talosconfig are byte for byte those of a full run.

import { assert, assertEquals } from "../../tests/assert.ts";
import { run, tempDir } from "../../tests/harness.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const RSA_PEM_B64 = btoa("-----BEGIN RSA PRIVATE KEY-----");

Deno.test("gen config -t worker / -t talosconfig: same bytes as a full run with the same seed", async () => {
  await using dir = await tempDir();
  const opts = { cwd: dir.path, now: NOW, seed: 17 };
  const argv = ["gen", "config", "c", "https://c:6443", "--talos-version", "v1.7"];
  const full = await run([...argv, "-o", "full"], opts);
  assertEquals(full.code, 0, full.stderr);
  const cp = await Deno.readTextFile(`${dir.path}/full/controlplane.yaml`);
  assert(cp.includes(RSA_PEM_B64.slice(0, 40)), "the full run carries an RSA service-account key");

  for (const t of ["worker", "talosconfig"]) {
    const r = await run([...argv, "-t", t, "-o", `${t}.out`], opts);
    assertEquals(r.code, 0, r.stderr);
    const want = await Deno.readTextFile(
      `${dir.path}/full/${t === "worker" ? "worker.yaml" : "talosconfig"}`,
    );
    assertEquals(await Deno.readTextFile(`${dir.path}/${t}.out`), want, `-t ${t}`);
  }
});
