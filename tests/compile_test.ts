// `deno task compile` up to the runtime: Deno's denort cannot be downloaded here, so the build is
// driven with stand-in runtimes (the deno executable, a valid ELF file: enough for deno compile to
// embed the program for Linux targets, not to run it) and the missing-runtime path is checked
// with every download sent to a closed port on 127.0.0.1.

import { assertEquals, assertMatch } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { assetName, TARGETS } from "../tools/compile.ts";

const COMPILE = new URL("../tools/compile.ts", import.meta.url).pathname;

async function compile(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", COMPILE, ...args],
    env: { NO_PROXY: "", no_proxy: "", HTTPS_PROXY: "http://127.0.0.1:9", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("compile: upstream's asset names for every release target", () => {
  assertEquals(TARGETS.map(assetName), [
    "talosctl-darwin-amd64",
    "talosctl-darwin-arm64",
    "talosctl-linux-amd64",
    "talosctl-linux-arm64",
    "talosctl-windows-amd64.exe",
  ]);
});

Deno.test("compile: binaries per target and sha256sum.txt in sha256sum's format", async () => {
  await using tmp = await tempDir();
  const runtimes = `${tmp.path}/denort`;
  await Deno.mkdir(runtimes);
  for (const triple of ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"]) {
    await Deno.symlink(Deno.execPath(), `${runtimes}/denort-${triple}`);
  }
  const out = `${tmp.path}/dist`;
  const r = await compile(
    ["--target", "linux-arm64", "--target=x86_64-unknown-linux-gnu", "--out-dir", out],
    { DENORT_BIN: runtimes },
  );
  assertEquals([r.code, r.stdout], [0, ""], r.stderr);
  const names = ["talosctl-linux-amd64", "talosctl-linux-arm64"];
  const files = [];
  for await (const e of Deno.readDir(out)) files.push(e.name);
  assertEquals(files.sort(), ["sha256sum.txt", ...names]);
  const lines = [];
  for (const n of names) {
    const info = await Deno.stat(`${out}/${n}`);
    assertEquals((info.mode ?? 0) & 0o111, 0o111, `${n} is executable`);
    lines.push(`${await sha256(`${out}/${n}`)}  ${n}\n`);
  }
  // Modules that commands load through computed specifiers are embedded too.
  const binary = new TextDecoder("latin1").decode(await Deno.readFile(`${out}/${names[0]}`));
  for (const m of ["commands/gen/config_run.ts", "pki/secrets_parse.ts", "commands/kit.ts"]) {
    assertEquals(binary.includes(m), true, `${m} embedded`);
  }
  // So are the data files of gen secureboot database.
  const msCa = await Deno.readFile(
    new URL("../pki/uefi_certs/db/microsoft-uefi-ca-2023.der", import.meta.url),
  );
  assertEquals(binary.includes(new TextDecoder("latin1").decode(msCa)), true, "UEFI CA embedded");
  const sums = await Deno.readTextFile(`${out}/sha256sum.txt`);
  assertEquals(sums, lines.join(""));
  // The system's sha256sum accepts the file as its own.
  const check = await new Deno.Command("sha256sum", { args: ["-c", "sha256sum.txt"], cwd: out })
    .output().catch(() => null);
  if (check) {
    assertEquals(
      new TextDecoder().decode(check.stdout),
      names.map((n) => `${n}: OK\n`).join(""),
    );
  }
});

Deno.test("compile: without a runtime, one line says how to provide one", async () => {
  await using tmp = await tempDir();
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  const cached = `${denoDir}/dl/release/v${Deno.version.deno}/denort-x86_64-unknown-linux-gnu.zip`;
  if (await Deno.stat(cached).then(() => true, () => false)) return; // the runtime is available
  const r = await compile(["--target", "linux-amd64", "--out-dir", tmp.path], { DENORT_BIN: "" });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `compile: Deno's runtime for linux-amd64 (denort-x86_64-unknown-linux-gnu.zip, v${Deno.version.deno}) ` +
      "cannot be downloaded here: set DENORT_BIN to a local denort-x86_64-unknown-linux-gnu (or, " +
      "for several targets, to a directory of denort-<triple> files) and run again\n",
  );
  const left = [];
  for await (const e of Deno.readDir(tmp.path)) left.push(e.name);
  assertEquals(left, []);
});

Deno.test("compile: bad targets and runtimes are refused before building", async () => {
  let r = await compile(["--target", "plan9-amd64"], {});
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /^compile: unknown target plan9-amd64: use one of darwin-amd64, /);
  r = await compile(["--target", "linux-amd64", "--target", "linux-arm64"], {
    DENORT_BIN: Deno.execPath(),
  });
  assertEquals(
    r.stderr,
    `compile: DENORT_BIN=${Deno.execPath()} is one runtime: build one --target with it, or point ` +
      "DENORT_BIN at a directory of denort-<triple> files\n",
  );
  r = await compile(["--target", "linux-amd64"], { DENORT_BIN: "/nonexistent/denort" });
  assertEquals(
    r.stderr,
    `compile: DENORT_BIN=/nonexistent/denort does not exist: point it at denort ${Deno.version.deno}\n`,
  );
});
