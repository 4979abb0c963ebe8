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

/** Whether anything (a dangling link too) is at `path`; errors other than "not found" throw. */
export async function exists(path: string): Promise<boolean> {
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
  await writeOutputSet(deps, [{ path, data, mode: opts.mode }], opts);
}

/**
 * An error of os.WriteFile as Go words it: `open <path>: permission denied`,
 * `write <path>: no space left on device`.
 */
export function goWriteError(path: string, e: unknown): string {
  const opening = e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotFound ||
    e instanceof Deno.errors.IsADirectory;
  const reason = (e as Error).message.replace(/ \(os error \d+\).*$/s, "");
  return `${opening ? "open" : "write"} ${path}: ${reason.charAt(0).toLowerCase()}${
    reason.slice(1)
  }`;
}

export interface OutputFile {
  path: string;
  data: string | Uint8Array;
  /** Default 0o600. */
  mode?: number;
}

/**
 * Writes several files as one: every file is first written beside its target under a temporary
 * name, and only when all of them are complete are they renamed into place. A failure (disk
 * full, permission lost) removes what was written, so either every file is there or none of
 * those this call created is. Existing targets are refused unless `force`.
 */
export async function writeOutputSet(
  deps: Pick<Deps, "cwd">,
  files: OutputFile[],
  opts: { force: boolean },
): Promise<void> {
  for (const f of files) await ensureWritable(deps, [f.path], { force: opts.force });
  const staged: { tmp: string; target: string; path: string }[] = [];
  const fail = async (path: string, e: unknown): Promise<never> => {
    await Promise.all(staged.map((s) => Deno.remove(s.tmp).catch(() => {})));
    throw new UserError(goWriteError(path, e));
  };
  for (const f of files) {
    const target = resolvePath(deps, f.path);
    const slash = target.lastIndexOf("/");
    const dir = slash > 0 ? target.slice(0, slash) : "/";
    const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16))
      .join("");
    const tmp = `${dir}/.${target.slice(slash + 1)}.tmp-${suffix}`;
    const bytes = typeof f.data === "string" ? new TextEncoder().encode(f.data) : f.data;
    const mode = f.mode ?? 0o600;
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
      staged.push({ tmp, target, path: f.path });
      await Deno.writeFile(tmp, bytes, { mode, createNew: true });
      await Deno.chmod(tmp, mode);
    } catch (e) {
      await fail(f.path, e);
    }
  }
  const placed: string[] = [];
  for (const s of staged) {
    const existed = await exists(s.target);
    try {
      await Deno.rename(s.tmp, s.target);
    } catch (e) {
      // Undo the files this call created; replaced ones (--force) cannot come back.
      await Promise.all(placed.map((p) => Deno.remove(p).catch(() => {})));
      staged.splice(0, staged.indexOf(s));
      await fail(s.path, e);
    }
    if (!existed) placed.push(s.target);
  }
}

/** Reads a text file named on the command line; errors read as Go's `open x: ...`. */
export async function readInputFile(deps: Pick<Deps, "cwd">, path: string): Promise<string> {
  // Keeps a byte order mark, as Deno.readTextFile did.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await readInputBytes(deps, path));
}

/** Reads a file named on the command line as bytes; errors read as Go's `open x: ...`. */
export async function readInputBytes(deps: Pick<Deps, "cwd">, path: string): Promise<Uint8Array> {
  // os.ReadFile("") fails to open; resolving "" would name the working directory instead.
  if (path === "") throw new UserError("open : no such file or directory");
  try {
    return await Deno.readFile(resolvePath(deps, path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UserError(`open ${path}: no such file or directory`);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new UserError(`open ${path}: permission denied`);
    }
    if (e instanceof Deno.errors.IsADirectory) throw new UserError(`read ${path}: is a directory`);
    const { goOsReason } = await import("./files/extract.ts");
    throw new UserError(`open ${path}: ${goOsReason(e)}`);
  }
}

/**
 * Replaces (or creates) the file at `path` with `data`, mode exactly `mode`: written beside it
 * under a temporary name and renamed over it, so that no reader sees half a file.
 */
export async function replaceFile(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(tmp, typeof data === "string" ? new TextEncoder().encode(data) : data, {
      mode,
    });
    await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
