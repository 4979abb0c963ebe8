// `copy` against the emulator over mutual TLS: extraction with modes, raw tar on stdout, the
// local path rules, errors, and hostile archives that try to write outside the target.

import { assert_, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  chunks,
  pad,
  putFile,
  simNode,
  startEmulator,
  type TarHeader,
  tarHeaderBlocks,
} from "./emulator/mod.ts";
import { gzip } from "./emulator/kubeconfig_archive.ts";
import { MachineService } from "../gen/machine/machine_pb.ts";
import { collect, tarEntries } from "../archive/tar.ts";
import { chunksOf, gunzipStream } from "../archive/gzip.ts";
import { concat } from "../pki/der.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function setup(dir: string, roles = ["os:admin"]) {
  const sim = [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })];
  for (const n of sim) {
    putFile(n, "/opt/app/bin/tool", {
      type: "file",
      mode: 0o4755,
      data: enc.encode("#!/bin/sh\n"),
    });
    putFile(n, "/opt/app/data.bin", { type: "file", mode: 0o640, data: { size: 5000 } });
    putFile(n, "/opt/app/current", { type: "symlink", target: "bin/tool" });
    putFile(n, "/opt/app/private", { type: "dir", mode: 0o500 });
    putFile(n, "/opt/app/private/key", { type: "file", mode: 0o400, data: enc.encode("k") });
  }
  // Long names: a USTAR prefix/name split, and a PAX path record.
  putFile(sim[0], `/deep/${"d".repeat(120)}/${"f".repeat(90)}`, {
    type: "file",
    data: enc.encode("split"),
  });
  putFile(sim[0], `/deep/${"x".repeat(200)}/${"y".repeat(120)}`, {
    type: "file",
    data: enc.encode("pax"),
  });
  const emu = await startEmulator({ nodes: sim });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

const modeOf = async (p: string) => ((await Deno.lstat(p)).mode ?? 0) & 0o7777;

Deno.test("copy: a tree unpacked into a new directory, permission bits kept (no setuid)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["cp", "/opt/app", "out", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  assertEquals(r.stderr, "");
  const out = `${dir.path}/out`;
  assertEquals(await Deno.readTextFile(`${out}/bin/tool`), "#!/bin/sh\n");
  assertEquals(await modeOf(`${out}/bin/tool`), 0o755);
  assertEquals(await modeOf(`${out}/data.bin`), 0o640);
  const data = await Deno.readFile(`${out}/data.bin`);
  assertEquals(data.length, 5000);
  assert_(data.every((b, i) => b === (((i & 1023) * 31 + 7) & 0xff)));
  assertEquals(await Deno.readLink(`${out}/current`), "bin/tool");
  // Directories stay writable by their owner, as talosctl makes them.
  assertEquals(await modeOf(`${out}/private`), 0o700);
  assertEquals(await Deno.readTextFile(`${out}/private/key`), "k");
  assertEquals(await modeOf(`${out}/private/key`), 0o400);
  const deep = await run(["cp", "/deep", "deep", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(deep.code, 0, deep.stderr);
  assertEquals(
    await Deno.readTextFile(`${dir.path}/deep/${"d".repeat(120)}/${"f".repeat(90)}`),
    "split",
  );
  assertEquals(
    await Deno.readTextFile(`${dir.path}/deep/${"x".repeat(200)}/${"y".repeat(120)}`),
    "pax",
  );
  // A single file lands under its base name; an existing empty directory is fine.
  await Deno.mkdir(`${dir.path}/one`);
  const one = await run(["copy", "/etc/hostname", `${dir.path}/one`, "--talosconfig", cfg]);
  assertEquals(one.code, 0, one.stderr);
  assertEquals(await Deno.readTextFile(`${dir.path}/one/hostname`), "talos-10-5-0-2\n");
  // Into the working directory: messages name paths as filepath.Join(".", name) does.
  const here = await run(["copy", "/etc/hostname", ".", "--talosconfig", cfg], {
    cwd: `${dir.path}/one`,
  });
  assertEquals(
    here.stderr,
    'error creating file "hostname" mode -rw-r--r--: open hostname: file exists\n',
  );
  // Copying again over what exists fails as talosctl does (files are created, never replaced).
  const again = await run(["copy", "/etc/hostname", `${dir.path}/one`, "--talosconfig", cfg]);
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr,
    `error creating file "${dir.path}/one/hostname" mode -rw-r--r--: open ${dir.path}/one/hostname: file exists\n`,
  );
});

Deno.test("copy -: the raw tar.gz on stdout, with owners and modes as the node recorded", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["cp", "/opt/app", "-", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  const entries = await listTarGz(r.stdoutBytes);
  assertEquals(
    entries.map((e) => [e.name, e.type, e.mode.toString(8), e.size]),
    [
      ["bin/", "5", "755", 0],
      ["bin/tool", "0", "4755", 10],
      ["current", "2", "777", 0],
      ["data.bin", "0", "640", 5000],
      ["private/", "5", "500", 0],
      ["private/key", "0", "400", 1],
    ],
  );
});

