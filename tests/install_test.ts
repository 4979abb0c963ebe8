// install.sh end to end against fake releases on 127.0.0.1: the latest and a pinned release, a
// corrupted binary and a checksum file without the binary (refused, nothing left behind), a
// missing asset, with curl and with wget only. Runs under the system's /bin/sh.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { fakeBinary, goodRelease, hostAsset, serveReleases } from "./release_server.ts";
import { haveTool } from "./extern_tools.ts";

const INSTALL = new URL("../install.sh", import.meta.url).pathname;
const exe = hostAsset().endsWith(".exe") ? "talosctl.exe" : "talosctl";

async function releases() {
  const corrupted = await goodRelease("v0.9.0");
  corrupted[hostAsset()] = fakeBinary("v0.9.0") + "# tampered\n";
  const unlisted = await goodRelease("v0.8.0");
  unlisted["sha256sum.txt"] = unlisted["sha256sum.txt"].split("\n")
    .filter((l) => !l.endsWith(`  ${hostAsset()}`)).join("\n");
  const missing = await goodRelease("v0.7.0");
  delete missing[hostAsset()];
  return {
    "v1.2.3": await goodRelease("v1.2.3"),
    "v1.0.0": await goodRelease("v1.0.0"),
    "v0.9.0": corrupted,
    "v0.8.0": unlisted,
    "v0.7.0": missing,
  };
}

