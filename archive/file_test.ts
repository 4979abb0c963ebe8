import { assertEquals, assertRejects } from "../tests/assert.ts";
import { tempDir } from "../tests/harness.ts";
import { gzip, kubeconfigArchive, tar } from "../tests/emulator/kubeconfig_archive.ts";
import { cleanEntryPath, extractFileFromTarGz } from "./file.ts";
import { collect, tarEntries } from "./tar.ts";
import { chunksOf, gunzipStream } from "./gzip.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("reads the node's archive, which has no tar trailer and no padding", async () => {
  const body = "apiVersion: v1\n".repeat(50);
  const archive = await kubeconfigArchive(body);
  assertEquals(dec.decode(await extractFileFromTarGz("kubeconfig", archive)), body);
  const raw = tar([{ name: "kubeconfig", data: enc.encode("x") }], { trailer: false });
  const entries = [];
  for await (const e of tarEntries(await gunzipStream(chunksOf(await gzip(raw))))) {
    entries.push([e.name, e.mode, e.size, dec.decode(await collect(e.data))]);
  }
  assertEquals(entries, [["kubeconfig", 0o600, 1, "x"]]);
});

Deno.test("reads archives written by GNU tar (directories, ./ prefixes, long names)", async () => {
  await using dir = await tempDir();
  const long = "d".repeat(120);
  await Deno.mkdir(`${dir.path}/src/${long}`, { recursive: true });
  await Deno.writeTextFile(`${dir.path}/src/kubeconfig`, "from gnu tar\n");
  await Deno.writeTextFile(`${dir.path}/src/${long}/f`, "deep\n");
  const out = await new Deno.Command("tar", {
    args: ["-czf", `${dir.path}/a.tgz`, "-C", `${dir.path}/src`, "."],
  }).output();
  assertEquals(out.code, 0, dec.decode(out.stderr));
  const archive = await Deno.readFile(`${dir.path}/a.tgz`);
  assertEquals(dec.decode(await extractFileFromTarGz("kubeconfig", archive)), "from gnu tar\n");
  assertEquals(dec.decode(await extractFileFromTarGz(`${long}/f`, archive)), "deep\n");
});

Deno.test("archive faults give talosctl's messages", async () => {
  const file = { name: "kubeconfig", data: enc.encode("0123456789") };
  const whole = tar([file], { trailer: false });
  await assertRejects(
    async () => extractFileFromTarGz("kubeconfig", await gzip(whole.subarray(0, whole.length - 3))),
    /^unexpected EOF$/,
  );
  await assertRejects(
    async () => extractFileFromTarGz("kubeconfig", await gzip(whole.subarray(0, 100))),
    /^unexpected EOF$/,
  );
  await assertRejects(
    async () =>
      extractFileFromTarGz(
        "kubeconfig",
        await gzip(tar([{ ...file, name: "other" }], { trailer: true })),
      ),
    "couldn't find file kubeconfig in the archive",
  );
  await assertRejects(
    async () =>
      extractFileFromTarGz(
        "kubeconfig",
        await gzip(
          tar([{ name: "kubeconfig/", data: new Uint8Array(), type: "5" }], { trailer: true }),
        ),
      ),
    "kubeconfig is not a file",
  );
  await assertRejects(
    () => extractFileFromTarGz("kubeconfig", enc.encode("not a gzip stream at all")),
    "error initializing gzip: gzip: invalid header",
  );
  await assertRejects(
    () => extractFileFromTarGz("kubeconfig", new Uint8Array()),
    /^error initializing gzip: EOF$/,
  );
  const gz = await gzip(whole);
  await assertRejects(
    () => extractFileFromTarGz("kubeconfig", gz.subarray(0, gz.length - 5)),
    /^gzip: /,
  );
  const corrupt = tar([file], { trailer: true });
  corrupt[0] ^= 1;
  await assertRejects(
    async () => extractFileFromTarGz("kubeconfig", await gzip(corrupt)),
    /^archive\/tar: invalid tar header$/,
  );
});

Deno.test("reads from a stream of chunks as they come, whatever their sizes", async () => {
  const body = "k".repeat(3000);
  const files = [
    { name: "other", data: enc.encode("o".repeat(700)) },
    { name: "./kubeconfig", data: enc.encode(body) },
  ];
  const gz = await gzip(tar(files, { trailer: false }));
  let pulled = 0;
  async function* dribble() {
    for (let i = 0; i < gz.length; i += 7) {
      pulled++;
      yield gz.subarray(i, i + 7);
    }
  }
  assertEquals(dec.decode(await extractFileFromTarGz("kubeconfig", dribble())), body);
  assertEquals(pulled, Math.ceil(gz.length / 7));
  // A cut inside the padding ends the archive (as Go's archive/tar); a cut in data does not.
  const padded = tar([{ name: "a", data: enc.encode("abc") }], { trailer: true });
  const names: string[] = [];
  const cut = await gzip(padded.subarray(0, 512 + 3 + 100));
  for await (const e of tarEntries(await gunzipStream(chunksOf(cut)))) names.push(e.name);
  assertEquals(names, ["a"]);
  await assertRejects(
    async () => extractFileFromTarGz("a", await gzip(padded.subarray(0, 512 + 2))),
    /^unexpected EOF$/,
  );
});

Deno.test("entry paths are cleaned as talosctl cleans them", () => {
  assertEquals(cleanEntryPath("./kubeconfig"), "kubeconfig");
  assertEquals(cleanEntryPath("../../kubeconfig"), "kubeconfig");
  assertEquals(cleanEntryPath("a/../kubeconfig/"), "kubeconfig");
  assertEquals(cleanEntryPath("/kubeconfig"), "/kubeconfig");
  assertEquals(cleanEntryPath("."), ".");
  assertEquals(cleanEntryPath(""), "");
});
