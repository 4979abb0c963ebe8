// `deno task gen`: regenerates gen/ from proto/ with buf and protoc-gen-es, both run from their
// npm packages (only the npm registry is needed). `deno task gen --check` regenerates into a
// temporary directory and fails when gen/ differs, which is how CI catches a stale gen/.

const BUF = "npm:@bufbuild/buf@1.75.0";
const root = new URL("..", import.meta.url).pathname;
/** The build tools' own config and lock, so that users of the CLI never download them. */
export const BUILD_CONFIG = `${root}tools/build.json`;

async function buf(args: string[]): Promise<void> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", BUILD_CONFIG, BUF, ...args],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await cmd.output();
  if (code !== 0) throw new Error(`buf ${args.join(" ")} failed with exit code ${code}`);
}

async function listFiles(dir: string, prefix = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) {
      for (const [k, v] of await listFiles(`${dir}/${e.name}`, rel + "/")) out.set(k, v);
    } else {
      out.set(rel, await Deno.readTextFile(`${dir}/${e.name}`));
    }
  }
  return out;
}

async function check(): Promise<boolean> {
  const tmp = await Deno.makeTempDir({ prefix: "talosctl-gen-" });
  try {
    await buf(["generate", "--output", tmp]);
    const fresh = await listFiles(`${tmp}/gen`);
    const current = await listFiles(`${root}gen`).catch(() => new Map<string, string>());
    const stale = [...new Set([...fresh.keys(), ...current.keys()])]
      .filter((f) => fresh.get(f) !== current.get(f)).sort();
    for (const f of stale) console.error(`gen/${f} is out of date`);
    if (stale.length > 0) console.error("gen/ is stale: run `deno task gen` and commit the result");
    return stale.length === 0;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--check")) {
    if (!(await check())) Deno.exit(1);
    console.log("gen/ is up to date");
  } else {
    await buf(["generate"]);
  }
}
