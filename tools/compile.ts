// `deno task compile`: builds dist/talosctl, one self-contained executable, with `deno compile`.
// deno compile needs the `denort` runtime matching this Deno; it is normally downloaded, which
// is impossible offline, so DENORT_BIN (a path to a local denort) is honoured and checked first.
//
//   deno task compile [--target <triple>] [--output <path>]

const root = new URL("../", import.meta.url).pathname;

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

function fail(message: string): never {
  console.error(`compile: ${message}`);
  Deno.exit(1);
}

const output = arg("--output") ?? `${root}dist/talosctl`;
const target = arg("--target");
const denort = Deno.env.get("DENORT_BIN");
if (denort !== undefined) {
  let ok = false;
  try {
    ok = (await Deno.stat(denort)).isFile;
  } catch {
    ok = false;
  }
  if (!ok) {
    fail(`DENORT_BIN=${denort} is not a file: point it at the denort ${Deno.version.deno} binary`);
  }
}

const args = [
  "compile",
  "--allow-all",
  "--output",
  output,
  ...(target ? ["--target", target] : []),
  `${root}main.ts`,
];
const out = await new Deno.Command(Deno.execPath(), {
  args,
  cwd: root,
  stdout: "inherit",
  stderr: "piped",
}).output();
const stderr = new TextDecoder().decode(out.stderr);
if (!out.success) {
  await Deno.stderr.write(out.stderr);
  if (denort === undefined && /denort|download|dl\.deno\.land|network|dns|connect/i.test(stderr)) {
    fail(
      `deno compile could not download the denort runtime (no network access?). ` +
        `Set DENORT_BIN to a local denort ${Deno.version.deno} binary and run again.`,
    );
  }
  fail(`deno compile failed (exit ${out.code})`);
}
await Deno.stderr.write(out.stderr);
console.error(`compile: wrote ${output}`);