async function ls(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

/** A PATH directory with the tools install.sh uses, without curl (to exercise wget). */
async function pathWithout(dir: string, drop: string): Promise<string> {
  await Deno.mkdir(dir);
  const tools = [
    "sh",
    "uname",
    "mktemp",
    "awk",
    "cut",
    "sha256sum",
    "cp",
    "chmod",
    "mv",
    "mkdir",
    "rm",
    "sed",
    "tail",
    "tr",
    "curl",
    "wget",
    "cat",
  ];
  for (const t of tools.filter((t) => t !== drop)) {
    const which = await new Deno.Command("sh", { args: ["-c", `command -v ${t}`] }).output();
    const path = new TextDecoder().decode(which.stdout).trim();
    if (path) await Deno.symlink(path, `${dir}/${t}`);
  }
  return dir;
}

async function install(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command("sh", {
    args: [INSTALL, ...args],
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("install.sh: latest and pinned releases, checked and installed", async () => {
  await using tmp = await tempDir();
  await using srv = serveReleases("v1.2.3", await releases());
  const bin = `${tmp.path}/bin`;
  const scratch = `${tmp.path}/scratch`;
  await Deno.mkdir(scratch);
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: tmp.path,
    TMPDIR: scratch,
    TALOSCTL_BASE_URL: srv.baseUrl,
  };

  let r = await install(["--dir", bin], env);
  assertEquals([r.code, r.stdout], [0, ""], r.stderr);
  const url = `${srv.baseUrl}/download/v1.2.3`;
  assertEquals(
    r.stderr,
    `install.sh: downloading ${hostAsset()} v1.2.3 from ${url}\n` +
      `install.sh: installed talosctl v1.2.3 to ${bin}/${exe}\n` +
      `install.sh: note: ${bin} is not in PATH\n`,
  );
  assertEquals(await ls(bin), [exe]);
  assertEquals(((await Deno.stat(`${bin}/${exe}`)).mode ?? 0) & 0o777, 0o755);
  const ran = await new Deno.Command(`${bin}/${exe}`).output();
  assertEquals(new TextDecoder().decode(ran.stdout), "fake talosctl v1.2.3\n");
  assertEquals(await ls(scratch), []);

  // A pinned version replaces it; "1.0.0" means the tag v1.0.0. The directory is on PATH now.
  r = await install(["--version", "1.0.0"], {
    ...env,
    TALOSCTL_INSTALL_DIR: bin,
    PATH: `${bin}:${env.PATH}`,
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr.split("\n").slice(1), [
    `install.sh: installed talosctl v1.0.0 to ${bin}/${exe}`,
    "",
  ]);
  assertEquals(await Deno.readTextFile(`${bin}/${exe}`), fakeBinary("v1.0.0"));
  assertEquals(await ls(bin), [exe]);

  r = await install(["--resolve"], env);
  assertEquals([r.code, r.stdout], [0, "v1.2.3\n"]);
  r = await install(["--resolve", "--version=v0.9.0"], env);
  assertEquals(r.stdout, "v0.9.0\n");
  assertEquals(srv.requests.filter((p) => p.startsWith("/releases/download/")), [
    `/releases/download/v1.2.3/sha256sum.txt`,
    `/releases/download/v1.2.3/${hostAsset()}`,
    `/releases/download/v1.0.0/sha256sum.txt`,
    `/releases/download/v1.0.0/${hostAsset()}`,
  ]);
});

Deno.test("install.sh: a corrupted or unlisted binary is refused and nothing is left", async () => {
  await using tmp = await tempDir();
  await using srv = serveReleases("v0.9.0", await releases());
  const scratch = `${tmp.path}/scratch`;
  await Deno.mkdir(scratch);
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: tmp.path,
    TMPDIR: scratch,
    TALOSCTL_BASE_URL: srv.baseUrl,
  };
  const fresh = `${tmp.path}/fresh`;
  let r = await install(["--dir", fresh], env); // latest is the corrupted v0.9.0
  assertEquals(r.code, 1);
  const listed = (await goodRelease("v0.9.0"))["sha256sum.txt"].split("\n")
    .find((l) => l.endsWith(`  ${hostAsset()}`))!.split("  ")[0];
  assertStringIncludes(
    r.stderr,
    `install.sh: checksum mismatch for ${hostAsset()} v0.9.0: sha256sum.txt says ${listed}, the download is `,
  );
  assertStringIncludes(r.stderr, "; refusing to install\n");
  assertEquals(await ls(fresh), []);
  assertEquals(await ls(scratch), []);

  // Over an existing install: the old binary stays, no partial file appears next to it.
  const bin = `${tmp.path}/bin`;
  await Deno.mkdir(bin);
  await Deno.writeTextFile(`${bin}/${exe}`, "old\n");
  r = await install(["--dir", bin, "--version", "v0.8.0"], env);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr.split("\n")[1],
    `install.sh: ${srv.baseUrl}/download/v0.8.0/sha256sum.txt has no checksum for ${hostAsset()}; refusing to install`,
  );
  r = await install(["--dir", bin, "--version", "v0.7.0"], env);
  assertEquals(
    r.stderr.split("\n")[1],
    `install.sh: cannot download ${srv.baseUrl}/download/v0.7.0/${hostAsset()}`,
  );
  r = await install(["--dir", bin, "--version", "v9.9.9"], env);
  assertEquals(
    r.stderr.split("\n")[1],
    `install.sh: cannot download ${srv.baseUrl}/download/v9.9.9/sha256sum.txt`,
  );
  assertEquals(await Deno.readTextFile(`${bin}/${exe}`), "old\n");
  assertEquals(await ls(bin), [exe]);
  assertEquals(await ls(scratch), []);

  r = await install(["--version", "nightly"], env);
  assertEquals(r.stderr, "install.sh: --version nightly is not a release tag (vX.Y.Z or latest)\n");
  r = await install(["--bogus"], env);
  assertEquals([r.code, r.stderr], [1, "install.sh: unknown argument --bogus (see --help)\n"]);
});

Deno.test("install.sh: with wget instead of curl", async () => {
  if (!(await haveTool("wget"))) return;
  await using tmp = await tempDir();
  await using srv = serveReleases("v1.2.3", await releases());
  const env = {
    PATH: await pathWithout(`${tmp.path}/tools`, "curl"),
    HOME: tmp.path,
    TMPDIR: tmp.path,
    TALOSCTL_BASE_URL: `${srv.baseUrl}/`,
  };
  const bin = `${tmp.path}/bin`;
  let r = await install(["--dir", bin], env);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(await Deno.readTextFile(`${bin}/${exe}`), fakeBinary("v1.2.3"));
  r = await install(["--dir", bin, "--version", "v0.9.0"], env);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "checksum mismatch");
  assertEquals(await Deno.readTextFile(`${bin}/${exe}`), fakeBinary("v1.2.3"));
});