Deno.test("copy: local path, node count, denied role, node down and skipped files", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  await Deno.writeTextFile(`${dir.path}/file`, "x");
  const notDir = await run(["cp", "/opt", "file", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(notDir.code, 1);
  assertEquals(notDir.stderr, 'local path "file" should be a directory\n');
  const two = await run(["cp", "/opt", "o", "-n", "10.5.0.2,10.5.0.3", "--talosconfig", cfg]);
  assert_(two.stderr.startsWith('command "copy" requires exactly one node (got 2)\n'));
  const rel = await run(["cp", "opt", "-", "--talosconfig", cfg]);
  assertEquals(rel.code, 1);
  assertEquals(rel.stderr, "rpc error: code = Unknown desc = path is not absolute opt\n");
  const missing = await run(["cp", "/nope", `${dir.path}/m`, "--talosconfig", cfg]);
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr,
    "error initializing gzip: rpc error: code = Unknown desc = lstat /nope: no such file or directory\n",
  );
  await Deno.mkdir(`${dir.path}/reader`);
  const readerCfg = await emu.talosconfig(`${dir.path}/reader`, {
    roles: ["os:reader"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["cp", "/opt", `${dir.path}/d`, "--talosconfig", readerCfg]);
  assertEquals(denied.code, 1);
  assertEquals(
    denied.stderr,
    "error initializing gzip: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  emu.nodes.get("10.5.0.2")!.faults.down = true;
  const down = await run(["cp", "/opt", "-", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assertStringIncludes(down.stderr, "rpc error: code = Unavailable desc = connection error");
  emu.nodes.get("10.5.0.2")!.faults.down = false;
  // Unreadable files are left out by the node, which says so at the very end of the stream.
  putFile(emu.nodes.get("10.5.0.2")!, "/opt/app/secret", {
    type: "file",
    denied: "permission denied",
  });
  const skipped = await run(["cp", "/opt/app", `${dir.path}/s`, "--talosconfig", cfg]);
  assertEquals(skipped.code, 0, skipped.stderr);
  assertEquals(
    skipped.stderr,
    'warning: rpc error: code = Unknown desc = 1 error occurred:\n\t* skipping "/opt/app/secret": open /opt/app/secret: permission denied\n',
  );
  assertEquals(await Deno.readTextFile(`${dir.path}/s/bin/tool`), "#!/bin/sh\n");
  const raw = await run(["cp", "/opt/app", "-", "--talosconfig", cfg]);
  assertEquals(raw.code, 1);
  assertStringIncludes(raw.stderr, 'skipping "/opt/app/secret"');
  assert_((await listTarGz(raw.stdoutBytes)).length === 6);
});

/** The entries of a whole .tar.gz, with their data read. */
async function listTarGz(gz: Uint8Array) {
  const out = [];
  for await (const e of tarEntries(await gunzipStream(chunksOf(gz)))) {
    out.push({ ...e, data: await collect(e.data) });
  }
  return out;
}

// --- hostile archives ------------------------------------------------------------------------

function entry(h: Partial<TarHeader> & { name: string }, data = ""): Uint8Array[] {
  const bytes = enc.encode(data);
  const blocks = tarHeaderBlocks({
    type: "0",
    mode: 0o644,
    size: bytes.length,
    mtime: new Date("2024-01-01T00:00:00Z"),
    ...h,
  });
  return bytes.length > 0 ? [...blocks, pad(bytes)] : blocks;
}

async function hostile(parts: Uint8Array[][]): Promise<Uint8Array> {
  return await gzip(concat([...parts.flat(), new Uint8Array(1024)]));
}

/** Every path under `root` (relative), sorted, with "/" after directories and "@" on links. */
async function tree(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${root}/${prefix}`)) {
    const rel = prefix + e.name;
    if (e.isSymlink) out.push(rel + "@");
    else if (e.isDirectory) out.push(rel + "/", ...await tree(root, rel + "/"));
    else out.push(rel);
  }
  return out.sort();
}

Deno.test("copy: a hostile archive writes nothing outside the target directory", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const victim = `${dir.path}/victim`;
  await Deno.mkdir(victim);
  let archive: Uint8Array = new Uint8Array();
  emu.handle(MachineService.method.copy, async function* () {
    for (const c of chunks(archive)) yield { bytes: c };
  });
  const copy = async (parts: Uint8Array[][], target = "out") => {
    archive = await hostile(parts);
    return await run(["cp", "/x", target, "--talosconfig", cfg], { cwd: dir.path });
  };

  // Absolute names and ".." are confined to the target (as talosctl cleans them).
  const names = await copy([
    entry({ name: "/abs.txt" }, "a"),
    entry({ name: "../../escape.txt" }, "e"),
    entry({ name: "./x/../../../b.txt" }, "b"),
    entry({ name: "dir/", type: "5", mode: 0o755 }),
    entry({ name: "dir/../../c.txt" }, "c"),
  ]);
  assertEquals(names.code, 0, names.stderr);
  assertEquals(await tree(`${dir.path}/out`), ["abs.txt", "b.txt", "c.txt", "dir/", "escape.txt"]);

  // A symlink out of the target is not made, so nothing can be written through it.
  const abs = await copy([
    entry({ name: "evil", type: "2", linkname: victim }),
    entry({ name: "evil/planted.txt" }, "p"),
  ], "out2");
  assertEquals(abs.code, 1);
  assertEquals(
    abs.stderr,
    `warning: skipped symlink "out2/evil" -> "${victim}": it points outside "out2"\n` +
      `error creating file "out2/evil/planted.txt" mode -rw-r--r--: open out2/evil/planted.txt: no such file or directory\n`,
  );
  const relative = await copy([entry({ name: "up", type: "2", linkname: "../victim" })], "out3");
  assertEquals(relative.code, 0);
  assertStringIncludes(relative.stderr, 'skipped symlink "out3/up" -> "../victim"');

  // Links that look inside but lead out through other links: resolved as the kernel will.
  const chain = await copy([
    entry({ name: "d1/", type: "5", mode: 0o755 }),
    entry({ name: "d1/d2/", type: "5", mode: 0o755 }),
    entry({ name: "d1/d2/back", type: "2", linkname: "../.." }),
    entry({ name: "esc", type: "2", linkname: "d1/d2/back/../victim" }),
    entry({ name: "inside", type: "2", linkname: "d1/d2/back/d1" }),
    entry({ name: "later", type: "2", linkname: "notyet/../../victim" }),
  ], "out4");
  assertEquals(chain.code, 0, chain.stderr);
  assertEquals(
    chain.stderr,
    'warning: skipped symlink "out4/esc" -> "d1/d2/back/../victim": it points outside "out4"\n' +
      'warning: skipped symlink "out4/later" -> "notyet/../../victim": it points outside "out4"\n',
  );
  assertEquals(await tree(`${dir.path}/out4`), ["d1/", "d1/d2/", "d1/d2/back@", "inside@"]);

  // A link made by the archive is never written through, even one that stays inside.
  const through = await copy([
    entry({ name: "d/", type: "5", mode: 0o755 }),
    entry({ name: "ln", type: "2", linkname: "d" }),
    entry({ name: "ln/f.txt" }, "f"),
  ], "out5");
  assertEquals(through.code, 1);
  assertEquals(
    through.stderr,
    'error creating file "out5/ln/f.txt" mode -rw-r--r--: "out5/ln" is not a directory made by this copy (entries are never written through links)\n',
  );

  // Hard links: only to a file this copy made.
  const hard = await copy([
    entry({ name: "f.txt" }, "data"),
    entry({ name: "h1", type: "1", linkname: "f.txt" }),
    entry({ name: "h2", type: "1", linkname: "/etc/passwd" }),
    entry({ name: "h3", type: "1", linkname: `../victim/v` }),
  ], "out6");
  assertEquals(hard.code, 0, hard.stderr);
  assertEquals(
    hard.stderr,
    'warning: skipped hard link "out6/h2" -> "/etc/passwd": it does not name a file copied before it\n' +
      'warning: skipped hard link "out6/h3" -> "../victim/v": it does not name a file copied before it\n',
  );
  assertEquals(await tree(`${dir.path}/out6`), ["f.txt", "h1"]);
  assertEquals((await Deno.stat(`${dir.path}/out6/h1`)).nlink, 2);

  // A link already in the target directory (made by the user) is not written through either.
  await Deno.mkdir(`${dir.path}/out7`);
  await Deno.symlink(victim, `${dir.path}/out7/pre`);
  const pre = await copy([entry({ name: "pre/x.txt" }, "x")], "out7");
  assertEquals(pre.code, 1);
  assertStringIncludes(pre.stderr, '"out7/pre" is not a directory made by this copy');
  const dup = await copy([entry({ name: "pre" }, "x")], "out7");
  assertEquals(dup.code, 1);
  assertStringIncludes(dup.stderr, "open out7/pre: file exists");

  // Broken streams: not gzip, cut short.
  archive = enc.encode("this is not gzip at all");
  const notGz = await run(["cp", "/x", "out8", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(notGz.code, 1);
  assertEquals(notGz.stderr, "error initializing gzip: gzip: invalid header\n");
  const whole = await hostile([entry({ name: "big.txt" }, "z".repeat(100_000))]);
  archive = whole.subarray(0, Math.floor(whole.length / 2));
  const cut = await run(["cp", "/x", "out9", "--talosconfig", cfg], { cwd: dir.path });
  assertEquals(cut.code, 1);
  assertEquals(
    cut.stderr,
    'error copying data to "out9/big.txt": gzip: truncated archive or invalid checksum\n',
  );

  // Nothing anywhere but in the targets.
  assertEquals(await tree(victim), []);
  assertEquals(
    (await tree(dir.path)).filter((p) => !/^out\d?\/./.test(p)),
    [
      "out/",
      "out2/",
      "out3/",
      "out4/",
      "out5/",
      "out6/",
      "out7/",
      "out8/",
      "out9/",
      "talosconfig",
      "victim/",
    ],
  );
  assertEquals(dec.decode(await Deno.readFile("/etc/hostname")).length > 0, true);
});
