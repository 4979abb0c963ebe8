// Where `talosctl kubeconfig` writes, and how: the target path rules of talosctl and
// go-kubeconfig, loading an existing file, and atomic writes with mode 0600.

import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { parseKubeconfig } from "./kubeconfig.ts";
import type { Kubeconfig } from "./kubeconfig.ts";
import { errorMessage } from "../errors.ts";
import { writeAtomic } from "./atomic.ts";

export class KubeconfigPathError extends Error {
  override name = "KubeconfigPathError";
}

/** go-kubeconfig's SinglePath: `$KUBECONFIG` if it names exactly one file, else ~/.kube/config. */
export function singleKubeconfigPath(
  env: Record<string, string | undefined>,
  home: string,
): string {
  const value = env.KUBECONFIG ?? "";
  // Go's filepath.SplitList: "" is no path at all, "a:" is two paths.
  const paths = value === "" ? [] : value.split(":");
  if (paths.length > 1) throw new KubeconfigPathError("multiple kubeconfig files defined");
  if (paths.length === 1) return paths[0];
  if (home === "") throw new KubeconfigPathError("$HOME is not defined");
  return join(home, ".kube/config");
}

/** Go's filepath.Clean. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const out = normalize(p);
  return out.length > 1 ? out.replace(/\/+$/, "") : out;
}

export interface TargetInput {
  /** The [local-path] argument, if given. */
  arg?: string;
  merge: boolean;
  force: boolean;
  env: Record<string, string | undefined>;
  home: string;
  cwd: string;
}

export interface Target {
  /** The path as talosctl shows it (cleaned, relative if given relative); "-" for stdout. */
  path: string;
  /** Absolute path on disk. */
  abs: string;
  /** Merge into an existing file (false when the file does not exist yet). */
  merge: boolean;
  stdout: boolean;
}

async function statOrNull(abs: string, shown: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    // Go's wording: "stat <path>: permission denied".
    const why = err instanceof Deno.errors.PermissionDenied
      ? `stat ${shown}: permission denied`
      : err instanceof Deno.errors.NotADirectory
      ? `stat ${shown}: not a directory`
      : err instanceof Error
      ? err.message
      : String(err);
    throw new KubeconfigPathError(`error checking path ${JSON.stringify(shown)}: ${why}`);
  }
}

function goErrno(err: unknown): string {
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.AlreadyExists) return "file exists";
  if (err instanceof Deno.errors.NotADirectory) return "not a directory";
  if (err instanceof Deno.errors.NotFound) return "no such file or directory";
  return errorMessage(err);
}

/** Go's os.MkdirAll(path, 0755), errors worded as Go's (`mkdir <dir>: <reason>`). */
async function mkdirAll(path: string, abs: (p: string) => string): Promise<void> {
  const st = await Deno.stat(abs(path)).catch(() => null);
  if (st !== null) {
    if (st.isDirectory) return;
    throw new KubeconfigPathError(`mkdir ${path}: not a directory`);
  }
  const parent = path.replace(/\/+$/, "").replace(/[^/]*$/, "");
  if (parent.length > 1) await mkdirAll(parent.replace(/\/+$/, "") || "/", abs);
  try {
    await Deno.mkdir(abs(path), { mode: 0o755 });
  } catch (err) {
    const now = await Deno.lstat(abs(path)).catch(() => null);
    if (now?.isDirectory) return;
    throw new KubeconfigPathError(`mkdir ${path}: ${goErrno(err)}`);
  }
}

/**
 * Resolves the file `talosctl kubeconfig` writes: no argument means $KUBECONFIG or
 * ~/.kube/config when merging, else the working directory; a directory means
 * `<dir>/kubeconfig`; an existing file needs --force or --merge; `-` is stdout. As talosctl,
 * a path that does not exist gets its parent directories created here, before the download.
 */
export async function resolveKubeconfigTarget(input: TargetInput): Promise<Target> {
  let path = input.arg ?? (input.merge ? singleKubeconfigPath(input.env, input.home) : input.cwd);
  path = cleanPath(path);
  const abs = (p: string) => isAbsolute(p) ? p : resolve(input.cwd, p);
  const first = await statOrNull(abs(path), path);
  if (first === null) await mkdirAll(cleanPath(dirname(path)), abs);
  if (first?.isDirectory) path = join(path, "kubeconfig");
  const existing = first?.isDirectory ? await statOrNull(abs(path), path) : first;
  if (existing !== null && !(input.force || input.merge)) {
    throw new KubeconfigPathError(
      `kubeconfig file already exists, use --force to overwrite: ${JSON.stringify(path)}`,
    );
  }
  const merge = existing !== null && input.merge;
  return { path, abs: abs(path), merge, stdout: !merge && path === "-" };
}

/** Reads and parses an existing kubeconfig file. */
export async function loadKubeconfigFile(abs: string, shown = abs): Promise<Kubeconfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(abs);
  } catch (err) {
    const why = errorMessage(err);
    throw new KubeconfigPathError(`error reading kubeconfig ${JSON.stringify(shown)}: ${why}`);
  }
  try {
    return await parseKubeconfig(text);
  } catch (err) {
    const why = errorMessage(err);
    throw new KubeconfigPathError(`error loading kubeconfig ${JSON.stringify(shown)}: ${why}`);
  }
}

/**
 * Writes `data` to `abs` atomically with mode 0600 (see atomic.ts). Missing parent directories
 * are created 0755, as client-go does; a symlink at `abs` is followed.
 */
export function writeFileAtomic(abs: string, data: string | Uint8Array): Promise<void> {
  return writeAtomic(abs, data, { dirMode: 0o755 });
}
