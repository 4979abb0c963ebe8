// The streaming ZIP writer against Info-ZIP's unzip: archives test clean (`unzip -t`), list the
// entries in order, and give back every byte; ZIP64 records (forced on a small archive) too.

import { assert, assertEquals } from "../../tests/assert.ts";
import { haveTool, runTool } from "../../tests/extern_tools.ts";
import { crc32, type ZipOptions, ZipWriter } from "./zip.ts";
import { concat } from "../../pki/der.ts";

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

async function* pieces(total: number, seed: number): AsyncGenerator<Uint8Array> {
  let x = seed;
  for (let off = 0; off < total; off += 100_000) {
    const n = Math.min(100_000, total - off);
    const b = new Uint8Array(n);
    // Half random (incompressible), half text-like, so deflate output has uneven sizes.
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      b[i] = i % 2 === 0 ? x >>> 24 : 97 + (i % 13);
    }
    yield b;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return concat(parts);
}

async function writeZip(path: string, opts: Partial<ZipOptions> = {}) {
  using f = await Deno.open(path, { write: true, create: true, truncate: true });
  const zip = new ZipWriter(async (b) => {
    let off = 0;
    while (off < b.length) off += await f.write(b.subarray(off));
  }, { modified: new Date(2024, 4, 17, 13, 45, 30), ...opts });
  const big = await collect(pieces(3_000_000, 7));
  await zip.add("10.5.0.2/dmesg.log", once(new TextEncoder().encode("kern: hello\n")));
  await zip.add("10.5.0.2/empty.log", once(new Uint8Array()));
  await zip.add("10.5.0.2/service-logs/big.log", pieces(3_000_000, 7));
  await zip.add("cluster/kubernetesResources/nodes.yaml", once(new TextEncoder().encode("a: 1\n")));
  await zip.add("ünïcode/名前.txt", once(new TextEncoder().encode("utf-8 name\n")));
  await zip.close();
  return { size: zip.size, big };
}

const NAMES = [
  "10.5.0.2/dmesg.log",
  "10.5.0.2/empty.log",
  "10.5.0.2/service-logs/big.log",
  "cluster/kubernetesResources/nodes.yaml",
  "ünïcode/名前.txt",
];

for (const zip64 of [false, true]) {
  Deno.test(`zip writer: unzip tests, lists and extracts the entries${zip64 ? " (ZIP64)" : ""}`, async () => {
    if (!(await haveTool("unzip", ["-v"]))) return;
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/bundle.zip`;
      const { size, big } = await writeZip(path, zip64 ? { zip64From: 0 } : {});
      assertEquals((await Deno.stat(path)).size, size);
      const t = await runTool("unzip", ["-t", path]);
      assert(t.stdout.includes("No errors detected in compressed data"), t.stdout);
      const list = await runTool("unzip", ["-Z1", path]);
      assertEquals(list.stdout.trimEnd().split("\n"), NAMES);
      const verbose = await runTool("unzip", ["-Z", "-l", path]);
      assert(verbose.stdout.includes("-rw-r--r--"), verbose.stdout);
      assert(verbose.stdout.includes("24-May-17 13:45"), verbose.stdout);
      const p = (name: string) => runTool("unzip", ["-p", path, name]);
      assertEquals((await p("10.5.0.2/dmesg.log")).stdout, "kern: hello\n");
      assertEquals((await p("10.5.0.2/empty.log")).stdout, "");
      const got = (await p("10.5.0.2/service-logs/big.log")).stdoutBytes;
      assertEquals(got.length, big.length);
      assertEquals(crc32(0, got), crc32(0, big));
      assertEquals((await p("ünïcode/名前.txt")).stdout, "utf-8 name\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("crc32: the IEEE check value", () => {
  assertEquals(crc32(0, new TextEncoder().encode("123456789")), 0xcbf43926);
  const a = new TextEncoder().encode("12345"), b = new TextEncoder().encode("6789");
  assertEquals(crc32(crc32(0, a), b), 0xcbf43926);
});

Deno.test("zip writer: entries one at a time, none after close", async () => {
  const zip = new ZipWriter(() => Promise.resolve(), { modified: new Date() });
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  async function* slow() {
    await gate;
    yield new Uint8Array([1]);
  }
  const first = zip.add("a", slow());
  let err = "";
  await zip.add("b", once(new Uint8Array([2]))).catch((e) => err = e.message);
  assertEquals(err, "zip: entries must be added one at a time");
  release();
  await first;
  await zip.close();
  await zip.add("c", once(new Uint8Array())).catch((e) => err = e.message);
  assertEquals(err, "zip: write to a closed archive");
});
