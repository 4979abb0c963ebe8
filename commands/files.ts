// Writing output files the way every generating command should: relative paths resolve against
// deps.cwd, existing files are refused unless --force, data lands atomically (temp file in the
// same directory + rename) with an explicit mode (0600 for anything holding key material).

import { UserError } from "../errors.ts";
import type { Deps } from "./deps.ts";

export interface WriteOptions {
  /** Overwrite an existing file (the `gen -f/--force` flag). */
  force: boolean;
  /** File mode, applied exactly (not subject to umask). Default 0o600. */
  mode?: number;
}

/** `path` resolved against the command's working directory. */
export function resolvePath(deps: Pick<Deps, "cwd">, path: string): string {
  if (path.startsWith("/")) return path;
  return `${deps.cwd.replace(/\/+$/, "")}/${path}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** talosctl's refusal message; `path` is shown as the user gave it. */
export function alreadyExistsMessage(path: string): string {
  return `file ${JSON.stringify(path)} already exists, use --force to overwrite`;
}

/**
 * Checks that none of `paths` exists (unless `force`). With `multi`, problems are reported
 * together in go-multierror's format, as talosctl does for commands writing several files.
 */
export async function ensureWritable(
  deps: Pick<Deps, "cwd">,
  paths: string[],
  opts: { force: boolean; multi?: boolean },
): Promise<void> {
  if (opts.force) return;
  const taken: string[] = [];
  for (const p of paths) if (await exists(resolvePath(deps, p))) taken.push(p);
  if (taken.length === 0) return;
  if (!opts.multi) throw new UserError(alreadyExistsMessage(taken[0]));
  const head = taken.length === 1 ? "1 error occurred:" : `${taken.length} errors occurred:`;
  const lines = taken.map((p) => `\t* ${alreadyExistsMessage(p)}`).join("\n");
  throw new UserError(`${head}\n${lines}\n\n`);
}

/**
 * Writes `data` to `path` atomically with `mode` (default 0600). Refuses to replace an existing
 * file unless `force`, with `file "x" already exists, use --force to overwrite`.
 * Missing parent directories are created (0755).
 */
export async function writeOutputFile(
  deps: Pick<Deps, "cwd">,
  path: string,
  data: string | Uint8Array,
  opts: WriteOptions,
): Promise<void> {
  await ensureWritable(deps, [path], { force: opts.force });
  const target = resolvePath(deps, path);
  const slash = target.lastIndexOf("/");
  const dir = slash > 0 ? target.slice(0, slash) : "/";
  await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16))
    .join("");
  const tmp = `${dir}/.${target.slice(slash + 1)}.tmp-${suffix}`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const mode = opts.mode ?? 0o600;
  try {
    await Deno.writeFile(tmp, bytes, { mode, createNew: true });
    await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotFound) {
      throw new UserError(`open ${path}: ${e.message}`);
    }
    throw e;
  }
}

/** Reads a text file named on the command line; errors read as Go's `open x: ...`. */
export async function readInputFile(deps: Pick<Deps, "cwd">, path: string): Promise<string> {
  // os.ReadFile("") fails to open; resolving "" would name the working directory instead.
  if (path === "") throw new UserError("open : no such file or directory");
  try {
    return await Deno.readTextFile(resolvePath(deps, path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UserError(`open ${path}: no such file or directory`);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new UserError(`open ${path}: permission denied`);
    }
    if (e instanceof Deno.errors.IsADirectory) throw new UserError(`read ${path}: is a directory`);
    throw new UserError(`open ${path}: ${(e as Error).message}`);
  }
}
