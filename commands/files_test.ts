import { assertEquals } from "../tests/assert.ts";
import { tempDir } from "../tests/harness.ts";
import { exists, replaceFile } from "./files.ts";

Deno.test("replaceFile: creates or replaces with exactly the mode given, leaves no temp file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/f`;
  assertEquals(await exists(path), false);
  await replaceFile(path, "one", 0o600);
  assertEquals([await Deno.readTextFile(path), (await Deno.stat(path)).mode! & 0o777], [
    "one",
    0o600,
  ]);
  await replaceFile(path, new TextEncoder().encode("two"), 0o644);
  assertEquals([await Deno.readTextFile(path), (await Deno.stat(path)).mode! & 0o777], [
    "two",
    0o644,
  ]);
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name), ["f"]);
  await Deno.symlink(`${dir.path}/missing`, `${dir.path}/dangling`);
  assertEquals(await exists(`${dir.path}/dangling`), true);
});

Deno.test("replaceFile: a failed write leaves nothing behind", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/d`);
  let failed = false;
  try {
    await replaceFile(`${dir.path}/d`, "x", 0o644); // a directory cannot be replaced by a file
  } catch {
    failed = true;
  }
  assertEquals(failed, true);
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name), ["d"]);
});
