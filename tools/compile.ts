// `deno task compile`: one self-contained executable per platform talosctl is released for, named
// as upstream names its release assets (talosctl-<os>-<arch>, .exe for Windows), and
// sha256sum.txt beside them in `sha256sum`'s format, as upstream's releases carry.
//
//   deno task compile [--target <os>-<arch> | <triple>]... [--out-dir <dir>]
//
// deno compile embeds the program into Deno's runtime, denort, which it downloads for each target
// (dl.deno.land) unless it is cached in DENO_DIR. DENORT_BIN names a local copy instead: a file
// (for a single target) or a directory of denort-<triple> files (denort-<triple>.exe for
// Windows), as unzipped from Deno's release assets denort-<triple>.zip.

export interface Target {
  /** "<os>-<arch>" as in upstream's asset names */
  name: string;
  /** Deno's --target triple */
  triple: string;
  windows?: boolean;
}

export const TARGETS: Target[] = [
  { name: "darwin-amd64", triple: "x86_64-apple-darwin" },
  { name: "darwin-arm64", triple: "aarch64-apple-darwin" },
  { name: "linux-amd64", triple: "x86_64-unknown-linux-gnu" },
  { name: "linux-arm64", triple: "aarch64-unknown-linux-gnu" },
  { name: "windows-amd64", triple: "x86_64-pc-windows-msvc", windows: true },
];

export const assetName = (t: Target) => `talosctl-${t.name}${t.windows ? ".exe" : ""}`;
const runtimeName = (t: Target) => `denort-${t.triple}${t.windows ? ".exe" : ""}`;

const root = new URL("../", import.meta.url).pathname;

function fail(message: string): never {
  console.error(`compile: ${message}`);
  Deno.exit(1);
}

function parseArgs(args: string[]): { targets: Target[]; outDir: string } {
  const targets: Target[] = [];
  let outDir = `${root}dist`;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--target") {
      const v = value();
      const t = TARGETS.find((t) => t.name === v || t.triple === v);
      if (!t) fail(`unknown target ${v}: use one of ${TARGETS.map((t) => t.name).join(", ")}`);
      if (!targets.includes(t)) targets.push(t);
    } else if (flag === "--out-dir") {
      outDir = value();
    } else {
      fail(`unknown argument ${args[i]} (usage: --target <os>-<arch>... --out-dir <dir>)`);
    }
  }
  return { targets: targets.length > 0 ? targets : TARGETS, outDir };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The local denort for each target from DENORT_BIN, or undefined to let deno compile fetch it. */
async function runtimes(targets: Target[]): Promise<Map<Target, string> | undefined> {
  const bin = Deno.env.get("DENORT_BIN");
  if (!bin) return undefined;
  const out = new Map<Target, string>();
  const info = await Deno.stat(bin).catch(() => undefined);
  if (info?.isDirectory) {
    for (const t of targets) {
      const path = `${bin}/${runtimeName(t)}`;
      if (!(await isFile(path))) fail(`DENORT_BIN=${bin} has no ${runtimeName(t)} for ${t.name}`);
      out.set(t, path);
    }
  } else if (info?.isFile) {
    if (targets.length > 1) {
      fail(
        `DENORT_BIN=${bin} is one runtime: build one --target with it, or point DENORT_BIN ` +
          `at a directory of denort-<triple> files`,
      );
    }
    out.set(targets[0], bin);
  } else {
    fail(`DENORT_BIN=${bin} does not exist: point it at denort ${Deno.version.deno}`);
  }
  return out;
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  return { ok: out.success, code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

async function main(): Promise<void> {
  // An empty DENORT_BIN means unset (deno compile would read the file "" otherwise).
  if (Deno.env.get("DENORT_BIN") === "") Deno.env.delete("DENORT_BIN");
  const { targets, outDir } = parseArgs(Deno.args);
  const local = await runtimes(targets);
  await Deno.mkdir(outDir, { recursive: true });
  // Type-check once, then compile every target without checking again.
  const check = await run(["check", "--quiet", `${root}main.ts`]);
  if (!check.ok) {
    await Deno.stderr.write(new TextEncoder().encode(check.stderr));
    fail("type check failed");
  }
  const built: string[] = [];
  for (const t of targets) {
    const output = `${outDir}/${assetName(t)}`;
    const runtime = local?.get(t);
    const r = await run(
      ["compile", "--quiet", "--no-check", "--allow-all", "--target", t.triple, "--output", output]
        .concat(`${root}main.ts`),
      runtime ? { DENORT_BIN: runtime } : {},
    );
    if (!r.ok) {
      await Deno.remove(output).catch(() => {});
      if (!runtime && /dl\.deno\.land|denort|base binary/i.test(r.stderr)) {
        fail(
          `Deno's runtime for ${t.name} (denort-${t.triple}.zip, v${Deno.version.deno}) cannot ` +
            `be downloaded here: set DENORT_BIN to a local ${runtimeName(t)} (or, for several ` +
            `targets, to a directory of denort-<triple> files) and run again`,
        );
      }
      await Deno.stderr.write(new TextEncoder().encode(r.stderr));
      fail(`deno compile for ${t.name} failed (exit ${r.code})`);
    }
    built.push(assetName(t));
    console.error(`compile: wrote ${output}`);
  }
  // sha256sum's format: hex digest, two spaces (text mode), file name; sorted by name.
  let sums = "";
  for (const name of built.sort()) sums += `${await sha256(`${outDir}/${name}`)}  ${name}\n`;
  const tmp = `${outDir}/.sha256sum.txt.${Deno.pid}`;
  await Deno.writeTextFile(tmp, sums);
  await Deno.rename(tmp, `${outDir}/sha256sum.txt`);
  console.error(`compile: wrote ${outDir}/sha256sum.txt`);
}

if (import.meta.main) await main();
