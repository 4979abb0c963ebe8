import { assertEquals } from "../tests/assert.ts";
import { tempDir } from "../tests/harness.ts";
import { collect, tarEntries } from "./tar.ts";
import { TAR_END, tarHeader, tarPadding } from "./tar_write.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

// A short name, one that USTAR splits into prefix/name, one only a PAX record can carry.
const SPLIT = `${"p".repeat(60)}/${"q".repeat(60)}/file`;
const PAX = `${"x".repeat(150)}/${"y".repeat(120)}`;

/** The archive as a stream of its headers, bodies and paddings. */
function archive(): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [tarHeader("dir", 0o755, 0, true)];
  for (const [name, text] of [["dir/a", "alpha\n"], [SPLIT, "split"], [PAX, "pax".repeat(200)]]) {
    const body = enc.encode(text);
    parts.push(tarHeader(name, 0o640, body.length, false), body, tarPadding(body.length));
  }
  parts.push(TAR_END);
  return new Blob(parts as BlobPart[]).stream();
}

const WANT = [
  ["dir", "5", 0o755, ""],
  ["dir/a", "0", 0o640, "alpha\n"],
  [SPLIT, "0", 0o640, "split"],
  [PAX, "0", 0o640, "pax".repeat(200)],
];

Deno.test("tar writer: USTAR, prefix-split and PAX names read back by the tar reader", async () => {
  const got = [];
  for await (const e of tarEntries(archive().getReader())) {
    got.push([e.name, e.type, e.mode, dec.decode(await collect(e.data))]);
  }
  assertEquals(got, WANT);
});

Deno.test("tar writer: GNU tar lists and extracts what it writes", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/a.tar`, archive());
  const list = await new Deno.Command("tar", { args: ["-tf", `${dir.path}/a.tar`] }).output();
  assertEquals(list.code, 0, dec.decode(list.stderr));
  assertEquals(dec.decode(list.stdout).split("\n").filter(Boolean), [
    "dir",
    "dir/a",
    SPLIT,
    PAX,
  ]);
  await Deno.mkdir(`${dir.path}/out`);
  const x = await new Deno.Command("tar", {
    args: ["-xf", `${dir.path}/a.tar`, "-C", `${dir.path}/out`],
  }).output();
  assertEquals(x.code, 0, dec.decode(x.stderr));
  assertEquals(await Deno.readTextFile(`${dir.path}/out/${PAX}`), "pax".repeat(200));
  assertEquals((await Deno.stat(`${dir.path}/out/${SPLIT}`)).mode! & 0o777, 0o640);
});
