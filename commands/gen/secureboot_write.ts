// Output of the `gen secureboot` commands: <output>/<name> paths joined as Go's filepath.Join
// does, a `writing <path>` line on stderr for each, existing files refused unless --force (the
// first one named, before anything is written), the output directory created 0700, and every
// file written 0600 as one atomic set.

import { goPathClean } from "../../gofmt/path.ts";
import { bool, type RunContext, str } from "../spec.ts";
import { ensureWritable, resolvePath, writeOutputSet } from "../files.ts";

/** filepath.Join(dir, name): an empty directory adds nothing. */
export function outputPath(dir: string, name: string): string {
  return dir === "" ? goPathClean(name) : goPathClean(`${dir}/${name}`);
}

export async function writeSecureBootFiles(
  ctx: RunContext,
  files: { name: string; data: string | Uint8Array }[],
): Promise<void> {
  const dir = str(ctx, "output");
  const out = files.map((f) => ({ path: outputPath(dir, f.name), data: f.data, mode: 0o600 }));
  const force = bool(ctx, "force");
  await ensureWritable(ctx.deps, out.map((f) => f.path), { force });
  if (goPathClean(dir) !== ".") {
    await Deno.mkdir(resolvePath(ctx.deps, goPathClean(dir)), { recursive: true, mode: 0o700 });
  }
  for (const f of out) await ctx.deps.io.stderr.write(`writing ${f.path}\n`);
  await writeOutputSet(ctx.deps, out, { force: true });
}
